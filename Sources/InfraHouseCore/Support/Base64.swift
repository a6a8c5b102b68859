/// Standard Base64 (RFC 4648 §4, with padding), as DynamoDB's binary attributes
/// and Secrets Manager's `SecretBinary` carry bytes in JSON.
public enum Base64 {
  private static let alphabet = Array(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

  /// The Base64 text of `bytes`.
  public static func encode(_ bytes: some Collection<UInt8>) -> String {
    let input = Array(bytes)
    var out: [UInt8] = []
    out.reserveCapacity((input.count + 2) / 3 * 4)
    var i = 0
    while i + 3 <= input.count {
      let n = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
      for shift in [18, 12, 6, 0] { out.append(alphabet[Int(n >> UInt32(shift)) & 63]) }
      i += 3
    }
    let rest = input.count - i
    if rest > 0 {
      var n = UInt32(input[i]) << 16
      if rest == 2 { n |= UInt32(input[i + 1]) << 8 }
      out.append(alphabet[Int(n >> 18) & 63])
      out.append(alphabet[Int(n >> 12) & 63])
      out.append(rest == 2 ? alphabet[Int(n >> 6) & 63] : UInt8(ascii: "="))
      out.append(UInt8(ascii: "="))
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// The bytes that `text` encodes, or nil if it is not padded Base64
  /// (a length that is not a multiple of 4, a character outside the alphabet,
  /// padding anywhere but at the end).
  public static func decode(_ text: String) -> [UInt8]? {
    let input = Array(text.utf8)
    guard input.count % 4 == 0 else { return nil }
    var out: [UInt8] = []
    out.reserveCapacity(input.count / 4 * 3)
    var i = 0
    while i < input.count {
      var n: UInt32 = 0
      var padding = 0
      for j in 0..<4 {
        let c = input[i + j]
        let last = i + 4 == input.count
        if c == UInt8(ascii: "=") && last && j >= 2 {
          padding += 1
          n <<= 6
          continue
        }
        guard padding == 0, let v = value(of: c) else { return nil }
        n = n << 6 | UInt32(v)
      }
      out.append(UInt8(truncatingIfNeeded: n >> 16))
      if padding < 2 { out.append(UInt8(truncatingIfNeeded: n >> 8)) }
      if padding < 1 { out.append(UInt8(truncatingIfNeeded: n)) }
      i += 4
    }
    return out
  }

  private static func value(of c: UInt8) -> UInt8? {
    switch c {
    case UInt8(ascii: "A")...UInt8(ascii: "Z"): c - UInt8(ascii: "A")
    case UInt8(ascii: "a")...UInt8(ascii: "z"): c - UInt8(ascii: "a") + 26
    case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0") + 52
    case UInt8(ascii: "+"): 62
    case UInt8(ascii: "/"): 63
    default: nil
    }
  }
}
