import Foundation
import InfraHouseCore
import Synchronization
import Testing

/// ``RaftHeartbeat`` with the Orchestrator backend: stand-in nodes on the
/// loopback addresses of a moto Auto Scaling Group's instances.
@Suite(.serialized) struct OrchestratorHeartbeatEndToEndTests {
  @Test(arguments: ["http", "ssm"]) func replacedNodeIsRemovedThenItsReplacementAdded(
    transport: String
  )
    async throws
  {
    let prefix = "127.\(Int.random(in: 100...250)).\(Int.random(in: 1...250))"
    let asg = RaftASGTool()
    let instances = try asg("setup", prefix, "3")
    let peers = try OrchestratorStandinPeers(prefix: prefix)
    defer { peers.shutdown() }
    let hosts = instances.compactMap(\.ip)
    for h in hosts { try peers.start(h, peers: hosts) }
    let leader = try await peers.waitForLeader(hosts)
    let heartbeat = RaftHeartbeat(
      discovery: AutoScalingPeerDiscovery(
        groupName: asg.group, session: MotoFixture.shared.session()),
      backend: transport == "http" ? peers.httpBackend() : peers.ssmBackend(),
      configuration: RaftHeartbeatConfiguration(
        reconcile: true,
        planner: RaftReconcileConfiguration(leaderChangeQuietPeriod: .milliseconds(500)),
        peerTimeout: .seconds(3), settleTimeout: .seconds(20),
        settlePollInterval: .milliseconds(250)))

    let first = try await Self.healthyReport(heartbeat)
    #expect(first.findings.leader == leader)
    #expect(first.raftAPICalls == 12)
    #expect(first.awsAPICalls == 2)

    // A follower's instance is replaced; the new node starts, not yet a member.
    let victim = try #require(first.peers.first { $0.member && $0.state == "Follower" })
    let victimHost = try #require(instances.first { $0.id == victim.instanceID }?.ip)
    peers.stop(victimHost)
    let group = try asg("terminate", victim.instanceID)
    let replacement = try #require(group.first { g in !instances.contains { $0.id == g.id } })
    let newHost = try #require(replacement.ip)
    try peers.start(newHost, peers: [])

    var reports: [RaftReport] = []
    for _ in 0..<8 {
      try await Task.sleep(for: .milliseconds(700))
      let r = try await heartbeat.run()
      reports.append(r)
      if r.healthy { break }
    }
    let log = reports.map(\.summary).joined(separator: "\n")
    #expect(reports.first?.steps.isEmpty == true, "\(log)")
    let changes = reports.flatMap(\.steps).map(\.change)
    #expect(
      changes == [
        .remove(address: "\(victimHost):10008"),
        .add(address: "\(newHost):10008", instanceID: replacement.id),
      ], "\(log)")
    #expect(reports.flatMap(\.steps).allSatisfy { $0.outcome == .applied }, "\(log)")
    let final = try #require(reports.last)
    #expect(final.healthy, "\(log)")
    #expect(
      final.findings.peers.sorted()
        == (hosts.filter { $0 != victimHost } + [newHost]).map(peers.raftAddress).sorted())
    let newRow = try #require(final.peers.first { $0.instanceID == replacement.id })
    #expect(newRow.member && newRow.reachable && newRow.healthy)
  }

  @Test func changesWaitForTheLockGateAndThenHappen() async throws {
    let prefix = "127.\(Int.random(in: 100...250)).\(Int.random(in: 1...250))"
    let asg = RaftASGTool()
    let instances = try asg("setup", prefix, "3")
    let peers = try OrchestratorStandinPeers(prefix: prefix)
    defer { peers.shutdown() }
    let hosts = instances.compactMap(\.ip)
    for h in hosts { try peers.start(h, peers: hosts) }
    _ = try await peers.waitForLeader(hosts)
    let gate = LockGate()
    let heartbeat = RaftHeartbeat(
      discovery: AutoScalingPeerDiscovery(
        groupName: asg.group, session: MotoFixture.shared.session()),
      backend: peers.httpBackend(),
      configuration: RaftHeartbeatConfiguration(
        reconcile: true,
        planner: RaftReconcileConfiguration(leaderChangeQuietPeriod: .milliseconds(500)),
        settleTimeout: .seconds(20), settlePollInterval: .milliseconds(250)),
      reconcileGate: { gate.isOpen })

    let first = try await Self.healthyReport(heartbeat)
    let victim = try #require(first.peers.first { $0.member && $0.state == "Follower" })
    let victimHost = try #require(instances.first { $0.id == victim.instanceID }?.ip)
    peers.stop(victimHost)
    let group = try asg("terminate", victim.instanceID)
    let replacement = try #require(group.first { g in !instances.contains { $0.id == g.id } })
    let newHost = try #require(replacement.ip)
    try peers.start(newHost, peers: [])

    // Not the lock holder: the removal is planned, reported, not made.
    var planned: RaftReport?
    for _ in 0..<4 {
      try await Task.sleep(for: .milliseconds(700))
      let r = try await heartbeat.run()
      if !r.steps.isEmpty {
        planned = r
        break
      }
    }
    let step = try #require(planned?.steps.first)
    #expect(step.change == .remove(address: "\(victimHost):10008"))
    #expect(step.outcome == .planned(why: "not the lock holder"))
    let still = try await peers.httpBackend().report(
      from: RaftPeerEndpoint(host: hosts.first { $0 != victimHost }!))
    #expect(still.peers.contains("\(victimHost):10008"))

    // The lock is ours now: the next run removes it, then adds the replacement.
    gate.open()
    let next = try await heartbeat.run()
    #expect(
      next.steps.map(\.change) == [
        .remove(address: "\(victimHost):10008"),
        .add(address: "\(newHost):10008", instanceID: replacement.id),
      ], "\(next.summary)")
    #expect(next.steps.allSatisfy { $0.outcome == .applied })
    #expect(next.healthy)
  }

  /// A 3-node stand-in cluster on a moto group whose follower was replaced by
  /// an instance running a new (unhealthy) node; the heartbeat has run once before.
  func replacedFollowerWithUnhealthyReplacement(settleTimeout: Duration) async throws -> (
    OrchestratorStandinPeers, RaftHeartbeat, String
  ) {
    let prefix = "127.\(Int.random(in: 100...250)).\(Int.random(in: 1...250))"
    let asg = RaftASGTool()
    let instances = try asg("setup", prefix, "3")
    let peers = try OrchestratorStandinPeers(prefix: prefix)
    let hosts = instances.compactMap(\.ip)
    for h in hosts { try peers.start(h, peers: hosts) }
    _ = try await peers.waitForLeader(hosts)
    let heartbeat = RaftHeartbeat(
      discovery: AutoScalingPeerDiscovery(
        groupName: asg.group, session: MotoFixture.shared.session()),
      backend: peers.httpBackend(),
      configuration: RaftHeartbeatConfiguration(
        reconcile: true,
        planner: RaftReconcileConfiguration(leaderChangeQuietPeriod: .milliseconds(500)),
        settleTimeout: settleTimeout, settlePollInterval: .milliseconds(250)))
    let first = try await Self.healthyReport(heartbeat)
    let victim = try #require(first.peers.first { $0.member && $0.state == "Follower" })
    let victimHost = try #require(instances.first { $0.id == victim.instanceID }?.ip)
    peers.stop(victimHost)
    let group = try asg("terminate", victim.instanceID)
    let replacement = try #require(group.first { g in !instances.contains { $0.id == g.id } })
    let newHost = try #require(replacement.ip)
    try peers.start(newHost, peers: [])
    try peers.setUnhealthy(newHost, true)
    // The absence is seen once; the next run will remove, then add.
    try await Task.sleep(for: .milliseconds(700))
    _ = try await heartbeat.run()
    try await Task.sleep(for: .milliseconds(700))
    return (peers, heartbeat, newHost)
  }

  @Test func anAddedMemberThatNeverTurnsHealthyEndsTheRunAsNotSettled() async throws {
    let (peers, heartbeat, newHost) = try await replacedFollowerWithUnhealthyReplacement(
      settleTimeout: .seconds(2))
    defer { peers.shutdown() }
    let r = try await heartbeat.run()
    let last = try #require(r.steps.last, "\(r.summary)")
    guard case .add(let address, _) = last.change, case .notSettled(let why) = last.outcome else {
      Issue.record("expected an unsettled add: \(r.summary)")
      return
    }
    #expect(address == "\(newHost):10008")
    #expect(why.contains("not stable after"))
    #expect(r.steps.count == 2)
    #expect(!r.healthy)
  }

  @Test func cancellingARunWhileItSettlesStopsIt() async throws {
    let (peers, heartbeat, _) = try await replacedFollowerWithUnhealthyReplacement(
      settleTimeout: .seconds(60))
    defer { peers.shutdown() }
    let run = Task { try await heartbeat.run() }
    try await Task.sleep(for: .seconds(3))
    let cancelledAt = ContinuousClock.now
    run.cancel()
    await #expect(throws: CancellationError.self) { _ = try await run.value }
    // Stopped, not left to run out its 60 s settle time.
    #expect(ContinuousClock.now - cancelledAt < .seconds(20))
    // The actor is free again.
    _ = try await heartbeat.run()
  }

  /// Heartbeats until one reports the cluster healthy; that report.
  static func healthyReport(_ heartbeat: RaftHeartbeat) async throws -> RaftReport {
    for _ in 0..<15 {
      let r = try await heartbeat.run()
      if r.healthy { return r }
      try await Task.sleep(for: .milliseconds(500))
    }
    let last = try await heartbeat.run()
    try #require(last.healthy, "\(last.summary)")
    return last
  }
}

/// Stands for the fleet lock: closed until a test opens it.
final class LockGate: Sendable {
  private let state = Mutex(false)
  var isOpen: Bool { state.withLock { $0 } }
  func open() { state.withLock { $0 = true } }
}
