import InfraHouseTOML
import Testing

/// Everything TOML 1.0.0 forbids is an error at the right line and column.
@Suite struct TOMLInvalidDocumentTests {
  struct Case: CustomTestStringConvertible, Sendable {
    let source: String
    let line: Int
    let column: Int
    let message: String
    var testDescription: String { source.debugDescription }
    init(_ source: String, _ line: Int, _ column: Int, _ message: String) {
      self.source = source
      self.line = line
      self.column = column
      self.message = message
    }
  }

  @Test(arguments: [
    // Keys
    Case("key = # INVALID", 1, 7, "expected a value"),
    Case("= \"no key name\"", 1, 1, "expected a key"),
    Case("first = \"Tom\" last = \"Preston-Werner\"", 1, 15, "expected a newline"),
    Case("key\n= 1", 1, 4, "expected '='"),
    Case("\"\"\"key\"\"\" = 1", 1, 1, "multi-line string cannot be a key"),
    Case("a. = 1", 1, 4, "expected a key"),
    Case(".a = 1", 1, 1, "expected a key"),
    Case("a..b = 1", 1, 3, "expected a key"),
    Case("ké = 1", 1, 2, "expected '='"),
    Case("name = \"Tom\"\nname = \"Pradyun\"", 2, 1, "duplicate key 'name' (first defined at 1:1)"),
    Case("spelling = \"favorite\"\n\"spelling\" = \"favourite\"", 2, 1, "duplicate key"),
    Case(
      "fruit.apple = 1\nfruit.apple.smooth = true", 2, 7, "already defined as an integer at 1:7"),
    Case("a = 1\na.b = 2", 2, 1, "already defined as an integer"),
    // Strings
    Case("s = \"unterminated", 1, 5, "unterminated string"),
    Case("s = \"line\nbreak\"", 1, 10, "unterminated string"),
    Case("s = 'line\nbreak'", 1, 10, "unterminated string"),
    Case("s = \"\\x41\"", 1, 6, "invalid escape sequence"),
    Case("s = \"\\e\"", 1, 6, "invalid escape"),
    Case("s = \"\\u12\"", 1, 6, "4 hexadecimal digits"),
    Case("s = \"\\uD800\"", 1, 6, "Unicode scalar"),
    Case("s = \"\\U00110000\"", 1, 6, "Unicode scalar"),
    Case("s = \"a\u{01}b\"", 1, 7, "control character U+0001"),
    Case("s = \"a\u{7F}b\"", 1, 7, "control character U+007F"),
    Case("s = 'a\u{00}b'", 1, 7, "control character U+0000"),
    Case("s = \"\"\"a\u{0B}b\"\"\"", 1, 9, "control character"),
    Case("s = \"\"\"abc", 1, 5, "unterminated multi-line string"),
    Case("s = '''abc''", 1, 5, "unterminated multi-line string"),
    Case("s = \"\"\"a\\ b\"\"\"", 1, 9, "invalid escape"),
    Case("s = \"\"\"a\"\"\"\"\"\"", 1, 14, "expected a newline"),
    Case("s = '''a''''''", 1, 14, "expected a newline"),
    Case("s = \"a\"b", 1, 8, "expected a newline"),
    // Integers
    Case("i = 01", 1, 5, "leading zeros"),
    Case("i = +01", 1, 6, "leading zeros"),
    Case("i = 0_0", 1, 5, "leading zeros"),
    Case("i = 1__2", 1, 6, "underscore"),
    Case("i = 1_", 1, 6, "underscore"),
    Case("i = _1", 1, 5, "expected a value"),
    Case("i = 0x", 1, 7, "base-16 digit"),
    Case("i = 0x_1", 1, 7, "base-16 digit"),
    Case("i = 0XFF", 1, 6, "unexpected 'X'"),
    Case("i = -0x1", 1, 7, "unexpected 'x'"),
    Case("i = 0o8", 1, 7, "base-8 digit"),
    Case("i = 0b102", 1, 9, "unexpected '2'"),
    Case("i = 9223372036854775808", 1, 5, "does not fit in 64 bits"),
    Case("i = -9223372036854775809", 1, 5, "does not fit in 64 bits"),
    Case("i = 0x8000000000000000", 1, 5, "does not fit in 64 bits"),
    Case("i = 1 2", 1, 7, "expected a newline"),
    Case("i = ++1", 1, 6, "expected digits after the sign"),
    // Floats
    Case("f = .7", 1, 5, "expected a value"),
    Case("f = 7.", 1, 7, "decimal point must be followed by a digit"),
    Case("f = 3.e+20", 1, 7, "decimal point"),
    Case("f = 1e", 1, 7, "exponent"),
    Case("f = 1e_1", 1, 7, "exponent"),
    Case("f = 1.5_", 1, 8, "underscore"),
    Case("f = 1._5", 1, 7, "decimal point"),
    Case("f = 01.5", 1, 5, "leading zeros"),
    Case("f = 1.2.3", 1, 8, "unexpected '.'"),
    Case("f = infinity", 1, 8, "unexpected 'i'"),
    Case("f = NaN", 1, 5, "expected a value"),
    Case("f = inf_", 1, 8, "unexpected '_'"),
    // Booleans and bare words
    Case("b = True", 1, 5, "strings must be quoted"),
    Case("b = truee", 1, 9, "unexpected 'e'"),
    Case("b = hello", 1, 5, "strings must be quoted"),
    // Date-times
    Case("d = 1979-13-01", 1, 5, "does not exist"),
    Case("d = 1979-02-29", 1, 5, "does not exist"),
    Case("d = 1900-02-29", 1, 5, "does not exist"),
    Case("d = 1979-5-27", 1, 5, "expected YYYY-MM-DD"),
    Case("d = 1979-05-27T", 1, 16, "invalid time"),
    Case("d = 1979-05-27T24:00:00", 1, 16, "hour must be"),
    Case("d = 07:60:00", 1, 5, "minute"),
    Case("d = 07:32:60", 1, 5, "second"),
    Case("d = 07:32", 1, 5, "expected HH:MM:SS"),
    Case("d = 07:32:00.", 1, 14, "fraction"),
    Case("d = 1979-05-27T07:32:00+7:00", 1, 24, "offset"),
    Case("d = 1979-05-27T07:32:00+24:00", 1, 24, "offset"),
    Case("d = 1979-05-27T07:32:00Zx", 1, 25, "unexpected 'x'"),
    Case("d = 1979-05-27 07:32", 1, 16, "expected HH:MM:SS"),
    // Arrays
    Case("a = [1, 2", 1, 5, "unterminated array"),
    Case("a = [1 2]", 1, 8, "expected ',' or ']'"),
    Case("a = [,]", 1, 6, "expected a value"),
    Case("a = [1,,2]", 1, 8, "expected a value"),
    // Inline tables
    Case("t = {a = 1,}", 1, 12, "trailing comma"),
    Case("t = {a = 1\n}", 1, 11, "newlines"),
    Case("t = {\na = 1}", 1, 6, "newlines"),
    Case("t = {a = 1 # c\n}", 1, 12, "comments"),
    Case("t = {a = 1, a = 2}", 1, 13, "duplicate key 'a'"),
    Case("t = {a.b = 1, a = 2}", 1, 15, "duplicate key 'a'"),
    Case("t = {a = 1 b = 2}", 1, 12, "expected ',' or '}'"),
    Case(
      "type = { name = \"Nail\" }\ntype.edible = false", 2, 1, "cannot add to inline table 'type'"),
    Case("t = {x = 1}\n[t]", 2, 2, "'t' is already defined as a table"),
    Case("t = {x = 1}\n[t.y]", 2, 2, "cannot add to inline table 't'"),
    // Tables
    Case(
      "[fruit]\napple = \"red\"\n\n[fruit]\norange = \"orange\"", 4, 1,
      "table [fruit] is defined twice (first defined at 1:2)"),
    Case(
      "[fruit]\napple = \"red\"\n\n[fruit.apple]\ntexture = \"smooth\"", 4, 8,
      "'fruit.apple' is already defined as a string"),
    Case(
      "[fruit]\napple.color = \"red\"\napple.taste.sweet = true\n[fruit.apple]", 4, 1,
      "created by dotted keys"),
    Case(
      "[fruit]\napple.color = \"red\"\napple.taste.sweet = true\n[fruit.apple.taste]", 4, 1,
      "created by dotted keys"),
    Case("a.b = 1\n[a]", 2, 1, "created by dotted keys"),
    Case("[a.b]\n[a]\nb.c = 1", 3, 1, "defined by a header"),
    Case("[a]\nb.c = 1\n[x]\n[a.b.d]\n[a]", 5, 1, "defined twice"),
    Case("[ a ]b", 1, 6, "expected a newline"),
    Case("[a", 1, 3, "expected ']'"),
    Case("[]", 1, 2, "expected a key"),
    Case("[a.]", 1, 4, "expected a key"),
    Case("[ [a] ]", 1, 3, "expected a key"),
    // Arrays of tables
    Case("[[a]\n", 1, 4, "expected ']]'"),
    Case("[[a] ]", 1, 4, "expected ']]'"),
    Case("fruits = []\n[[fruits]]", 2, 3, "cannot append to static array 'fruits'"),
    Case("a = [{ b = 1 }]\n[a.c]", 2, 2, "cannot add to static array 'a'"),
    Case(
      "[[fruits]]\nname = \"apple\"\n[fruit.variety]\n[fruits]", 4, 1,
      "conflicts with the array of tables"),
    Case("[fruit.physical]\ncolor = \"red\"\n[[fruit]]", 3, 1, "already a table"),
    Case("[[a]]\nb.c = 1\n[a.b]", 3, 1, "created by dotted keys"),
    Case("[[a]]\n[a]\n", 2, 1, "conflicts with the array of tables"),
    Case("[[a.b]]\n[a]\nb.c = 1", 3, 1, "array of tables"),
    // Lines, comments, encoding
    Case("a = 1\rb = 2", 1, 6, "carriage return"),
    Case("# comment\u{07} bell", 1, 10, "control character U+0007"),
    Case("# del \u{7F}", 1, 7, "control character U+007F"),
    Case("a = 1 # ok\r", 1, 11, "carriage return"),
  ])
  func rejected(_ invalid: Case) {
    guard let error = parseError(invalid.source) else { return }
    #expect(error.message.contains(invalid.message), "message: \(error.message)")
    #expect(
      error.line == invalid.line && error.column == invalid.column,
      "at \(error.line):\(error.column): \(error)")
    #expect(error.file == "test.toml")
  }

  @Test(
    arguments: [
      [0x61, 0x20, 0x3D, 0x20, 0x22, 0xFF, 0x22],  // a = "\xFF"
      [0x23, 0x20, 0xC3],  // # truncated sequence
      [0x61, 0x3D, 0x27, 0xC0, 0xAF, 0x27],  // overlong '/'
      [0x61, 0x3D, 0x22, 0xED, 0xA0, 0x80, 0x22],  // encoded surrogate
      [0x61, 0x3D, 0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // above U+10FFFF
      [0x61, 0x3D, 0x22, 0xE2, 0x82, 0x22],  // truncated three-byte sequence
    ] as [[UInt8]])
  func invalidUTF8IsRejected(bytes: [UInt8]) {
    let error = parseError(bytes: bytes)
    #expect(error?.message == "invalid UTF-8")
  }

  @Test func validUTF8BytesAreAccepted() throws {
    let table = try TOMLParser.parse(bytes: Array("a = \"€😀\" # ß\n".utf8))
    #expect(table["a"]?.stringValue == "€😀")
  }

  @Test func errorRendersLikeACompiler() {
    let error = parseError("[daemon]\ninterval = \"5m\"\n\tinterval = \"6m\"\n")
    #expect(
      error?.description == """
        test.toml:3:2: error: duplicate key 'interval' (first defined at 2:1)
        \tinterval = "6m"
        \t^
        """)
    let unicode = parseError("s = \"é\" x")
    #expect(
      unicode?.description == """
        test.toml:1:10: error: expected a newline after a key/value pair, found 'x'
        s = "é" x
                ^
        """)
  }

  @Test func errorSourceLineHidesControlCharacters() {
    let error = parseError("s = \"a\u{1B}[31m\"")
    #expect(error?.description.contains("\u{1B}") == false)
    #expect(error?.description.contains("a\u{FFFD}[31m") == true)
  }

  @Test func errorAfterBOMCountsColumnsFromTheText() {
    let error = parseError("\u{FEFF}a = 1\na = 2")
    #expect(error?.line == 2 && error?.column == 1)
    #expect(error?.message.contains("first defined at 1:1") == true)
  }
}
