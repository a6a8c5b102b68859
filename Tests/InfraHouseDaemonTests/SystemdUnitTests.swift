import Foundation
import Testing

/// The shipped unit file, checked with systemd's own analyzers.
@Suite struct SystemdUnitTests {
  /// The unit with its binary paths pointed at an existing executable, as on an installed host.
  func installedCopy() throws -> String {
    let unit = try String(
      contentsOfFile: packageRoot + "/systemd/infrahoused.service", encoding: .utf8)
    let dir = makeTemporaryDirectory()
    let path = dir + "/infrahoused.service"
    try unit.replacingOccurrences(of: "/usr/bin/infrahoused", with: daemonBinary).write(
      toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  func run(_ arguments: [String]) async throws -> (Int32, String) {
    try await offPool { Result { try runBlocking(arguments) } }.get()
  }

  func runBlocking(_ arguments: [String]) throws -> (Int32, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/systemd-analyze")
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }

  @Test func verifyPrintsNothing() async throws {
    let (code, output) = try await run(["verify", try installedCopy()])
    #expect(code == 0)
    #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == "")
  }

  @Test func securityExposureIsAtMostOnePointFive() async throws {
    let (_, output) = try await run(["security", "--offline=true", try installedCopy()])
    let line = output.split(separator: "\n").first { $0.contains("Overall exposure level") }
    let score = line.flatMap { l in
      l.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) }
    }
    #expect(score != nil)
    #expect((score ?? 10) <= 1.5, "\(line ?? "no score line")")
  }

  @Test func unitHasTheRequiredSettings() throws {
    let unit = try String(
      contentsOfFile: packageRoot + "/systemd/infrahoused.service", encoding: .utf8)
    for setting in [
      "Type=notify", "WatchdogSec=", "Restart=on-failure", "ExecReload=/usr/bin/infrahoused reload",
      "StateDirectory=infrahoused", "RuntimeDirectory=infrahoused",
      "ConfigurationDirectory=infrahoused",
    ] {
      #expect(unit.contains(setting), "\(setting)")
    }
  }
}
