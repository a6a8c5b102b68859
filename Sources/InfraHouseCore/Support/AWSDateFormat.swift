#if canImport(Glibc)
  import Glibc
#endif

/// The date formats AWS uses, formatted and parsed without Foundation's formatters.
public enum AWSDateFormat {
  /// `20150830T123600Z` (SigV4's `X-Amz-Date`).
  public static func amzDate(_ date: Timestamp) -> String {
    let t = brokenDown(date)
    return pad(t.year, 4) + pad(t.month, 2) + pad(t.day, 2) + "T" + pad(t.hour, 2)
      + pad(t.minute, 2)
      + pad(t.second, 2) + "Z"
  }

  /// `2015-08-30T12:36:00Z`
  public static func iso8601(_ date: Timestamp) -> String {
    let t = brokenDown(date)
    return pad(t.year, 4) + "-" + pad(t.month, 2) + "-" + pad(t.day, 2) + "T" + pad(t.hour, 2) + ":"
      + pad(t.minute, 2) + ":" + pad(t.second, 2) + "Z"
  }

  /// Parses `2015-08-30T12:36:00Z`, with optional fractional seconds and a `Z` or `±hh:mm` offset.
  public static func parseISO8601(_ string: String) -> Timestamp? {
    let b = Array(string.utf8)
    func num(_ from: Int, _ count: Int) -> Int? {
      guard from + count <= b.count else { return nil }
      var v = 0
      for c in b[from..<(from + count)] {
        guard c >= 48 && c <= 57 else { return nil }
        v = v * 10 + Int(c - 48)
      }
      return v
    }
    guard b.count >= 19, let y = num(0, 4), b[4] == UInt8(ascii: "-"), let mo = num(5, 2),
      b[7] == UInt8(ascii: "-"), let d = num(8, 2),
      b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: " "),
      let h = num(11, 2), let mi = num(14, 2), let s = num(17, 2)
    else { return nil }
    var i = 19
    var fraction = 0.0
    if i < b.count, b[i] == UInt8(ascii: ".") {
      i += 1
      var scale = 0.1
      while i < b.count, b[i] >= 48, b[i] <= 57 {
        fraction += Double(b[i] - 48) * scale
        scale /= 10
        i += 1
      }
    }
    var offset = 0
    if i < b.count {
      switch b[i] {
      case UInt8(ascii: "Z"), UInt8(ascii: "z"): break
      case UInt8(ascii: "+"), UInt8(ascii: "-"):
        guard let oh = num(i + 1, 2), let om = num(i + 4, 2) else { return nil }
        offset = (oh * 3600 + om * 60) * (b[i] == UInt8(ascii: "-") ? -1 : 1)
      default: return nil
      }
    }
    guard let epoch = epochSeconds(year: y, month: mo, day: d, hour: h, minute: mi, second: s)
    else { return nil }
    return Timestamp(secondsSince1970: Double(epoch - offset) + fraction)
  }

  /// Parses an HTTP `Date` header: `Fri, 04 Dec 2026 15:35:13 GMT`.
  public static func parseHTTPDate(_ string: String) -> Timestamp? {
    let parts = string.split(separator: " ")
    guard parts.count == 6, let day = Int(parts[1]), let year = Int(parts[3]) else { return nil }
    let months = [
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    guard let m = months.firstIndex(of: String(parts[2])) else { return nil }
    let hms = parts[4].split(separator: ":").compactMap { Int($0) }
    guard hms.count == 3,
      let epoch = epochSeconds(
        year: year, month: m + 1, day: day, hour: hms[0], minute: hms[1], second: hms[2])
    else { return nil }
    return Timestamp(secondsSince1970: Double(epoch))
  }

  static func epochSeconds(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int)
    -> Int?
  {
    guard (1...12).contains(month), (1...31).contains(day), (0...23).contains(hour),
      (0...59).contains(minute),
      (0...60).contains(second)
    else { return nil }
    // Days from civil (Howard Hinnant's algorithm).
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (month + 9) % 12
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    let days = era * 146097 + doe - 719468
    return days * 86400 + hour * 3600 + minute * 60 + second
  }

  private static func brokenDown(_ date: Timestamp) -> (
    year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int
  ) {
    var t = time_t(date.secondsSince1970.rounded(.down))
    var out = tm()
    gmtime_r(&t, &out)
    return (
      Int(out.tm_year) + 1900, Int(out.tm_mon) + 1, Int(out.tm_mday), Int(out.tm_hour),
      Int(out.tm_min), Int(out.tm_sec)
    )
  }

  private static func pad(_ v: Int, _ width: Int) -> String {
    let s = String(v)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
  }
}
