/// Parses TOML 1.0.0 documents into ``TOMLTable``s whose values keep their source positions.
///
///     let table = try TOMLParser.parse(text, file: "infrahoused.toml")
///
/// Every rule of the specification is enforced; the first violation throws a
/// ``TOMLError`` with file, line and column. Any input, including invalid UTF-8
/// and deeply nested arrays, ends in a table or an error: never a crash or a hang.
public enum TOMLParser {
  /// Arrays and inline tables nested deeper than this are rejected, which bounds recursion.
  public static let maximumNestingDepth = 128

  /// Parses `text`; `file` is only used in error messages.
  public static func parse(_ text: String, file: String = "<input>") throws(TOMLError) -> TOMLTable
  {
    var text = text
    let result = text.withUTF8 { buffer in
      Result { () throws(TOMLError) -> TOMLTable in try parse(utf8: buffer, file: file) }
    }
    return try result.get()
  }

  /// Parses raw bytes, which must be valid UTF-8 (the parser checks).
  public static func parse(bytes: [UInt8], file: String = "<input>") throws(TOMLError) -> TOMLTable
  {
    let result = bytes.withUnsafeBufferPointer { buffer in
      Result { () throws(TOMLError) -> TOMLTable in try parse(utf8: buffer, file: file) }
    }
    return try result.get()
  }

  /// Parses the bytes of `buffer`, which must be valid UTF-8 (the parser checks).
  public static func parse(utf8 buffer: UnsafeBufferPointer<UInt8>, file: String = "<input>")
    throws(TOMLError)
    -> TOMLTable
  {
    var parser = TOMLSyntaxParser(bytes: buffer, file: file)
    return try parser.parseDocument()
  }
}

/// The byte-level recursive-descent parser behind ``TOMLParser``.
struct TOMLSyntaxParser {
  let bytes: UnsafeBufferPointer<UInt8>
  let end: Int
  let file: String
  /// The read offset.
  var i = 0
  /// The current 1-based line and the offset where it starts.
  var line = 1
  var lineStart = 0
  /// Counts `[header]`s; dotted-key tables remember the section that made them.
  var section = 0
  /// Reused buffer for strings with escapes and for float digits.
  var scratch: [UInt8] = []
  /// Segments of the keys being parsed; inline tables push above their parent's key.
  var keyStack: [String] = []
  var keyPositionStack: [TOMLPosition] = []

  init(bytes: UnsafeBufferPointer<UInt8>, file: String) {
    self.bytes = bytes
    self.end = bytes.count
    self.file = file
    scratch.reserveCapacity(64)
    keyStack.reserveCapacity(8)
    keyPositionStack.reserveCapacity(8)
  }

  // MARK: Document and tables

  mutating func parseDocument() throws(TOMLError) -> TOMLTable {
    if end >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF {
      i = 3
      lineStart = 3
    }
    let root = TOMLTableBuilder(origin: .header, position: TOMLPosition(line: 1, column: 1))
    var current = root
    while true {
      skipBlanks()
      guard i < end else { break }
      switch bytes[i] {
      case .lineFeed:
        newline()
      case .carriageReturn:
        try consumeLineEnding()
      case .hash:
        try skipComment()
      case .leftBracket:
        current = try parseHeader(root: root)
        try expectEndOfLine(after: "a table header")
      default:
        try parseKeyValue(into: current)
        try expectEndOfLine(after: "a key/value pair")
      }
    }
    return root.build()
  }

