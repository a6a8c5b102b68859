/// Integers, floats and the four date/time kinds.
extension TOMLSyntaxParser {
  /// At a digit, sign, `i` or `n`.
  mutating func parseNumberOrDateTime() throws(TOMLError) -> TOMLValue {
    let position = here
    let start = i
    if bytes[i].isDecimalDigit {
      if i + 4 < end && bytes[i + 1].isDecimalDigit && bytes[i + 2].isDecimalDigit
        && bytes[i + 3].isDecimalDigit && bytes[i + 4] == .minus
      {
        return try parseDateOrDateTime(position: position)
      }
      if i + 2 < end && bytes[i + 1].isDecimalDigit && bytes[i + 2] == .colon {
        let time = try parseTime()
        try checkValueEnd()
        return TOMLValue(.localTime(time), at: position)
      }
    }
    var negative = false
    var signed = false
    if bytes[i] == .plus || bytes[i] == .minus {
      negative = bytes[i] == .minus
      signed = true
      i += 1
    }
    if peek() == UInt8(ascii: "i") || peek() == UInt8(ascii: "n") {
      let isInfinity = peek() == UInt8(ascii: "i")
      let word: (UInt8, UInt8, UInt8) = isInfinity ? (0x69, 0x6E, 0x66) : (0x6E, 0x61, 0x6E)
      guard peek() == word.0 && peek(1) == word.1 && peek(2) == word.2 else {
        throw fail("expected a value, found \(describe(start)) (strings must be quoted)", at: start)
      }
      i += 3
      try checkValueEnd()
      let value: Double = isInfinity ? (negative ? -.infinity : .infinity) : .nan
      return TOMLValue(.float(value), at: position)
    }
    guard peek().isDecimalDigit else {
      throw fail("expected digits after the sign, found \(describe(i))", at: i)
    }
    if !signed && bytes[i] == UInt8(ascii: "0") {
      switch peek(1) {
      case UInt8(ascii: "x"): return try parseRadixInteger(radix: 16, position: position)
      case UInt8(ascii: "o"): return try parseRadixInteger(radix: 8, position: position)
      case UInt8(ascii: "b"): return try parseRadixInteger(radix: 2, position: position)
      default: break
      }
    }
    let digitsStart = i
    if bytes[i] == UInt8(ascii: "0") {
      i += 1
      if peek().isDecimalDigit || peek() == .underscore {
        throw fail("leading zeros are not allowed in a decimal number", at: digitsStart)
      }
    } else {
      try scanDigits(radix: 10)
    }
    var isFloat = false
    if peek() == .dot {
      isFloat = true
      i += 1
      guard peek().isDecimalDigit else {
        throw fail("a decimal point must be followed by a digit, found \(describe(i))", at: i)
      }
      try scanDigits(radix: 10)
    }
    if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
      isFloat = true
      i += 1
      if peek() == .plus || peek() == .minus { i += 1 }
      guard peek().isDecimalDigit else {
        throw fail("an exponent must have digits, found \(describe(i))", at: i)
      }
      try scanDigits(radix: 10)
    }
    try checkValueEnd()
    if isFloat {
      scratch.removeAll(keepingCapacity: true)
      for k in start..<i where bytes[k] != .underscore { scratch.append(bytes[k]) }
      guard let value = Double(String(decoding: scratch, as: UTF8.self)) else {
        throw fail("invalid float", at: start)
      }
      return TOMLValue(.float(value), at: position)
    }
    // Accumulate negatively so that Int64.min fits.
    var value: Int64 = 0
    for k in digitsStart..<i where bytes[k] != .underscore {
      let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
      let (next, overflow2) = shifted.subtractingReportingOverflow(
        Int64(bytes[k] &- UInt8(ascii: "0")))
      if overflow1 || overflow2 { throw fail("integer does not fit in 64 bits", at: start) }
      value = next
    }
    if !negative {
      guard value != .min else { throw fail("integer does not fit in 64 bits", at: start) }
      value = -value
    }
    return TOMLValue(.integer(value), at: position)
  }

  /// `0x`, `0o`, `0b` integers (no sign allowed, at most Int64.max).
  private mutating func parseRadixInteger(radix: Int64, position: TOMLPosition) throws(TOMLError)
    -> TOMLValue
  {
    let start = i
    i += 2
    guard let first = hexDigitValue(peek()), Int64(first) < radix else {
      throw fail("expected a base-\(radix) digit after the prefix, found \(describe(i))", at: i)
    }
    let digitsStart = i
    try scanDigits(radix: radix)
    try checkValueEnd()
    var value: Int64 = 0
    for k in digitsStart..<i where bytes[k] != .underscore {
      let (shifted, overflow1) = value.multipliedReportingOverflow(by: radix)
      let (next, overflow2) = shifted.addingReportingOverflow(Int64(hexDigitValue(bytes[k])!))
      if overflow1 || overflow2 { throw fail("integer does not fit in 64 bits", at: start) }
      value = next
    }
    return TOMLValue(.integer(value), at: position)
  }

  /// Digits of `radix` with single underscores between digits; at least one digit at `i`.
  private mutating func scanDigits(radix: Int64) throws(TOMLError) {
    while i < end {
      let byte = bytes[i]
      if let digit = hexDigitValue(byte), Int64(digit) < radix {
        i += 1
      } else if byte == .underscore {
        guard i + 1 < end, let digit = hexDigitValue(bytes[i + 1]), Int64(digit) < radix,
          i > 0, hexDigitValue(bytes[i - 1]) != nil
        else {
          throw fail("an underscore in a number must be between two digits", at: i)
        }
        i += 1
      } else {
        return
      }
    }
  }

  /// `YYYY-MM-DD`, optionally followed by `T`/`t`/space and a time, and an offset.
  private mutating func parseDateOrDateTime(position: TOMLPosition) throws(TOMLError) -> TOMLValue {
    let start = i
    guard i + 10 <= end, bytes[i + 4] == .minus, bytes[i + 7] == .minus,
      let year = digits(at: i, count: 4), let month = digits(at: i + 5, count: 2),
      let day = digits(at: i + 8, count: 2)
    else {
      throw fail("invalid date: expected YYYY-MM-DD", at: start)
    }
    guard TOMLLocalDate.isValid(year: year, month: month, day: day) else {
      throw fail("invalid date: day \(day) does not exist in month \(month) of \(year)", at: start)
    }
    let date = TOMLLocalDate(year: UInt16(year), month: UInt8(month), day: UInt8(day))
    i += 10
    let separator = peek()
    if separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t") {
      i += 1
    } else if separator == .space && peek(1).isDecimalDigit && peek(2).isDecimalDigit
      && peek(3) == .colon
    {
      i += 1
    } else {
      try checkValueEnd()
      return TOMLValue(.localDate(date), at: position)
    }
    let time = try parseTime()
    let marker = peek()
    if marker == UInt8(ascii: "Z") || marker == UInt8(ascii: "z") {
      i += 1
      try checkValueEnd()
      return TOMLValue(
        .offsetDateTime(TOMLOffsetDateTime(date: date, time: time, offsetMinutes: 0)), at: position)
    }
    if marker == .plus || marker == .minus {
      let offsetStart = i
      guard i + 6 <= end, bytes[i + 3] == .colon, let hours = digits(at: i + 1, count: 2),
        let minutes = digits(at: i + 4, count: 2), hours <= 23, minutes <= 59
      else {
        throw fail("invalid time offset: expected +HH:MM or -HH:MM", at: offsetStart)
      }
      i += 6
      try checkValueEnd()
      let total = Int16(hours * 60 + minutes) * (marker == .minus ? -1 : 1)
      return TOMLValue(
        .offsetDateTime(TOMLOffsetDateTime(date: date, time: time, offsetMinutes: total)),
        at: position)
    }
    try checkValueEnd()
    return TOMLValue(.localDateTime(TOMLLocalDateTime(date: date, time: time)), at: position)
  }

  /// `HH:MM:SS` with an optional fraction; seconds are required (TOML 1.0).
  private mutating func parseTime() throws(TOMLError) -> TOMLLocalTime {
    let start = i
    guard i + 8 <= end, bytes[i + 2] == .colon, bytes[i + 5] == .colon,
      let hour = digits(at: i, count: 2), let minute = digits(at: i + 3, count: 2),
      let second = digits(at: i + 6, count: 2)
    else {
      throw fail("invalid time: expected HH:MM:SS", at: start)
    }
    guard hour <= 23, minute <= 59, second <= 59 else {
      throw fail("invalid time: hour must be 00-23, minute and second 00-59", at: start)
    }
    i += 8
    var nanosecond: UInt32 = 0
    var fractionDigits: UInt8 = 0
    if peek() == .dot {
      i += 1
      guard peek().isDecimalDigit else {
        throw fail("a fraction of a second needs at least one digit", at: i)
      }
      while i < end && bytes[i].isDecimalDigit {
        if fractionDigits < 9 {
          nanosecond = nanosecond * 10 + UInt32(bytes[i] &- UInt8(ascii: "0"))
          fractionDigits += 1
        }
        i += 1
      }
      for _ in Int(fractionDigits)..<9 { nanosecond *= 10 }
    }
    return TOMLLocalTime(
      hour: UInt8(hour), minute: UInt8(minute), second: UInt8(second), nanosecond: nanosecond,
      fractionDigits: fractionDigits)
  }

  /// `count` decimal digits at `offset` as a number, or nil.
  private func digits(at offset: Int, count: Int) -> Int? {
    guard offset + count <= end else { return nil }
    var value = 0
    for k in offset..<(offset + count) {
      let byte = bytes[k]
      guard byte.isDecimalDigit else { return nil }
      value = value * 10 + Int(byte &- UInt8(ascii: "0"))
    }
    return value
  }
}
