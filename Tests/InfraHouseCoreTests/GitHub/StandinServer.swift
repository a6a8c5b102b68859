import Foundation

/// A loopback stand-in from `Tests/Standins/` run as a child process for the
/// duration of a test; it prints `READY <port>` once it listens.
final class StandinServer: @unchecked Sendable {
  let process = Process()
  let port: Int

  /// The directory holding the stand-in scripts.
  static var standinsDirectory: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Standins")
  }

  /// Starts `python3 <script> <arguments...>` and waits for its READY line.
  init(script: String, arguments: [String]) throws {
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments =
      ["python3", Self.standinsDirectory.appendingPathComponent(script).path] + arguments
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.standardError
    try process.run()
    // Read the first line with read(2): one byte at a time, so nothing after it is consumed.
    var line = Data()
    let fd = out.fileHandleForReading.fileDescriptor
    var byte: UInt8 = 0
    while line.count < 200, read(fd, &byte, 1) == 1 {
      if byte == UInt8(ascii: "\n") { break }
      line.append(byte)
    }
    let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    guard text.hasPrefix("READY "), let port = Int(text.dropFirst(6)) else {
      process.terminate()
      throw StandinError.didNotStart(text)
    }
    self.port = port
  }

  /// SIGTERM, then SIGKILL if the stand-in is still there after two seconds.
  func stop() {
    guard process.isRunning else { return }
    let pid = process.processIdentifier
    kill(pid, SIGTERM)
    for _ in 0..<200 where process.isRunning { usleep(10_000) }
    if process.isRunning { kill(pid, SIGKILL) }
    process.waitUntilExit()
  }

  /// Pauses (SIGSTOP) or resumes (SIGCONT) the stand-in.
  func signal(_ number: Int32) { kill(process.processIdentifier, number) }

  deinit { stop() }

  enum StandinError: Error {
    case didNotStart(String)
    case curlFailed(String)
  }
}

/// An HTTP exchange made with the curl binary (the project's HTTP client is
/// tested elsewhere): status, headers (names lower-cased) and body.
struct CurlResponse {
  var status: Int
  var headers: [(name: String, value: String)]
  var body: Data

  func header(_ name: String) -> String? {
    headers.first { $0.name == name.lowercased() }?.value
  }

  static func run(
    _ method: String, _ url: String, headers: [String: String] = [:], body: String? = nil,
    timeoutSeconds: Int = 20
  ) throws -> CurlResponse {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    var args = ["curl", "-s", "-i", "--max-time", String(timeoutSeconds), "-X", method]
    for (k, v) in headers.sorted(by: { $0.key < $1.key }) { args += ["-H", "\(k): \(v)"] }
    if let body { args += ["--data-binary", body] }
    args.append(url)
    p.arguments = args
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    guard p.terminationStatus == 0, let split = data.firstRange(of: Data("\r\n\r\n".utf8)) else {
      throw StandinServer.StandinError.curlFailed("curl exited \(p.terminationStatus)")
    }
    let head = String(decoding: data[..<split.lowerBound], as: UTF8.self).components(
      separatedBy: "\r\n")
    let status = Int(head[0].split(separator: " ")[1]) ?? 0
    let parsed = head.dropFirst().compactMap { line -> (String, String)? in
      guard let colon = line.firstIndex(of: ":") else { return nil }
      return (
        line[..<colon].lowercased(),
        line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
      )
    }
    return CurlResponse(status: status, headers: parsed, body: Data(data[split.upperBound...]))
  }

  var json: Any? { try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) }
}
