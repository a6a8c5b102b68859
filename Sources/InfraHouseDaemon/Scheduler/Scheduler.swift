import InfraHouseConfig
import InfraHouseCore

/// Runs ``JobSpec``s periodically: each job in its own loop (so jobs run
/// concurrently and a job never overlaps itself), with jitter, a per-run
/// timeout, exponential backoff after failures, and exclusive jobs held back
/// unless the ``ExclusiveGate`` admits them and cancelled when it revokes them.
///
/// The actor owns all bookkeeping; each run happens off the actor, so a slow
/// job never blocks status queries or the watchdog's ``heartbeat()``.
public actor Scheduler {
  /// The scheduler's lifecycle.
  public enum State: String, Sendable {
    case running, stopping, stopped
  }

  private struct Loop {
    var spec: JobSpec
    var generation: Int
    var task: Task<Void, Never>
  }

  private let gate: any ExclusiveGate
  private var logger: Logger
  private var loops: [String: Loop] = [:]
  private var statuses: [String: JobStatus] = [:]
  private var order: [String] = []
  private var generation = 0
  private var heartbeats: UInt64 = 0
  public private(set) var state: State = .running

  /// How long a held-back exclusive job waits before asking the gate again.
  public let gateRecheck: Duration

  public init(gate: any ExclusiveGate, logger: Logger, gateRecheck: Duration = .seconds(1)) {
    self.gate = gate
    self.logger = logger
    self.gateRecheck = gateRecheck
  }

  /// Replaces the logger (a reload may change the level).
  public func setLogger(_ logger: Logger) { self.logger = logger }

  /// Makes `specs` the scheduled set. Jobs whose name and fingerprint are
  /// unchanged keep running undisturbed; changed and removed jobs are
  /// cancelled, and a changed job's new loop starts only after its old run ended.
  public func apply(_ specs: [JobSpec]) {
    guard state == .running else { return }
    let wanted = Dictionary(specs.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
    for (name, loop) in loops where wanted[name]?.fingerprint != loop.spec.fingerprint {
      loop.task.cancel()
      loops[name] = nil
      if wanted[name] == nil {
        statuses[name] = nil
        logger.info("task removed", ["task": name])
      }
    }
    var previous: [String: Task<Void, Never>] = [:]
    for spec in specs where loops[spec.name] == nil {
      generation += 1
      let gen = generation
      let before = previous[spec.name]
      if statuses[spec.name] == nil {
        statuses[spec.name] = JobStatus(
          name: spec.name, exclusive: spec.exclusive, running: false, runs: 0,
          consecutiveFailures: 0)
      }
      statuses[spec.name]?.exclusive = spec.exclusive
      let task = Task { [weak self] in
        await before?.value
        await self?.loop(spec, generation: gen)
      }
      previous[spec.name] = task
      loops[spec.name] = Loop(spec: spec, generation: gen, task: task)
    }
    order = specs.map(\.name)
  }

  /// Stops scheduling: no new runs, running ones cancelled. Returns true when
  /// every loop ended within `limit`.
  public func stop(limit: Duration) async -> Bool {
    guard state == .running else { return state == .stopped }
    state = .stopping
    let tasks = loops.values.map(\.task)
    tasks.forEach { $0.cancel() }
    let clean = await waitForAll(tasks, limit: limit)
    state = .stopped
    return clean
  }

  /// A call the watchdog makes: it returns only while the actor is making progress.
  public func heartbeat() -> UInt64 {
    heartbeats += 1
    return heartbeats
  }

  /// The jobs' status, in configuration order.
  public func snapshot() -> [JobStatus] {
    order.compactMap { statuses[$0] }
  }

  /// Blocks the actor's executor for `seconds`: only for the watchdog tests,
  /// reachable through a debug control command that is off by default.
  public func wedgeForTesting(seconds: UInt32) {
    logger.warning("scheduler wedged on purpose for testing", ["seconds": String(seconds)])
    blockThread(seconds: seconds)
  }

  // MARK: - The loop of one job

  private nonisolated func loop(_ spec: JobSpec, generation: Int) async {
    var failures = 0
    var delay = spec.schedule.jitter * Double.random(in: 0...1)
    while !Task.isCancelled {
      await setNextRun(spec.name, generation, ContinuousClock.now + delay)
      do { try await Task.sleep(for: delay) } catch { break }
      let outcome = await runOnce(spec, generation: generation)
      if Task.isCancelled { break }
      switch outcome {
      case .heldBack:
        delay = min(gateRecheck, spec.schedule.interval)
        continue
      case .succeeded:
        failures = 0
      case .failed, .timedOut, .cancelled:
        failures += 1
      }
      delay = RunDelay.next(
        schedule: spec.schedule, consecutiveFailures: failures,
        jitterFraction: Double.random(in: 0...1))
    }
    await setNextRun(spec.name, generation, nil)
  }

  private nonisolated func runOnce(_ spec: JobSpec, generation: Int) async -> RunOutcome {
    var fence: UInt64?
    if spec.exclusive {
      guard let admitted = await gate.admit() else {
        await record(spec.name, generation, .heldBack, duration: nil)
        return .heldBack
      }
      fence = admitted
    }
    let logger = await currentLogger().with("task", spec.name)
    let context = JobContext(name: spec.name, logger: logger, fence: fence)
    let started = ContinuousClock.now
    await markStarted(spec.name, generation, started)
    let gate = self.gate
    let outcome = await withTaskGroup(of: RunOutcome?.self) { group -> RunOutcome in
      group.addTask {
        do {
          try await spec.job.run(context)
          return .succeeded
        } catch is CancellationError {
          return .cancelled("cancelled")
        } catch {
          return .failed(String(describing: error))
        }
      }
      group.addTask {
        do { try await Task.sleep(for: spec.schedule.timeout) } catch { return nil }
        return .timedOut
      }
      if let fence {
        group.addTask {
          await gate.waitUntilRevoked(fence: fence)
          return Task.isCancelled ? nil : .cancelled("fleet lock lost")
        }
      }
      var result: RunOutcome = .cancelled("daemon stopping")
      for await candidate in group {
        if let candidate {
          result = candidate
          break
        }
      }
      group.cancelAll()
      return result
    }
    let duration = ContinuousClock.now - started
    await record(spec.name, generation, outcome, duration: duration)
    return outcome
  }

  // MARK: - Bookkeeping on the actor

  private func currentLogger() -> Logger { logger }

  private func isCurrent(_ name: String, _ generation: Int) -> Bool {
    loops[name]?.generation == generation
  }

  private func setNextRun(_ name: String, _ generation: Int, _ instant: ContinuousClock.Instant?) {
    guard isCurrent(name, generation) else { return }
    statuses[name]?.nextRun = instant
  }

  private func markStarted(_ name: String, _ generation: Int, _ instant: ContinuousClock.Instant) {
    guard statuses[name] != nil else { return }
    statuses[name]?.running = true
    statuses[name]?.lastStart = instant
    statuses[name]?.nextRun = nil
  }

  private func record(_ name: String, _ generation: Int, _ outcome: RunOutcome, duration: Duration?)
  {
    let log = logger.with("task", name)
    if outcome == .heldBack {
      log.debug("exclusive task held back: this host does not hold the fleet lock")
      if statuses[name]?.lastOutcome == nil { statuses[name]?.lastOutcome = .heldBack }
      return
    }
    guard statuses[name] != nil else { return }
    statuses[name]?.running = false
    statuses[name]?.runs += 1
    statuses[name]?.lastOutcome = outcome
    statuses[name]?.lastDuration = duration
    if outcome == .succeeded {
      statuses[name]?.consecutiveFailures = 0
    } else {
      statuses[name]?.consecutiveFailures += 1
    }
    let millis = duration.map { String(Self.milliseconds($0)) } ?? "0"
    var meta: Logger.Metadata = ["outcome": outcome.word, "duration_ms": millis]
    switch outcome {
    case .succeeded:
      log.info("task run succeeded in \(millis) ms", meta)
    case .failed(let message):
      meta["error"] = message
      log.error("task run failed after \(millis) ms: \(message)", meta)
    case .timedOut:
      log.error("task run timed out after \(millis) ms", meta)
    case .cancelled(let why):
      log.warning("task run cancelled after \(millis) ms: \(why)", meta)
    case .heldBack:
      break
    }
  }

  static func milliseconds(_ d: Duration) -> Int64 {
    let (s, atto) = d.components
    return s * 1000 + atto / 1_000_000_000_000_000
  }
}
