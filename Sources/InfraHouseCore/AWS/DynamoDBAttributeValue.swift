/// A typed DynamoDB attribute value, as in the JSON wire format (`{"S": "x"}`).
public indirect enum AttributeValue: Sendable, Equatable, ExpressibleByStringLiteral,
  ExpressibleByIntegerLiteral,
  ExpressibleByBooleanLiteral
{
  case s(String)
  /// A number, kept as its decimal text.
  case n(String)
  case b([UInt8])
  case bool(Bool)
  case null
  case ss([String])
  case ns([String])
  case bs([[UInt8]])
  case l([AttributeValue])
  case m([String: AttributeValue])

  public init(stringLiteral value: String) { self = .s(value) }
  public init(integerLiteral value: Int) { self = .n(String(value)) }
  public init(booleanLiteral value: Bool) { self = .bool(value) }

  /// A number attribute.
  public static func number<T: BinaryInteger>(_ v: T) -> AttributeValue { .n(String(v)) }

  public var stringValue: String? {
    if case .s(let s) = self { return s }
    return nil
  }
  public var intValue: Int? {
    if case .n(let n) = self { return Int(n) }
    return nil
  }
  public var numberText: String? {
    if case .n(let n) = self { return n }
    return nil
  }
  public var boolValue: Bool? {
    if case .bool(let b) = self { return b }
    return nil
  }
  public var bytesValue: [UInt8]? {
    if case .b(let b) = self { return b }
    return nil
  }

  /// The wire form.
  public var json: JSONValue {
    switch self {
    case .s(let s): ["S": .string(s)]
    case .n(let n): ["N": .string(n)]
    case .b(let b): ["B": .string(Base64.encode(b))]
    case .bool(let b): ["BOOL": .bool(b)]
    case .null: ["NULL": .bool(true)]
    case .ss(let a): ["SS": .array(a.map { .string($0) })]
    case .ns(let a): ["NS": .array(a.map { .string($0) })]
    case .bs(let a): ["BS": .array(a.map { .string(Base64.encode($0)) })]
    case .l(let a): ["L": .array(a.map(\.json))]
    case .m(let m): ["M": .object(m.mapValues(\.json))]
    }
  }

  /// Decodes the wire form; nil if it is not one.
  public init?(json: JSONValue) {
    guard case .object(let o) = json, o.count == 1, let (type, v) = o.first else { return nil }
    func bytes(_ v: JSONValue) -> [UInt8]? {
      v.stringValue.flatMap { Base64.decode($0) }
    }
    switch type {
    case "S":
      guard let s = v.stringValue else { return nil }
      self = .s(s)
    case "N":
      guard let s = v.stringValue else { return nil }
      self = .n(s)
    case "B":
      guard let b = bytes(v) else { return nil }
      self = .b(b)
    case "BOOL":
      guard let b = v.boolValue else { return nil }
      self = .bool(b)
    case "NULL": self = .null
    case "SS":
      guard let a = v.arrayValue else { return nil }
      self = .ss(a.compactMap(\.stringValue))
    case "NS":
      guard let a = v.arrayValue else { return nil }
      self = .ns(a.compactMap(\.stringValue))
    case "BS":
      guard let a = v.arrayValue else { return nil }
      self = .bs(a.compactMap(bytes))
    case "L":
      guard let a = v.arrayValue else { return nil }
      let items = a.compactMap(AttributeValue.init(json:))
      guard items.count == a.count else { return nil }
      self = .l(items)
    case "M":
      guard let m = v.objectValue else { return nil }
      guard let decoded = AttributeValue.item(from: .object(m)) else { return nil }
      self = .m(decoded)
    default: return nil
    }
  }

  /// `{"name": {"S": ...}, ...}` -> item.
  public static func item(from json: JSONValue?) -> [String: AttributeValue]? {
    guard let o = json?.objectValue else { return nil }
    var out: [String: AttributeValue] = [:]
    for (k, v) in o {
      guard let a = AttributeValue(json: v) else { return nil }
      out[k] = a
    }
    return out
  }

  /// Item -> `{"name": {"S": ...}, ...}`.
  public static func json(of item: [String: AttributeValue]) -> JSONValue {
    .object(item.mapValues(\.json))
  }
}
