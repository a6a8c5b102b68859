/// Why a call to a Raft peer failed.
public enum RaftBackendError: Error, Sendable, Equatable, CustomStringConvertible {
  /// No answer: connect failure, timeout, a transport (SSM, curl) failure.
  case unreachable(peer: String, reason: String)
  /// The peer answered with an error; `message` is the peer's own words
  /// (Orchestrator's `Message`, etcd's `error`), `status` the HTTP status.
  case rejected(peer: String, status: Int, message: String)
  /// The peer answered something that is not what the API documents.
  case malformedResponse(peer: String, detail: String)
  /// A membership change named a peer that is not in the peer list.
  case unknownPeer(String)

  public var description: String {
    switch self {
    case .unreachable(let peer, let reason): "Raft peer \(peer) unreachable: \(reason)"
    case .rejected(let peer, let status, let message):
      "Raft peer \(peer) answered HTTP \(status): \(message)"
    case .malformedResponse(let peer, let detail): "Raft peer \(peer) answered nonsense: \(detail)"
    case .unknownPeer(let address): "no Raft member with address \(address)"
    }
  }

  /// A refusal worth retrying shortly: HTTP 503 (etcd's 'unhealthy cluster'
  /// for 5 s after a member connects or the membership changes).
  public var isTransientRefusal: Bool {
    if case .rejected(_, 503, _) = self { return true }
    return false
  }

  /// The message the peer sent, when it sent one.
  public var peerMessage: String? {
    if case .rejected(_, _, let message) = self { return message }
    return nil
  }
}
