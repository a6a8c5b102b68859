import Foundation
import InfraHouseCore
import Testing

/// ``RaftHeartbeat`` end to end: real etcd members on the loopback addresses
/// of a moto Auto Scaling Group's instances.
@Suite(.serialized) struct RaftHeartbeatEndToEndTests {
  /// A 3-member etcd cluster on the three instances of a fresh moto group.
  struct Fixture {
    let asg: RaftASGTool
    let cluster: EtcdTestCluster
    let instances: [RaftASGTool.Instance]
    let heartbeat: RaftHeartbeat

    init(reconcile: Bool = true, dryRun: Bool = false) async throws {
      let prefix = "127.\(Int.random(in: 100...250)).\(Int.random(in: 1...250))"
      asg = RaftASGTool()
      instances = try asg("setup", prefix, "3")
      cluster = try EtcdTestCluster(prefix: prefix)
      try await cluster.bootstrap(instances.compactMap(\.ip))
      heartbeat = RaftHeartbeat(
        discovery: AutoScalingPeerDiscovery(
          groupName: asg.group, session: MotoFixture.shared.session()),
        backend: cluster.backend(timeout: .seconds(1)),
        configuration: RaftHeartbeatConfiguration(
          reconcile: reconcile,
          planner: RaftReconcileConfiguration(
            minimumSize: 3, raftPort: cluster.peerPort, dryRun: dryRun,
            leaderChangeQuietPeriod: .seconds(1)),
          peerTimeout: .seconds(5), settleTimeout: .seconds(30),
          settlePollInterval: .milliseconds(250)))
    }

    /// Runs heartbeats (1.2 s apart, past the quiet period) until `done` or `limit` runs.
    func runUntil(limit: Int, _ done: (RaftReport) -> Bool) async throws -> [RaftReport] {
      var reports: [RaftReport] = []
      for _ in 0..<limit {
        let r = try await heartbeat.run()
        reports.append(r)
        if done(r) { break }
        try await Task.sleep(for: .milliseconds(1200))
      }
      return reports
    }

    /// Heartbeats until one reports the cluster healthy (a loaded machine can
    /// make the first reads time out); that report.
    func healthyReport() async throws -> RaftReport {
      let reports = try await runUntil(limit: 15) { $0.healthy }
      let last = try #require(reports.last)
      try #require(last.healthy, "\(last.summary)")
      return last
    }

    func follower(in report: RaftReport) throws -> RaftPeerRow {
      try #require(report.peers.first { $0.member && $0.state == "Follower" })
    }
  }

