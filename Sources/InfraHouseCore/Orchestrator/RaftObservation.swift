/// An Auto Scaling Group instance as the Raft reconcile sees it.
public struct RaftInstance: Sendable, Hashable {
  public var instanceID: String
  /// The ASG lifecycle state: `InService`, `Pending`, `Pending:Wait`,
  /// `Pending:Proceed`, `Terminating`, `Terminated`, `Standby`, ...
  public var lifecycleState: String
  public var privateIP: String?
  /// The private DNS name (`ip-10-0-0-5.ec2.internal`).
  public var hostname: String?

  public init(
    instanceID: String, lifecycleState: String, privateIP: String?, hostname: String? = nil
  ) {
    self.instanceID = instanceID
    self.lifecycleState = lifecycleState
    self.privateIP = privateIP
    self.hostname = hostname
  }

  /// Instances in these states are not queried (issue 7): not up yet, or gone.
  public static let unqueriedStates: Set<String> = [
    "Pending", "Pending:Wait", "Pending:Proceed", "Terminated",
  ]

  /// True when the heartbeat should call this instance's Raft API.
  public var shouldBeQueried: Bool {
    !Self.unqueriedStates.contains(lifecycleState) && privateIP != nil
  }

  /// True when the ASG is terminating or has terminated the instance.
  public var isTerminatingOrTerminated: Bool { lifecycleState.hasPrefix("Terminat") }
}

/// What one peer's Raft API said (or that it did not answer).
public struct RaftPeerObservation: Sendable, Hashable {
  public var instanceID: String
  /// False when the API did not answer in time (or answered garbage).
  public var reachable: Bool
  /// `Leader`, `Follower`, `Candidate`, `Shutdown` (raft-state).
  public var state: String?
  /// raft-health said healthy.
  public var healthy: Bool
  /// The leader this peer sees (raft-leader); nil or empty when none.
  public var leader: String?
  /// The peer set this peer reports (raft-peers), raw strings like `10.0.0.5:10008`.
  public var peers: [String]

  public init(
    instanceID: String, reachable: Bool, state: String? = nil, healthy: Bool = false,
    leader: String? = nil,
    peers: [String] = []
  ) {
    self.instanceID = instanceID
    self.reachable = reachable
    self.state = state
    self.healthy = healthy
    self.leader = leader
    self.peers = peers
  }

  /// An unreachable peer.
  public static func unreachable(_ instanceID: String) -> RaftPeerObservation {
    RaftPeerObservation(instanceID: instanceID, reachable: false)
  }
}

/// Splits Raft peer addresses as Orchestrator and etcd print them.
public enum RaftPeerAddress {
  /// The host part: `10.0.0.5:10008` → `10.0.0.5`, `[fe80::1]:10008` → `fe80::1`,
  /// `host` → `host`, `http://10.0.0.5:2380` → `10.0.0.5`.
  public static func host(of address: String) -> String {
    var s = Substring(address)
    if let scheme = s.range(ofText: "://") { s = s[scheme.upperBound...] }
    if let slash = s.firstIndex(of: "/") { s = s[..<slash] }
    if s.hasPrefix("["), let close = s.firstIndex(of: "]") {
      return String(s[s.index(after: s.startIndex)..<close])
    }
    if s.filter({ $0 == ":" }).count == 1, let colon = s.firstIndex(of: ":") {
      return String(s[..<colon])
    }
    return String(s)
  }

  /// Finds the instance a peer address names: by private IP first, then by
  /// hostname (exact, or the first label of the private DNS name), case-insensitively.
  public static func match(_ address: String, in instances: [RaftInstance]) -> RaftInstance? {
    let host = self.host(of: address).lowercased()
    guard !host.isEmpty else { return nil }
    if let byIP = instances.first(where: { $0.privateIP?.lowercased() == host }) { return byIP }
    return instances.first { instance in
      guard let name = instance.hostname?.lowercased(), !name.isEmpty else { return false }
      return name == host || name.split(separator: ".").first.map(String.init) == host
        || host.split(separator: ".").first.map(String.init) == name
    }
  }
}
