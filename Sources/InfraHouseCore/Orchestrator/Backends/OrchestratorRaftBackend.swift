/// ``RaftBackend`` for MySQL Orchestrator in raft mode.
///
/// A report takes four concurrent calls (`raft-state`, `raft-leader`,
/// `raft-health`, `raft-peers`). Peer addresses are `IP:raftPort` (10008 by
/// default). Membership changes may be sent to any node (Orchestrator forwards
/// them to the leader); 'peer already known' and 'unknown peer' answers count
/// as already in effect, to be confirmed by re-reading the peers.
public struct OrchestratorRaftBackend: RaftBackend {
  public let api: OrchestratorAPIClient
  /// The port in peer addresses (`DefaultRaftPort`, 10008).
  public let raftPort: Int

  public var name: String { "orchestrator" }
  public var calls: RaftCallCounter { api.calls }

  public init(api: OrchestratorAPIClient, raftPort: Int = 10008) {
    self.api = api
    self.raftPort = raftPort
  }

  public func raftAddress(of endpoint: RaftPeerEndpoint) -> String {
    RaftAddress.join(host: endpoint.host, port: raftPort)
  }

  public func report(from endpoint: RaftPeerEndpoint) async throws -> RaftPeerReport {
    async let state = api.state(on: endpoint)
    async let leader = api.leader(on: endpoint)
    async let health = api.health(on: endpoint)
    async let peers = api.peers(on: endpoint)
    let h = try await health
    return RaftPeerReport(
      state: try await state, healthy: h.healthy, healthMessage: h.message,
      leader: try await leader, peers: try await peers)
  }

  /// True when the node answers `raft-state` (in whatever state).
  public func candidateAnswers(_ endpoint: RaftPeerEndpoint) async -> Bool {
    (try? await api.state(on: endpoint)) != nil
  }

  public func addPeer(_ address: String, via: RaftPeerEndpoint) async throws
    -> RaftMembershipOutcome
  {
    do {
      _ = try await api.addPeer(address, on: via)
      return .applied
    } catch let RaftBackendError.rejected(_, _, message) where Self.saysAlreadyKnown(message) {
      return .alreadyInEffect(message)
    }
  }

  public func removePeer(_ address: String, via: RaftPeerEndpoint) async throws
    -> RaftMembershipOutcome
  {
    do {
      _ = try await api.removePeer(address, on: via)
      return .applied
    } catch let RaftBackendError.rejected(_, _, message) where Self.saysUnknown(message) {
      return .alreadyInEffect(message)
    }
  }

  /// hashicorp/raft's `ErrKnownPeer` ("peer already known") as Orchestrator relays it.
  static func saysAlreadyKnown(_ message: String) -> Bool {
    OrchestratorAPIAnswer.failure(status: 500, message: message).membershipOutcome
      == .alreadyInPlace
  }

  /// hashicorp/raft's `ErrUnknownPeer` ("peer is unknown").
  static func saysUnknown(_ message: String) -> Bool { saysAlreadyKnown(message) }
}
