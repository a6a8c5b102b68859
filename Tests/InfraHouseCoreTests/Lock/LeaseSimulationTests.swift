import Testing

@testable import InfraHouseCore

/// Several contenders, one simulated table, random latencies, lost responses,
/// throttling, pauses (SIGSTOP) and crashes: at no instant may two hosts pass
/// the gate, and fences only grow.
@Suite struct LeaseSimulationTests {
  struct Pending {
    var host: Int
    var request: LockRequest
    var appliesAt: Int  // ms
    var answersAt: Int
    var loseResponse: Bool
    var throttle: Bool
    var applied = false
    var outcome: Result<(LockItemAttributes?, LockItemAttributes?), LockRequestFailure>?
  }

  struct Host {
    var machine: LeaseStateMachine
    var clockOffset: Int  // ms: each host's monotonic origin differs
    var pausedUntil = 0
    var crashed = false
    var wallSkew: Int64  // s
  }

  /// An infrahouse-core client: `put_item` with `attribute_not_exists(ResourceId) OR
  /// expires_at < :now` on its own wall clock, holds for a while, then deletes its item.
  struct PythonClient {
    var wallSkew: Int64
    var holdingUntil: Int?
    var expiresAt: Int64 = 0
    var nextTry = 0
    var acquisitions = 0
  }

  static func run(
    seed: UInt64, hosts count: Int, steps: Int, pythonClients: Int = 0, maxWallSkew: Int = 120
  ) -> (acquisitions: [UInt64], maxHolders: Int, heldSteps: Int, pythonAcquisitions: Int) {
    var rng = LeaseRandomSource(seed: seed)
    func chance(_ p: Double) -> Bool { Double(rng.next() % 10_000) < p * 10_000 }
    func between(_ a: Int, _ b: Int) -> Int { a + Int(rng.next() % UInt64(b - a + 1)) }
    let config = makeConfiguration(jitter: .milliseconds(800))
    var table = SimulatedLockTable(schema: config.schema)
    var hosts: [Host] = (0..<count).map { i in
      Host(
        machine: LeaseStateMachine(configuration: config, owner: "host-\(i)", seed: rng.next()),
        clockOffset: between(0, 1_000_000), wallSkew: Int64(between(-maxWallSkew, maxWallSkew)))
    }
    var python: [PythonClient] = (0..<pythonClients).map { _ in
      PythonClient(wallSkew: Int64(between(-maxWallSkew, maxWallSkew)))
    }
    let pythonTTL: Int64 = 20
    var pending: [Pending] = []
    var acquisitions: [UInt64] = []
    var maxHolders = 0
    var heldSteps = 0
    func now(_ h: Host, _ t: Int) -> LeaseNow {
      LeaseNow(
        monotonic: MonotonicInstant(sinceOrigin: .milliseconds(h.clockOffset + t)),
        wallEpochSeconds: 1_700_000_000 + Int64(t / 1000) + h.wallSkew)
    }
    func handle(_ i: Int, _ event: LeaseStateMachine.Event, _ t: Int) {
      let action = hosts[i].machine.handle(event)
      for tr in action.transitions {
        if case .acquired(let fence) = tr { acquisitions.append(fence) }
      }
      if let r = action.request {
        let applies = t + between(5, 400)
        // Some requests time out (and may or may not have been applied).
        let lose = chance(0.05)
        pending.append(
          Pending(
            host: i, request: r, appliesAt: applies,
            answersAt: lose ? t + 3000 : applies + between(5, 400),
            loseResponse: lose, throttle: chance(0.03)))
      }
    }
    for i in hosts.indices { handle(i, .start(now(hosts[i], 0)), 0) }
    let stepMs = 50
    for step in 0..<steps {
      let t = step * stepMs
      // The table applies writes at their apply time.
      for p in pending.indices where !pending[p].applied && pending[p].appliesAt <= t {
        pending[p].applied = true
        if pending[p].throttle {
          pending[p].outcome = .failure(.throttled)
        } else if pending[p].loseResponse && chance(0.5) {
          pending[p].outcome = .failure(.outcomeUnknown)  // never reached the table
        } else {
          let r = table.perform(pending[p].request.kind)
          pending[p].outcome = pending[p].loseResponse ? .failure(.outcomeUnknown) : r
        }
      }
      // Answers reach hosts that are running.
      let current = pending
      pending = []
      for p in current {
        let h = hosts[p.host]
        guard p.applied, p.answersAt <= t, h.pausedUntil <= t else {
          pending.append(p)
          continue
        }
        if h.crashed { continue }
        let n = now(h, t)
        switch p.outcome! {
        case .failure(let f): handle(p.host, .requestFailed(requestID: p.request.id, f, n), t)
        case .success(let (lock, counter)):
          if p.request.isRead {
            handle(
              p.host, .readSucceeded(requestID: p.request.id, lock: lock, fenceCounter: counter, n),
              t)
          } else {
            handle(p.host, .writeSucceeded(requestID: p.request.id, n), t)
          }
        }
      }
      // Faults: pauses past the lease, crashes (restarted as a new owner).
      for i in hosts.indices {
        if hosts[i].pausedUntil <= t, chance(0.0004) {
          hosts[i].pausedUntil = t + between(1000, 60_000)
        }
        if !hosts[i].crashed, chance(0.0001) {
          hosts[i].crashed = true
        } else if hosts[i].crashed, chance(0.001) {
          hosts[i] = Host(
            machine: LeaseStateMachine(
              configuration: config, owner: "host-\(i)-r\(step)", seed: rng.next()),
            clockOffset: between(0, 1_000_000), wallSkew: hosts[i].wallSkew)
          handle(i, .start(now(hosts[i], t)), t)
        }
        if hosts[i].pausedUntil <= t, !hosts[i].crashed, let wake = hosts[i].machine.nextWakeup,
          wake <= now(hosts[i], t).monotonic
        {
          handle(i, .tick(now(hosts[i], t)), t)
        }
      }
      // infrahouse-core clients: acquire, hold (less than their TTL), delete their own item.
      for i in python.indices {
        let wall = 1_700_000_000 + Int64(t / 1000) + python[i].wallSkew
        if let until = python[i].holdingUntil {
          if t >= until {
            if table.items["fleet"]?["expires_at"] == .integer(python[i].expiresAt),
              table.items["fleet"]?["lease_id"] == nil
            {
              table.items["fleet"] = nil
            }
            python[i].holdingUntil = nil
          }
        } else if t >= python[i].nextTry {
          python[i].nextTry = t + between(1500, 2500)
          var e = ConditionEvaluator(
            names: ["#pk": "ResourceId", "#e": "expires_at"], values: [":now": .integer(wall)],
            item: table.items["fleet"])
          if e.evaluate("attribute_not_exists(#pk) OR #e < :now") {
            python[i].expiresAt = wall + pythonTTL
            table.items["fleet"] = [
              "ResourceId": .string("fleet"), "expires_at": .integer(python[i].expiresAt),
            ]
            python[i].holdingUntil = t + between(1000, 8000)
            python[i].acquisitions += 1
          }
        }
      }
      // The invariant: at most one host passes the gate at this instant.
      let holders =
        hosts.filter {
          !$0.crashed
            && $0.machine.canRunExclusiveWork(now: now($0, t).monotonic, minimumTimeLeft: .zero)
        }.count + python.filter { $0.holdingUntil != nil }.count
      maxHolders = max(maxHolders, holders)
      if holders > 0 { heldSteps += 1 }
    }
    return (acquisitions, maxHolders, heldSteps, python.map(\.acquisitions).reduce(0, +))
  }

