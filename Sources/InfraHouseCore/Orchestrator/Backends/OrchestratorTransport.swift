/// How ``OrchestratorAPIClient`` reaches one Orchestrator node's HTTP API:
/// directly (``OrchestratorHTTPTransport``) or by running curl on the
/// instance over SSM (``OrchestratorSSMTransport``).
public protocol OrchestratorTransport: Sendable {
  /// `GET path` (e.g. `/api/raft-state`) on the node at `endpoint`; returns
  /// the status and body whatever the status. Throws
  /// ``RaftBackendError/unreachable(peer:reason:)`` when no answer came.
  func get(_ path: String, on endpoint: RaftPeerEndpoint) async throws
    -> OrchestratorTransportResponse
}

/// An HTTP answer as a transport got it.
public struct OrchestratorTransportResponse: Sendable, Equatable {
  public var status: Int
  public var body: [UInt8]

  public init(status: Int, body: [UInt8]) {
    self.status = status
    self.body = body
  }

  public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// Direct HTTP to each node's API port (3000 by default).
public struct OrchestratorHTTPTransport: OrchestratorTransport {
  private let http: HTTPClient
  public let apiPort: Int
  public let scheme: String
  public let callTimeout: Duration

  public init(
    http: HTTPClient, apiPort: Int = 3000, scheme: String = "http",
    callTimeout: Duration = .seconds(5)
  ) {
    self.http = http
    self.apiPort = apiPort
    self.scheme = scheme
    self.callTimeout = callTimeout
  }

  public func get(_ path: String, on endpoint: RaftPeerEndpoint) async throws
    -> OrchestratorTransportResponse
  {
    let node = RaftAddress.join(host: endpoint.host, port: apiPort)
    do {
      let response = try await http.execute(
        HTTPRequest(url: "\(scheme)://\(node)\(path)", timeout: callTimeout))
      return OrchestratorTransportResponse(status: response.status, body: response.body)
    } catch let error as HTTPClientError {
      throw RaftBackendError.unreachable(peer: node, reason: error.description)
    }
  }
}
