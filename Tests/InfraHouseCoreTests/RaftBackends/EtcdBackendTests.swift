import Foundation
import InfraHouseCore
import Testing

/// ``EtcdRaftBackend`` against real 3-member etcd clusters on loopback.
@Suite(.serialized) struct EtcdBackendTests {
  @Test func reportsOneLeaderSeenByEveryMemberAndTheFullPeerList() async throws {
    let cluster = try EtcdTestCluster()
    defer { cluster.shutdown() }
    let hosts = (1...3).map(cluster.host)
    try await cluster.bootstrap(hosts)
    let backend = cluster.backend()

    var reports: [RaftPeerReport] = []
    for h in hosts { reports.append(try await backend.report(from: RaftPeerEndpoint(host: h))) }

    #expect(reports.filter { $0.state == "Leader" }.count == 1)
    #expect(reports.filter { $0.state == "Follower" }.count == 2)
    let leader = try #require(reports.first { $0.state == "Leader" }?.selfAddress)
    #expect(reports.allSatisfy { $0.leader == leader && $0.healthy })
    let expected = hosts.map(cluster.peerAddress).sorted()
    for (h, r) in zip(hosts, reports) {
      #expect(r.peers.sorted() == expected)
      #expect(r.selfAddress == cluster.peerAddress(h))
      #expect(backend.raftAddress(of: RaftPeerEndpoint(host: h)) == cluster.peerAddress(h))
    }
  }

  @Test func memberListDecodesUint64IdsSentAsStrings() async throws {
    let cluster = try EtcdTestCluster()
    defer { cluster.shutdown() }
    let hosts = (1...3).map(cluster.host)
    try await cluster.bootstrap(hosts)
    let gateway = cluster.backend().gateway

    let list = try await gateway.memberList(host: hosts[0])
    #expect(list.members.count == 3)
    #expect(list.members.allSatisfy { UInt64($0.id) != nil })
    #expect(Set(list.members.map(\.name)) == Set(hosts.map(cluster.memberName)))
    let status = try await gateway.status(host: hosts[1])
    #expect(status.version.hasPrefix("3."))
    #expect(list.members.contains { $0.id == status.leader })
    #expect(list.members.contains { $0.id == status.header.memberID })
  }

  @Test func addsAndRemovesAMemberAndReportsRepeatsAsAlreadyDone() async throws {
    let cluster = try EtcdTestCluster()
    defer { cluster.shutdown() }
    let hosts = (1...3).map(cluster.host)
    try await cluster.bootstrap(hosts)
    let backend = cluster.backend()
    let via = RaftPeerEndpoint(host: hosts[1])
    let newcomer = cluster.host(4)
    let address = cluster.peerAddress(newcomer)

    // etcd refuses membership changes for 5 s after members connect: retry.
    #expect(
      try await retryingWhileUnhealthy { try await backend.addPeer(address, via: via) } == .applied)
    // The new member joins after the add, as on a replacement instance.
    try cluster.start(newcomer, cluster: hosts + [newcomer], state: "existing")
    try await cluster.waitForLeader(hosts + [newcomer])
    let joined = try await backend.report(from: RaftPeerEndpoint(host: newcomer))
    #expect(joined.peers.sorted() == (hosts + [newcomer]).map(cluster.peerAddress).sorted())
    #expect(joined.healthy)

    guard
      case .alreadyInEffect(let why) = try await retryingWhileUnhealthy({
        try await backend.addPeer(address, via: via)
      })
    else {
      Issue.record("a second add of the same peer URL was not 'already in effect'")
      return
    }
    #expect(why == "etcdserver: Peer URLs already exists")

