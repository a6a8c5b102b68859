/// One TOML value together with where it was written.
///
/// For a table the position is its header (`[a.b]`), its opening brace, or the
/// first key that created it; for an array it is the opening bracket, or for an
/// array of tables the first `[[header]]`.
public struct TOMLValue: Sendable, Equatable {
  /// What the value is.
  public var kind: Kind
  /// Where the value starts in the source.
  public var position: TOMLPosition

  /// The value's type and payload.
  public enum Kind: Sendable, Equatable {
    case string(String)
    case integer(Int64)
    case float(Double)
    case boolean(Bool)
    case offsetDateTime(TOMLOffsetDateTime)
    case localDateTime(TOMLLocalDateTime)
    case localDate(TOMLLocalDate)
    case localTime(TOMLLocalTime)
    case array([TOMLValue])
    case table(TOMLTable)
  }

  /// Creates a value at `position`.
  public init(_ kind: Kind, at position: TOMLPosition) {
    self.kind = kind
    self.position = position
  }

  /// The TOML type name used in messages (`string`, `integer`, `table` ...).
  public var typeName: String {
    switch kind {
    case .string: "string"
    case .integer: "integer"
    case .float: "float"
    case .boolean: "boolean"
    case .offsetDateTime: "offset date-time"
    case .localDateTime: "local date-time"
    case .localDate: "local date"
    case .localTime: "local time"
    case .array: "array"
    case .table: "table"
    }
  }

  /// The string payload, or nil.
  public var stringValue: String? {
    if case .string(let value) = kind { return value }
    return nil
  }

  /// The integer payload, or nil.
  public var integerValue: Int64? {
    if case .integer(let value) = kind { return value }
    return nil
  }

  /// The float payload, or nil.
  public var floatValue: Double? {
    if case .float(let value) = kind { return value }
    return nil
  }

  /// The boolean payload, or nil.
  public var booleanValue: Bool? {
    if case .boolean(let value) = kind { return value }
    return nil
  }

  /// The array payload, or nil.
  public var arrayValue: [TOMLValue]? {
    if case .array(let value) = kind { return value }
    return nil
  }

  /// The table payload, or nil.
  public var tableValue: TOMLTable? {
    if case .table(let value) = kind { return value }
    return nil
  }
}
