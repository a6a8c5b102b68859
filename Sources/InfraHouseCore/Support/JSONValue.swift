/// A JSON document as a value: what the AWS JSON protocols send and receive.
///
/// Numbers keep their text (`.number("12.50")`) so nothing is lost between
/// DynamoDB's decimal strings and the wire. Parsing and serialising are
/// hand-written over bytes: they are on every AWS call's hot path.
public enum JSONValue: Sendable, Equatable, ExpressibleByStringLiteral,
  ExpressibleByDictionaryLiteral,
  ExpressibleByArrayLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral
{
  case null
  case bool(Bool)
  case number(String)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  public init(stringLiteral value: String) { self = .string(value) }
  public init(booleanLiteral value: Bool) { self = .bool(value) }
  public init(integerLiteral value: Int) { self = .number(String(value)) }
  public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
  public init(dictionaryLiteral elements: (String, JSONValue)...) {
    var d: [String: JSONValue] = [:]
    for (k, v) in elements { d[k] = v }
    self = .object(d)
  }

  /// The member `key` of an object; nil for anything else.
  public subscript(key: String) -> JSONValue? {
    if case .object(let d) = self { return d[key] }
    return nil
  }

  public var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }
  public var intValue: Int? {
    switch self {
    case .number(let n): Int(n) ?? Double(n).flatMap { Int(exactly: $0) }
    case .string(let s): Int(s)
    default: nil
    }
  }
  public var doubleValue: Double? {
    if case .number(let n) = self { return Double(n) }
    return nil
  }
  public var boolValue: Bool? {
    if case .bool(let b) = self { return b }
    return nil
  }
  public var arrayValue: [JSONValue]? {
    if case .array(let a) = self { return a }
    return nil
  }
  /// An array whose elements are all strings, as `[String]`; nil for anything else.
  public var stringArrayValue: [String]? {
    guard case .array(let a) = self else { return nil }
    var out: [String] = []
    out.reserveCapacity(a.count)
    for element in a {
      guard case .string(let s) = element else { return nil }
      out.append(s)
    }
    return out
  }
  public var objectValue: [String: JSONValue]? {
    if case .object(let o) = self { return o }
    return nil
  }
}

/// Why a JSON text could not be parsed.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
  /// Byte offset of the problem.
  public var offset: Int
  public var reason: String
  public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

extension JSONValue {
  /// Parses one JSON text (RFC 8259), nesting at most 512 deep.
  public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
    var parser = JSONParser(bytes: bytes)
    parser.skipSpace()
    let value = try parser.value(depth: 0)
    parser.skipSpace()
    guard parser.i == bytes.count else {
      throw JSONParseError(offset: parser.i, reason: "trailing data")
    }
    return value
  }

  /// Parses UTF-8 text.
  public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
    try parse(Array(text.utf8))
  }

  /// Compact JSON text, object keys sorted (deterministic output).
  public func serialized() -> [UInt8] {
    var out = [UInt8]()
    out.reserveCapacity(256)
    write(into: &out)
    return out
  }

  /// ``serialized()`` as a String.
  public var jsonText: String { String(decoding: serialized(), as: UTF8.self) }

  private func write(into out: inout [UInt8]) {
    switch self {
    case .null: out.append(contentsOf: "null".utf8)
    case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
    case .number(let n): out.append(contentsOf: n.utf8)
    case .string(let s): Self.writeString(s, into: &out)
    case .array(let a):
      out.append(UInt8(ascii: "["))
      for (i, v) in a.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        v.write(into: &out)
      }
      out.append(UInt8(ascii: "]"))
    case .object(let o):
      out.append(UInt8(ascii: "{"))
      for (i, k) in o.keys.sorted().enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        Self.writeString(k, into: &out)
        out.append(UInt8(ascii: ":"))
        o[k]!.write(into: &out)
      }
      out.append(UInt8(ascii: "}"))
    }
  }

  private static func writeString(_ s: String, into out: inout [UInt8]) {
    let hex = Array("0123456789abcdef".utf8)
    out.append(UInt8(ascii: "\""))
    for b in s.utf8 {
      switch b {
      case UInt8(ascii: "\""): out.append(contentsOf: [92, 34])
      case UInt8(ascii: "\\"): out.append(contentsOf: [92, 92])
      case 0x0A: out.append(contentsOf: [92, UInt8(ascii: "n")])
      case 0x0D: out.append(contentsOf: [92, UInt8(ascii: "r")])
      case 0x09: out.append(contentsOf: [92, UInt8(ascii: "t")])
      case 0..<0x20:
        out.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(b >> 4)], hex[Int(b & 15)]])
      default: out.append(b)
      }
    }
    out.append(UInt8(ascii: "\""))
  }
}

struct JSONParser {
  let bytes: [UInt8]
  var i = 0

  mutating func skipSpace() {
    while i < bytes.count,
      bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09
    { i += 1 }
  }

  func fail(_ reason: String) -> JSONParseError { JSONParseError(offset: i, reason: reason) }

