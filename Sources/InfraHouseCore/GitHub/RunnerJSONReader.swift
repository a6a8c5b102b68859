/// Reads GitHub's runner JSON straight from bytes into ``Runner`` values,
/// without Codable: a page of 100 runners is decoded on every request of a
/// listing, and `JSONDecoder`'s generic machinery cost about 140,000
/// instructions per runner (measured with callgrind), most of a listing's CPU.
///
/// Keys it does not know are skipped; the errors are ``RunnerPage/Malformed``.
struct RunnerJSONReader {
  private var parser: JSONParser

  init(_ bytes: [UInt8]) { parser = JSONParser(bytes: bytes) }

  /// `{"total_count": N, "runners": [...]}`.
  mutating func page() throws(RunnerPage.Malformed) -> RunnerPage {
    var total: Int?
    var runners: [Runner]?
    do {
      parser.skipSpace()
      guard peek == UInt8(ascii: "{") else {
        throw RunnerPage.Malformed.notJSON("the body is not a JSON object")
      }
      try objectMembers { (reader: inout RunnerJSONReader, key: JSONKey) throws in
        switch key {
        case .runners:
          if reader.peek == UInt8(ascii: "[") {
            runners = try reader.runnerArray()
          } else {
            try reader.skip()
            throw RunnerPage.Malformed.missingRunners
          }
        case .totalCount: total = try reader.integer()
        default: try reader.skip()
        }
      }
      parser.skipSpace()
      guard parser.i == parser.bytes.count else {
        throw RunnerPage.Malformed.notJSON("trailing data after the object")
      }
    } catch let error as JSONParseError {
      throw .notJSON(error.description)
    } catch let error as RunnerPage.Malformed {
      throw error
    } catch {
      throw .notJSON(String(describing: error))
    }
    guard let runners else { throw .missingRunners }
    return RunnerPage(totalCount: total ?? runners.count, runners: runners)
  }

  /// One runner object (`GET .../runners/{id}`).
  mutating func singleRunner() throws(RunnerPage.Malformed) -> Runner {
    do {
      parser.skipSpace()
      let runner = try runner(index: nil)
      parser.skipSpace()
      guard parser.i == parser.bytes.count else {
        throw RunnerPage.Malformed.notJSON("trailing data after the object")
      }
      return runner
    } catch let error as JSONParseError {
      throw .notJSON(error.description)
    } catch let error as RunnerPage.Malformed {
      throw error
    } catch {
      throw .notJSON(String(describing: error))
    }
  }

  // MARK: - Runners

  private mutating func runnerArray() throws -> [Runner] {
    var out: [Runner] = []
    out.reserveCapacity(100)
    try arrayElements { (reader: inout RunnerJSONReader, index: Int) throws in
      out.append(try reader.runner(index: index))
    }
    return out
  }

  /// Where runner `index` is, for error messages only (built only on an error).
  private static func path(_ index: Int?) -> String {
    index.map { ".runners[\($0)]" } ?? "the runner"
  }

  private mutating func runner(index: Int?) throws -> Runner {
    var path: String { Self.path(index) }
    guard peek == UInt8(ascii: "{") else {
      throw RunnerPage.Malformed.badRunner("not an object at \(path)")
    }
    var id: Int?
    var name: String?
    var os: String?
    var status: String?
    var busy: Bool?
    var labels: [Runner.Label]?
    try objectMembers { (reader: inout RunnerJSONReader, key: JSONKey) throws in
      switch key {
      case .id: id = try reader.integer(or: "id is not an integer at \(path)")
      case .name: name = try reader.string(or: "name is not a string at \(path)")
      case .os: os = try reader.string(or: "os is not a string at \(path)")
      case .status: status = try reader.string(or: "status is not a string at \(path)")
      case .busy: busy = try reader.boolean(or: "busy is not a boolean at \(path)")
      case .labels: labels = try reader.labels(runner: index)
      default: try reader.skip()
      }
    }
    func missing(_ field: String) -> RunnerPage.Malformed {
      .badRunner("missing \(field) at \(path)")
    }
    guard let id else { throw missing("id") }
    guard let name else { throw missing("name") }
    guard let os else { throw missing("os") }
    guard let status else { throw missing("status") }
    guard let busy else { throw missing("busy") }
    guard let labels else { throw missing("labels") }
    var runner = Runner(
      id: id, name: name, os: os, status: Runner.Status(rawValue: status), busy: busy, labels: [])
    runner.labels = labels
    return runner
  }

  private mutating func labels(runner: Int?) throws -> [Runner.Label] {
    var path: String { Self.path(runner) }
    guard peek == UInt8(ascii: "[") else {
      throw RunnerPage.Malformed.badRunner("labels is not an array at \(path)")
    }
    var out: [Runner.Label] = []
    try arrayElements { (reader: inout RunnerJSONReader, index: Int) throws in
      var where_: String { "\(Self.path(runner)).labels[\(index)]" }
      guard reader.peek == UInt8(ascii: "{") else {
        throw RunnerPage.Malformed.badRunner("not an object at \(where_)")
      }
      var id: Int?
      var name: String?
      var type: String?
      try reader.objectMembers { (r: inout RunnerJSONReader, key: JSONKey) throws in
        switch key {
        case .id: id = try r.isNull() ? nil : r.integer(or: "id is not an integer at \(where_)")
        case .name: name = try r.string(or: "name is not a string at \(where_)")
        case .type: type = try r.isNull() ? nil : r.string(or: "type is not a string at \(where_)")
        default: try r.skip()
        }
      }
      guard let name else { throw RunnerPage.Malformed.badRunner("missing name at \(where_)") }
      out.append(Runner.Label(id: id, name: name, type: type))
    }
    return out
  }