  /// `[a.b]` or `[[a.b]]`; returns the table that following key/value pairs go into.
  mutating func parseHeader(root: TOMLTableBuilder) throws(TOMLError) -> TOMLTableBuilder {
    let headerOffset = i
    let headerPosition = here
    let isArray = peek(1) == .leftBracket
    i += isArray ? 2 : 1
    let start = keyStack.count
    try parseKey()
    defer {
      popKeys(to: start)
    }
    if isArray {
      guard peek() == .rightBracket && peek(1) == .rightBracket else {
        throw fail("expected ']]' to close the array-of-tables header, found \(describe(i))", at: i)
      }
      i += 2
    } else {
      guard peek() == .rightBracket else {
        throw fail("expected ']' to close the table header, found \(describe(i))", at: i)
      }
      i += 1
    }
    section += 1
    var table = root
    let last = keyStack.count - 1
    for k in start..<last {
      let key = keyStack[k]
      if let slot = table.lookup(key) {
        switch table.node(at: slot) {
        case .table(let child):
          table = child
        case .arrayOfTables(let array):
          table = array.elements[array.elements.count - 1]
        case .value(let value):
          throw cannotExtend(value, path: start...k, definedAt: table.keyPosition(at: slot))
        }
      } else {
        let child = TOMLTableBuilder(origin: .implicit, position: headerPosition)
        table.append(
          key: key, at: keyPositionStack[k],
          node: .table(child))
        table = child
      }
    }
    let key = keyStack[last]
    if let slot = table.lookup(key) {
      let firstDefined = table.keyPosition(at: slot)
      let name = displayPath(start...last)
      switch table.node(at: slot) {
      case .table(let existing):
        if isArray {
          throw fail(
            "cannot define array of tables [[\(name)]]: '\(name)' is already a table (first defined at \(firstDefined))",
            at: headerOffset)
        }
        switch existing.origin {
        case .implicit:
          existing.origin = .header
          return existing
        case .header:
          throw fail(
            "table [\(name)] is defined twice (first defined at \(firstDefined))", at: headerOffset)
        case .dotted:
          throw fail(
            "table [\(name)] was already created by dotted keys at \(firstDefined); a header cannot reopen it",
            at: headerOffset)
        }
      case .arrayOfTables(let array):
        guard isArray else {
          throw fail(
            "table [\(name)] conflicts with the array of tables [[\(name)]] first defined at \(firstDefined)",
            at: headerOffset)
        }
        let element = TOMLTableBuilder(origin: .header, position: headerPosition)
        array.elements.append(element)
        return element
      case .value(let value):
        if case .array = value.kind, isArray {
          throw fail(
            "cannot append to static array '\(name)' (defined at \(firstDefined)) with [[\(name)]]",
            at: offset(of: keyPositionStack[last]))
        }
        throw fail(
          "'\(name)' is already defined as \(article(value.typeName)) at \(firstDefined)",
          at: offset(of: keyPositionStack[last]))
      }
    }
    if isArray {
      let array = TOMLArrayOfTablesBuilder(position: headerPosition)
      let element = TOMLTableBuilder(origin: .header, position: headerPosition)
      array.elements.append(element)
      table.append(
        key: key, at: keyPositionStack[last],
        node: .arrayOfTables(array))
      return element
    }
    let created = TOMLTableBuilder(origin: .header, position: headerPosition)
    table.append(
      key: key, at: keyPositionStack[last],
      node: .table(created))
    return created
  }

  /// `key = value` into `table`.
  mutating func parseKeyValue(into table: TOMLTableBuilder) throws(TOMLError) {
    let start = keyStack.count
    try parseKey()
    guard peek() == .equals else {
      if i < end && (bytes[i] == .lineFeed || bytes[i] == .carriageReturn) || i >= end {
        throw fail("expected '=' after the key '\(displayPath(start..<keyStack.count))'", at: i)
      }
      throw fail("expected '=' after the key, found \(describe(i))", at: i)
    }
    i += 1
    skipBlanks()
    let value = try parseValue(depth: 0)
    try insert(value, into: table, keysFrom: start, section: section)
    popKeys(to: start)
  }

  /// Inserts `value` under the dotted key `keyStack[start...]` relative to `table`.
  mutating func insert(
    _ value: TOMLValue, into table: TOMLTableBuilder, keysFrom start: Int, section: Int
  )
    throws(TOMLError)
  {
    var table = table
    let last = keyStack.count - 1
    for k in start..<last {
      let key = keyStack[k]
      if let slot = table.lookup(key) {
        switch table.node(at: slot) {
        case .table(let child):
          switch child.origin {
          case .header:
            throw fail(
              "cannot add to table [\(displayPath(start...k))] with a dotted key: it is defined by a header at \(table.keyPosition(at: slot))",
              at: offset(of: keyPositionStack[k]))
          case .dotted(let owner) where owner != section:
            throw fail(
              "cannot add to table '\(displayPath(start...k))' here: it was created by dotted keys in another table section at \(table.keyPosition(at: slot))",
              at: offset(of: keyPositionStack[k]))
          case .implicit:
            child.origin = .dotted(section: section)
          case .dotted:
            break
          }
          table = child
        case .arrayOfTables:
          throw fail(
            "cannot add to array of tables [[\(displayPath(start...k))]] with a dotted key (defined at \(table.keyPosition(at: slot)))",
            at: offset(of: keyPositionStack[k]))
        case .value(let existing):
          throw cannotExtend(existing, path: start...k, definedAt: table.keyPosition(at: slot))
        }
      } else {
        let child = TOMLTableBuilder(
          origin: .dotted(section: section), position: keyPositionStack[k])
        table.append(
          key: key, at: keyPositionStack[k],
          node: .table(child))
        table = child
      }
    }
    let key = keyStack[last]
    if let slot = table.lookup(key) {
      throw fail(
        "duplicate key '\(displayPath(start...last))' (first defined at \(table.keyPosition(at: slot)))",
        at: offset(of: keyPositionStack[last]))
    }
    table.append(
      key: key, at: keyPositionStack[last],
      node: .value(value))
  }

