import Testing

@testable import InfraHouseCore

/// A small cluster description for table-driven cases.
struct RaftScenario {
  var instances: [RaftInstance] = []
  var observations: [RaftPeerObservation] = []

  static func ip(_ n: Int) -> String { "10.0.0.\(n)" }
  static func peer(_ n: Int) -> String { "10.0.0.\(n):10008" }

  /// `n` in-service members, all healthy, `leader` leading.
  static func healthy(_ n: Int, leader: Int = 1) -> RaftScenario {
    var s = RaftScenario()
    let peers = (1...n).map(peer)
    for i in 1...n {
      s.instances.append(
        RaftInstance(
          instanceID: "i-\(i)", lifecycleState: "InService", privateIP: ip(i),
          hostname: "ip-10-0-0-\(i).ec2.internal"))
      s.observations.append(
        RaftPeerObservation(
          instanceID: "i-\(i)", reachable: true, state: i == leader ? "Leader" : "Follower",
          healthy: true, leader: peer(leader), peers: peers))
    }
    return s
  }

  mutating func terminate(_ n: Int) {
    instances.removeAll { $0.instanceID == "i-\(n)" }
    observations.removeAll { $0.instanceID == "i-\(n)" }
  }

  mutating func launchReplacement(_ n: Int, members: [String]) {
    instances.append(
      RaftInstance(
        instanceID: "i-\(n)", lifecycleState: "InService", privateIP: Self.ip(n),
        hostname: "ip-10-0-0-\(n).ec2.internal"))
    observations.append(
      RaftPeerObservation(
        instanceID: "i-\(n)", reachable: true, state: "Follower", healthy: false, leader: "",
        peers: [Self.peer(n)]))
  }

  mutating func setPeers(_ peers: [String]) {
    for i in observations.indices where observations[i].reachable && observations[i].leader != "" {
      observations[i].peers = peers
    }
  }

  mutating func update(_ id: String, _ f: (inout RaftPeerObservation) -> Void) {
    let i = observations.firstIndex { $0.instanceID == id }!
    f(&observations[i])
  }

  func input(run: Int, at seconds: Int64) -> RaftReconcileInput {
    RaftReconcileInput(
      instances: instances, observations: observations, run: run,
      now: MonotonicInstant(sinceOrigin: .seconds(seconds)))
  }
}

/// A history whose leader has been stable for a long time.
func settledHistory(leader: String = RaftScenario.peer(1), run: Int = 0) -> RaftReconcileHistory {
  RaftReconcileHistory(
    run: run, leader: leader, leaderSeenSince: MonotonicInstant(sinceOrigin: .zero))
}

@Suite struct RaftReconcilePlannerTests {
  let config = RaftReconcileConfiguration()

  @Test func inSyncClusterDoesNothing() {
    let s = RaftScenario.healthy(3)
    let plan = RaftReconcilePlanner.plan(
      s.input(run: 1, at: 100), history: settledHistory(), configuration: config)
    #expect(plan.change == nil)
    #expect(plan.skipped == .inSync)
    #expect(plan.findings.leader == "10.0.0.1:10008")
    #expect(plan.findings.healthyCount == 3)
    #expect(plan.findings.liveMembers == 3)
    #expect(plan.findings.disagreeing.isEmpty)
  }

  @Test func firstObservationOfALeaderWaitsTheQuietPeriod() {
    let s = RaftScenario.healthy(3)
    let first = RaftReconcilePlanner.plan(
      s.input(run: 1, at: 100), history: .init(), configuration: config)
    #expect(first.skipped == .leaderChangedRecently(.zero))
    let second = RaftReconcilePlanner.plan(
      s.input(run: 2, at: 109), history: first.history, configuration: config)
    #expect(second.skipped == .leaderChangedRecently(.seconds(9)))
    let third = RaftReconcilePlanner.plan(
      s.input(run: 3, at: 110), history: second.history, configuration: config)
    #expect(third.skipped == .inSync)
  }

  @Test func leaderChangeRestartsTheQuietPeriod() {
    var s = RaftScenario.healthy(3, leader: 2)
    s.update("i-1") { $0.state = "Follower" }
    let plan = RaftReconcilePlanner.plan(
      s.input(run: 5, at: 1000), history: settledHistory(), configuration: config)
    #expect(plan.skipped == .leaderChangedRecently(.zero))
    #expect(plan.history.leader == RaftScenario.peer(2))
  }

