/// One Raft implementation as infrahoused sees it: read what a peer reports,
/// and change the membership through a peer.
///
/// Two backends exist: ``OrchestratorRaftBackend`` (MySQL Orchestrator's HTTP
/// API, over HTTP or SSM) and ``EtcdRaftBackend`` (etcd v3's JSON gateway).
/// Both fill the same ``RaftPeerReport``, so the reconcile planner never
/// knows which engine runs underneath.
public protocol RaftBackend: Sendable {
  /// A short name for logs and reports: `orchestrator`, `etcd`.
  var name: String { get }

  /// Counts the API requests this backend sends.
  var calls: RaftCallCounter { get }

  /// The address the cluster uses for the peer on `endpoint`, in the form its
  /// peer list shows (`IP:10008` for Orchestrator, `IP:2380` for etcd).
  func raftAddress(of endpoint: RaftPeerEndpoint) -> String

  /// Reads the peer's state, health, the leader it sees and its peer list.
  ///
  /// Throws ``RaftBackendError`` when the peer cannot be read at all
  /// (unreachable, timed out, nonsense answers): that peer is unreachable.
  func report(from endpoint: RaftPeerEndpoint) async throws -> RaftPeerReport

  /// Whether a peer that is not (yet) a member may be added: Orchestrator
  /// answers its API before joining, so this asks it; an etcd member cannot
  /// start before it is added, so the etcd backend answers true.
  func candidateAnswers(_ endpoint: RaftPeerEndpoint) async -> Bool

  /// Adds `address` (exactly as ``raftAddress(of:)`` formats it) through the peer on `via`.
  func addPeer(_ address: String, via: RaftPeerEndpoint) async throws -> RaftMembershipOutcome

  /// Removes `address` (the exact string the peer list showed) through the peer on `via`.
  func removePeer(_ address: String, via: RaftPeerEndpoint) async throws -> RaftMembershipOutcome
}

/// Where a peer's API is reached: its address, and the instance behind it for SSM.
public struct RaftPeerEndpoint: Sendable, Hashable, CustomStringConvertible {
  /// The IP address (or DNS name) the API and the Raft port listen on.
  public var host: String
  /// The EC2 instance running the peer; needed by the SSM transport.
  public var instanceID: String?

  public init(host: String, instanceID: String? = nil) {
    self.host = host
    self.instanceID = instanceID
  }

  public var description: String {
    if let instanceID { return "\(host) (\(instanceID))" }
    return host
  }
}

/// What one peer said about itself and the cluster in one heartbeat.
public struct RaftPeerReport: Sendable, Equatable {
  /// The peer's own Raft address, when the backend can tell (etcd can; Orchestrator cannot).
  public var selfAddress: String?
  /// `Leader`, `Follower`, `Candidate` (Orchestrator's words; etcd's mapped onto them).
  public var state: String
  /// Whether the peer considers itself healthy (Orchestrator's raft-health;
  /// for etcd: status answered with a leader and no alarms).
  public var healthy: Bool
  /// Why the peer is unhealthy, when it said so.
  public var healthMessage: String?
  /// The leader's Raft address as this peer sees it; empty when it knows none.
  public var leader: String
  /// The members this peer knows, as raw strings (`10.0.0.5:10008`), itself included.
  public var peers: [String]

  public init(
    selfAddress: String? = nil, state: String, healthy: Bool, healthMessage: String? = nil,
    leader: String, peers: [String]
  ) {
    self.selfAddress = selfAddress
    self.state = state
    self.healthy = healthy
    self.healthMessage = healthMessage
    self.leader = leader
    self.peers = peers
  }
}

/// How a membership change ended, when it did not fail.
public enum RaftMembershipOutcome: Sendable, Equatable {
  /// The cluster accepted the change.
  case applied
  /// The cluster said it was already so ('peer already known', 'unknown
  /// peer', 'member not found'); the caller re-reads the peers to confirm.
  case alreadyInEffect(String)
}
