/// Whitespace, comments, line endings, UTF-8 validation and error construction.
extension TOMLSyntaxParser {
  /// The position of the read offset (always on the current line).
  var here: TOMLPosition { TOMLPosition(line: line, column: i - lineStart + 1) }

  @inline(__always)
  func peek(_ ahead: Int = 0) -> UInt8 {
    let offset = i + ahead
    return offset < end ? bytes[offset] : 0
  }

  /// Consumes a line feed at `i`.
  @inline(__always)
  mutating func newline() {
    i += 1
    line += 1
    lineStart = i
  }

  @inline(__always)
  mutating func skipBlanks() {
    while i < end && (bytes[i] == .space || bytes[i] == .tab) { i += 1 }
  }

  /// At a carriage return: consumes CRLF, or fails on a bare CR.
  mutating func consumeLineEnding() throws(TOMLError) {
    guard peek(1) == .lineFeed else {
      throw fail("a carriage return must be followed by a line feed", at: i)
    }
    i += 1
    newline()
  }

  /// At `#`: consumes the comment up to (not including) its line ending.
  mutating func skipComment() throws(TOMLError) {
    i += 1
    while true {
      skipPrintableASCII(except: 0, 0)
      guard i < end else { return }
      let byte = bytes[i]
      if byte >= 0x20 && byte < 0x7F || byte == .tab {
        i += 1
      } else if byte == .lineFeed {
        return
      } else if byte >= 0x80 {
        try skipUTF8Sequence()
      } else if byte == .carriageReturn && peek(1) == .lineFeed {
        return
      } else {
        throw fail("\(describe(i)) is not allowed in a comment", at: i)
      }
    }
  }

  /// Between array elements: blanks, comments and newlines.
  mutating func skipBlanksCommentsAndNewlines() throws(TOMLError) {
    while i < end {
      switch bytes[i] {
      case .space, .tab: i += 1
      case .lineFeed: newline()
      case .carriageReturn: try consumeLineEnding()
      case .hash: try skipComment()
      default: return
      }
    }
  }

  /// After a statement: optional blanks and comment, then a line ending or the end of the file.
  mutating func expectEndOfLine(after what: String) throws(TOMLError) {
    skipBlanks()
    guard i < end else { return }
    if bytes[i] == .hash { try skipComment() }
    guard i < end else { return }
    if bytes[i] == .lineFeed {
      newline()
    } else if bytes[i] == .carriageReturn {
      try consumeLineEnding()
    } else {
      throw fail("expected a newline after \(what), found \(describe(i))", at: i)
    }
  }

  /// Skips eight bytes at a time while every byte is printable ASCII (0x20...0x7E) other
  /// than `a` and `b` (0 for none): the fast path through comments and strings.
  @inline(__always)
  mutating func skipPrintableASCII(except a: UInt8, _ b: UInt8) {
    guard let base = bytes.baseAddress else { return }
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    let patternA = ones &* UInt64(a)
    let patternB = ones &* UInt64(b)
    while i &+ 8 <= end {
      let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
      let control = (word &- ones &* 0x20) & ~word & highs  // a byte < 0x20
      let nonASCII = (((word & 0x7F7F_7F7F_7F7F_7F7F) &+ ones) | word) & highs  // a byte >= 0x7F
      let xa = word ^ patternA
      let hitA = (xa &- ones) & ~xa & highs  // a byte == a
      let xb = word ^ patternB
      let hitB = (xb &- ones) & ~xb & highs  // a byte == b
      if control | nonASCII | hitA | hitB != 0 { return }
      i &+= 8
    }
  }

