/// A place in a TOML source: 1-based line and 1-based column.
///
/// Columns count UTF-8 bytes from the start of the line, as clang and swiftc do.
public struct TOMLPosition: Sendable, Hashable, Comparable, CustomStringConvertible {
  private let storedLine: Int32
  private let storedColumn: Int32

  /// The 1-based line number.
  public var line: Int { Int(storedLine) }
  /// The 1-based column, in UTF-8 bytes.
  public var column: Int { Int(storedColumn) }

  /// Creates a position from a 1-based line and column.
  public init(line: Int, column: Int) {
    storedLine = Int32(truncatingIfNeeded: line)
    storedColumn = Int32(truncatingIfNeeded: column)
  }

  /// `line:column`.
  public var description: String { "\(line):\(column)" }

  public static func < (lhs: TOMLPosition, rhs: TOMLPosition) -> Bool {
    (lhs.storedLine, lhs.storedColumn) < (rhs.storedLine, rhs.storedColumn)
  }
}
