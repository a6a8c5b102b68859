import Foundation
import Testing

@testable import InfraHouseCore

private func runner(
  _ id: Int, _ status: Runner.Status, busy: Bool = false, name: String? = nil,
  labels: [String] = ["self-hosted", "ci"]
) -> Runner {
  Runner(id: id, name: name ?? "ci-\(id)", status: status, busy: busy, labels: labels)
}

@Suite struct DeregistrationPolicyTests {
  let t0: Int64 = 1_700_000_000
  let policy = DeregistrationPolicy(
    requiredLabels: ["ci"], namePrefix: "ci-", offlineGrace: .seconds(600))

  @Test func scopeNeedsAllLabelsAndThePrefix() {
    #expect(policy.inScope(runner(1, .offline)))
    #expect(!policy.inScope(runner(1, .offline, name: "other-1")))
    #expect(!policy.inScope(runner(1, .offline, labels: ["self-hosted"])))
    #expect(DeregistrationPolicy().inScope(runner(1, .offline, name: "anything", labels: [])))
  }

  @Test func offlineIsTrackedAcrossRunsUntilTheGrace() {
    let r = runner(1, .offline)
    let first = policy.plan(runners: [r], history: .init(), instances: [:], now: t0)
    #expect(first.decisions[0].verdict == .keep(.offlineWithinGrace(offlineFor: .zero)))
    #expect(first.history.runners[1]?.offlineSince == t0)
    let second = policy.plan(runners: [r], history: first.history, instances: [:], now: t0 + 599)
    #expect(second.decisions[0].verdict == .keep(.offlineWithinGrace(offlineFor: .seconds(599))))
    let third = policy.plan(runners: [r], history: second.history, instances: [:], now: t0 + 600)
    #expect(third.decisions[0].verdict == .deregister(.offline(offlineFor: .seconds(600))))
    #expect(third.deregistrations.map(\.runner.id) == [1])
  }

  @Test func comingBackOnlineResetsTheOfflineClock() {
    let off = policy.plan(runners: [runner(1, .offline)], history: .init(), instances: [:], now: t0)
    let on = policy.plan(
      runners: [runner(1, .online)], history: off.history, instances: [:], now: t0 + 300)
    #expect(on.history.runners[1]?.offlineSince == nil)
    let offAgain = policy.plan(
      runners: [runner(1, .offline)], history: on.history, instances: [:], now: t0 + 700)
    #expect(offAgain.decisions[0].verdict == .keep(.offlineWithinGrace(offlineFor: .zero)))
  }

  @Test func historyForgetsRunnersNoLongerListed() {
    let a = policy.plan(
      runners: [runner(1, .offline), runner(2, .offline)], history: .init(), instances: [:], now: t0
    )
    let b = policy.plan(
      runners: [runner(2, .offline)], history: a.history, instances: [:], now: t0 + 60)
    #expect(Set(b.history.runners.keys) == [2])
  }

