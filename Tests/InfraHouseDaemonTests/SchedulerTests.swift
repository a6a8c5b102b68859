import InfraHouseConfig
import InfraHouseCore
import Synchronization
import Testing

@testable import InfraHouseDaemon

/// Records what jobs did, for assertions.
final class Recorder: Sendable {
  private let state = Mutex<(active: Int, maxActive: Int, runs: Int, events: [String])>(
    (0, 0, 0, []))
  func enter() {
    state.withLock {
      $0.active += 1
      $0.maxActive = max($0.maxActive, $0.active)
      $0.runs += 1
    }
  }
  func leave() { state.withLock { $0.active -= 1 } }
  func note(_ e: String) { state.withLock { $0.events.append(e) } }
  var runs: Int { state.withLock { $0.runs } }
  var maxActive: Int { state.withLock { $0.maxActive } }
  var events: [String] { state.withLock { $0.events } }
}

struct ClosureJob: PeriodicJob {
  let body: @Sendable (JobContext) async throws -> Void
  func run(_ context: JobContext) async throws { try await body(context) }
}

struct TestFailure: Error, CustomStringConvertible {
  var description: String { "boom" }
}

/// A gate the test opens and closes.
final class ManualGate: ExclusiveGate {
  private let state = Mutex<(open: Bool, fence: UInt64)>((false, 0))
  func set(open: Bool) {
    state.withLock {
      if open && !$0.open { $0.fence += 1 }
      $0.open = open
    }
  }
  func admit() async -> UInt64? { state.withLock { $0.open ? $0.fence : nil } }
  func waitUntilRevoked(fence: UInt64) async {
    while !Task.isCancelled {
      if state.withLock({ !$0.open || $0.fence != fence }) { return }
      try? await Task.sleep(for: .milliseconds(5))
    }
  }
  func describe() async -> String { "manual" }
}

func schedule(_ interval: Duration, timeout: Duration = .seconds(5), cap: Duration = .seconds(60))
  -> TaskSchedule
{
  TaskSchedule(interval: interval, jitter: .zero, timeout: timeout, backoffCap: cap)
}

/// Polls `condition` until it holds or a generous deadline passes.
func eventually(_ seconds: Double = 60, _ condition: () async -> Bool) async -> Bool {
  let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
  while ContinuousClock.now < deadline {
    if await condition() { return true }
    try? await Task.sleep(for: .milliseconds(10))
  }
  return await condition()
}

@Suite struct RunDelayTests {
  @Test func successWaitsOneInterval() {
    let s = TaskSchedule(
      interval: .seconds(30), jitter: .seconds(10), timeout: .seconds(5), backoffCap: .seconds(300))
    #expect(RunDelay.next(schedule: s, consecutiveFailures: 0, jitterFraction: 0) == .seconds(30))
    #expect(RunDelay.next(schedule: s, consecutiveFailures: 0, jitterFraction: 0.5) == .seconds(35))
    #expect(RunDelay.next(schedule: s, consecutiveFailures: 0, jitterFraction: 7) == .seconds(40))
  }

  @Test func failuresDoubleUpToTheCap() {
    let s = TaskSchedule(
      interval: .seconds(30), jitter: .zero, timeout: .seconds(5), backoffCap: .seconds(300))
    let waits = (0...6).map {
      RunDelay.next(schedule: s, consecutiveFailures: $0, jitterFraction: 0)
    }
    #expect(
      waits == [
        .seconds(30), .seconds(60), .seconds(120), .seconds(240), .seconds(300), .seconds(300),
        .seconds(300),
      ])
    #expect(
      RunDelay.next(schedule: s, consecutiveFailures: 10_000, jitterFraction: 0) == .seconds(300))
  }

  @Test func capBelowIntervalNeverShortensTheWait() {
    let s = TaskSchedule(
      interval: .seconds(60), jitter: .zero, timeout: .seconds(5), backoffCap: .seconds(10))
    #expect(RunDelay.next(schedule: s, consecutiveFailures: 3, jitterFraction: 0) == .seconds(60))
  }
}