  @Test(arguments: [2, 5])
  func neverTwoHoldersAndFencesOnlyGrow(contenders: Int) {
    var totalAcquisitions = 0
    for seed in 1...12 {
      let (acquisitions, maxHolders, heldSteps, _) = Self.run(
        seed: UInt64(seed * 7919 + contenders), hosts: contenders, steps: 24_000)
      #expect(maxHolders <= 1, "seed \(seed)")
      #expect(
        acquisitions == acquisitions.sorted() && Set(acquisitions).count == acquisitions.count,
        "seed \(seed): \(acquisitions)")
      #expect(heldSteps > 24_000 / 2, "the lock is held most of the time (seed \(seed))")
      totalAcquisitions += acquisitions.count
    }
    #expect(totalAcquisitions > 12, "faults caused takeovers")
  }

  /// Mutual exclusion with infrahouse-core clients in both directions, with wall
  /// clocks within a few seconds of each other (their protocol trusts wall clocks).
  @Test func excludesInfraHouseCoreClients() {
    var ours = 0
    var theirs = 0
    for seed in 1...8 {
      let (acquisitions, maxHolders, _, python) = Self.run(
        seed: UInt64(seed * 31), hosts: 2, steps: 24_000, pythonClients: 2, maxWallSkew: 3)
      #expect(maxHolders <= 1, "seed \(seed)")
      #expect(acquisitions == acquisitions.sorted())
      ours += acquisitions.count
      theirs += python
    }
    #expect(ours > 8 && theirs > 8, "both kinds take turns (ours \(ours), theirs \(theirs))")
  }
}
