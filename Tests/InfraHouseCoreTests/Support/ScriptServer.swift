import Foundation

@testable import InfraHouseCore

/// A Python helper from `Tests/Support` run as a child process: its first
/// stdout line is its handshake (a port, or JSON); it exits when our end of
/// its stdin closes, i.e. when the test process ends or `stop()` is called.
final class ScriptServer: @unchecked Sendable {
  let process = Process()
  private let stdin = Pipe()
  private let stdout = Pipe()
  /// The first line the script printed.
  let handshake: String

  init(script: String, arguments: [String] = [], environment: [String: String] = [:]) throws {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("../../Support/\(script)").standardized.path
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", path] + arguments
    var env = ProcessInfo.processInfo.environment
    for (k, v) in environment { env[k] = v }
    process.environment = env
    process.standardInput = stdin
    process.standardOutput = stdout
    try process.run()
    var line = Data()
    let handle = stdout.fileHandleForReading
    while true {
      let byte = handle.readData(ofLength: 1)
      if byte.isEmpty || byte == Data([0x0A]) { break }
      line.append(byte)
    }
    handshake = String(decoding: line, as: UTF8.self)
    if handshake.isEmpty { throw ScriptServerError.noHandshake(script) }
  }

  /// Closes the script's stdin and waits for it to exit.
  func stop() {
    try? stdin.fileHandleForWriting.close()
    process.waitUntilExit()
  }
}

enum ScriptServerError: Error { case noHandshake(String) }

/// The loopback server of `Tests/Support/loopback_server.py`, one per test process.
enum Loopback {
  static let server: ScriptServer = {
    do { return try ScriptServer(script: "loopback_server.py") } catch {
      fatalError("loopback server: \(error)")
    }
  }()

  /// `http://127.0.0.1:PORT`
  static var base: String { "http://127.0.0.1:\(server.handshake.split(separator: " ")[0])" }
  /// A client with generous timeouts for stand-ins of services whose real
  /// clients use short ones (IMDS): a loaded test machine must not fail them.
  static let patientClient = HTTPClient(configuration: .init(timeout: .seconds(30)))

  /// The same routes over TLS, with a self-signed certificate no trust store knows.
  static var tlsBase: String { "https://127.0.0.1:\(server.handshake.split(separator: " ")[1])" }
}