    cluster.kill(newcomer)
    #expect(
      try await retryingWhileUnhealthy { try await backend.removePeer(address, via: via) }
        == .applied)
    let after = try await backend.report(from: via)
    #expect(after.peers.sorted() == hosts.map(cluster.peerAddress).sorted())
    guard case .alreadyInEffect = try await backend.removePeer(address, via: via) else {
      Issue.record("removing an absent member was not 'already in effect'")
      return
    }
  }

  @Test func refusesAnAddWhileAMemberIsDeadUntilItIsRemoved() async throws {
    let cluster = try EtcdTestCluster()
    defer { cluster.shutdown() }
    let hosts = (1...3).map(cluster.host)
    try await cluster.bootstrap(hosts)
    let backend = cluster.backend()
    let via = RaftPeerEndpoint(host: hosts[0])
    // Past the 5 s after start-up during which etcd refuses every change.
    let first = cluster.host(5)
    #expect(
      try await retryingWhileUnhealthy {
        try await backend.addPeer(cluster.peerAddress(first), via: via)
      } == .applied)
    #expect(try await backend.removePeer(cluster.peerAddress(first), via: via) == .applied)
    cluster.kill(hosts[2])
    try await cluster.waitForLeader(Array(hosts[0...1]))

    await #expect(throws: RaftBackendError.self) {
      try await backend.report(from: RaftPeerEndpoint(host: hosts[2]))
    }
    do {
      // Still refused after 8 s: the refusal is the dead member's doing.
      _ = try await retryingWhileUnhealthy(limit: .seconds(8)) {
        try await backend.addPeer(cluster.peerAddress(cluster.host(4)), via: via)
      }
      Issue.record("etcd accepted an add with a dead member")
    } catch let error as RaftBackendError {
      guard case .rejected(_, let status, let message) = error else {
        Issue.record("unexpected \(error)")
        return
      }
      #expect(status == 503)
      #expect(message == "etcdserver: unhealthy cluster")
    }

    #expect(
      try await retryingWhileUnhealthy {
        try await backend.removePeer(cluster.peerAddress(hosts[2]), via: via)
      } == .applied)
    #expect(
      try await retryingWhileUnhealthy {
        try await backend.addPeer(cluster.peerAddress(cluster.host(4)), via: via)
      } == .applied)
    let peers = try await backend.report(from: via).peers.sorted()
    #expect(peers == [hosts[0], hosts[1], cluster.host(4)].map(cluster.peerAddress).sorted())
  }

  @Test func answers503ToAnAddWithinFiveSecondsOfAMemberRestart() async throws {
    let cluster = try EtcdTestCluster()
    defer { cluster.shutdown() }
    let hosts = (1...3).map(cluster.host)
    try await cluster.bootstrap(hosts)
    let backend = cluster.backend()
    cluster.kill(hosts[2])
    try await Task.sleep(for: .seconds(1))
    try cluster.start(hosts[2], cluster: hosts, state: "new")
    try await cluster.waitForLeader(hosts)

    do {
      _ = try await backend.addPeer(
        cluster.peerAddress(cluster.host(4)), via: RaftPeerEndpoint(host: hosts[0]))
      Issue.record("etcd accepted an add right after a member restart")
    } catch let RaftBackendError.rejected(_, status, message) {
      #expect(status == 503)
      #expect(message.contains("unhealthy cluster"))
    }
  }

  @Test func aPausedMemberTimesOutAsUnreachable() async throws {
    let cluster = try EtcdTestCluster()
    defer { cluster.shutdown() }
    let hosts = (1...3).map(cluster.host)
    try await cluster.bootstrap(hosts)
    let backend = cluster.backend(timeout: .milliseconds(500))
    cluster.pause(hosts[0])
    defer { cluster.pause(hosts[0], resume: true) }
    do {
      _ = try await backend.report(from: RaftPeerEndpoint(host: hosts[0]))
      Issue.record("a SIGSTOPped member answered")
    } catch let RaftBackendError.unreachable(peer, reason) {
      #expect(peer == "\(hosts[0]):\(cluster.clientPort)")
      #expect(reason.contains("timed out"))
    }
    // The rest still see the paused member in their peer list.
    try await cluster.waitForLeader(Array(hosts[1...2]))
    let r = try await backend.report(from: RaftPeerEndpoint(host: hosts[1]))
    #expect(r.peers.contains(cluster.peerAddress(hosts[0])))
  }
}