  @Test func orphansGoOnceOfflineWithoutGrace() {
    let orphan = runner(1, .offline, labels: ["ci", "instance_id:i-dead"])
    let online = runner(2, .online, labels: ["ci", "instance_id:i-gone"])
    let unknown = runner(3, .offline, labels: ["ci", "instance_id:i-unknown"])
    let alive = runner(4, .offline, labels: ["ci", "instance_id:i-live"])
    let plan = policy.plan(
      runners: [orphan, online, unknown, alive], history: .init(),
      instances: ["i-dead": .terminated, "i-gone": .notFound, "i-live": .running], now: t0)
    #expect(
      plan.decisions.map(\.verdict) == [
        .deregister(.orphaned(instanceID: "i-dead", state: .terminated)),
        .keep(.orphanStillOnline(instanceID: "i-gone")),
        .keep(.offlineWithinGrace(offlineFor: .zero)),
        .keep(.offlineWithinGrace(offlineFor: .zero)),
      ])
  }

  @Test func busyAndOutOfScopeAreNeverTouched() {
    let busyOrphan = runner(1, .offline, busy: true, labels: ["ci", "instance_id:i-dead"])
    let foreign = runner(2, .offline, name: "prod-2", labels: ["ci", "instance_id:i-dead"])
    let history = RunnerHistory(runners: [
      1: .init(offlineSince: t0 - 10_000, lastSeen: t0),
      2: .init(offlineSince: t0 - 10_000, lastSeen: t0),
    ])
    let plan = policy.plan(
      runners: [busyOrphan, foreign], history: history, instances: ["i-dead": .terminated], now: t0)
    #expect(plan.decisions.map(\.verdict) == [.keep(.busy), .keep(.outOfScope)])
  }

  @Test func capKeepsOrphansFirstThenLongestOffline() {
    var p = policy
    p.maxDeregistrations = 2
    let runners = [
      runner(1, .offline), runner(2, .offline),
      runner(3, .offline, labels: ["ci", "instance_id:i-x"]),
    ]
    let history = RunnerHistory(runners: [
      1: .init(offlineSince: t0 - 1000, lastSeen: t0),
      2: .init(offlineSince: t0 - 5000, lastSeen: t0),
    ])
    let plan = p.plan(runners: runners, history: history, instances: ["i-x": .terminated], now: t0)
    #expect(
      plan.decisions.map(\.verdict) == [
        .keep(.capReached(.offline(offlineFor: .seconds(1000)))),
        .deregister(.offline(offlineFor: .seconds(5000))),
        .deregister(.orphaned(instanceID: "i-x", state: .terminated)),
      ])
    #expect(plan.deregistrations.count == 2)
  }

  @Test func idleIsOptInAndKeepsMinIdle() {
    var p = DeregistrationPolicy(
      idleEnabled: false, idleGrace: .seconds(900), idleObservations: 3, minIdle: 1)
    let runners = [runner(1, .online), runner(2, .online), runner(3, .online, busy: true)]
    var history = RunnerHistory()
    var plan = p.plan(runners: runners, history: history, instances: [:], now: t0)
    #expect(plan.decisions.map(\.verdict) == [.keep(.online), .keep(.online), .keep(.busy)])

    p.idleEnabled = true
    for (i, t) in [t0, t0 + 600].enumerated() {
      plan = p.plan(runners: runners, history: history, instances: [:], now: t)
      history = plan.history
      #expect(plan.deregistrations.isEmpty, "run \(i)")
    }
    #expect(
      plan.decisions[0].verdict == .keep(.idleWithinGrace(idleFor: .seconds(600), observations: 2)))
    plan = p.plan(runners: runners, history: history, instances: [:], now: t0 + 900)
    // Two idle, min_idle 1: one goes (the lower id on a tie), one stays.
    #expect(
      plan.decisions.map(\.verdict) == [
        .deregister(.idle(idleFor: .seconds(900), observations: 3)), .keep(.keptForMinIdle),
        .keep(.busy),
      ])
  }

  @Test func idleNeedsEnoughObservationsNotJustTime() {
    let p = DeregistrationPolicy(
      idleEnabled: true, idleGrace: .seconds(60), idleObservations: 3, minIdle: 0)
    let first = p.plan(runners: [runner(1, .online)], history: .init(), instances: [:], now: t0)
    let second = p.plan(
      runners: [runner(1, .online)], history: first.history, instances: [:], now: t0 + 10_000)
    #expect(
      second.decisions[0].verdict
        == .keep(.idleWithinGrace(idleFor: .seconds(10_000), observations: 2)))
    // A busy observation resets the stretch.
    let busy = p.plan(
      runners: [runner(1, .online, busy: true)], history: second.history, instances: [:],
      now: t0 + 10_001)
    #expect(busy.history.runners[1]?.consecutiveIdleObservations == 0)
    #expect(busy.history.runners[1]?.idleSince == nil)
  }

  @Test func historySurvivesTheStateFile() throws {
    let plan = policy.plan(
      runners: [runner(7, .offline), runner(8, .online)], history: .init(), instances: [:], now: t0)
    let data = plan.history.jsonData()
    let text = String(decoding: data, as: UTF8.self)
    #expect(text.contains(#""version":1"#))
    #expect(
      text.contains(
        #""7":{"idle_observations":0,"last_seen":1700000000,"offline_since":1700000000}"#))
    #expect(try RunnerHistory.decode(data) == plan.history)
    #expect(throws: (any Error).self) {
      try RunnerHistory.decode(Data(#"{"version":2,"runners":{}}"#.utf8))
    }
    #expect(throws: (any Error).self) {
      try RunnerHistory.decode(
        Data(#"{"runners":{"x":{"last_seen":1,"idle_observations":0}}}"#.utf8))
    }
  }

  @Test func recheckBeforeDelete() {
    let listed = runner(1, .offline)
    #expect(policy.recheck(listed: listed, fresh: listed) == .proceed)
    #expect(policy.recheck(listed: listed, fresh: nil) == .alreadyGone)
    #expect(policy.recheck(listed: listed, fresh: runner(1, .offline, busy: true)) == .skip(.busy))
    #expect(
      policy.recheck(listed: listed, fresh: runner(1, .online))
        == .skip(.statusChanged(from: "offline", to: "online")))
    #expect(
      policy.recheck(listed: listed, fresh: runner(1, .offline, labels: ["self-hosted"]))
        == .skip(.leftScope))
  }

  @Test func reasonCodes() {
    #expect(DeregistrationReason.orphaned(instanceID: "i", state: .terminated).code == "orphaned")
    #expect(KeepReason.capReached(.idle(idleFor: .zero, observations: 1)).code == "cap-reached")
  }
}