  @Test func replacementIsReconciledRemoveThenAddOverTwoRuns() {
    // Member 3 dies, its instance is terminated, the ASG launches 4.
    var s = RaftScenario.healthy(3)
    s.terminate(3)
    s.launchReplacement(4, members: [])
    var history = settledHistory()

    // Run 1: peer 3 is absent for the first time: nothing is removed, nothing added.
    var plan = RaftReconcilePlanner.plan(
      s.input(run: 1, at: 100), history: history, configuration: config)
    #expect(plan.findings.absentFromASG == ["10.0.0.3:10008"])
    #expect(plan.findings.stale.isEmpty)
    #expect(plan.findings.missing == ["10.0.0.4:10008"])
    #expect(plan.skipped == .awaitingSecondObservation(["10.0.0.3:10008"]))
    #expect(plan.change == nil)
    history = plan.history

    // Run 2, step 1: stale now: remove it first.
    plan = RaftReconcilePlanner.plan(
      s.input(run: 2, at: 130), history: history, configuration: config)
    #expect(plan.change == .remove(address: "10.0.0.3:10008"))
    history = plan.history
    #expect(history.removalsThisRun == 1)

    // Run 2, step 2: re-read peers; now add the replacement.
    s.setPeers([RaftScenario.peer(1), RaftScenario.peer(2)])
    plan = RaftReconcilePlanner.plan(
      s.input(run: 2, at: 135), history: history, configuration: config)
    #expect(plan.change == .add(address: "10.0.0.4:10008", instanceID: "i-4"))
    history = plan.history

    // Step 3: in sync.
    let peers = [RaftScenario.peer(1), RaftScenario.peer(2), RaftScenario.peer(4)]
    s.setPeers(peers)
    s.update("i-4") {
      $0.leader = RaftScenario.peer(1)
      $0.peers = peers
      $0.healthy = true
    }
    plan = RaftReconcilePlanner.plan(
      s.input(run: 2, at: 140), history: history, configuration: config)
    #expect(plan.skipped == .inSync)
  }

  @Test func removeSendsTheExactStringRaftPeersReturned() {
    // Peers listed by hostname; the dead one's instance is gone.
    var s = RaftScenario.healthy(3)
    let peers = [
      "ip-10-0-0-1.ec2.internal:10008", "ip-10-0-0-2.ec2.internal:10008",
      "ip-10-0-0-9.EC2.internal:10008",
    ]
    s.setPeers(peers)
    for i in s.observations.indices { s.observations[i].leader = peers[0] }
    s.terminate(3)
    s.launchReplacement(4, members: [])
    var h = settledHistory(leader: peers[0])
    h =
      RaftReconcilePlanner.plan(s.input(run: 1, at: 100), history: h, configuration: config).history
    let plan = RaftReconcilePlanner.plan(
      s.input(run: 2, at: 130), history: h, configuration: config)
    #expect(plan.findings.leader == peers[0])
    #expect(plan.change == .remove(address: "ip-10-0-0-9.EC2.internal:10008"))
  }

  @Test func aPausedMemberStillInTheASGIsNeverRemoved() {
    var s = RaftScenario.healthy(3)
    s.update("i-3") { $0 = .unreachable("i-3") }
    var h = settledHistory()
    for run in 1...20 {
      let plan = RaftReconcilePlanner.plan(
        s.input(run: run, at: Int64(100 + run * 30)), history: h, configuration: config)
      #expect(plan.change == nil)
      #expect(plan.findings.unreachable == ["i-3"])
      #expect(plan.findings.stale.isEmpty)
      h = plan.history
    }
  }

  @Test func absenceMustBeOnConsecutiveRuns() {
    var s = RaftScenario.healthy(3)
    let all = s
    s.terminate(3)
    var h = settledHistory()
    h =
      RaftReconcilePlanner.plan(s.input(run: 1, at: 100), history: h, configuration: config).history
    // Back in the ASG in run 2 (e.g. a transient DescribeAutoScalingGroups view).
    h =
      RaftReconcilePlanner.plan(all.input(run: 2, at: 130), history: h, configuration: config)
      .history
    #expect(h.absentSince.isEmpty)
    let plan = RaftReconcilePlanner.plan(
      s.input(run: 3, at: 160), history: h, configuration: config)
    #expect(plan.change == nil)
    #expect(plan.skipped == .awaitingSecondObservation(["10.0.0.3:10008"]))
  }

  @Test func stepsOfOneRunDoNotCountAsTwoRuns() {
    var s = RaftScenario.healthy(3)
    s.terminate(3)
    s.launchReplacement(4, members: [])
    var h = settledHistory()
    h =
      RaftReconcilePlanner.plan(s.input(run: 1, at: 100), history: h, configuration: config).history
    let again = RaftReconcilePlanner.plan(
      s.input(run: 1, at: 105), history: h, configuration: config)
    #expect(again.change == nil)
    #expect(again.findings.stale.isEmpty)
  }

