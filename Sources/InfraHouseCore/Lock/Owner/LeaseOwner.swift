/// Holds the fleet lock with real I/O: it drives a ``LeaseStateMachine``,
/// performs its requests against DynamoDB (``LockRequestExecutor``), feeds the
/// monotonic and wall clocks (``LeaseClock``), wakes it at its deadlines,
/// logs every transition with journald fields (`LOCK=`, `FENCE=`, `HOLDER=`,
/// `LEASE_EVENT=`) and publishes them to subscribers.
///
/// ```swift
/// let owner = LeaseOwner(table: table, configuration: config, identity: identity)
/// await owner.start()                      // contend, acquire, renew
/// if let fence = await owner.admit() { ... } // exclusive work allowed now
/// await owner.waitUntilRevoked(fence: fence) // returns when lost or released
/// await owner.stop()                       // release (conditioned on owner and lease id)
/// ```
public actor LeaseOwner {
  /// The lease's timing and table layout.
  public nonisolated let configuration: LeaseConfiguration
  /// Our identity as written in the item's `owner`.
  public nonisolated let identity: String
  /// DynamoDB requests sent, by kind.
  public nonisolated let counters: LockRequestCounters
  private let executor: LockRequestExecutor
  private let logger: Logger
  private var machine: LeaseStateMachine
  private var timer: Task<Void, Never>?
  private var timerWake: MonotonicInstant?
  private var subscribers: [Int: AsyncStream<LeaseTransition>.Continuation] = [:]
  private var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
  private var nextToken = 0
  private var lastLoss: LeaseLossReason?
  /// True once a first attempt was decided (the lock read busy, or an
  /// acquisition answered): a zero wait gives up only after that.
  private var firstAttemptDecided = false

  /// - Parameters:
  ///   - table: the lock table (its session's retry policy is replaced by a single attempt).
  ///   - identity: see ``LockHostIdentity``.
  ///   - requestTimeout: bounds every request; default 80% of a heartbeat, at most 5 s.
  public init(
    table: DynamoDBTable, configuration: LeaseConfiguration, identity: String,
    requestTimeout: Duration? = nil, logger: Logger = Logger(label: "lock")
  ) {
    self.configuration = configuration
    self.identity = identity
    let counters = LockRequestCounters()
    self.counters = counters
    let timeout = requestTimeout ?? min(configuration.heartbeat * 0.8, .seconds(5))
    executor = LockRequestExecutor(
      table: table, schema: configuration.schema, timeout: timeout, counters: counters)
    self.logger = logger.with("lock", configuration.name).with("holder", identity)
    machine = LeaseStateMachine(
      configuration: configuration, owner: identity, seed: UInt64.random(in: .min ... .max))
  }

  // MARK: Public API

  /// Starts contending for the lock; returns at once. Acquisition, renewal and
  /// self-fencing go on in the background until ``stop()``.
  public func start() {
    guard machine.role == .idle else { return }
    logger.info("contending for the lock", ["lease_event": "start"])
    feed(.start(LeaseClock.now()))
  }

  /// The fencing token when exclusive work may start now: held, with at least
  /// `minimumTimeLeft` (default one heartbeat) before self-fencing; nil otherwise.
  public func admit(minimumTimeLeft: Duration? = nil) -> UInt64? {
    canRunExclusiveWork(minimumTimeLeft: minimumTimeLeft) ? machine.fence : nil
  }

  /// True while the lease is held with at least `minimumTimeLeft` (default one
  /// heartbeat) before self-fencing.
  public func canRunExclusiveWork(minimumTimeLeft: Duration? = nil) -> Bool {
    machine.canRunExclusiveWork(
      now: LeaseClock.now().monotonic, minimumTimeLeft: minimumTimeLeft)
  }

  /// Our fencing token while held.
  public var fence: UInt64? { machine.fence }

  /// A snapshot for status output.
  public var status: LeaseOwnerStatus {
    LeaseOwnerStatus(
      name: configuration.name, identity: identity,
      lease: machine.status(now: LeaseClock.now().monotonic), requests: counters.total,
      lastLoss: lastLoss)
  }

  /// A new stream of transitions (acquired, lost, trouble, released) from now
  /// on; it finishes when the owner stops.
  public func transitions() -> AsyncStream<LeaseTransition> {
    let (stream, continuation) = AsyncStream<LeaseTransition>.makeStream(
      bufferingPolicy: .bufferingNewest(64))
    if machine.role == .stopped {
      continuation.finish()
      return stream
    }
    let token = takeToken()
    subscribers[token] = continuation
    continuation.onTermination = { [weak self] _ in
      Task { await self?.unsubscribe(token) }
    }
    return stream
  }

  /// Waits until exclusive work may run and returns the fence, or nil when
  /// `limit` passed first, the owner stopped, or the task was cancelled. The
  /// first attempt is always waited for, so a zero limit means "only if free now".
  public func waitUntilHeld(within limit: Duration? = nil) async -> UInt64? {
    let deadline = limit.map { ContinuousClock.now + $0 }
    let poke: Task<Void, Never>? = deadline.map { d in
      Task { [weak self] in
        try? await Task.sleep(until: d, clock: .continuous)
        await self?.wakeWaiters()
      }
    }
    defer { poke?.cancel() }
    while true {
      if let fence = admit() { return fence }
      if machine.role == .stopped || Task.isCancelled { return nil }
      if let deadline, ContinuousClock.now >= deadline, firstAttemptDecided { return nil }
      await nextChange()
    }
  }

  /// Returns as soon as the lease under which `fence` was admitted is lost
  /// (including self-fencing) or released, or the task is cancelled.
  public func waitUntilRevoked(fence: UInt64) async {
    while machine.fence == fence, !Task.isCancelled,
      machine.timeLeft(now: LeaseClock.now().monotonic).map({ $0 > .zero }) ?? false
    {
      await nextChange()
    }
  }

  /// Stops: releases the lock if held (conditioned on owner and lease id) and
  /// waits for the answer, which the request timeout bounds. Transition
  /// streams finish.
  public func stop() async {
    feed(.stop(LeaseClock.now()))
    while machine.role != .stopped { await nextChange() }
    timer?.cancel()
    timer = nil
    for continuation in subscribers.values { continuation.finish() }
    subscribers = [:]
    wakeWaiters()
  }

  // MARK: Driving the state machine

  private func feed(_ event: LeaseStateMachine.Event) {
    let action = machine.handle(event)
    switch event {
    case .readSucceeded, .writeSucceeded, .requestFailed:
      if machine.role != .acquiring { firstAttemptDecided = true }
    default: break
    }
    for transition in action.transitions { report(transition) }
    if let request = action.request {
      let executor = self.executor
      Task { [weak self] in
        let outcome = await executor.perform(request, now: LeaseClock.now)
        await self?.feed(outcome)
      }
    }
    scheduleTimer()
    wakeWaiters()
  }

  private func scheduleTimer() {
    let wake = machine.role == .stopped ? nil : machine.nextWakeup
    guard wake != timerWake else { return }
    timer?.cancel()
    timerWake = wake
    guard let wake else {
      timer = nil
      return
    }
    timer = Task { [weak self] in
      do {
        try await Task.sleep(until: LeaseClock.instant(wake), clock: .continuous)
      } catch {
        return
      }
      await self?.timerFired()
    }
  }

  private func timerFired() {
    timerWake = nil
    timer = nil
    feed(.tick(LeaseClock.now()))
  }

  private func report(_ transition: LeaseTransition) {
    var fields: Logger.Metadata = [:]
    switch transition {
    case .acquired(let fence):
      lastLoss = nil
      fields = ["lease_event": "acquired", "fence": String(fence)]
      logger.notice("acquired the lock with fence \(fence)", fields)
    case .lost(let reason):
      lastLoss = reason
      fields = ["lease_event": "lost", "reason": LeaseOwner.describe(reason)]
      if let f = machine.status(now: LeaseClock.now().monotonic).observedFence {
        fields["observed_fence"] = String(f)
      }
      logger.error("lost the lock: \(LeaseOwner.describe(reason))", fields)
    case .renewalTrouble(let trouble):
      fields = ["lease_event": "renewal_trouble", "trouble": "\(trouble)"]
      if let f = machine.fence { fields["fence"] = String(f) }
      logger.warning("lock renewal failing (\(trouble)); the lease is still held", fields)
    case .renewalRecovered:
      fields = ["lease_event": "renewal_recovered"]
      if let f = machine.fence { fields["fence"] = String(f) }
      logger.notice("lock renewal recovered", fields)
    case .released(let succeeded):
      fields = ["lease_event": "released", "released": succeeded ? "true" : "false"]
      if succeeded {
        logger.notice("released the lock", fields)
      } else {
        logger.warning("the release failed; the lease will run out", fields)
      }
    }
    for continuation in subscribers.values { continuation.yield(transition) }
  }

  /// Words for a loss reason, for logs and status.
  public static func describe(_ reason: LeaseLossReason) -> String {
    switch reason {
    case .conditionFailed(let owner):
      "renewal condition failed" + (owner.map { ", now held by \($0)" } ?? "")
    case .selfFenced(let since):
      "self-fenced: no successful renewal for \(LeaseOwnerStatus.seconds(since))"
    case .takenOver(let owner):
      "taken over" + (owner.map { " by \($0)" } ?? " (the item is gone)")
    }
  }

  // MARK: Waiting for changes

  private func takeToken() -> Int {
    nextToken += 1
    return nextToken
  }

  private func unsubscribe(_ token: Int) { subscribers[token] = nil }

  /// Suspends until the next event was handled (or the wait is cancelled).
  private func nextChange() async {
    let token = takeToken()
    await withTaskCancellationHandler {
      await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        if Task.isCancelled {
          continuation.resume()
        } else {
          waiters[token] = continuation
        }
      }
    } onCancel: {
      Task { await self.wakeWaiter(token) }
    }
  }

  private func wakeWaiter(_ token: Int) {
    waiters.removeValue(forKey: token)?.resume()
  }

  private func wakeWaiters() {
    let all = waiters
    waiters = [:]
    for continuation in all.values { continuation.resume() }
  }
}
