import Testing

@testable import InfraHouseCore

/// `EC2Instance.executeCommand` against the loopback SSM stand-in, which
/// answers InvocationDoesNotExist, then InProgress, then the result.
@Suite struct SSMCommandTests {
  func instance() -> EC2Instance {
    let env = [
      "AWS_ACCESS_KEY_ID": "AKIATEST", "AWS_SECRET_ACCESS_KEY": "test", "AWS_REGION": "us-east-1",
      "AWS_ENDPOINT_URL_SSM": Loopback.base + "/ssm", "HOME": "/nonexistent",
    ]
    return EC2Instance(instanceId: "i-0123456789abcdef0", session: AWSSession(environment: env))
  }

  @Test func successReturnsStdoutAndExitCode() async throws {
    let r = try await instance().executeCommand(
      "echo hello", timeout: .seconds(20), pollInterval: .milliseconds(10))
    #expect(r.status == "Success")
    #expect(r.exitCode == 0)
    #expect(r.stdout == "hello\n")
    #expect(r.stderr == "")
    #expect(r.commandId.hasPrefix("cmd-"))
  }

  @Test func failureReturnsStderrAndExitCode() async throws {
    let r = try await instance().executeCommand(
      "fail", timeout: .seconds(20), pollInterval: .milliseconds(10))
    #expect(r.status == "Failed")
    #expect(r.exitCode == 2)
    #expect(r.stderr == "boom\n")
  }

  @Test func aCommandThatNeverEndsTimesOut() async throws {
    let error = await #expect(throws: AWSClientError.self) {
      _ = try await instance().executeCommand(
        "hang", timeout: .milliseconds(300), pollInterval: .milliseconds(10))
    }
    guard case .timedOut(let what) = error else {
      Issue.record("expected timedOut, got \(String(describing: error))")
      return
    }
    #expect(what.contains("i-0123456789abcdef0"))
  }
}