  // MARK: - JSON structure

  private var peek: UInt8? { parser.i < parser.bytes.count ? parser.bytes[parser.i] : nil }

  /// Calls `body` for each member of the object at the cursor, with the cursor on the value.
  private mutating func objectMembers(_ body: (inout RunnerJSONReader, JSONKey) throws -> Void)
    throws
  {
    parser.i += 1
    parser.skipSpace()
    if peek == UInt8(ascii: "}") {
      parser.i += 1
      return
    }
    while true {
      parser.skipSpace()
      guard peek == UInt8(ascii: "\"") else { throw parser.fail("expected a key") }
      let key = try self.key()
      parser.skipSpace()
      guard peek == UInt8(ascii: ":") else { throw parser.fail("expected ':'") }
      parser.i += 1
      parser.skipSpace()
      try body(&self, key)
      parser.skipSpace()
      switch peek {
      case UInt8(ascii: ","): parser.i += 1
      case UInt8(ascii: "}"):
        parser.i += 1
        return
      default: throw parser.fail("expected ',' or '}'")
      }
    }
  }

  /// Calls `body` for each element of the array at the cursor, with the cursor on the element.
  private mutating func arrayElements(_ body: (inout RunnerJSONReader, Int) throws -> Void) throws {
    parser.i += 1
    parser.skipSpace()
    if peek == UInt8(ascii: "]") {
      parser.i += 1
      return
    }
    var index = 0
    while true {
      parser.skipSpace()
      try body(&self, index)
      index += 1
      parser.skipSpace()
      switch peek {
      case UInt8(ascii: ","): parser.i += 1
      case UInt8(ascii: "]"):
        parser.i += 1
        return
      default: throw parser.fail("expected ',' or ']'")
      }
    }
  }

  /// An object key, recognised without allocating when it is one this reader uses.
  enum JSONKey {
    case runners, totalCount, id, name, os, status, busy, labels, type, other
  }

  private mutating func key() throws -> JSONKey {
    let bytes = parser.bytes
    let start = parser.i + 1
    var end = start
    while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\") {
      end += 1
    }
    guard end < bytes.count, bytes[end] == UInt8(ascii: "\"") else {
      _ = try parser.string()  // escapes: none of our keys has one
      return .other
    }
    parser.i = end + 1
    func matches(_ word: StaticString) -> Bool {
      guard word.utf8CodeUnitCount == end - start else { return false }
      return word.withUTF8Buffer { w in
        var k = 0
        while k < w.count {
          if w[k] != bytes[start + k] { return false }
          k += 1
        }
        return true
      }
    }
    switch end - start {
    case 2: return matches("id") ? .id : matches("os") ? .os : .other
    case 4:
      return matches("name") ? .name : matches("busy") ? .busy : matches("type") ? .type : .other
    case 6: return matches("status") ? .status : matches("labels") ? .labels : .other
    case 7: return matches("runners") ? .runners : .other
    case 11: return matches("total_count") ? .totalCount : .other
    default: return .other
    }
  }

  private mutating func skip() throws {
    _ = try parser.value(depth: 1)
  }

  private mutating func isNull() throws -> Bool {
    guard peek == UInt8(ascii: "n") else { return false }
    try parser.literal("null")
    return true
  }

  private mutating func integer(
    or message: @autoclosure () -> String = "total_count is not an integer"
  ) throws -> Int {
    guard let c = peek, c == UInt8(ascii: "-") || (48...57).contains(c) else {
      _ = try parser.value(depth: 1)
      throw RunnerPage.Malformed.badRunner(message())
    }
    // Fast path: a plain non-negative integer, read without making a String.
    let bytes = parser.bytes
    var k = parser.i
    var value = 0
    while k < bytes.count, (48...57).contains(bytes[k]), k - parser.i < 18 {
      value = value * 10 + Int(bytes[k] - 48)
      k += 1
    }
    if k > parser.i,
      k == bytes.count
        || !(bytes[k] == UInt8(ascii: ".") || bytes[k] == UInt8(ascii: "e")
          || bytes[k] == UInt8(ascii: "E") || (48...57).contains(bytes[k]))
    {
      parser.i = k
      return value
    }
    guard case .number(let text) = try parser.number(), let value = Int(text) else {
      throw RunnerPage.Malformed.badRunner(message())
    }
    return value
  }

  private mutating func string(or message: @autoclosure () -> String) throws -> String {
    guard peek == UInt8(ascii: "\"") else {
      _ = try parser.value(depth: 1)
      throw RunnerPage.Malformed.badRunner(message())
    }
    return try parser.string()
  }

  private mutating func boolean(or message: @autoclosure () -> String) throws -> Bool {
    switch peek {
    case UInt8(ascii: "t"):
      try parser.literal("true")
      return true
    case UInt8(ascii: "f"):
      try parser.literal("false")
      return false
    default:
      _ = try parser.value(depth: 1)
      throw RunnerPage.Malformed.badRunner(message())
    }
  }
}
