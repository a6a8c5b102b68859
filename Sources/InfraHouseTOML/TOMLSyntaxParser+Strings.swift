/// The four TOML string kinds.
extension TOMLSyntaxParser {
  /// `"..."` at `i`: escapes, no newlines, no control characters but tab.
  mutating func parseBasicString() throws(TOMLError) -> String {
    let open = i
    i += 1
    let start = i
    while true {
      skipPrintableASCII(except: .quote, .backslash)
      guard i < end else { break }
      let byte = bytes[i]
      if byte == .quote {
        let text = makeString(start, i)
        i += 1
        return text
      }
      if byte == .backslash { break }
      try checkStringByte(byte, opening: open)
    }
    scratch.removeAll(keepingCapacity: true)
    scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
    while i < end {
      let byte = bytes[i]
      if byte == .quote {
        i += 1
        return String(decoding: scratch, as: UTF8.self)
      }
      if byte == .backslash {
        try appendEscape()
      } else {
        let from = i
        try checkStringByte(byte, opening: open)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[from..<i]))
      }
    }
    throw fail("unterminated string (opened at \(positionDescription(open)))", at: open)
  }

  /// `'...'` at `i`: no escapes, no newlines, no control characters but tab.
  mutating func parseLiteralString() throws(TOMLError) -> String {
    let open = i
    i += 1
    let start = i
    while true {
      skipPrintableASCII(except: .apostrophe, .apostrophe)
      guard i < end else { break }
      let byte = bytes[i]
      if byte == .apostrophe {
        let text = makeString(start, i)
        i += 1
        return text
      }
      try checkStringByte(byte, opening: open)
    }
    throw fail("unterminated string (opened at \(positionDescription(open)))", at: open)
  }

  /// Validates one character of a single-line string at `i` and steps over it.
  @inline(__always)
  private mutating func checkStringByte(_ byte: UInt8, opening open: Int) throws(TOMLError) {
    if byte >= 0x20 && byte < 0x7F || byte == .tab {
      i += 1
    } else if byte >= 0x80 {
      try skipUTF8Sequence()
    } else if byte == .lineFeed || byte == .carriageReturn {
      throw fail(
        "unterminated string (opened at \(positionDescription(open))): a newline ends the line first",
        at: i)
    } else {
      throw fail("\(describe(i)) is not allowed in a string; write it as an escape", at: i)
    }
  }

  /// `"""..."""` at `i`.
  mutating func parseMultilineBasicString() throws(TOMLError) -> String {
    let open = i
    i += 3
    skipNewlineAfterOpeningDelimiter()
    scratch.removeAll(keepingCapacity: true)
    while i < end {
      let byte = bytes[i]
      if byte == .quote {
        if peek(1) == .quote && peek(2) == .quote {
          return closeMultiline(delimiter: .quote)
        }
        scratch.append(byte)
        i += 1
      } else if byte == .backslash {
        var k = i + 1
        while k < end && (bytes[k] == .space || bytes[k] == .tab) { k += 1 }
        if k < end
          && (bytes[k] == .lineFeed
            || (bytes[k] == .carriageReturn && k + 1 < end && bytes[k + 1] == .lineFeed))
        {
          i = k
          try skipWhitespaceAfterLineEndingBackslash()
        } else {
          try appendEscape()
        }
      } else {
        try appendMultilineByte(byte)
      }
    }
    throw fail("unterminated multi-line string (opened at \(positionDescription(open)))", at: open)
  }

  /// `'''...'''` at `i`.
  mutating func parseMultilineLiteralString() throws(TOMLError) -> String {
    let open = i
    i += 3
    skipNewlineAfterOpeningDelimiter()
    scratch.removeAll(keepingCapacity: true)
    while i < end {
      let byte = bytes[i]
      if byte == .apostrophe {
        if peek(1) == .apostrophe && peek(2) == .apostrophe {
          return closeMultiline(delimiter: .apostrophe)
        }
        scratch.append(byte)
        i += 1
      } else {
        try appendMultilineByte(byte)
      }
    }
    throw fail("unterminated multi-line string (opened at \(positionDescription(open)))", at: open)
  }

  /// At the first of three or more delimiters: up to two extra ones belong to the content.
  private mutating func closeMultiline(delimiter: UInt8) -> String {
    var run = 3
    while run < 5 && i + run < end && bytes[i + run] == delimiter { run += 1 }
    for _ in 0..<(run - 3) { scratch.append(delimiter) }
    i += run
    return String(decoding: scratch, as: UTF8.self)
  }

  private mutating func skipNewlineAfterOpeningDelimiter() {
    if peek() == .lineFeed {
      newline()
    } else if peek() == .carriageReturn && peek(1) == .lineFeed {
      i += 1
      newline()
    }
  }

  /// A content byte of a multi-line string; CRLF is stored as LF, as `tomllib` does.
  @inline(__always)
  private mutating func appendMultilineByte(_ byte: UInt8) throws(TOMLError) {
    if byte >= 0x20 && byte < 0x7F || byte == .tab {
      scratch.append(byte)
      i += 1
    } else if byte == .lineFeed {
      scratch.append(byte)
      newline()
    } else if byte >= 0x80 {
      let from = i
      try skipUTF8Sequence()
      scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[from..<i]))
    } else if byte == .carriageReturn {
      try consumeLineEnding()
      scratch.append(.lineFeed)
    } else {
      throw fail("\(describe(i)) is not allowed in a string; write it as an escape", at: i)
    }
  }

  /// After a line-ending backslash: drops every space, tab and newline up to the next character.
  private mutating func skipWhitespaceAfterLineEndingBackslash() throws(TOMLError) {
    while i < end {
      switch bytes[i] {
      case .space, .tab: i += 1
      case .lineFeed: newline()
      case .carriageReturn: try consumeLineEnding()
      default: return
      }
    }
  }

  /// At a backslash in a basic string: appends the escaped character to `scratch`.
  mutating func appendEscape() throws(TOMLError) {
    let escape = i
    guard i + 1 < end else { throw fail("unterminated escape sequence", at: i) }
    let code = bytes[i + 1]
    i += 2
    switch code {
    case UInt8(ascii: "b"): scratch.append(0x08)
    case UInt8(ascii: "t"): scratch.append(0x09)
    case UInt8(ascii: "n"): scratch.append(0x0A)
    case UInt8(ascii: "f"): scratch.append(0x0C)
    case UInt8(ascii: "r"): scratch.append(0x0D)
    case .quote: scratch.append(.quote)
    case .backslash: scratch.append(.backslash)
    case UInt8(ascii: "u"): try appendUnicodeEscape(digits: 4, escape: escape)
    case UInt8(ascii: "U"): try appendUnicodeEscape(digits: 8, escape: escape)
    default:
      i = escape
      throw fail(
        "invalid escape sequence '\\\(code >= 0x21 && code < 0x7F ? String(Character(Unicode.Scalar(code))) : "")'; valid escapes are \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX",
        at: escape)
    }
  }

  private mutating func appendUnicodeEscape(digits: Int, escape: Int) throws(TOMLError) {
    var value: UInt32 = 0
    for _ in 0..<digits {
      guard i < end, let digit = hexDigitValue(bytes[i]) else {
        throw fail(
          "\\\(digits == 4 ? "u" : "U") must be followed by \(digits) hexadecimal digits",
          at: escape)
      }
      value = value << 4 | UInt32(digit)
      i += 1
    }
    guard let scalar = Unicode.Scalar(value) else {
      throw fail(
        "escape does not name a Unicode scalar value (surrogates and values above 10FFFF are not)",
        at: escape)
    }
    let utf8 = UTF8.encode(scalar)!
    for unit in utf8 { scratch.append(unit) }
  }

  /// `line:column` of an offset.
  func positionDescription(_ offset: Int) -> String {
    let error = fail("", at: offset)
    return "\(error.line):\(error.column)"
  }
}

@inline(__always)
func hexDigitValue(_ byte: UInt8) -> UInt8? {
  switch byte {
  case UInt8(ascii: "0")...UInt8(ascii: "9"): byte &- UInt8(ascii: "0")
  case UInt8(ascii: "a")...UInt8(ascii: "f"): byte &- UInt8(ascii: "a") &+ 10
  case UInt8(ascii: "A")...UInt8(ascii: "F"): byte &- UInt8(ascii: "A") &+ 10
  default: nil
  }
}
