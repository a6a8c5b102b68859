import Testing

@testable import InfraHouseCore

/// ``RaftReport``'s derived views: health, `STATUS=` line, summary, journald fields.
@Suite struct RaftReportTests {
  static let members = ["10.0.0.1:10008", "10.0.0.2:10008", "10.0.0.3:10008"]

  func row(_ n: Int, reachable: Bool = true, healthy: Bool = true, member: Bool = true)
    -> RaftPeerRow
  {
    RaftPeerRow(
      instanceID: "i-\(n)", lifecycleState: "InService", address: "10.0.0.\(n):10008",
      queried: true,
      member: member, reachable: reachable,
      state: reachable ? (n == 1 ? "Leader" : "Follower") : nil,
      healthy: reachable && healthy, leader: reachable ? Self.members[0] : nil,
      error: reachable ? nil : "timed out", consecutiveFailures: reachable ? 0 : 3)
  }

  func findings(missing: [String] = [], absent: [String] = [], disagreeing: [String: String] = [:])
    -> RaftFindings
  {
    RaftFindings(
      leader: Self.members[0], leaderVotes: [Self.members[0]: 3], disagreeing: disagreeing,
      unreachable: [], healthyCount: 3, peers: Self.members, liveMembers: 3,
      absentFromASG: absent, stale: [], missing: missing)
  }

  func report(_ rows: [RaftPeerRow], _ findings: RaftFindings, steps: [RaftReconcileStep] = [])
    -> RaftReport
  {
    RaftReport(
      run: 7, backend: "orchestrator", source: "asg:g", peers: rows, findings: findings,
      steps: steps, skipped: steps.isEmpty ? .inSync : nil, reason: "membership matches the ASG",
      awsAPICalls: 2, raftAPICalls: 12)
  }

  @Test func healthyNeedsEveryMemberAnsweringAndACompleteMembership() {
    #expect(report([row(1), row(2), row(3)], findings()).healthy)
    #expect(!report([row(1), row(2), row(3, reachable: false)], findings()).healthy)
    #expect(!report([row(1), row(2), row(3, healthy: false)], findings()).healthy)
    #expect(!report([row(1), row(2), row(3)], findings(missing: ["10.0.0.4:10008"])).healthy)
    #expect(!report([row(1), row(2)], findings(absent: ["10.0.0.3:10008"])).healthy)
  }

  @Test func statusLineAndFieldsNameTheLeaderAndTheUnreachable() {
    let r = report([row(1), row(2), row(3, reachable: false)], findings())
    #expect(r.statusLine == "raft: leader 10.0.0.1:10008, 2/3 healthy, 1 unreachable")
    #expect(r.fields["raft_leader"] == "10.0.0.1:10008")
    #expect(r.fields["raft_unreachable"] == "i-3")
    #expect(r.fields["raft_healthy"] == "false")
    #expect(r.fields["raft_api_calls"] == "14")
    #expect(r.fields["raft_skipped"] == "membership matches the ASG")
    #expect(r.summary.contains("reconcile: membership matches the ASG"))
  }

  @Test func onlyMembersCountAsDisagreeing() {
    let r = report(
      [row(1), row(2), row(3), row(4, member: false)],
      findings(disagreeing: ["i-2": "10.0.0.2:10008", "i-4": ""]))
    #expect(r.disagreeingMembers == ["i-2"])
    #expect(r.statusLine.hasSuffix("1 disagree on leader"))
  }

  @Test func stepsAppearInTheStatusLineAndSummary() {
    let step = RaftReconcileStep(
      change: .remove(address: "10.0.0.3:10008"), reason: "absent since run 6",
      outcome: .failed("Cannot remove raft peer: node is not the leader"))
    let r = report([row(1), row(2)], findings(), steps: [step])
    #expect(r.statusLine.hasSuffix("remove 10.0.0.3:10008 failed"))
    #expect(
      r.summary.contains(
        "remove 10.0.0.3:10008 failed: absent since run 6 (Cannot remove raft peer: node is not the leader)"
      ))
    #expect(r.fields["raft_action"] == "remove 10.0.0.3:10008 failed")
  }
}
