import Foundation
import Testing

@testable import InfraHouseCore

/// A cluster of `Tests/Standins/orchestrator_api.py` processes, one per
/// 127.0.0.x address, sharing a state file.
final class OrchestratorCluster: @unchecked Sendable {
  let directory: URL
  var nodes: [Int: StandinServer] = [:]
  let oldErrors: Bool

  init(members: [Int], oldErrors: Bool = false) throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "orch-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    self.oldErrors = oldErrors
    for n in members { try start(n, peers: members) }
  }

  func start(_ n: Int, peers: [Int]) throws {
    var args = [
      "--listen", "127.0.0.\(n):0", "--advertise", "127.0.0.\(n):10008",
      "--cluster", directory.appendingPathComponent("cluster.json").path,
      "--peers", peers.map { "127.0.0.\($0):10008" }.joined(separator: ","),
    ]
    if oldErrors { args.append("--old-errors") }
    nodes[n] = try StandinServer(script: "orchestrator_api.py", arguments: args)
  }

  func url(_ n: Int, _ path: String) -> String {
    "http://127.0.0.\(n):\(nodes[n]!.port)/api/\(path)"
  }

  func get(_ n: Int, _ path: String) throws -> OrchestratorAPIAnswer {
    let r = try CurlResponse.run("GET", url(n, path), timeoutSeconds: 2)
    return OrchestratorAPIAnswer.classify(status: r.status, body: r.body)
  }

  /// What the heartbeat would observe of node `n` (unreachable when the API does not answer).
  func observe(_ n: Int, instanceID: String) -> RaftPeerObservation {
    guard nodes[n] != nil,
      let leader = try? get(n, "raft-leader").stringValue,
      let peers = try? get(n, "raft-peers").stringArrayValue,
      let state = try? get(n, "raft-state").stringValue,
      let health = try? get(n, "raft-health")
    else { return .unreachable(instanceID) }
    return RaftPeerObservation(
      instanceID: instanceID, reachable: true, state: state,
      healthy: health.stringValue == "healthy", leader: leader, peers: peers)
  }

  /// Polls until `condition` holds or 15 s pass (behaviour, not speed).
  func waitFor(_ what: String, _ condition: () -> Bool) -> Bool {
    for _ in 0..<150 {
      if condition() { return true }
      usleep(100_000)
    }
    Issue.record("timed out waiting for \(what)")
    return false
  }

  func stopAll() {
    for node in nodes.values {
      node.signal(SIGCONT)
      node.stop()
    }
    try? FileManager.default.removeItem(at: directory)
  }
}

@Suite(.serialized) struct OrchestratorStandinTests {
  @Test func answersAsOrchestratorsAPI() throws {
    let cluster = try OrchestratorCluster(members: [1, 2, 3])
    defer { cluster.stopAll() }
    let leader = try #require(try cluster.get(2, "raft-leader").stringValue)
    #expect(leader == "127.0.0.1:10008")
    #expect(try cluster.get(1, "raft-state").stringValue == "Leader")
    #expect(try cluster.get(3, "raft-state").stringValue == "Follower")
    #expect(try cluster.get(3, "raft-health").stringValue == "healthy")
    #expect(
      try cluster.get(3, "raft-peers").stringArrayValue == [
        "127.0.0.1:10008", "127.0.0.2:10008", "127.0.0.3:10008",
      ])
    let status = try CurlResponse.run("GET", cluster.url(2, "raft-status")).json as? [String: Any]
    #expect(status?["Leader"] as? String == leader)
    #expect(status?["IsPartOfQuorum"] as? Bool == true)

