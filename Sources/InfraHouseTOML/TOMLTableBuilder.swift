/// The parser's mutable table tree, with the bookkeeping TOML's table rules need.
///
/// The rules (TOML 1.0.0, "Table" and "Array of Tables"), as Python's `tomllib` applies them:
/// - a table named by a `[header]` may be named by one header only;
/// - a table created only as the parent of a header (`[a]` in `[a.b]`) may be
///   named by a later header once, or extended by dotted keys;
/// - a table created by dotted keys may be extended by more dotted keys in the
///   same section only, and never named by a header (its sub-tables may be);
/// - inline tables and arrays are values: nothing may add to them later;
/// - `[[x]]` appends a fresh table to an array of tables; `x` cannot be `[x]`.
final class TOMLTableBuilder {
  /// How the table came to exist, which decides what may extend it.
  enum Origin: Equatable {
    /// Parent of a header; not yet named by one.
    case implicit
    /// Named by a `[header]`, or an element of an array of tables.
    case header
    /// Created (or taken over) by dotted keys in the given section.
    case dotted(section: Int)
  }

  enum Node {
    case value(TOMLValue)
    case table(TOMLTableBuilder)
    case arrayOfTables(TOMLArrayOfTablesBuilder)
  }

  var origin: Origin
  let position: TOMLPosition
  var keys: [String] = []
  var keyPositions: [TOMLPosition] = []
  var nodes: [Node] = []
  private var index: [String: Int]?

  init(origin: Origin, position: TOMLPosition) {
    self.origin = origin
    self.position = position
  }

  func lookup(_ key: String) -> Int? {
    if let index { return index[key] }
    for position in keys.indices where keys[position] == key { return position }
    return nil
  }

  func append(key: String, at position: TOMLPosition, node: Node) {
    keys.append(key)
    keyPositions.append(position)
    nodes.append(node)
    if index != nil {
      index![key] = keys.count - 1
    } else if keys.count > 8 {
      var built = [String: Int](minimumCapacity: keys.count * 2)
      for (offset, name) in keys.enumerated() { built[name] = offset }
      index = built
    }
  }

  /// The immutable table this builder describes.
  func build() -> TOMLTable {
    var table = TOMLTable()
    table.reserveCapacity(keys.count)
    for offset in keys.indices {
      let value: TOMLValue
      switch nodes[offset] {
      case .value(let built): value = built
      case .table(let builder): value = TOMLValue(.table(builder.build()), at: builder.position)
      case .arrayOfTables(let array):
        value = TOMLValue(
          .array(array.elements.map { TOMLValue(.table($0.build()), at: $0.position) }),
          at: array.position)
      }
      table.append(
        TOMLTable.Entry(key: keys[offset], keyPosition: keyPositions[offset], value: value))
    }
    return table
  }
}

/// An array of tables (`[[x]]`) under construction.
final class TOMLArrayOfTablesBuilder {
  let position: TOMLPosition
  var elements: [TOMLTableBuilder] = []

  init(position: TOMLPosition) {
    self.position = position
  }
}
