/// MySQL Orchestrator's Raft HTTP API, one typed call per endpoint.
///
/// Orchestrator answers successes with plain JSON values (`"Leader"`,
/// `["10.0.0.5:10008", ...]`) and failures with `{"Code":"ERROR","Message":...}`:
/// HTTP 500 in current versions, HTTP 200 in versions before 2017. Both are
/// turned into ``RaftBackendError/rejected(peer:status:message:)`` carrying Orchestrator's message.
public struct OrchestratorAPIClient: Sendable {
  public let transport: any OrchestratorTransport
  /// Counts every request sent.
  public let calls: RaftCallCounter

  public init(transport: any OrchestratorTransport, calls: RaftCallCounter = RaftCallCounter()) {
    self.transport = transport
    self.calls = calls
  }

  /// `GET /api/raft-leader`: the leader's Raft address, `""` when there is none.
  public func leader(on endpoint: RaftPeerEndpoint) async throws -> String {
    let body = try await call("/api/raft-leader", on: endpoint)
    let answer = try? JSONValue.parse(body)
    if let s = answer?.stringValue { return s }
    // The newer answer: `{"id": ..., "address": ...}`.
    if case .object(let o)? = answer {
      return o["address"]?.stringValue ?? o["id"]?.stringValue ?? ""
    }
    throw malformed(endpoint, "/api/raft-leader", body)
  }

  /// `GET /api/raft-state`: `Leader`, `Follower`, `Candidate` or `Shutdown`.
  public func state(on endpoint: RaftPeerEndpoint) async throws -> String {
    try await decode("/api/raft-state", on: endpoint) { $0.stringValue }
  }

  /// `GET /api/raft-health`: healthy, or the node's reason (`unhealthy`) when
  /// it answered an error; throws only when the node did not answer.
  public func health(on endpoint: RaftPeerEndpoint) async throws -> (
    healthy: Bool, message: String?
  ) {
    do {
      let word = try await decode("/api/raft-health", on: endpoint) { $0.stringValue }
      return word == "healthy" ? (true, nil) : (false, word)
    } catch let RaftBackendError.rejected(_, _, message) {
      return (false, message)
    }
  }

  /// `GET /api/raft-peers`: every member's Raft address as the node knows them, itself included.
  public func peers(on endpoint: RaftPeerEndpoint) async throws -> [String] {
    try await decode("/api/raft-peers", on: endpoint) { $0.stringArrayValue }
  }

  /// `GET /api/raft-status`: the node's whole status object, as JSON text.
  public func status(on endpoint: RaftPeerEndpoint) async throws -> String {
    String(decoding: try await call("/api/raft-status", on: endpoint), as: UTF8.self)
  }

  /// `GET /api/raft-add-peer/ADDR` (Orchestrator forwards it to the leader); returns its message.
  public func addPeer(_ address: String, on endpoint: RaftPeerEndpoint) async throws -> String {
    try await message(of: call("/api/raft-add-peer/\(Self.pathSegment(address))", on: endpoint))
  }

  /// `GET /api/raft-remove-peer/ADDR`; returns Orchestrator's message.
  public func removePeer(_ address: String, on endpoint: RaftPeerEndpoint) async throws -> String {
    try await message(of: call("/api/raft-remove-peer/\(Self.pathSegment(address))", on: endpoint))
  }

  /// `GET /api/raft-yield/NODE`: asks the leader to step down in favour of `node`.
  public func yield(to node: String, on endpoint: RaftPeerEndpoint) async throws -> String {
    try await message(of: call("/api/raft-yield/\(Self.pathSegment(node))", on: endpoint))
  }

  /// Sends `GET path`; returns the body of a success, throws the message of an
  /// error (classified by ``OrchestratorAPIAnswer``: `Code: ERROR` at HTTP 500 or 200).
  func call(_ path: String, on endpoint: RaftPeerEndpoint) async throws -> [UInt8] {
    calls.increment()
    let response = try await transport.get(path, on: endpoint)
    switch OrchestratorAPIAnswer.classify(status: response.status, body: response.body) {
    case .success: return response.body
    case .failure(let status, let message):
      throw RaftBackendError.rejected(peer: endpoint.description, status: status, message: message)
    }
  }

  /// Calls `path` and reads its JSON answer with `read`; a body that is not JSON,
  /// or not the expected shape, is a malformed response.
  private func decode<T>(
    _ path: String, on endpoint: RaftPeerEndpoint, _ read: (JSONValue) -> T?
  ) async throws -> T {
    let body = try await call(path, on: endpoint)
    guard let json = try? JSONValue.parse(body), let value = read(json) else {
      throw malformed(endpoint, path, body)
    }
    return value
  }

  private func message(of body: [UInt8]) -> String {
    // Orchestrator's `APIResponse` envelope, or a bare JSON string.
    let answer = try? JSONValue.parse(body)
    if let m = answer?["Message"]?.stringValue { return m }
    if let s = answer?.stringValue { return s }
    return Self.excerpt(String(decoding: body, as: UTF8.self))
  }

  private func malformed(_ endpoint: RaftPeerEndpoint, _ path: String, _ body: [UInt8])
    -> RaftBackendError
  {
    .malformedResponse(
      peer: endpoint.description,
      detail: "\(path): \(Self.excerpt(String(decoding: body, as: UTF8.self)))")
  }

  static func excerpt(_ text: String) -> String {
    text.count > 200 ? String(text.prefix(200)) + "..." : text
  }

  /// Percent-encodes everything but unreserved characters and `:` (kept for `IP:port`).
  static func pathSegment(_ s: String) -> String {
    var out = ""
    for byte in s.utf8 {
      let c = Character(Unicode.Scalar(byte))
      if c.isASCII && (c.isLetter || c.isNumber || "-._~:".contains(c)) {
        out.append(c)
      } else {
        out += "%" + String(byte, radix: 16, uppercase: true).paddedHex
      }
    }
    return out
  }
}

extension String {
  fileprivate var paddedHex: String { count == 1 ? "0" + self : self }
}
