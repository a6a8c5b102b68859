/// An authenticated GitHub REST client: a ``GitHubTransport`` plus a
/// ``GitHubTokenSource``. A 401 invalidates the token and retries once (an
/// App installation token may have been revoked); a second 401 is an error.
public struct GitHubClient: Sendable {
  public let transport: GitHubTransport
  public let credentials: any GitHubTokenSource

  public init(transport: GitHubTransport, credentials: any GitHubTokenSource) {
    self.transport = transport
    self.credentials = credentials
  }

  /// Sends an authenticated request; see ``GitHubTransport/send(method:path:bearer:body:accept:deadline:)``.
  public func send(
    _ method: String, _ path: String, body: [UInt8]? = nil, accept: Set<Int> = [],
    deadline: ContinuousClock.Instant? = nil
  ) async throws -> HTTPResponse {
    var retried = false
    while true {
      let token = try await credentials.token()
      do {
        return try await transport.send(
          method: method, path: path, bearer: token, body: body, accept: accept, deadline: deadline)
      } catch let error as GitHubAPIError where error.status == 401 && !retried {
        retried = true
        await credentials.invalidate()
      }
    }
  }
}
