import Foundation
import InfraHouseCore
import Testing

/// ``OrchestratorRaftBackend`` over HTTP and over the SSM transport's curl,
/// against 3 Orchestrator stand-in nodes on loopback.
@Suite(.serialized) struct OrchestratorBackendTests {
  func cluster(oldErrors: Bool = false) async throws -> (OrchestratorStandinPeers, [String], String)
  {
    let peers = try OrchestratorStandinPeers(oldErrors: oldErrors)
    let hosts = (1...3).map(peers.host)
    for h in hosts { try peers.start(h, peers: hosts) }
    let leader = try await peers.waitForLeader(hosts)
    return (peers, hosts, leader)
  }

  @Test(arguments: ["http", "ssm"]) func reportsStateLeaderHealthAndPeers(transport: String)
    async throws
  {
    let (peers, hosts, leader) = try await cluster()
    defer { peers.shutdown() }
    let backend = transport == "http" ? peers.httpBackend() : peers.ssmBackend()
    var reports: [RaftPeerReport] = []
    for h in hosts {
      reports.append(
        try await backend.report(from: RaftPeerEndpoint(host: h, instanceID: "i-\(h)")))
    }
    #expect(reports.filter { $0.state == "Leader" }.count == 1)
    #expect(reports.filter { $0.state == "Follower" }.count == 2)
    #expect(reports.allSatisfy { $0.leader == leader && $0.healthy && $0.healthMessage == nil })
    #expect(reports.allSatisfy { $0.peers.sorted() == hosts.map(peers.raftAddress).sorted() })
    #expect(backend.raftAddress(of: RaftPeerEndpoint(host: hosts[0])) == "\(hosts[0]):10008")
    #expect(backend.calls.value == 12)
  }

  @Test(arguments: [false, true]) func errorsKeepTheirMessageAtHTTP500AndOld200(oldErrors: Bool)
    async throws
  {
    let (peers, hosts, leader) = try await cluster(oldErrors: oldErrors)
    defer { peers.shutdown() }
    let backend = peers.httpBackend()
    let via = RaftPeerEndpoint(host: hosts[0])

    try peers.setUnhealthy(hosts[1], true)
    let sick = try await backend.report(from: RaftPeerEndpoint(host: hosts[1]))
    #expect(!sick.healthy)
    #expect(sick.healthMessage == "unhealthy")

    // 'peer already known' / 'peer is unknown' are already in effect.
    #expect(
      try await backend.addPeer(leader, via: via)
        == .alreadyInEffect("Cannot add raft peer: peer already known"))
    #expect(
      try await backend.removePeer("10.9.9.9:10008", via: via)
        == .alreadyInEffect("Cannot remove raft peer: peer is unknown"))
    // The client itself reports the status the node used, with the message.
    do {
      _ = try await backend.api.removePeer("10.9.9.9:10008", on: via)
      Issue.record("removing an unknown peer succeeded")
    } catch let RaftBackendError.rejected(_, status, message) {
      #expect(status == (oldErrors ? 200 : 500))
      #expect(message == "Cannot remove raft peer: peer is unknown")
    }
  }

  @Test func changesSentToAFollowerAreForwardedToTheLeader() async throws {
    let (peers, hosts, leader) = try await cluster()
    defer { peers.shutdown() }
    let backend = peers.httpBackend()
    let follower = try #require(hosts.first { peers.raftAddress($0) != leader })
    let newcomer = peers.host(4)
    #expect(
      try await backend.addPeer(peers.raftAddress(newcomer), via: RaftPeerEndpoint(host: follower))
        == .applied)
    let afterAdd = try await backend.report(from: RaftPeerEndpoint(host: hosts[0]))
    #expect(afterAdd.peers.contains(peers.raftAddress(newcomer)))
    #expect(
      try await backend.removePeer(
        peers.raftAddress(newcomer), via: RaftPeerEndpoint(host: follower))
        == .applied)
    let afterRemove = try await backend.report(from: RaftPeerEndpoint(host: hosts[0]))
    #expect(afterRemove.peers.sorted() == hosts.map(peers.raftAddress).sorted())
  }

  @Test func withoutQuorumChangesFailWithNodeIsNotTheLeader() async throws {
    let (peers, hosts, _) = try await cluster()
    defer { peers.shutdown() }
    let backend = peers.httpBackend()
    peers.stop(hosts[1])
    peers.stop(hosts[2])
    try await Task.sleep(for: .milliseconds(1500))
    let alone = try await backend.report(from: RaftPeerEndpoint(host: hosts[0]))
    #expect(alone.leader == "")
    #expect(!alone.healthy)
    do {
      _ = try await backend.addPeer(
        peers.raftAddress(peers.host(4)), via: RaftPeerEndpoint(host: hosts[0]))
      Issue.record("an add without a leader succeeded")
    } catch let RaftBackendError.rejected(_, status, message) {
      #expect(status == 500)
      #expect(message == "Cannot add raft peer: node is not the leader")
    }
    await #expect(throws: RaftBackendError.self) {
      try await backend.report(from: RaftPeerEndpoint(host: hosts[1]))
    }
    #expect(await backend.candidateAnswers(RaftPeerEndpoint(host: hosts[0])))
    #expect(!(await backend.candidateAnswers(RaftPeerEndpoint(host: hosts[1]))))
  }

  @Test func yieldHandsLeadershipToTheNamedNode() async throws {
    let (peers, hosts, leader) = try await cluster()
    defer { peers.shutdown() }
    let backend = peers.httpBackend()
    let leaderHost = try #require(hosts.first { peers.raftAddress($0) == leader })
    let target = try #require(hosts.first { $0 != leaderHost })
    let message = try await backend.api.yield(
      to: peers.raftAddress(target), on: RaftPeerEndpoint(host: leaderHost))
    #expect(message == "Asynchronously yielded")
    #expect(try await peers.waitForLeader(hosts) == peers.raftAddress(target))
    #expect(
      try await backend.api.status(on: RaftPeerEndpoint(host: target)).contains(
        #""State": "Leader""#))
  }
}
