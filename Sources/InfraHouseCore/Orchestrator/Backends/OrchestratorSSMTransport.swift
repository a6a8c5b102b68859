/// Reaches an Orchestrator node by running curl on its instance (SSM), as
/// infrahouse-core's Python library does, but keeping the body and status of
/// a failed call: curl runs without `-f` and appends the status code on a
/// line of its own, so an HTTP 500 `{"Code":"ERROR","Message":...}` arrives whole.
public struct OrchestratorSSMTransport: OrchestratorTransport {
  private let runner: any RemoteCommandRunner
  /// The API port on the instance (3000 by default).
  public let apiPort: Int
  /// The address curl calls on the instance: `127.0.0.1` by default; nil
  /// calls the peer's own address (an API bound to the private IP only).
  public let apiHost: String?
  public let callTimeout: Duration

  public init(
    runner: any RemoteCommandRunner, apiPort: Int = 3000, apiHost: String? = "127.0.0.1",
    callTimeout: Duration = .seconds(10)
  ) {
    self.runner = runner
    self.apiPort = apiPort
    self.apiHost = apiHost
    self.callTimeout = callTimeout
  }

  /// The shell command run on the instance for `path` on the peer at `endpoint`.
  public func command(for path: String, on endpoint: RaftPeerEndpoint? = nil) -> String {
    let seconds = max(1, Int(callTimeout.components.seconds))
    let host = apiHost ?? endpoint?.host ?? "127.0.0.1"
    let url = "http://\(RaftAddress.join(host: host, port: apiPort))\(path)"
    return "curl -sS -m \(seconds) -w '\\n%{http_code}' \(Self.shellQuoted(url))"
  }

  public func get(_ path: String, on endpoint: RaftPeerEndpoint) async throws
    -> OrchestratorTransportResponse
  {
    guard let instanceID = endpoint.instanceID else {
      throw RaftBackendError.unreachable(
        peer: endpoint.description, reason: "SSM transport needs the peer's instance id")
    }
    let result: RemoteCommandResult
    do {
      result = try await runner.run(
        command(for: path, on: endpoint), onInstance: instanceID,
        timeout: callTimeout + .seconds(20))
    } catch let error as RaftBackendError {
      throw error
    } catch {
      throw RaftBackendError.unreachable(peer: endpoint.description, reason: "SSM: \(error)")
    }
    return try Self.parse(result, peer: endpoint.description)
  }

  /// Splits curl's output into body and the trailing status line.
  static func parse(_ result: RemoteCommandResult, peer: String) throws
    -> OrchestratorTransportResponse
  {
    var text = result.stdout
    if text.hasSuffix("\n") { text.removeLast() }
    let lastBreak = text.lastIndex(of: "\n")
    let statusText = lastBreak.map { String(text[text.index(after: $0)...]) } ?? text
    let body = lastBreak.map { String(text[..<$0]) } ?? ""
    guard let status = Int(statusText), status != 0 else {
      let reason = result.stderr.isEmpty ? "curl exited \(result.exitCode)" : result.stderr
      throw RaftBackendError.unreachable(peer: peer, reason: reason.trimmingWhitespace())
    }
    return OrchestratorTransportResponse(status: status, body: Array(body.utf8))
  }

  static func shellQuoted(_ s: String) -> String {
    "'" + s.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
  }
}

extension String {
  fileprivate func trimmingWhitespace() -> String {
    String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
  }
}
