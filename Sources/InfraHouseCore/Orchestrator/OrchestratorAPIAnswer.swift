/// An answer of MySQL Orchestrator's HTTP API, classified.
///
/// Orchestrator answers success with the bare JSON value (`"10.0.0.5:10008"`,
/// `["a:10008", ...]`, `"Leader"`, `"healthy"`) or an `APIResponse` with
/// `"Code":"OK"`; failures are `{"Code":"ERROR","Message":...,"Details":...}` with
/// HTTP 500 (since 2017) or HTTP 200 (older versions). Both are handled and the
/// message is kept.
public enum OrchestratorAPIAnswer: Sendable, Hashable {
  /// A success; `body` is the JSON text.
  case success(body: String)
  /// `{"Code":"ERROR"}` at any status, or a non-2xx status.
  case failure(status: Int, message: String)

  /// Classifies a response.
  public static func classify(status: Int, body: some Collection<UInt8>) -> OrchestratorAPIAnswer {
    let body = Array(body)
    let text = String(decoding: body, as: UTF8.self)
    if let envelope = try? JSONValue.parse(body), let code = envelope["Code"]?.stringValue {
      let message = envelope["Message"]?.stringValue
      if code == "ERROR" { return .failure(status: status, message: message ?? "") }
      if (200..<300).contains(status) { return .success(body: text) }
      return .failure(status: status, message: message ?? text)
    }
    if (200..<300).contains(status) { return .success(body: text) }
    return .failure(status: status, message: String(text.prefix(500)))
  }

  /// Decodes a successful JSON string answer (`raft-leader`, `raft-state`, `raft-health`).
  public var stringValue: String? {
    guard case .success(let body) = self else { return nil }
    return (try? JSONValue.parse(body))?.stringValue
  }

  /// Decodes a successful JSON string array (`raft-peers`).
  public var stringArrayValue: [String]? {
    guard case .success(let body) = self else { return nil }
    return (try? JSONValue.parse(body))?.stringArrayValue
  }

  /// What a membership change's failure means.
  public enum MembershipOutcome: Sendable, Hashable {
    /// Succeeded.
    case done
    /// `peer already known` (add) or `peer is unknown` (remove): already the
    /// wanted state; count as done after re-reading the peers.
    case alreadyInPlace
    /// `node is not the leader`: no leader to forward to; retry later.
    case notLeader
    /// Anything else, with the message.
    case failed(String)
  }

  /// Interprets the answer to `raft-add-peer` / `raft-remove-peer`.
  public var membershipOutcome: MembershipOutcome {
    switch self {
    case .success: return .done
    case .failure(_, let message):
      let m = message.lowercased()
      if m.contains(text: "peer already known") || m.contains(text: "peer is unknown")
        || m.contains(text: "unknown peer")
      {
        return .alreadyInPlace
      }
      if m.contains(text: "not the leader") || m.contains(text: "not leader") { return .notLeader }
      return .failed(message)
    }
  }
}
