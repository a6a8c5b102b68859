import InfraHouseTOML
import Testing

/// Parses `text` or records the error as a test failure.
func parse(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> TOMLTable? {
  do throws(TOMLError) {
    return try TOMLParser.parse(text, file: "test.toml")
  } catch {
    Issue.record("unexpected parse error: \(error)", sourceLocation: sourceLocation)
    return nil
  }
}

/// The value of `v = <source>`.
func value(_ source: String, sourceLocation: SourceLocation = #_sourceLocation) -> TOMLValue.Kind? {
  parse("v = \(source)\n", sourceLocation: sourceLocation)?["v"]?.kind
}

/// The error for `text`, or nil (recorded as a failure) if it parses.
func parseError(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> TOMLError? {
  do throws(TOMLError) {
    let table = try TOMLParser.parse(text, file: "test.toml")
    Issue.record("expected an error, parsed \(table)", sourceLocation: sourceLocation)
    return nil
  } catch {
    return error
  }
}

/// The error for raw bytes.
func parseError(bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> TOMLError? {
  do throws(TOMLError) {
    let table = try TOMLParser.parse(bytes: bytes, file: "test.toml")
    Issue.record("expected an error, parsed \(table)", sourceLocation: sourceLocation)
    return nil
  } catch {
    return error
  }
}

/// Tagged JSON of `text` as a String.
func taggedJSON(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> String? {
  guard let table = parse(text, sourceLocation: sourceLocation) else { return nil }
  return String(decoding: TOMLTaggedJSON.encode(table), as: UTF8.self)
}

func date(_ year: UInt16, _ month: UInt8, _ day: UInt8) -> TOMLLocalDate {
  TOMLLocalDate(year: year, month: month, day: day)
}

func time(
  _ hour: UInt8, _ minute: UInt8, _ second: UInt8, nanosecond: UInt32 = 0, digits: UInt8 = 0
) -> TOMLLocalTime {
  TOMLLocalTime(
    hour: hour, minute: minute, second: second, nanosecond: nanosecond, fractionDigits: digits)
}