@Suite struct SchedulerTests {
  let logger = Logger(label: "test", level: .critical)

  @Test func aSlowJobNeverOverlapsItself() async {
    let recorder = Recorder()
    let scheduler = Scheduler(gate: ClosedGate(), logger: logger)
    let job = ClosureJob { _ in
      recorder.enter()
      try? await Task.sleep(for: .milliseconds(40))
      recorder.leave()
    }
    await scheduler.apply([
      JobSpec(
        name: "slow", schedule: schedule(.milliseconds(1)), exclusive: false, fingerprint: "a",
        job: job)
    ])
    #expect(await eventually { recorder.runs >= 4 })
    _ = await scheduler.stop(limit: .seconds(5))
    #expect(recorder.maxActive == 1)
  }

  @Test func jobsRunConcurrentlyWithEachOther() async {
    let recorder = Recorder()
    let scheduler = Scheduler(gate: ClosedGate(), logger: logger)
    let job = ClosureJob { _ in
      recorder.enter()
      try? await Task.sleep(for: .milliseconds(300))
      recorder.leave()
    }
    await scheduler.apply([
      JobSpec(
        name: "a", schedule: schedule(.seconds(60)), exclusive: false, fingerprint: "a", job: job),
      JobSpec(
        name: "b", schedule: schedule(.seconds(60)), exclusive: false, fingerprint: "b", job: job),
    ])
    #expect(await eventually { recorder.runs == 2 })
    _ = await scheduler.stop(limit: .seconds(5))
    #expect(recorder.maxActive == 2)
  }

  @Test func failuresAreCountedAndResetBySuccess() async {
    let recorder = Recorder()
    let scheduler = Scheduler(gate: ClosedGate(), logger: logger)
    let job = ClosureJob { _ in
      recorder.enter()
      recorder.leave()
      if recorder.runs <= 2 { throw TestFailure() }
    }
    // Backoff: 10 ms, then 20 ms, then 40 ms (capped at 50 ms).
    await scheduler.apply([
      JobSpec(
        name: "flaky", schedule: schedule(.milliseconds(10), cap: .milliseconds(50)),
        exclusive: false, fingerprint: "f", job: job)
    ])
    #expect(await eventually { await scheduler.snapshot().first?.consecutiveFailures == 2 })
    #expect(await scheduler.snapshot().first?.lastOutcome == .failed("boom"))
    #expect(await eventually { await scheduler.snapshot().first?.lastOutcome == .succeeded })
    #expect(await scheduler.snapshot().first?.consecutiveFailures == 0)
    _ = await scheduler.stop(limit: .seconds(5))
  }

  @Test func aRunPastItsTimeoutIsCancelled() async {
    let recorder = Recorder()
    let scheduler = Scheduler(gate: ClosedGate(), logger: logger)
    let job = ClosureJob { _ in
      do {
        try await Task.sleep(for: .seconds(30))
      } catch {
        recorder.note("cancelled")
        throw error
      }
    }
    await scheduler.apply([
      JobSpec(
        name: "hang", schedule: schedule(.seconds(60), timeout: .milliseconds(50)),
        exclusive: false, fingerprint: "h", job: job)
    ])
    #expect(await eventually { await scheduler.snapshot().first?.lastOutcome == .timedOut })
    #expect(recorder.events == ["cancelled"])
    _ = await scheduler.stop(limit: .seconds(5))
  }

