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

  // The parser is single-threaded and never re-enters a builder: skip dynamic exclusivity checks.
  @exclusivity(unchecked) var origin: Origin
  let position: TOMLPosition
  /// The finished entries, in order. A key whose value is still being built (a table or
  /// an array of tables) holds a placeholder at line 0 (which no real value has) whose
  /// column is the index of its builder in `children`; `build()` fills it in, so a table
  /// without sub-tables is handed over to `TOMLTable` without copying.
  @exclusivity(unchecked) private var entries: [TOMLTable.Entry] = []
  @exclusivity(unchecked) private var children: [Node] = []
  /// Key to slot; built once the table has more than `TOMLTable.indexThreshold` keys.
  @exclusivity(unchecked) private var index: [String: Int]?

  init(origin: Origin, position: TOMLPosition) {
    self.origin = origin
    self.position = position
  }

  @inline(__always)
  func lookup(_ key: String) -> Int? {
    if let index { return index[key] }
    let count = key.utf8.count
    for slot in entries.indices
    where entries[slot].key.utf8.count == count && entries[slot].key == key {
      return slot
    }
    return nil
  }

  /// What `slot` holds.
  @inline(__always)
  func node(at slot: Int) -> Node {
    let value = entries[slot].value
    return value.position.line == 0 ? children[value.position.column] : .value(value)
  }

  /// Where the key of `slot` was written.
  @inline(__always)
  func keyPosition(at slot: Int) -> TOMLPosition { entries[slot].keyPosition }

  func append(key: String, at position: TOMLPosition, node: Node) {
    if entries.isEmpty { entries.reserveCapacity(8) }
    switch node {
    case .value(let value):
      entries.append(TOMLTable.Entry(key: key, keyPosition: position, value: value))
    case .table, .arrayOfTables:
      let placeholder = TOMLValue(
        .boolean(false), at: TOMLPosition(line: 0, column: children.count))
      entries.append(TOMLTable.Entry(key: key, keyPosition: position, value: placeholder))
      children.append(node)
    }
    if index != nil {
      index![key] = entries.count - 1
    } else if entries.count > TOMLTable.indexThreshold {
      var built = [String: Int](minimumCapacity: entries.count * 2)
      for (offset, entry) in entries.enumerated() { built[entry.key] = offset }
      index = built
    }
  }

  /// The immutable table this builder describes; the entries and the key index are
  /// handed over, not copied. The builder is empty afterwards.
  func build() -> TOMLTable {
    var finished = entries
    entries = []
    if !children.isEmpty {
      for slot in finished.indices where finished[slot].value.position.line == 0 {
        switch children[finished[slot].value.position.column] {
        case .table(let builder):
          finished[slot].value = TOMLValue(.table(builder.build()), at: builder.position)
        case .arrayOfTables(let array):
          finished[slot].value = TOMLValue(
            .array(array.elements.map { TOMLValue(.table($0.build()), at: $0.position) }),
            at: array.position)
        case .value:
          break
        }
      }
      children = []
    }
    return TOMLTable(uniqueEntries: finished, index: index)
  }
}

/// An array of tables (`[[x]]`) under construction.
final class TOMLArrayOfTablesBuilder {
  let position: TOMLPosition
  @exclusivity(unchecked) var elements: [TOMLTableBuilder] = []

  init(position: TOMLPosition) {
    self.position = position
  }
}
