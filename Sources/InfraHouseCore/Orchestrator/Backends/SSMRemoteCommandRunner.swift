/// ``RemoteCommandRunner`` over SSM: `EC2Instance.executeCommand` (SendCommand,
/// then GetCommandInvocation until the command finishes).
public struct SSMRemoteCommandRunner: RemoteCommandRunner {
  public let session: AWSSession
  /// How often GetCommandInvocation is polled.
  public let pollInterval: Duration

  public init(session: AWSSession, pollInterval: Duration = .milliseconds(500)) {
    self.session = session
    self.pollInterval = pollInterval
  }

  public func run(_ command: String, onInstance instanceID: String, timeout: Duration) async throws
    -> RemoteCommandResult
  {
    let result = try await EC2Instance(instanceId: instanceID, session: session).executeCommand(
      command, timeout: timeout, pollInterval: pollInterval)
    return RemoteCommandResult(
      exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr)
  }
}