  @Test func stopCancelsRunningJobsAndReportsAStragglerAfterTheLimit() async {
    let recorder = Recorder()
    let scheduler = Scheduler(gate: ClosedGate(), logger: logger)
    let cooperative = ClosureJob { _ in
      recorder.enter()
      try await Task.sleep(for: .seconds(30))
    }
    await scheduler.apply([
      JobSpec(
        name: "c", schedule: schedule(.seconds(60), timeout: .seconds(60)), exclusive: false,
        fingerprint: "c", job: cooperative)
    ])
    #expect(await eventually { recorder.runs == 1 })
    #expect(await scheduler.stop(limit: .seconds(5)) == true)
    #expect(await scheduler.state == .stopped)

    let stubborn = Scheduler(gate: ClosedGate(), logger: logger)
    let ignoring = ClosureJob { _ in
      recorder.enter()
      let until = ContinuousClock.now + .seconds(3)
      while ContinuousClock.now < until { try? await Task.sleep(for: .milliseconds(20)) }
    }
    await stubborn.apply([
      JobSpec(
        name: "s", schedule: schedule(.seconds(60), timeout: .seconds(60)), exclusive: false,
        fingerprint: "s", job: ignoring)
    ])
    #expect(await eventually { recorder.runs == 2 })
    #expect(await stubborn.stop(limit: .milliseconds(100)) == false)
  }

  @Test func exclusiveJobsWaitForTheGateAndStopWhenItCloses() async {
    let recorder = Recorder()
    let gate = ManualGate()
    let scheduler = Scheduler(gate: gate, logger: logger, gateRecheck: .milliseconds(10))
    let job = ClosureJob { context in
      recorder.note("run fence \(context.fence ?? 0)")
      do {
        try await Task.sleep(for: .seconds(30))
      } catch {
        recorder.note("cancelled")
        throw error
      }
    }
    await scheduler.apply([
      JobSpec(
        name: "x", schedule: schedule(.seconds(60), timeout: .seconds(60)), exclusive: true,
        fingerprint: "x", job: job)
    ])
    try? await Task.sleep(for: .milliseconds(100))
    #expect(recorder.events.isEmpty)
    #expect(await eventually { await scheduler.snapshot().first?.lastOutcome == .heldBack })
    gate.set(open: true)
    #expect(await eventually { recorder.events == ["run fence 1"] })
    gate.set(open: false)
    #expect(
      await eventually {
        await scheduler.snapshot().first?.lastOutcome == .cancelled("fleet lock lost")
      })
    #expect(recorder.events == ["run fence 1", "cancelled"])
    _ = await scheduler.stop(limit: .seconds(5))
  }

  @Test func applyKeepsUnchangedJobsAndRestartsChangedOnes() async {
    let recorder = Recorder()
    let scheduler = Scheduler(gate: ClosedGate(), logger: logger)
    func job(_ tag: String) -> ClosureJob { ClosureJob { _ in recorder.note(tag) } }
    await scheduler.apply([
      JobSpec(
        name: "keep", schedule: schedule(.seconds(60)), exclusive: false, fingerprint: "k",
        job: job("keep")),
      JobSpec(
        name: "change", schedule: schedule(.seconds(60)), exclusive: false, fingerprint: "v1",
        job: job("v1")),
      JobSpec(
        name: "drop", schedule: schedule(.seconds(60)), exclusive: false, fingerprint: "d",
        job: job("drop")),
    ])
    #expect(await eventually { Set(recorder.events) == ["keep", "v1", "drop"] })
    await scheduler.apply([
      JobSpec(
        name: "keep", schedule: schedule(.seconds(60)), exclusive: false, fingerprint: "k",
        job: job("keep")),
      JobSpec(
        name: "change", schedule: schedule(.seconds(60)), exclusive: false, fingerprint: "v2",
        job: job("v2")),
    ])
    #expect(await eventually { recorder.events.contains("v2") })
    try? await Task.sleep(for: .milliseconds(50))
    // "keep" was not restarted (its next run is a minute away), "drop" is gone.
    #expect(recorder.events.filter { $0 == "keep" }.count == 1)
    #expect(await scheduler.snapshot().map(\.name) == ["keep", "change"])
    _ = await scheduler.stop(limit: .seconds(5))
  }
}
