/// Durations as the configuration writes them: `"250ms"`, `"30s"`, `"5m"`, `"1h30m"`.
///
/// A duration is one or more groups of digits and a unit, units from largest to
/// smallest and each at most once: `h`, `m`, `s`, `ms`. Precision is one millisecond.
public enum DurationSyntax {
  private static let units: [(name: String, milliseconds: Int64)] = [
    ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1),
  ]

  /// The duration `text` denotes, or nil if it is not a valid duration.
  public static func parse(_ text: String) -> Duration? {
    let bytes = Array(text.utf8)
    guard !bytes.isEmpty else { return nil }
    var index = 0
    var total: Int64 = 0
    var lastUnit = -1
    while index < bytes.count {
      var number: Int64 = 0
      let start = index
      while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
        guard index - start < 12 else { return nil }
        number = number * 10 + Int64(bytes[index] - 0x30)
        index += 1
      }
      guard index > start else { return nil }
      let unitStart = index
      while index < bytes.count, bytes[index] >= 0x61, bytes[index] <= 0x7A { index += 1 }
      let unit = String(decoding: bytes[unitStart..<index], as: UTF8.self)
      guard let position = units.firstIndex(where: { $0.name == unit }), position > lastUnit else {
        return nil
      }
      lastUnit = position
      let (product, overflow) = number.multipliedReportingOverflow(by: units[position].milliseconds)
      guard !overflow, total <= Int64.max - product else { return nil }
      total += product
    }
    return .milliseconds(total)
  }

  /// The canonical text of `duration` (`"1h30m"`, `"250ms"`, `"0s"`), to the millisecond.
  public static func render(_ duration: Duration) -> String {
    var remaining = milliseconds(duration)
    guard remaining > 0 else { return "0s" }
    var text = ""
    for unit in units where remaining >= unit.milliseconds {
      text += "\(remaining / unit.milliseconds)\(unit.name)"
      remaining %= unit.milliseconds
    }
    return text
  }

  /// Whole milliseconds in `duration` (truncated).
  public static func milliseconds(_ duration: Duration) -> Int64 {
    let (seconds, attoseconds) = duration.components
    return seconds * 1000 + attoseconds / 1_000_000_000_000_000
  }
}
