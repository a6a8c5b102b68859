/// A TOML table: keys in source order, each with the position of its key and its value.
public struct TOMLTable: Sendable, Equatable {
  /// One `key = value` of a table.
  public struct Entry: Sendable, Equatable {
    /// The key, unquoted and unescaped.
    public var key: String
    /// Where this key was written (for a dotted key, the segment that names it).
    public var keyPosition: TOMLPosition
    /// The value.
    public var value: TOMLValue

    /// Creates an entry.
    public init(key: String, keyPosition: TOMLPosition, value: TOMLValue) {
      self.key = key
      self.keyPosition = keyPosition
      self.value = value
    }
  }

  /// The entries in the order their keys first appeared in the source.
  public private(set) var entries: [Entry]
  /// Key to index in `entries`; built only for tables larger than `indexThreshold`.
  private var index: [String: Int]?

  static let indexThreshold = 32

  /// An empty table.
  public init() {
    entries = []
    index = nil
  }

  /// A table of `entries`; later duplicates replace earlier ones.
  public init(entries: [Entry]) {
    self.init()
    for entry in entries { self[entry: entry.key] = entry }
  }

  /// Entries known to have distinct keys, with their index if the builder made one.
  init(uniqueEntries: [Entry], index: [String: Int]?) {
    self.entries = uniqueEntries
    self.index = index
  }

  /// The keys in source order.
  public var keys: [String] { entries.map(\.key) }
  /// How many keys the table has.
  public var count: Int { entries.count }
  /// Whether the table has no keys.
  public var isEmpty: Bool { entries.isEmpty }

  /// The value for `key`, or nil.
  public subscript(key: String) -> TOMLValue? {
    guard let position = indexOf(key) else { return nil }
    return entries[position].value
  }

  /// The whole entry for `key`; setting replaces an existing entry in place or appends.
  public subscript(entry key: String) -> Entry? {
    get {
      guard let position = indexOf(key) else { return nil }
      return entries[position]
    }
    set {
      if let position = indexOf(key) {
        if let newValue {
          entries[position] = newValue
        } else {
          entries.remove(at: position)
          rebuildIndex()
        }
      } else if let newValue {
        append(newValue)
      }
    }
  }

  /// Appends an entry whose key is known to be new (the parser's fast path).
  mutating func append(_ entry: Entry) {
    entries.append(entry)
    if index != nil {
      index![entry.key] = entries.count - 1
    } else if entries.count > Self.indexThreshold {
      rebuildIndex()
    }
  }

  /// Reserves room for `count` entries.
  mutating func reserveCapacity(_ count: Int) {
    entries.reserveCapacity(count)
  }

  private func indexOf(_ key: String) -> Int? {
    if let index { return index[key] }
    for position in entries.indices where entries[position].key == key { return position }
    return nil
  }

  private mutating func rebuildIndex() {
    guard entries.count > Self.indexThreshold else {
      index = nil
      return
    }
    var built = [String: Int](minimumCapacity: entries.count)
    for (position, entry) in entries.enumerated() { built[entry.key] = position }
    index = built
  }

  public static func == (lhs: TOMLTable, rhs: TOMLTable) -> Bool { lhs.entries == rhs.entries }
}
