#if canImport(Glibc)
  import Glibc
#endif

/// One housekeeping pass over a scope's runners: list them all, look up the
/// EC2 state of those that name an instance, plan with the
/// ``DeregistrationPolicy`` and the history of earlier passes (kept in a state
/// file so it survives restarts), then deregister the chosen ones with small
/// bounded concurrency, each after a fresh GET that must still agree.
///
/// Every decision is logged with `RUNNER_ID`, `RUNNER_NAME` and `REASON`.
public struct RunnerHousekeeper: Sendable {
  public var actions: GitHubActions
  public var policy: DeregistrationPolicy
  /// nil: no orphan detection (no AWS access).
  public var instances: (any InstanceStateLookup)?
  /// The JSON history file; nil keeps no history (the CLI's dry runs).
  public var stateFile: String?
  public var dryRun: Bool
  /// Deletions in flight at once.
  public var concurrency: Int
  public var logger: Logger

  public init(
    actions: GitHubActions, policy: DeregistrationPolicy, instances: (any InstanceStateLookup)?,
    stateFile: String?, dryRun: Bool, concurrency: Int = 2, logger: Logger
  ) {
    self.actions = actions
    self.policy = policy
    self.instances = instances
    self.stateFile = stateFile
    self.dryRun = dryRun
    self.concurrency = max(1, concurrency)
    self.logger = logger
  }

  /// Runs one pass; `now` is wall-clock epoch seconds (the history's time base).
  public func sweep(now: Int64 = wallClockSeconds(), deadline: ContinuousClock.Instant? = nil)
    async throws
    -> SweepReport
  {
    var runners: [Runner] = []
    for try await runner in actions.runners(deadline: deadline) { runners.append(runner) }

    var states: [String: EC2InstanceState] = [:]
    let named = runners.filter { $0.status == .offline && policy.inScope($0) }.compactMap(
      \.instanceID)
    if let instances, !named.isEmpty {
      do {
        states = try await instances.states(of: named)
      } catch {
        logger.warning(
          "cannot look up runner instances, orphan detection skipped this run: \(error)",
          ["instances": String(named.count)])
      }
    }

    let history = loadHistory()
    let plan = policy.plan(runners: runners, history: history, instances: states, now: now)
    if !dryRun { saveHistory(plan.history) }

    for decision in plan.decisions {
      if case .keep(let why) = decision.verdict, why != .outOfScope {
        logger.debug(
          "keeping runner \(decision.runner.name)",
          [
            "runner_id": String(decision.runner.id), "runner_name": decision.runner.name,
            "reason": why.code,
          ])
      }
    }

    let chosen = plan.deregistrations
    let results = await withTaskGroup(of: SweepReport.Result.self) {
      group -> [SweepReport.Result] in
      var collected: [SweepReport.Result] = []
      var iterator = chosen.makeIterator()
      var running = 0
      while running < concurrency, let next = iterator.next() {
        group.addTask { await self.deregister(next, deadline: deadline) }
        running += 1
      }
      while let result = await group.next() {
        collected.append(result)
        if let next = iterator.next() {
          group.addTask { await self.deregister(next, deadline: deadline) }
        }
      }
      return collected
    }
    let report = SweepReport(
      listed: runners.count, inScope: runners.filter(policy.inScope).count, results: results)
    logger.info(report.summary(dryRun: dryRun), report.metadata)
    return report
  }

