import Foundation
import InfraHouseTOML
import Testing

/// Differential test against Python's `tomllib` (python3 >= 3.11): `Differential/tomldiff.py`
/// generates documents (valid ones, and byte-level mutations of them) with tomllib's verdict;
/// this test parses each one in-process and writes its verdict; the script compares
/// acceptance and values (floats bit for bit, date-times field by field).
///
/// `TOMLDIFF_COUNT` (default 1500 per seed) and `TOMLDIFF_SEEDS` (default "11,12") tune the run.
@Suite struct TOMLDifferentialTests {
  static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Differential/tomldiff.py").path

  @Test func agreesWithTomllib() throws {
    let environment = ProcessInfo.processInfo.environment
    let count = Int(environment["TOMLDIFF_COUNT"] ?? "") ?? 1500
    let seeds = (environment["TOMLDIFF_SEEDS"] ?? "11,12").split(separator: ",").compactMap {
      Int($0)
    }
    for seed in seeds {
      let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("tomldiff-\(getpid())-\(seed)")
      try? FileManager.default.removeItem(at: directory)
      defer { try? FileManager.default.removeItem(at: directory) }
      let generated = try run([
        "generate", "--seed", "\(seed)", "--count", "\(count)", "--out", directory.path,
      ])
      try #require(generated.status == 0, "generator failed: \(generated.output)")

      let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        .filter { $0.hasSuffix(".toml") }
      #expect(names.count == count)
      for name in names {
        let base = directory.appendingPathComponent(String(name.dropLast(5)))
        let bytes = try [UInt8](Data(contentsOf: directory.appendingPathComponent(name)))
        let verdict = Result { () throws(TOMLError) in
          try TOMLParser.parse(bytes: bytes, file: name)
        }
        switch verdict {
        case .success(let table):
          try Data(TOMLTaggedJSON.encode(table)).write(
            to: base.appendingPathExtension("actual.json"))
        case .failure(let error):
          try Data(error.description.utf8).write(to: base.appendingPathExtension("error"))
        }
      }
      let compared = try run(["compare", directory.path])
      #expect(compared.status == 0, "seed \(seed):\n\(compared.output)")
      #expect(compared.output.contains("disagreements: 0"), "\(compared.output)")
    }
  }

  private func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", Self.script] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self))
  }
}
