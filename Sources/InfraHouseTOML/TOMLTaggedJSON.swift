/// toml-test's tagged JSON encoding of a TOML document.
///
/// Tables become JSON objects, arrays JSON arrays, and every scalar an object
/// `{"type": "integer", "value": "42"}` with the types `string`, `integer`,
/// `float`, `bool`, `datetime`, `datetime-local`, `date-local` and `time-local`.
public enum TOMLTaggedJSON {
  /// The encoding of `table`, keys in source order, as UTF-8 bytes.
  public static func encode(_ table: TOMLTable) -> [UInt8] {
    var output: [UInt8] = []
    output.reserveCapacity(4096)
    write(table, into: &output)
    return output
  }

  private static func write(_ table: TOMLTable, into output: inout [UInt8]) {
    output.append(UInt8(ascii: "{"))
    for (offset, entry) in table.entries.enumerated() {
      if offset > 0 { output.append(UInt8(ascii: ",")) }
      writeString(entry.key, into: &output)
      output.append(UInt8(ascii: ":"))
      write(entry.value, into: &output)
    }
    output.append(UInt8(ascii: "}"))
  }

  private static func write(_ value: TOMLValue, into output: inout [UInt8]) {
    switch value.kind {
    case .table(let table):
      write(table, into: &output)
    case .array(let items):
      output.append(UInt8(ascii: "["))
      for (offset, item) in items.enumerated() {
        if offset > 0 { output.append(UInt8(ascii: ",")) }
        write(item, into: &output)
      }
      output.append(UInt8(ascii: "]"))
    case .string(let text): tagged("string", text, into: &output)
    case .integer(let number): tagged("integer", String(number), into: &output)
    case .float(let number): tagged("float", floatText(number), into: &output)
    case .boolean(let flag): tagged("bool", flag ? "true" : "false", into: &output)
    case .offsetDateTime(let moment): tagged("datetime", moment.description, into: &output)
    case .localDateTime(let moment): tagged("datetime-local", moment.description, into: &output)
    case .localDate(let date): tagged("date-local", date.description, into: &output)
    case .localTime(let time): tagged("time-local", time.description, into: &output)
    }
  }

  /// `inf`, `-inf`, `nan`, or the shortest round-tripping decimal.
  static func floatText(_ number: Double) -> String {
    if number.isNaN { return "nan" }
    if number.isInfinite { return number < 0 ? "-inf" : "inf" }
    return number.description
  }

  private static func tagged(_ type: String, _ text: String, into output: inout [UInt8]) {
    output.append(contentsOf: #"{"type":""#.utf8)
    output.append(contentsOf: type.utf8)
    output.append(contentsOf: #"","value":"#.utf8)
    writeString(text, into: &output)
    output.append(UInt8(ascii: "}"))
  }

  /// A JSON string literal; control characters are escaped, other text is kept as UTF-8.
  static func writeString(_ text: String, into output: inout [UInt8]) {
    output.append(UInt8(ascii: "\""))
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "\""): output.append(contentsOf: #"\""#.utf8)
      case UInt8(ascii: "\\"): output.append(contentsOf: #"\\"#.utf8)
      case 0x0A: output.append(contentsOf: #"\n"#.utf8)
      case 0x0D: output.append(contentsOf: #"\r"#.utf8)
      case 0x09: output.append(contentsOf: #"\t"#.utf8)
      case 0..<0x20, 0x7F:
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        output.append(contentsOf: #"\u00"#.utf8)
        output.append(digits[Int(byte >> 4)])
        output.append(digits[Int(byte & 0xF)])
      default: output.append(byte)
      }
    }
    output.append(UInt8(ascii: "\""))
  }
}