  @Test func replacedInstanceIsRemovedThenItsReplacementAddedAndTheClusterEndsHealthy()
    async throws
  {
    let f = try await Fixture()
    defer { f.cluster.shutdown() }
    let first = try await f.healthyReport()
    #expect(first.steps.isEmpty)
    #expect(first.findings.peers.count == 3)

    // A follower's member dies and the group replaces its instance.
    let victim = try f.follower(in: first)
    let victimHost = try #require(f.instances.first { $0.id == victim.instanceID }?.ip)
    f.cluster.kill(victimHost)
    let group = try f.asg("terminate", victim.instanceID)
    let replacement = try #require(group.first { g in !f.instances.contains { $0.id == g.id } })
    let newHost = try #require(replacement.ip)
    let survivors = f.instances.compactMap(\.ip).filter { $0 != victimHost }
    let joiner = f.cluster.joinWhenAdded(newHost, members: { survivors })
    defer { joiner.cancel() }

    // First run after the replacement: absent once, nothing changes.
    try await Task.sleep(for: .milliseconds(1200))
    let second = try await f.heartbeat.run()
    #expect(second.steps.isEmpty)
    #expect(second.findings.absentFromASG == [victim.address])
    guard case .awaitingSecondObservation = second.skipped else {
      Issue.record("second run did not wait for a second observation: \(second.summary)")
      return
    }

    // Then: remove the dead member, add the new one, in that order, then healthy.
    try await Task.sleep(for: .milliseconds(1200))
    let reports = try await f.runUntil(limit: 15) { $0.healthy }
    let steps = reports.flatMap(\.steps)
    let performed = steps.filter {
      if case .planned = $0.outcome { return false }
      return true
    }
    let log = reports.map(\.summary).joined(separator: "\n")
    #expect(performed.count == 2, "\(log)")
    #expect(performed.first?.change == .remove(address: victim.address))
    #expect(performed.first?.outcome == .applied)
    #expect(
      performed.last?.change
        == .add(address: f.cluster.peerAddress(newHost), instanceID: replacement.id))
    let final = try #require(reports.last)
    #expect(final.healthy, "\(final.summary)")
    #expect(
      final.findings.peers.sorted() == (survivors + [newHost]).map(f.cluster.peerAddress).sorted())

    // etcd itself agrees: three started members, the dead one gone.
    let list = try await f.cluster.backend().gateway.memberList(host: survivors[0])
    #expect(list.members.count == 3)
    #expect(list.members.allSatisfy { !$0.name.isEmpty })
    #expect(!list.members.contains { $0.peerURLs == [f.cluster.peerURL(victimHost)] })
  }

  @Test func aPausedMemberStillInTheGroupIsNeverRemoved() async throws {
    let f = try await Fixture()
    defer { f.cluster.shutdown() }
    let first = try await f.healthyReport()
    let paused = try f.follower(in: first)
    let pausedHost = try #require(f.instances.first { $0.id == paused.instanceID }?.ip)
    f.cluster.pause(pausedHost)

    var last = first
    for _ in 0..<4 {
      try await Task.sleep(for: .milliseconds(1200))
      last = try await f.heartbeat.run()
      #expect(last.steps.isEmpty, "\(last.summary)")
      #expect(last.findings.peers.contains(paused.address))
      #expect(!last.healthy)
    }
    let row = try #require(last.peers.first { $0.instanceID == paused.instanceID })
    #expect(!row.reachable)
    #expect(row.member)
    #expect(row.consecutiveFailures == 4)
    #expect(last.unreachableMembers.map(\.instanceID) == [paused.instanceID])
    #expect(last.fields["raft_unreachable"] == paused.instanceID)

    f.cluster.pause(pausedHost, resume: true)
    let back = try await f.runUntil(limit: 10) { $0.healthy }
    #expect(back.last?.healthy == true)
    #expect(back.last?.peers.first { $0.instanceID == paused.instanceID }?.consecutiveFailures == 0)
    let list = try await f.cluster.backend().gateway.memberList(host: pausedHost)
    #expect(list.members.count == 3)
  }

  @Test func dryRunPlansTheRemovalButChangesNothing() async throws {
    let f = try await Fixture(dryRun: true)
    defer { f.cluster.shutdown() }
    let first = try await f.healthyReport()
    let victim = try f.follower(in: first)
    let victimHost = try #require(f.instances.first { $0.id == victim.instanceID }?.ip)
    f.cluster.kill(victimHost)
    try f.asg("terminate", victim.instanceID)

    let reports = try await f.runUntil(limit: 3) { !$0.steps.isEmpty }
    let step = try #require(reports.last?.steps.first)
    #expect(step.change == .remove(address: victim.address))
    #expect(step.outcome == .planned(why: "dry run"))
    let survivor = try #require(f.instances.first { $0.id != victim.instanceID }?.ip)
    let list = try await f.cluster.backend().gateway.memberList(host: survivor)
    #expect(list.members.count == 3)
  }

  @Test func aKilledLeaderIsReplacedAfterTheNewLeaderSettles() async throws {
    let f = try await Fixture()
    defer { f.cluster.shutdown() }
    let first = try await f.healthyReport()
    let leader = try #require(first.peers.first { $0.member && $0.state == "Leader" })
    let leaderHost = try #require(f.instances.first { $0.id == leader.instanceID }?.ip)
    f.cluster.kill(leaderHost)
    let group = try f.asg("terminate", leader.instanceID)
    let replacement = try #require(group.first { g in !f.instances.contains { $0.id == g.id } })
    let newHost = try #require(replacement.ip)
    let survivors = f.instances.compactMap(\.ip).filter { $0 != leaderHost }
    let joiner = f.cluster.joinWhenAdded(newHost, members: { survivors })
    defer { joiner.cancel() }

    let reports = try await f.runUntil(limit: 20) { $0.healthy }
    let log = reports.map(\.summary).joined(separator: "\n")
    let final = try #require(reports.last)
    #expect(final.healthy, "\(log)")
    #expect(final.findings.leader != leader.address)
    #expect(
      final.findings.peers.sorted() == (survivors + [newHost]).map(f.cluster.peerAddress).sorted(),
      "\(log)")
    let performed = reports.flatMap(\.steps).map(\.change)
    #expect(
      performed == [
        .remove(address: leader.address),
        .add(address: f.cluster.peerAddress(newHost), instanceID: replacement.id),
      ], "\(log)")
  }
}
