import Foundation

/// Runs `Tests/Support/raft/raft_asg.py` against the shared moto fixture:
/// an Auto Scaling Group whose instances live on loopback addresses.
struct RaftASGTool {
  struct Instance: Decodable, Equatable {
    let id: String
    let lifecycle: String
    let ip: String?
    let dns: String?
  }

  let moto: MotoFixture
  let group: String

  init(moto: MotoFixture = .shared, group: String = "raft-\(UInt32.random(in: 0...UInt32.max))") {
    self.moto = moto
    self.group = group
  }

  @discardableResult
  func callAsFunction(_ arguments: String...) throws -> [Instance] {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("../../Support/raft/raft_asg.py").standardized.path
    let process = Process()
    let out = Pipe()
    let err = Pipe()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script, arguments[0], group] + arguments.dropFirst()
    var env = ProcessInfo.processInfo.environment
    for (k, v) in moto.environment { env[k] = v }
    process.environment = env
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    let errors = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw RaftASGToolError.failed(arguments, String(decoding: errors, as: UTF8.self))
    }
    return try JSONDecoder().decode([Instance].self, from: data)
  }
}

enum RaftASGToolError: Error { case failed([String], String) }