  private func cannotExtend(_ value: TOMLValue, path: ClosedRange<Int>, definedAt: TOMLPosition)
    -> TOMLError
  {
    let name = displayPath(path)
    let offset = offset(of: keyPositionStack[path.upperBound])
    switch value.kind {
    case .table:
      return fail(
        "cannot add to inline table '\(name)' (defined at \(definedAt)): inline tables are closed",
        at: offset)
    case .array:
      return fail("cannot add to static array '\(name)' (defined at \(definedAt))", at: offset)
    default:
      return fail(
        "'\(name)' is already defined as \(article(value.typeName)) at \(definedAt)", at: offset)
    }
  }

  // MARK: Keys

  /// Parses a possibly dotted key, pushing its segments on `keyStack`; skips blanks around it.
  mutating func parseKey() throws(TOMLError) {
    while true {
      skipBlanks()
      guard i < end else { throw fail("expected a key, found end of file", at: i) }
      let position = here
      let byte = bytes[i]
      let segment: String
      if byte.isBareKeyCharacter {
        let start = i
        i += 1
        while i < end && bytes[i].isBareKeyCharacter { i += 1 }
        segment = makeString(start, i)
      } else if byte == .quote {
        if peek(1) == .quote && peek(2) == .quote {
          throw fail("a multi-line string cannot be a key", at: i)
        }
        segment = try parseBasicString()
      } else if byte == .apostrophe {
        if peek(1) == .apostrophe && peek(2) == .apostrophe {
          throw fail("a multi-line string cannot be a key", at: i)
        }
        segment = try parseLiteralString()
      } else {
        throw fail("expected a key, found \(describe(i))", at: i)
      }
      keyStack.append(segment)
      keyPositionStack.append(position)
      skipBlanks()
      guard peek() == .dot else { return }
      i += 1
    }
  }

  /// Drops the key segments above `start`.
  @inline(__always)
  mutating func popKeys(to start: Int) {
    while keyStack.count > start {
      keyStack.removeLast()
      keyPositionStack.removeLast()
    }
  }

  /// `a.b."c d"` for messages.
  func displayPath<R: Sequence<Int>>(_ range: R) -> String {
    var text = ""
    for k in range {
      if !text.isEmpty { text += "." }
      let key = keyStack[k]
      if !key.isEmpty && key.utf8.allSatisfy(\.isBareKeyCharacter) {
        text += key
      } else {
        text += "\"" + key.unicodeScalars.map { $0.escaped(asASCII: false) }.joined() + "\""
      }
    }
    return text
  }

  // MARK: Values