/// Randomised runner states and histories: the safety properties hold in every case.
@Suite struct DeregistrationPolicyPropertyTests {
  @Test func safetyPropertiesHoldOverRandomCases() {
    var rng = LeaseRandomSource(seed: 0x5EED)
    func pick<T>(_ xs: [T]) -> T { xs[Int(rng.next() % UInt64(xs.count))] }
    func int(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
    let labelPool = [
      "self-hosted", "ci", "gpu", "arm64", "instance_id:i-1", "instance_id:i-2", "instance_id:i-3",
    ]
    var deregistered = 0
    for _ in 0..<3000 {
      let policy = DeregistrationPolicy(
        requiredLabels: Array(Set((0..<int(3)).map { _ in pick(["ci", "gpu", "self-hosted"]) })),
        namePrefix: pick([nil, "ci-", "x"]), offlineGrace: .seconds(Int64(int(1200))),
        idleEnabled: rng.next() % 2 == 0,
        idleGrace: .seconds(Int64(int(1200))), idleObservations: 1 + int(4), minIdle: int(5),
        maxDeregistrations: int(8))
      let now: Int64 = 1_700_000_000 + Int64(int(100_000))
      var runners: [Runner] = []
      var history = RunnerHistory()
      for id in 0..<int(40) {
        let status: Runner.Status = pick([.online, .offline, .offline, .other("weird")])
        runners.append(
          Runner(
            id: id, name: pick(["ci-", "x", "prod-"]) + String(id), status: status,
            busy: rng.next() % 3 == 0,
            labels: (0..<int(5)).map { _ in pick(labelPool) }))
        if rng.next() % 2 == 0 {
          history.runners[id] = .init(
            offlineSince: rng.next() % 2 == 0 ? now - Int64(int(5000)) : nil,
            idleSince: rng.next() % 2 == 0 ? now - Int64(int(5000)) : nil,
            consecutiveIdleObservations: int(6),
            lastSeen: now - 60)
        }
      }
      var instances: [String: EC2InstanceState] = [:]
      for i in ["i-1", "i-2", "i-3"] where rng.next() % 3 != 0 {
        instances[i] = pick(EC2InstanceState.allCases)
      }

      let plan = policy.plan(runners: runners, history: history, instances: instances, now: now)
      let chosen = plan.deregistrations
      deregistered += chosen.count
      #expect(plan.decisions.count == runners.count)
      #expect(chosen.count <= policy.maxDeregistrations, "the cap holds")
      for d in chosen {
        #expect(!d.runner.busy, "a busy runner is never chosen")
        #expect(policy.inScope(d.runner), "nothing outside the scope")
        switch d.deregistrationReason! {
        case .orphaned(let id, _):
          #expect(d.runner.status == .offline)
          #expect(instances[id]?.isGone == true)
        case .offline(let f):
          #expect(d.runner.status == .offline)
          #expect(f >= policy.offlineGrace)
        case .idle(let f, let n):
          #expect(policy.idleEnabled)
          #expect(d.runner.status == .online)
          #expect(f >= policy.idleGrace && n >= policy.idleObservations)
        }
      }
      // min_idle: idle in-scope runners left after the run.
      let idleInScope = runners.filter { policy.inScope($0) && $0.status == .online && !$0.busy }
      let idleChosen = chosen.filter { $0.runner.status == .online }
      if !idleChosen.isEmpty {
        #expect(idleInScope.count - idleChosen.count >= policy.minIdle, "min_idle holds")
      }
      // Out-of-scope runners are kept with that reason.
      for d in plan.decisions where !policy.inScope(d.runner) {
        #expect(d.verdict == .keep(.outOfScope))
      }
    }
    #expect(deregistered > 500, "the generator reaches deregistrations")
  }
}

@Suite struct RunnerJournalFieldTests {
  @Test func decisionsCarryRunnerIDNameAndReason() {
    let r = Runner(id: 7, name: "ci-7", status: .offline, busy: false, labels: ["instance_id:i-1"])
    #expect(
      RunnerDecision(
        runner: r, verdict: .deregister(.orphaned(instanceID: "i-1", state: .terminated))
      ).journalFields
        == [
          "runner_id": "7", "runner_name": "ci-7", "action": "deregister", "reason": "orphaned",
          "instance_id": "i-1",
        ])
    #expect(
      RunnerDecision(runner: r, verdict: .keep(.busy)).journalFields
        == ["runner_id": "7", "runner_name": "ci-7", "action": "keep", "reason": "busy"])
  }
}
