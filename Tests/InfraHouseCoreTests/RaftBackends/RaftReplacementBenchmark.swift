import Foundation
import InfraHouseCore
import Testing

/// `bench/raft-replacement.sh`: time from an instance replacement to a healthy,
/// complete membership, and API calls per heartbeat, with real etcd and moto.
/// Runs only when `RAFT_BENCH` is set (it takes minutes); prints one JSON line
/// per round and a summary, also appended to `RAFT_BENCH_OUT` when set.
@Suite(.serialized) struct RaftReplacementBenchmark {
  static let enabled = ProcessInfo.processInfo.environment["RAFT_BENCH"] != nil

  @Test(.enabled(if: enabled)) func replacementToHealthyMembership() async throws {
    let env = ProcessInfo.processInfo.environment
    let interval = Duration.seconds(Int(env["RAFT_BENCH_INTERVAL"] ?? "") ?? 5)
    let rounds = Int(env["RAFT_BENCH_ROUNDS"] ?? "") ?? 3
    let prefix = "127.\(Int.random(in: 100...250)).\(Int.random(in: 1...250))"
    let asg = RaftASGTool()
    var instances = try asg("setup", prefix, "3")
    let cluster = try EtcdTestCluster(prefix: prefix)
    defer { cluster.shutdown() }
    try await cluster.bootstrap(instances.compactMap(\.ip))
    let heartbeat = RaftHeartbeat(
      discovery: AutoScalingPeerDiscovery(
        groupName: asg.group, session: MotoFixture.shared.session()),
      backend: cluster.backend(timeout: .seconds(2)),
      configuration: RaftHeartbeatConfiguration(
        reconcile: true, planner: RaftReconcileConfiguration(raftPort: cluster.peerPort),
        peerTimeout: .seconds(2), settlePollInterval: .milliseconds(250)))

    // Heartbeats start every `interval` (start to start), as the scheduler runs them.
    var nextStart = ContinuousClock.now
    func beat() async throws -> RaftReport {
      try await Task.sleep(until: nextStart)
      nextStart = nextStart + interval
      return try await heartbeat.run()
    }
    // Steady state, and past the planner's 10 s quiet period after the first plan.
    var steady = try await beat()
    let quietEnd = ContinuousClock.now + .seconds(11)
    while ContinuousClock.now < quietEnd { steady = try await beat() }
    #expect(steady.healthy)
    var lines: [String] = []
    lines.append(
      #"{"steady_heartbeat":{"aws_calls":\#(steady.awsAPICalls),"raft_calls":\#(steady.raftAPICalls),"members":3}}"#
    )
    var durations: [Double] = []
    for round in 1...rounds {
      // A steady heartbeat first, so the replacement below lands at a random
      // phase after a short beat (not after the previous round's long one).
      steady = try await beat()
      let victim = try #require(steady.peers.first { $0.member && $0.state == "Follower" })
      let victimHost = try #require(instances.first { $0.id == victim.instanceID }?.ip)
      // Replace at a random phase of the heartbeat interval.
      let phase = Duration.milliseconds(Int.random(in: 0..<Int(interval.components.seconds * 1000)))
      try await Task.sleep(until: nextStart - interval + phase)
      let t0 = ContinuousClock.now
      cluster.kill(victimHost)
      let group = try asg("terminate", victim.instanceID)
      let replacement = try #require(group.first { g in !instances.contains { $0.id == g.id } })
      let newHost = try #require(replacement.ip)
      let survivors = group.compactMap(\.ip).filter { $0 != newHost }
      let joiner = cluster.joinWhenAdded(newHost, members: { survivors }, retry: .milliseconds(500))
      // An independent watcher: when does etcd itself show the healthy, complete membership?
      let expected = (survivors + [newHost]).map(cluster.peerAddress).sorted()
      let probe = cluster.backend(timeout: .milliseconds(500))
      let watcher = Task { () -> ContinuousClock.Instant? in
        while !Task.isCancelled {
          var ok = true
          for h in survivors + [newHost] {
            guard let r = try? await probe.report(from: RaftPeerEndpoint(host: h)), r.healthy,
              r.peers.sorted() == expected
            else {
              ok = false
              break
            }
          }
          if ok { return ContinuousClock.now }
          try? await Task.sleep(for: .milliseconds(100))
        }
        return nil
      }
      instances = group
      var heartbeats = 0
      var calls: [(Int, Int)] = []
      var report = steady
      while true {
        report = try await beat()
        heartbeats += 1
        calls.append((report.awsAPICalls, report.raftAPICalls))
        if report.healthy && report.peers.filter(\.member).count == 3 { break }
        if heartbeats > 30 { break }
      }
      joiner.cancel()
      let observed = Self.seconds(ContinuousClock.now - t0)
      let actual = await watcher.value.map { Self.seconds($0 - t0) } ?? -1
      durations.append(actual)
      #expect(report.healthy, "\(report.summary)")
      let callText = calls.map { "[\($0.0),\($0.1)]" }.joined(separator: ",")
      lines.append(
        #"{"round":\#(round),"interval_s":\#(interval.components.seconds),"replacement_to_healthy_s":\#(String(format: "%.2f", actual)),"seen_by_heartbeat_s":\#(String(format: "%.2f", observed)),"heartbeats":\#(heartbeats),"calls_aws_raft_per_heartbeat":[\#(callText)]}"#
      )
      steady = report
    }
    #expect(durations.allSatisfy { $0 >= 0 })
    let sorted = durations.sorted()
    lines.append(
      #"{"summary":{"rounds":\#(rounds),"interval_s":\#(interval.components.seconds),"min_s":\#(String(format: "%.2f", sorted.first ?? 0)),"median_s":\#(String(format: "%.2f", sorted[sorted.count / 2])),"max_s":\#(String(format: "%.2f", sorted.last ?? 0))}}"#
    )
    let text = lines.joined(separator: "\n") + "\n"
    FileHandle.standardError.write(Data(text.utf8))
    if let out = env["RAFT_BENCH_OUT"] {
      _ = FileManager.default.createFile(atPath: out, contents: Data(text.utf8))
    }
  }

  static func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
  }
}