  private func deregister(_ decision: RunnerDecision, deadline: ContinuousClock.Instant?) async
    -> SweepReport.Result
  {
    let runner = decision.runner
    let reason = decision.deregistrationReason!
    let meta: Logger.Metadata = [
      "runner_id": String(runner.id), "runner_name": runner.name, "reason": reason.code,
    ]
    do {
      let fresh = try await actions.runner(id: runner.id, deadline: deadline)
      switch policy.recheck(listed: runner, fresh: fresh) {
      case .alreadyGone:
        logger.info("runner \(runner.name) is already gone", meta)
        return .init(runner: runner, reason: reason, outcome: .alreadyGone)
      case .skip(let why):
        logger.notice(
          "skipping runner \(runner.name): \(why)", meta.merging(["skip": "\(why)"]) { a, _ in a })
        return .init(runner: runner, reason: reason, outcome: .skipped("\(why)"))
      case .proceed:
        break
      }
      if dryRun {
        logger.notice(
          "dry run: would deregister runner \(runner.name) (\(Self.explain(reason)))", meta)
        return .init(runner: runner, reason: reason, outcome: .wouldDeregister)
      }
      switch try await actions.deregister(id: runner.id, deadline: deadline) {
      case .deleted:
        logger.notice("deregistered runner \(runner.name) (\(Self.explain(reason)))", meta)
        return .init(runner: runner, reason: reason, outcome: .deregistered)
      case .alreadyGone:
        logger.info("runner \(runner.name) was already gone", meta)
        return .init(runner: runner, reason: reason, outcome: .alreadyGone)
      case .refused(let message):
        logger.notice("GitHub refused to deregister runner \(runner.name): \(message)", meta)
        return .init(runner: runner, reason: reason, outcome: .skipped("refused: \(message)"))
      }
    } catch {
      logger.error("cannot deregister runner \(runner.name): \(error)", meta)
      return .init(runner: runner, reason: reason, outcome: .failed(String(describing: error)))
    }
  }

  /// A human phrase for a reason.
  public static func explain(_ reason: DeregistrationReason) -> String {
    switch reason {
    case .orphaned(let id, let state): "orphaned: instance \(id) is \(state.rawValue)"
    case .offline(let d): "offline for \(d.components.seconds) s"
    case .idle(let d, let n): "idle for \(d.components.seconds) s over \(n) runs"
    }
  }

  private func loadHistory() -> RunnerHistory {
    guard let stateFile, let bytes = FileReader.read(stateFile, limit: 64 << 20) else {
      return RunnerHistory()
    }
    do {
      return try RunnerHistory.decode(bytes)
    } catch {
      logger.warning("runner history \(stateFile) is unreadable, starting afresh: \(error)")
      return RunnerHistory()
    }
  }

  private func saveHistory(_ history: RunnerHistory) {
    guard let stateFile else { return }
    do {
      try AtomicFile.write(history.jsonData(), to: stateFile)
    } catch {
      logger.error("cannot save runner history to \(stateFile): \(error)")
    }
  }
}

/// What a sweep did.
public struct SweepReport: Sendable {
  /// One deregistration candidate's end.
  public struct Result: Sendable {
    public var runner: Runner
    public var reason: DeregistrationReason
    public var outcome: Outcome
  }

  /// How a candidate ended.
  public enum Outcome: Sendable, Equatable {
    case deregistered, alreadyGone, wouldDeregister
    case skipped(String)
    case failed(String)
  }

  public var listed: Int
  public var inScope: Int
  public var results: [Result]

  public func count(_ outcome: (Outcome) -> Bool) -> Int {
    results.filter { outcome($0.outcome) }.count
  }

  var metadata: Logger.Metadata {
    [
      "listed": String(listed), "in_scope": String(inScope),
      "deregistered": String(count { $0 == .deregistered || $0 == .alreadyGone }),
      "skipped": String(count { if case .skipped = $0 { true } else { false } }),
      "failed": String(count { if case .failed = $0 { true } else { false } }),
    ]
  }

  func summary(dryRun: Bool) -> String {
    let done = count { $0 == .deregistered || $0 == .alreadyGone || $0 == .wouldDeregister }
    return
      "runner sweep: \(listed) listed, \(inScope) in scope, \(done) \(dryRun ? "would be deregistered" : "deregistered")"
  }
}

/// Writes a file atomically: a temporary file in the same directory, fsync, rename.
enum AtomicFile {
  struct Failure: Error, CustomStringConvertible { let description: String }

  static func write(_ bytes: [UInt8], to path: String) throws {
    let temporary = path + ".tmp.\(getpid())"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard fd >= 0 else {
      throw Failure(description: "cannot create \(temporary): \(String(cString: strerror(errno)))")
    }
    var offset = 0
    while offset < bytes.count {
      let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
      if n < 0 {
        if errno == EINTR { continue }
        close(fd)
        unlink(temporary)
        throw Failure(description: "cannot write \(temporary): \(String(cString: strerror(errno)))")
      }
      offset += n
    }
    fsync(fd)
    close(fd)
    guard rename(temporary, path) == 0 else {
      unlink(temporary)
      throw Failure(description: "cannot rename onto \(path): \(String(cString: strerror(errno)))")
    }
  }
}
