import InfraHouseTOML

/// One parsed file of the configuration: the main file or a drop-in.
struct ConfigurationLayer {
  let file: String
  let source: [UInt8]
  let root: TOMLTable

  /// The text of 1-based `line`, for diagnostics.
  func sourceLine(_ line: Int) -> String {
    var current = 1
    var start = 0
    var index = 0
    while index < source.count && current < line {
      if source[index] == 0x0A {
        current += 1
        start = index + 1
      }
      index += 1
    }
    var stop = start
    while stop < source.count && source[stop] != 0x0A && source[stop] != 0x0D { stop += 1 }
    return String(decoding: source[start..<stop], as: UTF8.self)
  }
}

/// A value and the layer it came from.
struct LocatedValue {
  let value: TOMLValue
  let layer: Int
  /// Where its key was written.
  let keyPosition: TOMLPosition
}

/// One logical table spread over layers: a section such as `[lock]` written in the
/// main file and again in drop-ins, or one `[[command]]` entry and its overrides.
/// A key's effective value is the one in the last layer that sets it.
struct LayeredTable {
  /// Human name for messages: `[lock]`, `[[command]] 'backup'`.
  let name: String
  /// The pieces, in layer order: the table and where it starts.
  var pieces: [(layer: Int, table: TOMLTable, position: TOMLPosition)] = []

  var isPresent: Bool { !pieces.isEmpty }

  func lookup(_ key: String) -> LocatedValue? {
    for piece in pieces.reversed() {
      if let entry = piece.table[entry: key] {
        return LocatedValue(value: entry.value, layer: piece.layer, keyPosition: entry.keyPosition)
      }
    }
    return nil
  }
}
