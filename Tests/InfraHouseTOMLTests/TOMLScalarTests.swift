import InfraHouseTOML
import Testing

/// Strings, integers, floats, booleans and date-times, from the TOML 1.0.0 text.
@Suite struct TOMLScalarTests {
  @Test(arguments: [
    (
      #""I'm a string. \"You can quote me\". Name\tJos\u00E9\nLocation\tSF.""#,
      "I'm a string. \"You can quote me\". Name\tJos\u{E9}\nLocation\tSF."
    ),
    (#""\b\t\n\f\r\"\\""#, "\u{08}\t\n\u{0C}\r\"\\"),
    (#""\u00e9\U0001F600""#, "\u{E9}\u{1F600}"),
    (#""""#, ""),
    ("\"é😀 tab\tok\"", "é😀 tab\tok"),
    (#"'C:\Users\nodejs\templates'"#, #"C:\Users\nodejs\templates"#),
    (#"'<\i\c*\s*>'"#, #"<\i\c*\s*>"#),
    (#"'Tom "Dubs" Preston-Werner'"#, #"Tom "Dubs" Preston-Werner"#),
    ("\"\"\"\nRoses are red\nViolets are blue\"\"\"", "Roses are red\nViolets are blue"),
    ("\"\"\"\r\nRoses\r\nViolets\"\"\"", "Roses\nViolets"),
    (
      "\"\"\"\nThe quick brown \\\n\n\n  fox jumps over \\\n    the lazy dog.\"\"\"",
      "The quick brown fox jumps over the lazy dog."
    ),
    ("\"\"\"\\\n       The quick brown \\\n       fox.\\\n       \"\"\"", "The quick brown fox."),
    ("\"\"\"a \\   \n  b\"\"\"", "a b"),
    (
      #""""Here are two quotation marks: "". Simple enough.""""#,
      #"Here are two quotation marks: "". Simple enough."#
    ),
    (#""""Here are three quotation marks: ""\".""""#, #"Here are three quotation marks: """."#),
    (
      #""""Here are fifteen quotation marks: \"\"\"\"\"\"\"\"\"\"\"\"\"\"\".""""#,
      #"Here are fifteen quotation marks: """""""""""""""."#
    ),
    (
      #"""""This," she said, "is just a pointless statement."""""#,
      #""This," she said, "is just a pointless statement.""#
    ),
    (
      "'''\nThe first newline is\ntrimmed in raw strings.\n   All other whitespace\n   is preserved.\n'''",
      "The first newline is\ntrimmed in raw strings.\n   All other whitespace\n   is preserved.\n"
    ),
    ("'''I [dw]on't need \\d{2} apples'''", "I [dw]on't need \\d{2} apples"),
    ("''''That,' she said, 'is still pointless.''''", "'That,' she said, 'is still pointless.'"),
    (
      "'''Here are fifteen quotation marks: \"\"\"\"\"\"\"\"\"\"\"\"\"\"\"'''",
      "Here are fifteen quotation marks: \"\"\"\"\"\"\"\"\"\"\"\"\"\"\""
    ),
    ("'''a''b'''''", "a''b''"),
    ("\"\"\"tab\there\"\"\"", "tab\there"),
  ])
  func strings(source: String, expected: String) {
    #expect(value(source) == .string(expected))
  }

  @Test(
    arguments: [
      ("+99", 99), ("42", 42), ("0", 0), ("-17", -17), ("+0", 0), ("-0", 0),
      ("1_000", 1000), ("5_349_221", 5_349_221), ("53_49_221", 5_349_221), ("1_2_3_4_5", 12345),
      ("0xDEADBEEF", 0xDEAD_BEEF), ("0xdeadbeef", 0xDEAD_BEEF), ("0xdead_beef", 0xDEAD_BEEF),
      ("0o01234567", 0o1234567), ("0o755", 0o755), ("0b11010110", 0b1101_0110), ("0x0", 0),
      ("9223372036854775807", Int64.max), ("-9223372036854775808", Int64.min),
      ("0x7FFFFFFFFFFFFFFF", Int64.max), ("0b0", 0), ("0o0_1", 1),
    ] as [(String, Int64)])
  func integers(source: String, expected: Int64) {
    #expect(value(source) == .integer(expected))
  }

  @Test(
    arguments: [
      ("+1.0", 1.0), ("3.1415", 3.1415), ("-0.01", -0.01), ("5e+22", 5e22), ("1e06", 1e6),
      ("-2E-2", -2e-2), ("6.626e-34", 6.626e-34), ("224_617.445_991_228", 224_617.445_991_228),
      ("0.0", 0.0), ("+0.0", 0.0), ("0e0", 0.0), ("1e1_0", 1e10),
      ("1.7976931348623157e308", .greatestFiniteMagnitude),
      ("1e400", .infinity), ("inf", .infinity), ("+inf", .infinity), ("-inf", -.infinity),
    ] as [(String, Double)])
  func floats(source: String, expected: Double) {
    #expect(value(source) == .float(expected))
  }

  @Test func negativeZeroAndNaN() {
    guard case .float(let negativeZero) = value("-0.0") else { return #expect(Bool(false)) }
    #expect(negativeZero == 0 && negativeZero.sign == .minus)
    for source in ["nan", "+nan", "-nan"] {
      guard case .float(let number) = value(source) else { return #expect(Bool(false)) }
      #expect(number.isNaN)
    }
  }

  @Test func booleans() {
    #expect(value("true") == .boolean(true))
    #expect(value("false") == .boolean(false))
  }

  @Test func offsetDateTimes() {
    #expect(
      value("1979-05-27T07:32:00Z")
        == .offsetDateTime(
          TOMLOffsetDateTime(date: date(1979, 5, 27), time: time(7, 32, 0), offsetMinutes: 0)))
    #expect(
      value("1979-05-27T00:32:00-07:00")
        == .offsetDateTime(
          TOMLOffsetDateTime(date: date(1979, 5, 27), time: time(0, 32, 0), offsetMinutes: -420)))
    #expect(
      value("1979-05-27T00:32:00.999999+05:30")
        == .offsetDateTime(
          TOMLOffsetDateTime(
            date: date(1979, 5, 27), time: time(0, 32, 0, nanosecond: 999_999_000, digits: 6),
            offsetMinutes: 330)))
    #expect(
      value("1979-05-27 07:32:00z")
        == .offsetDateTime(
          TOMLOffsetDateTime(date: date(1979, 5, 27), time: time(7, 32, 0), offsetMinutes: 0)))
  }

  @Test func localDateTimesDatesAndTimes() {
    #expect(
      value("1979-05-27T07:32:00")
        == .localDateTime(TOMLLocalDateTime(date: date(1979, 5, 27), time: time(7, 32, 0))))
    #expect(
      value("1979-05-27t00:32:00.999999")
        == .localDateTime(
          TOMLLocalDateTime(
            date: date(1979, 5, 27), time: time(0, 32, 0, nanosecond: 999_999_000, digits: 6))
        ))
    #expect(value("1979-05-27") == .localDate(date(1979, 5, 27)))
    #expect(value("2000-02-29") == .localDate(date(2000, 2, 29)))
    #expect(value("07:32:00") == .localTime(time(7, 32, 0)))
    #expect(
      value("00:32:00.999999") == .localTime(time(0, 32, 0, nanosecond: 999_999_000, digits: 6)))
    // Precision beyond nanoseconds is truncated, as the spec allows.
    #expect(
      value("00:00:00.1234567891") == .localTime(time(0, 0, 0, nanosecond: 123_456_789, digits: 9)))
  }

  @Test func dateTimeDescriptionsAreRFC3339() {
    #expect(
      TOMLOffsetDateTime(
        date: date(1979, 5, 27), time: time(0, 32, 0, nanosecond: 500_000_000, digits: 3),
        offsetMinutes: -420
      ).description == "1979-05-27T00:32:00.500-07:00")
    #expect(
      TOMLOffsetDateTime(date: date(1, 1, 1), time: time(0, 0, 0), offsetMinutes: 0).description
        == "0001-01-01T00:00:00Z")
    #expect(TOMLLocalTime(hour: 7, minute: 5, second: 9).description == "07:05:09")
  }
}
