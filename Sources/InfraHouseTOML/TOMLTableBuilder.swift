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

  /// Lookup data of one key: its fingerprint, and which child builder holds its
  /// table (an index into `children`, or -1 for a finished value).
  struct KeyMeta {
    let fingerprint: UInt64
    let child: Int32
  }

  // The parser is single-threaded and never re-enters a builder: skip dynamic exclusivity checks.
  @exclusivity(unchecked) var origin: Origin
  let position: TOMLPosition
  /// The finished entries, in order. A key whose value is still being built (a table or
  /// an array of tables) holds a placeholder until `build()` fills it in, so a table
  /// without sub-tables is handed over to `TOMLTable` without copying.
  @exclusivity(unchecked) private var entries: [TOMLTable.Entry] = []
  @exclusivity(unchecked) private var meta: [KeyMeta] = []
  @exclusivity(unchecked) private var children: [Node] = []
  /// Key to slot; built once the table has more than `TOMLTable.indexThreshold` keys.
  @exclusivity(unchecked) private var index: [String: Int]?

  init(origin: Origin, position: TOMLPosition) {
    self.origin = origin
    self.position = position
  }

  @inline(__always)
  func lookup(_ key: String, fingerprint: UInt64) -> Int? {
    if let index { return index[key] }
    for slot in meta.indices where meta[slot].fingerprint == fingerprint && entries[slot].key == key
    {
      return slot
    }
    return nil
  }

  /// What `slot` holds.
  @inline(__always)
  func node(at slot: Int) -> Node {
    let child = Int(meta[slot].child)
    return child >= 0 ? children[child] : .value(entries[slot].value)
  }

  /// Where the key of `slot` was written.
  @inline(__always)
  func keyPosition(at slot: Int) -> TOMLPosition { entries[slot].keyPosition }

  func append(key: String, fingerprint: UInt64, at position: TOMLPosition, node: Node) {
    if entries.isEmpty {
      entries.reserveCapacity(8)
      meta.reserveCapacity(8)
    }
    switch node {
    case .value(let value):
      entries.append(TOMLTable.Entry(key: key, keyPosition: position, value: value))
      meta.append(KeyMeta(fingerprint: fingerprint, child: -1))
    case .table(let builder):
      entries.append(
        TOMLTable.Entry(
          key: key, keyPosition: position,
          value: TOMLValue(.table(TOMLTable()), at: builder.position)))
      meta.append(KeyMeta(fingerprint: fingerprint, child: Int32(children.count)))
      children.append(node)
    case .arrayOfTables(let array):
      entries.append(
        TOMLTable.Entry(
          key: key, keyPosition: position, value: TOMLValue(.array([]), at: array.position)))
      meta.append(KeyMeta(fingerprint: fingerprint, child: Int32(children.count)))
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

  /// FNV-1a of a key's UTF-8 bytes.
  @inline(__always)
  static func fingerprint(_ bytes: some Sequence<UInt8>) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
    return hash
  }

  /// The immutable table this builder describes; the entries and the key index are
  /// handed over, not copied. The builder is empty afterwards.
  func build() -> TOMLTable {
    var finished = entries
    entries = []
    if !children.isEmpty {
      for slot in meta.indices where meta[slot].child >= 0 {
        switch children[Int(meta[slot].child)] {
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
