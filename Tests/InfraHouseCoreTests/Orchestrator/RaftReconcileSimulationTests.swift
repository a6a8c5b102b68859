import Testing

@testable import InfraHouseCore

/// Random histories of an ASG-managed Raft cluster: instances die and are
/// replaced, members pause (SIGSTOP), API calls flake, the leader moves. The
/// planner is run step by step and its changes are applied. Over every
/// generated history: no change breaks quorum, removes a peer whose instance is
/// still in the ASG, removes a peer not absent on two consecutive runs, or makes
/// two changes in one step; size and per-run budgets hold.
@Suite struct RaftReconcileSimulationTests {
  struct Node {
    var instanceID: String
    var ip: String
    var lifecycle: String
    var alive = true
    var paused = false
  }

  @Test func safetyHoldsOverGeneratedHistories() {
    var rng = LeaseRandomSource(seed: 0xA11CE)
    func chance(_ p: Double) -> Bool { Double(rng.next() % 10_000) < p * 10_000 }
    var totalRemovals = 0
    var totalAdds = 0
    for scenario in 0..<400 {
      let size = [3, 3, 5, 5, 7][scenario % 5]
      let config = RaftReconcileConfiguration(minimumSize: 3, dryRun: false)
      var nextIP = 1
      var nodes: [Node] = []
      var members: [String] = []
      for _ in 0..<size {
        nodes.append(
          Node(instanceID: "i-\(nextIP)", ip: "127.0.0.\(nextIP)", lifecycle: "InService"))
        members.append("127.0.0.\(nextIP):10008")
        nextIP += 1
      }
      var leader: String? = members[0]
      var history = RaftReconcileHistory()
      // The test's own record: the runs in which each peer was absent from the ASG.
      var absentRuns: [String: Set<Int>] = [:]
      var clock: Int64 = 0

      for run in 1...30 {
        clock += 30
        // Events between runs.
        for i in nodes.indices where nodes[i].lifecycle == "InService" {
          if chance(0.06) {
            // The instance dies; the ASG terminates it and launches a replacement.
            // Terminating:Wait (a lifecycle hook) may keep the process running a while.
            nodes[i].lifecycle = chance(0.5) ? "Terminated" : "Terminating:Wait"
            nodes[i].alive = nodes[i].lifecycle == "Terminating:Wait" && chance(0.5)
            nodes.append(
              Node(
                instanceID: "i-\(nextIP)", ip: "127.0.0.\(nextIP)",
                lifecycle: chance(0.3) ? "Pending:Wait" : "InService"))
            nextIP += 1
          } else if chance(0.05) {
            nodes[i].paused.toggle()
          }
        }
        for i in nodes.indices where nodes[i].lifecycle.hasPrefix("Pending") && chance(0.5) {
          nodes[i].lifecycle = "InService"
        }
        for i in nodes.indices where nodes[i].lifecycle == "Terminating:Wait" && chance(0.3) {
          nodes[i].lifecycle = "Terminated"
          nodes[i].alive = false
        }
        nodes.removeAll { $0.lifecycle == "Terminated" && chance(0.5) }  // gone from DescribeAutoScalingGroups

        func isLive(_ address: String) -> Bool {
          nodes.contains { "\($0.ip):10008" == address && $0.alive && !$0.paused }
        }
        func electIfNeeded() {
          let live = members.filter(isLive)
          if let l = leader, isLive(l), members.contains(l) { return }
          leader = live.count * 2 > members.count ? live.sorted().first : nil
          clock += 1
        }
        electIfNeeded()

        let asgAddresses = Set(
          nodes.filter { !$0.lifecycle.hasPrefix("Terminat") }.map { "\($0.ip):10008" })
        for m in members where !asgAddresses.contains(m) { absentRuns[m, default: []].insert(run) }

        for step in 0..<4 {
          clock += 1
          let instances = nodes.map {
            RaftInstance(instanceID: $0.instanceID, lifecycleState: $0.lifecycle, privateIP: $0.ip)
          }
          let observations: [RaftPeerObservation] = RaftReconcilePlanner.instancesToQuery(instances)
            .map { inst in
              let node = nodes.first { $0.instanceID == inst.instanceID }!
              let address = "\(node.ip):10008"
              guard node.alive, !node.paused, !chance(0.03) else {
                return .unreachable(node.instanceID)
              }
              let member = members.contains(address)
              let quorum = members.filter(isLive).count * 2 > members.count
              return RaftPeerObservation(
                instanceID: node.instanceID, reachable: true,
                state: address == leader ? "Leader" : "Follower",
                healthy: member && quorum && leader != nil, leader: member ? (leader ?? "") : "",
                peers: member ? members : [address])
            }
          let plan = RaftReconcilePlanner.plan(
            RaftReconcileInput(
              instances: instances, observations: observations, run: run,
              now: MonotonicInstant(sinceOrigin: .seconds(clock))),
            history: history, configuration: config)
          let before = members
          switch plan.change {
          case nil:
            break
          case .remove(let address):
            #expect(members.contains(address), "removes a member")
            #expect(
              !asgAddresses.contains(address),
              "never removes a peer still in the ASG (scenario \(scenario), run \(run))")
            #expect(
              absentRuns[address]?.contains(run - 1) == true
                && absentRuns[address]?.contains(run) == true, "absent on two consecutive runs")
            #expect(address != leader, "never the leader")
            members.removeAll { $0 == address }
            totalRemovals += 1
          case .add(let address, _):
            #expect(!members.contains(address))
            #expect(asgAddresses.contains(address))
            #expect(isLive(address), "only an answering peer is added")
            #expect(before.allSatisfy { asgAddresses.contains($0) }, "remove before add")
            members.append(address)
            totalAdds += 1
          }
          if plan.change != nil {
            // Quorum is kept: live members after the change are a majority.
            let live = members.filter(isLive).count
            #expect(
              live * 2 > members.count,
              "scenario \(scenario) run \(run) step \(step): \(plan.change!) leaves \(live)/\(members.count) live"
            )
            #expect(abs(members.count - before.count) == 1, "one change per step")
            #expect(
              plan.history.removalsThisRun <= (plan.history.peersAtRunStart - 1) / 2,
              "per-run removal budget")
            if case .remove = plan.change {
              let replacements = plan.findings.missing.count
              #expect(members.count + replacements >= config.minimumSize, "minimum size")
            }
          }
          history = plan.history
          if plan.change == nil { break }
          electIfNeeded()
        }
      }
    }
    #expect(totalRemovals > 50, "the generator exercises removals (\(totalRemovals))")
    #expect(totalAdds > 50, "the generator exercises adds (\(totalAdds))")
  }
}
