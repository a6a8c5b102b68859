import InfraHouseTOML
import Testing

/// Keys, tables, inline tables, arrays and arrays of tables, from the TOML 1.0.0 text.
@Suite struct TOMLStructureTests {
  @Test func keysBareQuotedAndDotted() {
    let json = taggedJSON(
      """
      key = "value"
      bare_key = "value"
      bare-key = "value"
      1234 = "value"
      "127.0.0.1" = "value"
      "character encoding" = "value"
      "ʎǝʞ" = "value"
      'key2' = "value"
      'quoted "value"' = "value"
      "" = "blank"
      physical.color = "orange"
      physical.shape = "round"
      site."google.com" = true
      fruit . flavor = "banana"
      3.14159 = "pi"
      """)
    #expect(
      json
        == #"{"key":{"type":"string","value":"value"},"bare_key":{"type":"string","value":"value"},"bare-key":{"type":"string","value":"value"},"1234":{"type":"string","value":"value"},"127.0.0.1":{"type":"string","value":"value"},"character encoding":{"type":"string","value":"value"},"ʎǝʞ":{"type":"string","value":"value"},"key2":{"type":"string","value":"value"},"quoted \"value\"":{"type":"string","value":"value"},"":{"type":"string","value":"blank"},"physical":{"color":{"type":"string","value":"orange"},"shape":{"type":"string","value":"round"}},"site":{"google.com":{"type":"bool","value":"true"}},"fruit":{"flavor":{"type":"string","value":"banana"}},"3":{"14159":{"type":"string","value":"pi"}}}"#
    )
  }

  @Test func dottedKeysCreateAndExtendTablesOutOfOrder() {
    let json = taggedJSON(
      """
      apple.type = "fruit"
      orange.type = "fruit"
      apple.skin = "thin"
      orange.skin = "thick"
      """)
    #expect(
      json
        == #"{"apple":{"type":{"type":"string","value":"fruit"},"skin":{"type":"string","value":"thin"}},"orange":{"type":{"type":"string","value":"fruit"},"skin":{"type":"string","value":"thick"}}}"#
    )
  }

  @Test func tablesAndSuperTables() {
    let table = parse(
      """
      [table-1]
      key1 = "some string"
      key2 = 123

      [ dog . "tater.man" ]
      type.name = "pug"

      # [x] you
      # [x.y] don't
      [x.y.z.w] # for this to work
      [x] # defining a super-table afterward is ok

      [fruit]
      apple.color = "red"
      apple.taste.sweet = true
      [fruit.apple.texture]  # you can add sub-tables
      smooth = true
      """)
    #expect(table?["table-1"]?.tableValue?["key2"]?.integerValue == 123)
    #expect(
      table?["dog"]?.tableValue?["tater.man"]?.tableValue?["type"]?.tableValue?["name"]?.stringValue
        == "pug")
    #expect(
      table?["x"]?.tableValue?["y"]?.tableValue?["z"]?.tableValue?["w"]?.tableValue?.isEmpty == true
    )
    let apple = table?["fruit"]?.tableValue?["apple"]?.tableValue
    #expect(apple?["color"]?.stringValue == "red")
    #expect(apple?["texture"]?.tableValue?["smooth"]?.booleanValue == true)
  }

  @Test func implicitTableMayBeExtendedByDottedKeysOnce() {
    // Like tomllib: [a] was only implied by [a.b.c], so dotted keys in [a] may add to a.b.
    let table = parse("[a.b.c]\nz = 9\n[a]\nb.d = 1\n")
    #expect(table?["a"]?.tableValue?["b"]?.tableValue?["d"]?.integerValue == 1)
    #expect(
      parseError("[a.b.c]\nz = 9\n[a]\nb.d = 1\n[a.b]\n")?.message.contains("dotted keys") == true)
  }

  @Test func inlineTables() {
    let table = parse(
      """
      name = { first = "Tom", last = "Preston-Werner" }
      point = { x = 1, y = 2 }
      animal = { type.name = "pug" }
      nested = { a = { b = [1, { c = 2 }] } }
      empty = {}
      """)
    #expect(table?["name"]?.tableValue?["last"]?.stringValue == "Preston-Werner")
    #expect(table?["animal"]?.tableValue?["type"]?.tableValue?["name"]?.stringValue == "pug")
    #expect(table?["empty"]?.tableValue?.isEmpty == true)
    #expect(table?["point"]?.tableValue?.keys == ["x", "y"])
  }

  @Test func arrays() {
    let table = parse(
      """
      integers = [ 1, 2, 3 ]
      nested_mixed_array = [ [ 1, 2 ], ["a", "b", "c"] ]
      string_array = [ "all", 'strings', \"\"\"are the same\"\"\", '''type''' ]
      numbers = [ 0.1, 0.2, 0.5, 1, 2, 5 ]
      contributors = [
        "Foo Bar <foo@example.com>",
        { name = "Baz Qux", email = "bazqux@example.com", url = "https://example.com/bazqux" }
      ]
      integers2 = [
        1, 2, 3
      ]
      integers3 = [
        1,
        2, # this is ok
      ]
      empty = [ ]
      commented = [ # comment
        # another
        1 # after
        , 2
      ]
      """)
    #expect(table?["integers"]?.arrayValue?.compactMap(\.integerValue) == [1, 2, 3])
    #expect(table?["nested_mixed_array"]?.arrayValue?.count == 2)
    #expect(
      table?["string_array"]?.arrayValue?.compactMap(\.stringValue) == [
        "all", "strings", "are the same", "type",
      ])
    #expect(table?["numbers"]?.arrayValue?.count == 6)
    #expect(table?["contributors"]?.arrayValue?[1].tableValue?["name"]?.stringValue == "Baz Qux")
    #expect(table?["integers3"]?.arrayValue?.compactMap(\.integerValue) == [1, 2])
    #expect(table?["empty"]?.arrayValue?.isEmpty == true)
    #expect(table?["commented"]?.arrayValue?.compactMap(\.integerValue) == [1, 2])
  }

  @Test func arraysOfTables() {
    let table = parse(
      """
      [[products]]
      name = "Hammer"
      sku = 738594937

      [[products]]  # empty table within the array

      [[products]]
      name = "Nail"
      sku = 284758393

      color = "gray"

      [[fruits]]
      name = "apple"

      [fruits.physical]  # subtable
      color = "red"
      shape = "round"

      [[fruits.varieties]]  # nested array of tables
      name = "red delicious"

      [[fruits.varieties]]
      name = "granny smith"

      [[fruits]]
      name = "banana"

      [[fruits.varieties]]
      name = "plantain"

      [fruits.physical]
      color = "yellow"
      """)
    let products = table?["products"]?.arrayValue
    #expect(products?.count == 3)
    #expect(products?[1].tableValue?.isEmpty == true)
    #expect(products?[2].tableValue?["color"]?.stringValue == "gray")
    let fruits = table?["fruits"]?.arrayValue
    #expect(fruits?.count == 2)
    #expect(fruits?[0].tableValue?["varieties"]?.arrayValue?.count == 2)
    #expect(
      fruits?[1].tableValue?["varieties"]?.arrayValue?[0].tableValue?["name"]?.stringValue
        == "plantain")
    #expect(fruits?[1].tableValue?["physical"]?.tableValue?["color"]?.stringValue == "yellow")
    #expect(table?["products"]?.position == TOMLPosition(line: 1, column: 1))
    #expect(products?[2].position == TOMLPosition(line: 7, column: 1))
  }

  @Test func commentsWhitespaceCRLFAndBOM() {
    let text = "\u{FEFF}# comment\r\n\t key\t=\t\"v\" # trailing é\r\n\r\n[t] # c\r\nx=1"
    let table = parse(text)
    #expect(table?["key"]?.stringValue == "v")
    #expect(table?["t"]?.tableValue?["x"]?.integerValue == 1)
    #expect(parse("")?.isEmpty == true)
    #expect(parse("# only a comment")?.isEmpty == true)
    #expect(parse("\n\n  \n")?.isEmpty == true)
  }

  @Test func valuesKeepTheirPositions() {
    let table = parse("# header\n[server]\n  port = 8080\n  tags = [\n    \"a\",\n    'b'\n  ]\n")
    let server = table?["server"]?.tableValue
    #expect(table?["server"]?.position == TOMLPosition(line: 2, column: 1))
    #expect(server?["port"]?.position == TOMLPosition(line: 3, column: 10))
    #expect(server?[entry: "port"]?.keyPosition == TOMLPosition(line: 3, column: 3))
    #expect(server?["tags"]?.position == TOMLPosition(line: 4, column: 10))
    #expect(server?["tags"]?.arrayValue?[1].position == TOMLPosition(line: 6, column: 5))
  }

  @Test func largeTablesUseTheIndexAndKeepOrder() {
    let text = (0..<100).map { "k\($0) = \($0)" }.joined(separator: "\n")
    let table = parse(text)
    #expect(table?.count == 100)
    #expect(table?["k77"]?.integerValue == 77)
    #expect(table?.keys.first == "k0" && table?.keys.last == "k99")
    #expect(
      parseError(text + "\nk42 = 1")?.message == "duplicate key 'k42' (first defined at 43:1)")
  }

  @Test func largeInlineTablesKeepEveryKeyAndCatchDuplicates() {
    let pairs = (0..<40).map { "k\($0) = \($0)" }.joined(separator: ", ")
    let table = parse("t = { \(pairs), sub.x = 1 }")?["t"]?.tableValue
    #expect(table?.count == 41)
    #expect(table?["k39"]?.integerValue == 39)
    #expect(table?["sub"]?.tableValue?["x"]?.integerValue == 1)
    #expect(
      parseError("t = { \(pairs), k5 = 1 }")?.message
        == "duplicate key 'k5' (first defined at 1:47)")
    #expect(
      parseError("t = { a = 1, a.b = 2 }")?.message.contains("already defined as an integer")
        == true)
    #expect(parseError("t = { a.b = 1, a = 2 }")?.message.contains("duplicate key 'a'") == true)
  }

  @Test func taggedJSONEncodesEveryType() {
    let json = taggedJSON(
      """
      s = "a\\"b\\u0001"
      i = 42
      f = 1.5
      n = -inf
      b = false
      odt = 1979-05-27T07:32:00Z
      ldt = 1979-05-27T07:32:00.5
      ld = 1979-05-27
      lt = 07:32:00
      a = [1, "x"]
      """)
    #expect(
      json
        == #"{"s":{"type":"string","value":"a\"b\u0001"},"i":{"type":"integer","value":"42"},"f":{"type":"float","value":"1.5"},"n":{"type":"float","value":"-inf"},"b":{"type":"bool","value":"false"},"odt":{"type":"datetime","value":"1979-05-27T07:32:00Z"},"ldt":{"type":"datetime-local","value":"1979-05-27T07:32:00.5"},"ld":{"type":"date-local","value":"1979-05-27"},"lt":{"type":"time-local","value":"07:32:00"},"a":[{"type":"integer","value":"1"},{"type":"string","value":"x"}]}"#
    )
  }

  @Test func deepNestingIsBoundedNotACrash() {
    let deep = String(repeating: "[", count: 10_000)
    #expect(parseError("a = " + deep)?.message.contains("nest deeper") == true)
    let ok = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
    #expect(parse("a = " + ok) != nil)
  }
}