  /// Length of the valid UTF-8 sequence starting at `offset` (first byte >= 0x80), or nil.
  func utf8SequenceLength(at offset: Int) -> Int? {
    let first = bytes[offset]
    @inline(__always) func continuation(_ k: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool
    {
      offset + k < end && bytes[offset + k] >= low && bytes[offset + k] <= high
    }
    switch first {
    case 0xC2...0xDF:
      return continuation(1) ? 2 : nil
    case 0xE0:
      return continuation(1, 0xA0) && continuation(2) ? 3 : nil
    case 0xE1...0xEC, 0xEE...0xEF:
      return continuation(1) && continuation(2) ? 3 : nil
    case 0xED:
      return continuation(1, 0x80, 0x9F) && continuation(2) ? 3 : nil
    case 0xF0:
      return continuation(1, 0x90) && continuation(2) && continuation(3) ? 4 : nil
    case 0xF1...0xF3:
      return continuation(1) && continuation(2) && continuation(3) ? 4 : nil
    case 0xF4:
      return continuation(1, 0x80, 0x8F) && continuation(2) && continuation(3) ? 4 : nil
    default:
      return nil
    }
  }

  /// Skips one valid UTF-8 sequence at `i`, or fails.
  @inline(__always)
  mutating func skipUTF8Sequence() throws(TOMLError) {
    guard let length = utf8SequenceLength(at: i) else { throw fail("invalid UTF-8", at: i) }
    i += length
  }

  /// A string from already validated bytes.
  @inline(__always)
  func makeString(_ start: Int, _ stop: Int) -> String {
    String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<stop]), as: UTF8.self)
  }

  // MARK: Errors

  /// An error at byte `offset`; line and column are computed from the start of the input.
  func fail(_ message: String, at offset: Int) -> TOMLError {
    let offset = min(max(offset, 0), end)
    var lineNumber = 1
    var start = (end >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF) ? 3 : 0
    var k = start
    while k < offset {
      if bytes[k] == .lineFeed {
        lineNumber += 1
        start = k + 1
      }
      k += 1
    }
    var stop = start
    while stop < end && bytes[stop] != .lineFeed && bytes[stop] != .carriageReturn { stop += 1 }
    let source = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<stop]), as: UTF8.self)
    return TOMLError(
      file: file, line: lineNumber, column: offset - start + 1, message: message, sourceLine: source
    )
  }

  /// The byte offset of a position recorded earlier.
  func offset(of position: TOMLPosition) -> Int {
    var start = (end >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF) ? 3 : 0
    var lineNumber = 1
    var k = start
    while lineNumber < position.line && k < end {
      if bytes[k] == .lineFeed {
        lineNumber += 1
        start = k + 1
      }
      k += 1
    }
    return min(start + position.column - 1, end)
  }

  /// The byte at `offset` for a message: `'x'`, `newline`, `U+0007`, `end of file`.
  func describe(_ offset: Int) -> String {
    guard offset < end else { return "end of file" }
    let byte = bytes[offset]
    switch byte {
    case .lineFeed: return "a newline"
    case .carriageReturn: return "a carriage return"
    case .tab: return "a tab"
    case .space: return "a space"
    case 0x21..<0x7F: return "'\(Character(Unicode.Scalar(byte)))'"
    case 0x80...:
      if let length = utf8SequenceLength(at: offset) {
        let text = makeString(offset, offset + length)
        let scalar = text.unicodeScalars.first!
        return "'\(text)' (U+\(hex(scalar.value)))"
      }
      return "invalid UTF-8 (byte 0x\(hex(UInt32(byte), width: 2)))"
    default:
      return "control character U+\(hex(UInt32(byte)))"
    }
  }

  private func hex(_ value: UInt32, width: Int = 4) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return digits.count >= width
      ? digits : String(repeating: "0", count: width - digits.count) + digits
  }
}

extension UInt8 {
  static let tab = UInt8(ascii: "\t")
  static let lineFeed = UInt8(ascii: "\n")
  static let carriageReturn = UInt8(ascii: "\r")
  static let space = UInt8(ascii: " ")
  static let quote = UInt8(ascii: "\"")
  static let apostrophe = UInt8(ascii: "'")
  static let hash = UInt8(ascii: "#")
  static let plus = UInt8(ascii: "+")
  static let comma = UInt8(ascii: ",")
  static let minus = UInt8(ascii: "-")
  static let dot = UInt8(ascii: ".")
  static let colon = UInt8(ascii: ":")
  static let equals = UInt8(ascii: "=")
  static let leftBracket = UInt8(ascii: "[")
  static let backslash = UInt8(ascii: "\\")
  static let rightBracket = UInt8(ascii: "]")
  static let underscore = UInt8(ascii: "_")
  static let leftBrace = UInt8(ascii: "{")
  static let rightBrace = UInt8(ascii: "}")

  /// `A-Z a-z 0-9 _ -`
  @inline(__always)
  var isBareKeyCharacter: Bool {
    (self | 0x20) >= UInt8(ascii: "a") && (self | 0x20) <= UInt8(ascii: "z")
      || (self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9")) || self == .underscore
      || self == .minus
  }

  @inline(__always)
  var isDecimalDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
}
