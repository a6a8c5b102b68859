/// RFC 3986 percent-encoding as AWS signing and query bodies need it.
public enum PercentEncoding {
  /// Encodes every byte except the unreserved set `A-Z a-z 0-9 - _ . ~`
  /// (and `/` when `keepSlash`), with upper-case hex digits.
  public static func encode(_ string: String, keepSlash: Bool = false) -> String {
    let hex = Array("0123456789ABCDEF".utf8)
    var out = [UInt8]()
    out.reserveCapacity(string.utf8.count)
    for b in string.utf8 {
      switch b {
      case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"),
        UInt8(ascii: "."),
        UInt8(ascii: "~"):
        out.append(b)
      case UInt8(ascii: "/") where keepSlash:
        out.append(b)
      default:
        out.append(UInt8(ascii: "%"))
        out.append(hex[Int(b >> 4)])
        out.append(hex[Int(b & 0x0f)])
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// Decodes `%XX` escapes (and `+` as a space when `plusIsSpace`); bad escapes stay as they are.
  public static func decode(_ string: String, plusIsSpace: Bool = false) -> String {
    let bytes = Array(string.utf8)
    var out = [UInt8]()
    out.reserveCapacity(bytes.count)
    var i = 0
    func value(_ c: UInt8) -> UInt8? {
      switch c {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
      default: nil
      }
    }
    while i < bytes.count {
      let b = bytes[i]
      if b == UInt8(ascii: "%"), i + 2 < bytes.count, let h = value(bytes[i + 1]),
        let l = value(bytes[i + 2])
      {
        out.append(h << 4 | l)
        i += 3
      } else {
        out.append(b == UInt8(ascii: "+") && plusIsSpace ? UInt8(ascii: " ") : b)
        i += 1
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// `k1=v1&k2=v2`, each side encoded, in the given order.
  public static func formBody(_ pairs: [(String, String)]) -> String {
    pairs.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
  }
}