  @Test func terminatingInstanceCountsAsAbsent() {
    var s = RaftScenario.healthy(3)
    s.instances[2].lifecycleState = "Terminating:Wait"
    s.launchReplacement(4, members: [])
    var h = settledHistory()
    h =
      RaftReconcilePlanner.plan(s.input(run: 1, at: 100), history: h, configuration: config).history
    let plan = RaftReconcilePlanner.plan(
      s.input(run: 2, at: 130), history: h, configuration: config)
    #expect(plan.change == .remove(address: "10.0.0.3:10008"))
  }

  @Test func minimumSizeBlocksARemovalWithoutReplacement() {
    var s = RaftScenario.healthy(3)
    s.terminate(3)
    var h = settledHistory()
    h =
      RaftReconcilePlanner.plan(s.input(run: 1, at: 100), history: h, configuration: config).history
    let plan = RaftReconcilePlanner.plan(
      s.input(run: 2, at: 130), history: h, configuration: config)
    #expect(plan.skipped == .minimumSize(peer: "10.0.0.3:10008"))
    // With a minimum of 2 it goes.
    let small = RaftReconcilePlanner.plan(
      s.input(run: 2, at: 130), history: h, configuration: .init(minimumSize: 2))
    #expect(small.change == .remove(address: "10.0.0.3:10008"))
  }

  @Test func atMostNMinusOneOverTwoRemovalsPerRun() {
    var s = RaftScenario.healthy(5)
    s.terminate(4)
    s.terminate(5)
    s.launchReplacement(6, members: [])
    s.launchReplacement(7, members: [])
    var h = settledHistory()
    h =
      RaftReconcilePlanner.plan(s.input(run: 1, at: 100), history: h, configuration: config).history
    var plan = RaftReconcilePlanner.plan(
      s.input(run: 2, at: 130), history: h, configuration: config)
    #expect(plan.change == .remove(address: "10.0.0.4:10008"))
    s.setPeers((1...5).filter { $0 != 4 }.map(RaftScenario.peer))
    plan = RaftReconcilePlanner.plan(
      s.input(run: 2, at: 131), history: plan.history, configuration: config)
    #expect(plan.change == .remove(address: "10.0.0.5:10008"))
    // A third removal in the same run would exceed (5-1)/2 = 2.
    var third = plan.history
    third.absentSince["10.0.0.3:10008"] = 1
    s.terminate(3)
    s.setPeers([1, 2, 3].map(RaftScenario.peer))
    plan = RaftReconcilePlanner.plan(
      s.input(run: 2, at: 132), history: third, configuration: .init(minimumSize: 1))
    #expect(plan.skipped == .removalBudgetSpent(peer: "10.0.0.3:10008"))
  }

  @Test func noActionWithoutAnAgreedHealthyLeader() {
    var s = RaftScenario.healthy(3)
    for i in s.observations.indices { s.observations[i].leader = "" }
    #expect(
      RaftReconcilePlanner.plan(
        s.input(run: 1, at: 100), history: settledHistory(), configuration: config
      ).skipped == .noLeader)

    s = RaftScenario.healthy(3)
    s.update("i-2") { $0.leader = RaftScenario.peer(2) }
    s.update("i-3") { $0.leader = RaftScenario.peer(3) }
    let split = RaftReconcilePlanner.plan(
      s.input(run: 1, at: 100), history: settledHistory(), configuration: config)
    #expect(split.skipped == .leaderDisagreement)
    #expect(split.findings.leader == nil)
    #expect(split.findings.leaderVotes.count == 3)

    s = RaftScenario.healthy(3)
    s.update("i-3") { $0.leader = RaftScenario.peer(3) }
    let minority = RaftReconcilePlanner.plan(
      s.input(run: 1, at: 100), history: settledHistory(), configuration: config)
    #expect(minority.findings.leader == RaftScenario.peer(1))
    #expect(minority.findings.disagreeing == ["i-3": RaftScenario.peer(3)])

