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

  /// One key of the table under construction.
  struct Slot {
    let key: String
    let fingerprint: UInt64
    let keyPosition: TOMLPosition
    var node: Node
  }

  // The parser is single-threaded and never re-enters a builder: skip dynamic exclusivity checks.
  @exclusivity(unchecked) var origin: Origin
  let position: TOMLPosition
  @exclusivity(unchecked) var slots: [Slot] = []
  /// Key to slot; built once the table has more than `TOMLTable.indexThreshold` keys.
  @exclusivity(unchecked) private var index: [String: Int]?

  init(origin: Origin, position: TOMLPosition) {
    self.origin = origin
    self.position = position
  }

  @inline(__always)
  func lookup(_ key: String, fingerprint: UInt64) -> Int? {
    if let index { return index[key] }
    for position in slots.indices
    where slots[position].fingerprint == fingerprint && slots[position].key == key {
      return position
    }
    return nil
  }

  func append(key: String, fingerprint: UInt64, at position: TOMLPosition, node: Node) {
    if slots.isEmpty { slots.reserveCapacity(8) }
    slots.append(Slot(key: key, fingerprint: fingerprint, keyPosition: position, node: node))
    if index != nil {
      index![key] = slots.count - 1
    } else if slots.count > TOMLTable.indexThreshold {
      var built = [String: Int](minimumCapacity: slots.count * 2)
      for (offset, slot) in slots.enumerated() { built[slot.key] = offset }
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

  /// The immutable table this builder describes; the key index is handed over, not rebuilt.
  func build() -> TOMLTable {
    var entries: [TOMLTable.Entry] = []
    entries.reserveCapacity(slots.count)
    for slot in slots {
      let value: TOMLValue
      switch slot.node {
      case .value(let built): value = built
      case .table(let builder): value = TOMLValue(.table(builder.build()), at: builder.position)
      case .arrayOfTables(let array):
        value = TOMLValue(
          .array(array.elements.map { TOMLValue(.table($0.build()), at: $0.position) }),
          at: array.position)
      }
      entries.append(TOMLTable.Entry(key: slot.key, keyPosition: slot.keyPosition, value: value))
    }
    return TOMLTable(uniqueEntries: entries, index: index)
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