  mutating func parseValue(depth: Int) throws(TOMLError) -> TOMLValue {
    guard i < end else { throw fail("expected a value, found end of file", at: i) }
    let position = here
    switch bytes[i] {
    case .quote:
      if peek(1) == .quote && peek(2) == .quote {
        return TOMLValue(.string(try parseMultilineBasicString()), at: position)
      }
      return TOMLValue(.string(try parseBasicString()), at: position)
    case .apostrophe:
      if peek(1) == .apostrophe && peek(2) == .apostrophe {
        return TOMLValue(.string(try parseMultilineLiteralString()), at: position)
      }
      return TOMLValue(.string(try parseLiteralString()), at: position)
    case UInt8(ascii: "t"):
      if matches("true") {
        i += 4
        try checkValueEnd()
        return TOMLValue(.boolean(true), at: position)
      }
    case UInt8(ascii: "f"):
      if matches("false") {
        i += 5
        try checkValueEnd()
        return TOMLValue(.boolean(false), at: position)
      }
    case .leftBracket:
      return try parseArray(depth: depth)
    case .leftBrace:
      return try parseInlineTable(depth: depth)
    case .plus, .minus, UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "i"), UInt8(ascii: "n"):
      return try parseNumberOrDateTime()
    default:
      break
    }
    if bytes[i].isBareKeyCharacter {
      throw fail("expected a value, found \(describe(i)) (strings must be quoted)", at: i)
    }
    throw fail("expected a value, found \(describe(i))", at: i)
  }

  mutating func parseArray(depth: Int) throws(TOMLError) -> TOMLValue {
    let openOffset = i
    let position = here
    guard depth < TOMLParser.maximumNestingDepth else {
      throw fail(
        "arrays and inline tables nest deeper than \(TOMLParser.maximumNestingDepth) levels", at: i)
    }
    i += 1
    var items: [TOMLValue] = []
    items.reserveCapacity(8)
    while true {
      try skipBlanksCommentsAndNewlines()
      guard i < end else {
        throw fail("unterminated array (opened at \(position))", at: openOffset)
      }
      if bytes[i] == .rightBracket {
        i += 1
        break
      }
      items.append(try parseValue(depth: depth + 1))
      try skipBlanksCommentsAndNewlines()
      guard i < end else {
        throw fail("unterminated array (opened at \(position))", at: openOffset)
      }
      if bytes[i] == .comma {
        i += 1
      } else if bytes[i] == .rightBracket {
        i += 1
        break
      } else {
        throw fail("expected ',' or ']' in the array, found \(describe(i))", at: i)
      }
    }
    return TOMLValue(.array(items), at: position)
  }

  mutating func parseInlineTable(depth: Int) throws(TOMLError) -> TOMLValue {
    let position = here
    guard depth < TOMLParser.maximumNestingDepth else {
      throw fail(
        "arrays and inline tables nest deeper than \(TOMLParser.maximumNestingDepth) levels", at: i)
    }
    i += 1
    // Inline tables without dotted keys (the common case) skip the builder.
    var direct: [TOMLTable.Entry] = []
    var builder: TOMLTableBuilder?
    skipBlanks()
    if peek() == .rightBrace {
      i += 1
      return TOMLValue(.table(TOMLTable()), at: position)
    }
    while true {
      if i < end && (bytes[i] == .lineFeed || bytes[i] == .carriageReturn || bytes[i] == .hash) {
        throw fail("newlines and comments are not allowed inside an inline table (TOML 1.0)", at: i)
      }
      let start = keyStack.count
      try parseKey()
      guard peek() == .equals else {
        throw fail("expected '=' after the key, found \(describe(i))", at: i)
      }
      i += 1
      skipBlanks()
      let value = try parseValue(depth: depth + 1)
      if keyStack.count == start + 1 && builder == nil && direct.count < TOMLTable.indexThreshold {
        // Plain `key = value`: collect entries directly, no builder needed.
        for entry in direct where entry.key == keyStack[start] {
          throw fail(
            "duplicate key '\(displayPath(start...start))' (first defined at \(entry.keyPosition))",
            at: offset(of: keyPositionStack[start]))
        }
        direct.append(
          TOMLTable.Entry(key: keyStack[start], keyPosition: keyPositionStack[start], value: value))
      } else {
        if builder == nil {
          let made = TOMLTableBuilder(origin: .header, position: position)
          for entry in direct {
            made.append(
              key: entry.key, at: entry.keyPosition,
              node: .value(entry.value))
          }
          builder = made
        }
        try insert(value, into: builder!, keysFrom: start, section: -1)
      }
      popKeys(to: start)
      skipBlanks()
      guard i < end else { throw fail("unterminated inline table (opened at \(position))", at: i) }
      switch bytes[i] {
      case .comma:
        i += 1
        skipBlanks()
        if peek() == .rightBrace {
          throw fail("a trailing comma is not allowed in an inline table (TOML 1.0)", at: i)
        }
      case .rightBrace:
        i += 1
        if let builder { return TOMLValue(.table(builder.build()), at: position) }
        return TOMLValue(.table(TOMLTable(uniqueEntries: direct, index: nil)), at: position)
      case .lineFeed, .carriageReturn, .hash:
        throw fail("newlines and comments are not allowed inside an inline table (TOML 1.0)", at: i)
      default:
        throw fail("expected ',' or '}' in the inline table, found \(describe(i))", at: i)
      }
    }
  }

  /// After a bare value (number, boolean, date): the next byte must end it.
  mutating func checkValueEnd() throws(TOMLError) {
    guard i < end else { return }
    switch bytes[i] {
    case .space, .tab, .lineFeed, .carriageReturn, .comma, .rightBracket, .rightBrace, .hash:
      return
    default:
      throw fail("unexpected \(describe(i)) in a value", at: i)
    }
  }

  private func matches(_ word: StaticString) -> Bool {
    let count = word.utf8CodeUnitCount
    guard i + count <= end else { return false }
    let pointer = word.utf8Start
    for k in 0..<count where bytes[i + k] != pointer[k] { return false }
    return true
  }

  private func article(_ typeName: String) -> String {
    let vowels: Set<Character> = ["a", "e", "i", "o", "u"]
    return (vowels.contains(typeName.first ?? "x") ? "an " : "a ") + typeName
  }
}
