/// What a shell command run through SSM produced.
public struct SSMCommandResult: Sendable, Equatable {
  public var commandId: String
  /// `Success`, `Failed`, `TimedOut`, `Cancelled`...
  public var status: String
  public var exitCode: Int
  public var stdout: String
  public var stderr: String
}

/// SSM `SendCommand` (AWS-RunShellScript) and `GetCommandInvocation` polling.
public struct SSMClient: Sendable {
  public let client: AWSClient

  public init(client: AWSClient) { self.client = client }

  static let terminalStatuses: Set<String> = ["Success", "Cancelled", "TimedOut", "Failed"]

  /// Sends `command` to `instanceId`; returns the command id.
  public func sendCommand(instanceId: String, command: String, executionTimeoutSeconds: Int? = nil)
    async throws
    -> String
  {
    var parameters: [String: JSONValue] = ["commands": [.string(command)]]
    if let executionTimeoutSeconds {
      parameters["executionTimeout"] = [.string(String(executionTimeoutSeconds))]
    }
    let out = try await client.json(
      "SendCommand",
      [
        "InstanceIds": [.string(instanceId)], "DocumentName": "AWS-RunShellScript",
        "Parameters": .object(parameters),
      ])
    guard let id = out["Command"]?["CommandId"]?.stringValue else {
      throw AWSClientError.invalidResponse(
        service: "ssm", operation: "SendCommand", reason: "no CommandId")
    }
    return id
  }

  /// One `GetCommandInvocation`; nil while the invocation does not exist yet.
  public func invocation(commandId: String, instanceId: String) async throws -> SSMCommandResult? {
    do {
      let out = try await client.json(
        "GetCommandInvocation",
        ["CommandId": .string(commandId), "InstanceId": .string(instanceId)])
      return SSMCommandResult(
        commandId: commandId, status: out["Status"]?.stringValue ?? "Pending",
        exitCode: out["ResponseCode"]?.intValue ?? -1,
        stdout: out["StandardOutputContent"]?.stringValue ?? "",
        stderr: out["StandardErrorContent"]?.stringValue ?? "")
    } catch let error as AWSError where error.code == "InvocationDoesNotExist" {
      return nil
    }
  }

  /// Runs `command` and polls until it finishes; throws ``AWSClientError/timedOut(_:)`` after `timeout`.
  public func run(
    instanceId: String, command: String, timeout: Duration = .seconds(60),
    pollInterval: Duration = .seconds(1)
  ) async throws -> SSMCommandResult {
    let id = try await sendCommand(
      instanceId: instanceId, command: command,
      executionTimeoutSeconds: Int(timeout.components.seconds))
    do {
      return try await withTimeout(timeout) {
        while true {
          if let r = try await invocation(commandId: id, instanceId: instanceId),
            Self.terminalStatuses.contains(r.status)
          {
            return r
          }
          try await Task.sleep(for: pollInterval)
        }
      }
    } catch is TimeoutError {
      throw AWSClientError.timedOut("SSM command \(id) on \(instanceId) after \(timeout)")
    }
  }
}
