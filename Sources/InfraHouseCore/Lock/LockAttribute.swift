/// A DynamoDB attribute value as the lock uses it: a string (`S`) or a number (`N`).
///
/// Numbers keep DynamoDB's own representation, a decimal string, so no precision
/// is lost on the way; the AWS layer maps its `AttributeValue` to and from this.
public enum LockAttribute: Sendable, Hashable {
  /// `{"S": "..."}`
  case string(String)
  /// `{"N": "123"}`: the decimal text DynamoDB uses on the wire.
  case number(String)

  /// A number attribute from an integer.
  public static func integer<T: BinaryInteger>(_ value: T) -> LockAttribute {
    .number(String(value))
  }

  /// The string, if this is a string attribute.
  public var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }

  /// The value as a signed 64-bit integer, if this is a number attribute that
  /// holds one (DynamoDB may write `1.7e9` or `1700000000.5` for numbers that
  /// other clients stored: the integral part is kept).
  public var int64Value: Int64? {
    guard case .number(let text) = self else { return nil }
    if let exact = Int64(text) { return exact }
    if let d = Double(text), d.isFinite, d > -9.2e18, d < 9.2e18 { return Int64(d.rounded(.down)) }
    return nil
  }

  /// The value as an unsigned 64-bit integer (fencing tokens), if it holds one.
  public var uint64Value: UInt64? {
    guard case .number(let text) = self else { return nil }
    if let exact = UInt64(text) { return exact }
    if let signed = int64Value, signed >= 0 { return UInt64(signed) }
    return nil
  }
}

/// A DynamoDB item as plain attribute values, keyed by attribute name.
public typealias LockItemAttributes = [String: LockAttribute]
