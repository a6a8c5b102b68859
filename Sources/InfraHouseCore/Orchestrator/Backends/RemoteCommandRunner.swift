/// Runs a shell command on an instance and returns what it printed: the seam
/// between ``OrchestratorSSMTransport`` and SSM's SendCommand /
/// GetCommandInvocation (the AWS layer's `EC2Instance.executeCommand`).
public protocol RemoteCommandRunner: Sendable {
  /// Runs `command` with `/bin/sh` on `instanceID`, waiting at most `timeout`.
  func run(_ command: String, onInstance instanceID: String, timeout: Duration) async throws
    -> RemoteCommandResult
}

/// What a remote command printed and how it exited.
public struct RemoteCommandResult: Sendable, Equatable {
  public var exitCode: Int
  public var stdout: String
  public var stderr: String

  public init(exitCode: Int, stdout: String, stderr: String) {
    self.exitCode = exitCode
    self.stdout = stdout
    self.stderr = stderr
  }
}