    // Membership changes sent to a follower are forwarded to the leader.
    #expect(
      try cluster.get(3, "raft-remove-peer/127.0.0.2:10008")
        == .success(body: #""127.0.0.2:10008""#))
    #expect(
      try cluster.get(1, "raft-peers").stringArrayValue == ["127.0.0.1:10008", "127.0.0.3:10008"])
    let again = try CurlResponse.run("GET", cluster.url(3, "raft-remove-peer/127.0.0.2:10008"))
    #expect(again.status == 500)
    let answer = OrchestratorAPIAnswer.classify(status: again.status, body: again.body)
    #expect(answer == .failure(status: 500, message: "Cannot remove raft peer: peer is unknown"))
    #expect(answer.membershipOutcome == .alreadyInPlace)
    // Without a port, DefaultRaftPort is added; adding a known peer fails.
    #expect(try cluster.get(1, "raft-add-peer/127.0.0.2").stringValue == "127.0.0.2:10008")
    #expect(
      try cluster.get(2, "raft-add-peer/127.0.0.2:10008").membershipOutcome == .alreadyInPlace)
    let unknown = try CurlResponse.run("GET", cluster.url(1, "raft-nonsense"))
    #expect(unknown.status == 404)
  }

  @Test func oldVersionsAnswerErrorsWith200() throws {
    let cluster = try OrchestratorCluster(members: [1, 2, 3], oldErrors: true)
    defer { cluster.stopAll() }
    _ = try CurlResponse.run(
      "POST", "http://127.0.0.3:\(cluster.nodes[3]!.port)/_control/health",
      body: #"{"unhealthy": true}"#)
    let r = try CurlResponse.run("GET", cluster.url(3, "raft-health"))
    #expect(r.status == 200)
    #expect(
      OrchestratorAPIAnswer.classify(status: r.status, body: r.body)
        == .failure(status: 200, message: "unhealthy"))
  }

  @Test func withoutQuorumThereIsNoLeaderAndChangesFail() throws {
    let cluster = try OrchestratorCluster(members: [1, 2, 3])
    defer { cluster.stopAll() }
    cluster.nodes[1]!.stop()
    cluster.nodes[2]!.stop()
    #expect(
      cluster.waitFor("node 3 to lose its leader") {
        (try? cluster.get(3, "raft-leader").stringValue) == ""
      })
    #expect(try cluster.get(3, "raft-state").stringValue == "Candidate")
    let refused = try cluster.get(3, "raft-add-peer/127.0.0.4:10008")
    #expect(
      refused == .failure(status: 500, message: "Cannot add raft peer: node is not the leader"))
    #expect(refused.membershipOutcome == .notLeader)
  }

  @Test func aPausedLeaderIsReplacedAndLearnsItOnResume() throws {
    let cluster = try OrchestratorCluster(members: [1, 2, 3])
    defer { cluster.stopAll() }
    cluster.nodes[1]!.signal(SIGSTOP)
    #expect(
      cluster.waitFor("a new leader") {
        (try? cluster.get(2, "raft-leader").stringValue) == "127.0.0.2:10008"
      })
    cluster.nodes[1]!.signal(SIGCONT)
    #expect(
      cluster.waitFor("the old leader to follow") {
        (try? cluster.get(1, "raft-state").stringValue) == "Follower"
      })
  }

  /// The pure planner against live stand-ins: member 3 is killed and its
  /// instance terminated, instance 4 is launched; reconcile removes 3, then adds 4.
  @Test func plannerReconcilesAReplacedMember() throws {
    let cluster = try OrchestratorCluster(members: [1, 2, 3])
    defer { cluster.stopAll() }
    var asg = (1...3).map {
      RaftInstance(instanceID: "i-\($0)", lifecycleState: "InService", privateIP: "127.0.0.\($0)")
    }
    // The first run only observes the leader (quiet period).
    var history = RaftReconcilePlanner.plan(
      RaftReconcileInput(
        instances: asg, observations: (1...3).map { cluster.observe($0, instanceID: "i-\($0)") },
        run: 1, now: .init(sinceOrigin: .seconds(0))),
      history: .init(), configuration: .init()
    ).history

    cluster.nodes[3]!.stop()
    cluster.nodes[3] = nil
    asg[2].lifecycleState = "Terminated"
    asg.append(RaftInstance(instanceID: "i-4", lifecycleState: "InService", privateIP: "127.0.0.4"))
    try cluster.start(4, peers: [4])  // a fresh node, not a member yet

    var performed: [RaftMembershipChange] = []
    for run in 2...4 {
      for step in 0..<3 {
        let observations = RaftReconcilePlanner.instancesToQuery(asg).map { i in
          cluster.observe(Int(i.privateIP!.split(separator: ".").last!)!, instanceID: i.instanceID)
        }
        let plan = RaftReconcilePlanner.plan(
          RaftReconcileInput(
            instances: asg, observations: observations, run: run,
            now: .init(sinceOrigin: .seconds(Int64(run * 30 + step)))),
          history: history, configuration: .init())
        history = plan.history
        guard let change = plan.change else { break }
        let leaderNode = Int(
          RaftPeerAddress.host(of: plan.findings.leader!).split(separator: ".").last!)!
        switch change {
        case .remove(let address):
          #expect(
            try cluster.get(leaderNode, "raft-remove-peer/\(address)").membershipOutcome == .done)
        case .add(let address, _):
          #expect(
            try cluster.get(leaderNode, "raft-add-peer/\(address)").membershipOutcome == .done)
        }
        performed.append(change)
      }
    }
    #expect(
      performed == [
        .remove(address: "127.0.0.3:10008"), .add(address: "127.0.0.4:10008", instanceID: "i-4"),
      ])
    #expect(
      try cluster.get(1, "raft-peers").stringArrayValue == [
        "127.0.0.1:10008", "127.0.0.2:10008", "127.0.0.4:10008",
      ])
    #expect(
      cluster.waitFor("node 4 healthy") {
        (try? cluster.get(4, "raft-health").stringValue) == "healthy"
      })
  }
}
