/// ``RaftBackend`` for etcd v3 through its JSON gateway.
///
/// A peer's report takes two calls (`maintenance/status`, `member/list`):
/// the state is `Leader` when the member's id is the leader's, `Follower`
/// when it knows another leader, `Candidate` when it knows none; it is healthy
/// when it knows a leader and reports no alarms. Peer addresses are the
/// `host:port` of each member's first peer URL (`127.0.0.2:2380`).
///
/// etcd refuses `member/add` while any member is unreachable ('unhealthy
/// cluster', HTTP 503) and for 5 s after a member (re)connects; the planner's
/// remove-before-add rule and the driver's wait for stable health follow from that.
public struct EtcdRaftBackend: RaftBackend {
  public let gateway: EtcdGatewayClient
  /// The peer port in member addresses (2380 by default).
  public let peerPort: Int
  /// `http` or `https` for peer URLs given to `member/add`.
  public let peerScheme: String

  public var name: String { "etcd" }
  public var calls: RaftCallCounter { gateway.calls }

  public init(gateway: EtcdGatewayClient, peerPort: Int = 2380, peerScheme: String = "http") {
    self.gateway = gateway
    self.peerPort = peerPort
    self.peerScheme = peerScheme
  }

  public func raftAddress(of endpoint: RaftPeerEndpoint) -> String {
    RaftAddress.join(host: endpoint.host, port: peerPort)
  }

  public func report(from endpoint: RaftPeerEndpoint) async throws -> RaftPeerReport {
    async let statusCall = gateway.status(host: endpoint.host)
    async let listCall = gateway.memberList(host: endpoint.host)
    let status = try await statusCall
    let list = try await listCall
    func address(of id: String) -> String? {
      list.members.first { $0.id == id }?.peerURLs.first.map(RaftAddress.hostPort(ofURL:))
    }
    let selfID = status.header.memberID
    let hasLeader = status.leader != "0" && !status.leader.isEmpty
    let state = !hasLeader ? "Candidate" : status.leader == selfID ? "Leader" : "Follower"
    var problems = status.errors
    if !hasLeader { problems.append("no leader") }
    return RaftPeerReport(
      selfAddress: address(of: selfID), state: state, healthy: problems.isEmpty,
      healthMessage: problems.isEmpty ? nil : problems.joined(separator: "; "),
      leader: hasLeader ? address(of: status.leader) ?? "" : "",
      peers: list.members.compactMap { $0.peerURLs.first.map(RaftAddress.hostPort(ofURL:)) })
  }

  /// An etcd member cannot serve before it is added, so there is nothing to ask.
  public func candidateAnswers(_ endpoint: RaftPeerEndpoint) async -> Bool { true }

  public func addPeer(_ address: String, via: RaftPeerEndpoint) async throws
    -> RaftMembershipOutcome
  {
    do {
      _ = try await gateway.memberAdd(host: via.host, peerURL: "\(peerScheme)://\(address)")
      return .applied
    } catch let RaftBackendError.rejected(_, _, message)
      where message.contains(text: "already exists") || message.contains(text: "peerURL exists")
    {
      return .alreadyInEffect(message)
    }
  }

  public func removePeer(_ address: String, via: RaftPeerEndpoint) async throws
    -> RaftMembershipOutcome
  {
    let list = try await gateway.memberList(host: via.host)
    guard
      let member = list.members.first(where: {
        $0.peerURLs.contains { RaftAddress.hostPort(ofURL: $0) == address }
      })
    else { return .alreadyInEffect("no member with peer address \(address)") }
    do {
      _ = try await gateway.memberRemove(host: via.host, id: member.id)
      return .applied
    } catch let RaftBackendError.rejected(_, _, message)
      where message.contains(text: "member not found")
    {
      return .alreadyInEffect(message)
    }
  }
}
