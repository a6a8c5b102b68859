import Foundation
import InfraHouseCore

/// Runs the command with `/bin/sh -c` on this machine: what SSM's
/// `AWS-RunShellScript` does on the instance, so ``OrchestratorSSMTransport``
/// runs its real curl command line against a loopback server.
struct LocalShellCommandRunner: RemoteCommandRunner {
  func run(_ command: String, onInstance instanceID: String, timeout: Duration) async throws
    -> RemoteCommandResult
  {
    let process = Process()
    let out = Pipe()
    let err = Pipe()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command]
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return RemoteCommandResult(
      exitCode: Int(process.terminationStatus), stdout: String(decoding: stdout, as: UTF8.self),
      stderr: String(decoding: stderr, as: UTF8.self))
  }
}