  mutating func value(depth: Int) throws(JSONParseError) -> JSONValue {
    guard depth < 512 else { throw fail("nested too deeply") }
    guard i < bytes.count else { throw fail("unexpected end") }
    switch bytes[i] {
    case UInt8(ascii: "{"):
      i += 1
      var object: [String: JSONValue] = [:]
      skipSpace()
      if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
        i += 1
        return .object(object)
      }
      while true {
        skipSpace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a key") }
        let key = try string()
        skipSpace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':'") }
        i += 1
        skipSpace()
        object[key] = try value(depth: depth + 1)
        skipSpace()
        guard i < bytes.count else { throw fail("unterminated object") }
        if bytes[i] == UInt8(ascii: ",") {
          i += 1
        } else if bytes[i] == UInt8(ascii: "}") {
          i += 1
          return .object(object)
        } else {
          throw fail("expected ',' or '}'")
        }
      }
    case UInt8(ascii: "["):
      i += 1
      var array: [JSONValue] = []
      skipSpace()
      if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
        i += 1
        return .array(array)
      }
      while true {
        skipSpace()
        array.append(try value(depth: depth + 1))
        skipSpace()
        guard i < bytes.count else { throw fail("unterminated array") }
        if bytes[i] == UInt8(ascii: ",") {
          i += 1
        } else if bytes[i] == UInt8(ascii: "]") {
          i += 1
          return .array(array)
        } else {
          throw fail("expected ',' or ']'")
        }
      }
    case UInt8(ascii: "\""): return .string(try string())
    case UInt8(ascii: "t"):
      try literal("true")
      return .bool(true)
    case UInt8(ascii: "f"):
      try literal("false")
      return .bool(false)
    case UInt8(ascii: "n"):
      try literal("null")
      return .null
    default: return try number()
    }
  }

  mutating func literal(_ word: String) throws(JSONParseError) {
    let w = Array(word.utf8)
    guard i + w.count <= bytes.count, Array(bytes[i..<(i + w.count)]) == w else {
      throw fail("bad literal")
    }
    i += w.count
  }

  mutating func number() throws(JSONParseError) -> JSONValue {
    let start = i
    if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
    var digits = 0
    while i < bytes.count, (48...57).contains(bytes[i]) {
      i += 1
      digits += 1
    }
    guard digits > 0 else { throw fail("bad value") }
    if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
      i += 1
      var frac = 0
      while i < bytes.count, (48...57).contains(bytes[i]) {
        i += 1
        frac += 1
      }
      guard frac > 0 else { throw fail("bad number") }
    }
    if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
      i += 1
      if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
      var exp = 0
      while i < bytes.count, (48...57).contains(bytes[i]) {
        i += 1
        exp += 1
      }
      guard exp > 0 else { throw fail("bad exponent") }
    }
    return .number(String(decoding: bytes[start..<i], as: UTF8.self))
  }

  mutating func hex4() throws(JSONParseError) -> UInt32 {
    guard i + 4 <= bytes.count else { throw fail("bad \\u escape") }
    var v: UInt32 = 0
    for _ in 0..<4 {
      let c = bytes[i]
      let d: UInt32
      switch c {
      case 48...57: d = UInt32(c - 48)
      case 97...102: d = UInt32(c - 87)
      case 65...70: d = UInt32(c - 55)
      default: throw fail("bad \\u escape")
      }
      v = v << 4 | d
      i += 1
    }
    return v
  }

  mutating func string() throws(JSONParseError) -> String {
    i += 1  // opening quote
    let start = i
    // Fast path: no escapes.
    while i < bytes.count, bytes[i] != UInt8(ascii: "\""), bytes[i] != UInt8(ascii: "\\") {
      guard bytes[i] >= 0x20 else { throw fail("control character in string") }
      i += 1
    }
    guard i < bytes.count else { throw fail("unterminated string") }
    if bytes[i] == UInt8(ascii: "\"") {
      i += 1
      return String(decoding: bytes[start..<(i - 1)], as: UTF8.self)
    }
    var out = Array(bytes[start..<i])
    while i < bytes.count {
      let c = bytes[i]
      if c == UInt8(ascii: "\"") {
        i += 1
        return String(decoding: out, as: UTF8.self)
      }
      if c == UInt8(ascii: "\\") {
        i += 1
        guard i < bytes.count else { break }
        let e = bytes[i]
        i += 1
        switch e {
        case UInt8(ascii: "\""): out.append(34)
        case UInt8(ascii: "\\"): out.append(92)
        case UInt8(ascii: "/"): out.append(47)
        case UInt8(ascii: "b"): out.append(8)
        case UInt8(ascii: "f"): out.append(12)
        case UInt8(ascii: "n"): out.append(10)
        case UInt8(ascii: "r"): out.append(13)
        case UInt8(ascii: "t"): out.append(9)
        case UInt8(ascii: "u"):
          var scalar = try hex4()
          if (0xD800..<0xDC00).contains(scalar), i + 1 < bytes.count, bytes[i] == 92,
            bytes[i + 1] == UInt8(ascii: "u")
          {
            i += 2
            let low = try hex4()
            if (0xDC00..<0xE000).contains(low) {
              scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else {
              scalar = 0xFFFD
            }
          }
          out.append(contentsOf: String(Character(Unicode.Scalar(scalar) ?? "\u{FFFD}")).utf8)
        default: throw fail("bad escape")
        }
        continue
      }
      guard c >= 0x20 else { throw fail("control character in string") }
      out.append(c)
      i += 1
    }
    throw fail("unterminated string")
  }
}