    s = RaftScenario.healthy(3)
    s.update("i-1") { $0.healthy = false }
    #expect(
      RaftReconcilePlanner.plan(
        s.input(run: 1, at: 100), history: settledHistory(), configuration: config
      ).skipped
        == .leaderUnhealthy(RaftScenario.peer(1)))

    s = RaftScenario.healthy(3)
    s.update("i-1") { $0 = .unreachable("i-1") }
    #expect(
      RaftReconcilePlanner.plan(
        s.input(run: 1, at: 100), history: settledHistory(), configuration: config
      ).skipped
        == .leaderUnreachable(RaftScenario.peer(1)))
  }

  @Test func noQuorumWhenTooFewMembersAnswer() {
    var s = RaftScenario.healthy(5)
    s.update("i-3") { $0 = .unreachable("i-3") }
    s.update("i-4") { $0 = .unreachable("i-4") }
    s.update("i-5") { $0 = .unreachable("i-5") }
    let plan = RaftReconcilePlanner.plan(
      s.input(run: 1, at: 100), history: settledHistory(), configuration: config)
    #expect(plan.skipped == .noQuorum(live: 2, members: 5))
  }

  @Test func theLeaderIsNeverRemoved() {
    var s = RaftScenario.healthy(3)
    // The leader's instance left the ASG (detached) but still runs and answers.
    s.instances[0].lifecycleState = "Terminating"
    var h = settledHistory()
    h =
      RaftReconcilePlanner.plan(s.input(run: 1, at: 100), history: h, configuration: config).history
    let plan = RaftReconcilePlanner.plan(
      s.input(run: 2, at: 130), history: h, configuration: .init(minimumSize: 1))
    #expect(plan.skipped == .staleLeader(RaftScenario.peer(1)))
  }

  @Test func onlyAnsweringInstancesAreAdded() {
    var s = RaftScenario.healthy(3)
    s.launchReplacement(4, members: [])
    s.update("i-4") { $0 = .unreachable("i-4") }
    let plan = RaftReconcilePlanner.plan(
      s.input(run: 1, at: 100), history: settledHistory(), configuration: config)
    #expect(plan.findings.missing.isEmpty)
    #expect(plan.change == nil)
  }

  @Test func pendingAndTerminatedInstancesAreNotQueried() {
    let states = [
      "Pending", "Pending:Wait", "Pending:Proceed", "Terminated", "InService", "Terminating",
      "Standby",
    ]
    let instances = states.enumerated().map {
      RaftInstance(
        instanceID: "i-\($0.offset)", lifecycleState: $0.element, privateIP: "10.0.1.\($0.offset)")
    }
    #expect(
      RaftReconcilePlanner.instancesToQuery(instances).map(\.lifecycleState) == [
        "InService", "Terminating", "Standby",
      ])
    #expect(
      !RaftInstance(instanceID: "i", lifecycleState: "InService", privateIP: nil).shouldBeQueried)
  }

  @Test func dryRunReportsButDoesNotCountRemovals() {
    var s = RaftScenario.healthy(3)
    s.terminate(3)
    s.launchReplacement(4, members: [])
    var h = settledHistory()
    let dry = RaftReconcileConfiguration(dryRun: true)
    h = RaftReconcilePlanner.plan(s.input(run: 1, at: 100), history: h, configuration: dry).history
    let plan = RaftReconcilePlanner.plan(s.input(run: 2, at: 130), history: h, configuration: dry)
    #expect(plan.change == .remove(address: "10.0.0.3:10008"))
    #expect(plan.dryRun)
    #expect(plan.history.removalsThisRun == 0)
  }

  @Test func peerAddressParsingAndMatching() {
    #expect(RaftPeerAddress.host(of: "10.0.0.5:10008") == "10.0.0.5")
    #expect(RaftPeerAddress.host(of: "[fe80::1]:10008") == "fe80::1")
    #expect(RaftPeerAddress.host(of: "10.0.0.5") == "10.0.0.5")
    #expect(RaftPeerAddress.host(of: "http://10.0.0.5:2380") == "10.0.0.5")
    #expect(RaftPeerAddress.host(of: "fe80::1") == "fe80::1")
    let instances = [
      RaftInstance(
        instanceID: "a", lifecycleState: "InService", privateIP: "10.0.0.5",
        hostname: "ip-10-0-0-5.ec2.internal"),
      RaftInstance(
        instanceID: "b", lifecycleState: "InService", privateIP: "10.0.0.6", hostname: "orch-b"),
    ]
    #expect(RaftPeerAddress.match("10.0.0.5:10008", in: instances)?.instanceID == "a")
    #expect(RaftPeerAddress.match("ip-10-0-0-5:10008", in: instances)?.instanceID == "a")
    #expect(
      RaftPeerAddress.match("IP-10-0-0-5.EC2.INTERNAL:10008", in: instances)?.instanceID == "a")
    #expect(RaftPeerAddress.match("orch-b.example.com:10008", in: instances)?.instanceID == "b")
    #expect(RaftPeerAddress.match("10.0.0.7:10008", in: instances) == nil)
    #expect(RaftPeerAddress.match(":10008", in: instances) == nil)
  }
}
