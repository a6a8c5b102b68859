/// The fleet lock's lease as a pure state machine: events in (the owner's clock
/// readings and the outcomes of DynamoDB requests), actions out (the next request
/// to send and the transitions to report). It does no I/O and reads no clock;
/// its owner performs the requests, applies a timeout to each, and calls
/// ``handle(_:)`` again with the outcome and at ``nextWakeup``.
///
/// The model (issue 5):
/// - a standby reads the lock item and the fence counter consistently every poll,
///   and acquires with one conditional `TransactWriteItems` when the lock is
///   absent, released, ours, an infrahouse-core item whose `expires_at` passed, or
///   when its lease id has not changed for a full lease length as timed on OUR
///   monotonic clock (other hosts' clocks are never trusted);
/// - the holder renews every heartbeat with a new lease id, conditioned on owner
///   and lease id; a renewal whose outcome is unknown is settled by a consistent
///   read; a failed condition means the lease is lost;
/// - the holder fences itself when no write succeeded for lease minus two
///   heartbeats, timed from before the last successful write was sent;
/// - stop releases, conditioned on owner and lease id.
public struct LeaseStateMachine: Sendable {
  /// An input.
  public enum Event: Sendable, Hashable {
    /// Begin contending for the lock.
    case start(LeaseNow)
    /// Time passed: called at ``nextWakeup`` (calling more often is harmless).
    case tick(LeaseNow)
    /// A `.read` request answered: the lock item and the fence counter item
    /// (nil when absent), as raw attributes.
    case readSucceeded(
      requestID: UInt64, lock: LockItemAttributes?, fenceCounter: LockItemAttributes?, LeaseNow)
    /// An `.acquire`, `.renew` or `.release` write succeeded.
    case writeSucceeded(requestID: UInt64, LeaseNow)
    /// Any request failed.
    case requestFailed(requestID: UInt64, LockRequestFailure, LeaseNow)
    /// Graceful stop: release if held.
    case stop(LeaseNow)
  }

  /// What the owner must do after an event.
  public struct Action: Sendable, Hashable {
    /// A request to send now, if any.
    public var request: LockRequest?
    /// Transitions to report, in order.
    public var transitions: [LeaseTransition]

    public init(request: LockRequest? = nil, transitions: [LeaseTransition] = []) {
      self.request = request
      self.transitions = transitions
    }
    /// Nothing to do.
    public static let none = Action()
  }

  /// The coarse state, for status output and tests.
  public enum Role: String, Sendable, Hashable {
    case idle, standby, acquiring, held, releasing, stopped
  }

  /// A snapshot for `STATUS=`, `infrahoused status` and `lock status`.
  public struct Status: Sendable, Hashable {
    public var role: Role
    /// Our fencing token while held.
    public var fence: UInt64?
    /// Time until self-fencing while held.
    public var timeLeft: Duration?
    /// The holder last seen in the table while standing by.
    public var observedOwner: String?
    /// The fence last seen in the table while standing by.
    public var observedFence: UInt64?
    /// The latest trouble (throttling, network) while held, or the latest failed poll.
    public var trouble: LeaseTrouble?
  }

  private struct Observation: Hashable {
    var leaseID: String
    var since: MonotonicInstant
  }

  private struct Held: Hashable {
    var leaseID: String
    var fence: UInt64
    var lastSuccessSentAt: MonotonicInstant
    var nextRenewAt: MonotonicInstant
    /// Lease ids written by renewals whose outcome is still unknown; a renewal
    /// or release accepts any of them as well as `leaseID`.
    var unsettledLeaseIDs: [String] = []
    var trouble: LeaseTrouble?
    var inFlight: InFlight?
  }

  private enum InFlight: Hashable {
    case renew(id: UInt64, newLeaseID: String, sentAt: MonotonicInstant)
    case resolve(id: UInt64, newLeaseID: String, renewalSentAt: MonotonicInstant)
  }

  private struct Attempt: Hashable {
    var id: UInt64
    var leaseID: String
    var fence: UInt64
    var sentAt: MonotonicInstant
  }

  private enum Phase: Hashable {
    case idle
    case standby(nextPollAt: MonotonicInstant, observation: Observation?)
    case reading(id: UInt64, observation: Observation?)
    case acquiring(Attempt)
    case resolvingAcquire(readID: UInt64, Attempt)
    case held(Held)
    case releasing(id: UInt64)
    case stopped
  }

  /// The timing and table layout.
  public let configuration: LeaseConfiguration
  /// Our identity as stored in `owner`.
  public let owner: String
  private var phase: Phase = .idle
  private var random: LeaseRandomSource
  private var nextRequestID: UInt64 = 0
  private var stopRequested = false
  private var observedOwner: String?
  private var observedFence: UInt64?
  private var standbyTrouble: LeaseTrouble?

  /// - Parameters:
  ///   - owner: the host identity (instance id or hostname, pid, a random part).
  ///   - seed: seeds lease ids and poll jitter; the owner passes a random value.
  public init(configuration: LeaseConfiguration, owner: String, seed: UInt64) {
    self.configuration = configuration
    self.owner = owner
    self.random = LeaseRandomSource(seed: seed)
  }

  // MARK: Queries

  /// The coarse state.
  public var role: Role {
    switch phase {
    case .idle: .idle
    case .standby, .reading: .standby
    case .acquiring, .resolvingAcquire: .acquiring
    case .held: .held
    case .releasing: .releasing
    case .stopped: .stopped
    }
  }

  /// When the owner should call `.tick` next; nil while only a response can move
  /// the machine on (the owner's request timeout bounds that wait).
  public var nextWakeup: MonotonicInstant? {
    switch phase {
    case .standby(let at, _): return at
    case .held(let h):
      let fenceAt = h.lastSuccessSentAt + configuration.selfFenceAfter
      return h.inFlight == nil ? min(fenceAt, h.nextRenewAt) : fenceAt
    default: return nil
    }
  }

  /// The time left before self-fencing, while held.
  public func timeLeft(now: MonotonicInstant) -> Duration? {
    guard case .held(let h) = phase else { return nil }
    let left = (h.lastSuccessSentAt + configuration.selfFenceAfter) - now
    return left > .zero ? left : .zero
  }

  /// The gate: true while the lease is held and at least `minimumTimeLeft`
  /// (default one heartbeat) remains before self-fencing.
  public func canRunExclusiveWork(now: MonotonicInstant, minimumTimeLeft: Duration? = nil) -> Bool {
    guard let left = timeLeft(now: now) else { return false }
    return left > .zero && left >= (minimumTimeLeft ?? configuration.heartbeat)
  }

  /// Our fencing token while held.
  public var fence: UInt64? {
    if case .held(let h) = phase { return h.fence }
    return nil
  }

  /// A snapshot for status output.
  public func status(now: MonotonicInstant) -> Status {
    var trouble = standbyTrouble
    if case .held(let h) = phase { trouble = h.trouble }
    return Status(
      role: role, fence: fence, timeLeft: timeLeft(now: now), observedOwner: observedOwner,
      observedFence: observedFence, trouble: trouble)
  }

  // MARK: Events

  /// Feeds one event and returns what to do.
  public mutating func handle(_ event: Event) -> Action {
    switch event {
    case .start(let now):
      guard case .idle = phase else { return .none }
      return poll(now: now, observation: nil)

    case .tick(let now):
      return tick(now)

    case .readSucceeded(let id, let lock, let counter, let now):
      return readSucceeded(id: id, lock: lock, counter: counter, now: now)

    case .writeSucceeded(let id, let now):
      return writeSucceeded(id: id, now: now)

    case .requestFailed(let id, let failure, let now):
      return requestFailed(id: id, failure: failure, now: now)

    case .stop(let now):
      return stop(now)
    }
  }

  private mutating func tick(_ now: LeaseNow) -> Action {
    switch phase {
    case .standby(let at, let observation):
      return now.monotonic >= at ? poll(now: now, observation: observation) : .none
    case .held(var h):
      let since = now.monotonic - h.lastSuccessSentAt
      if since >= configuration.selfFenceAfter {
        return lose(.selfFenced(sinceLastSuccessfulWrite: since), now: now)
      }
      guard h.inFlight == nil, now.monotonic >= h.nextRenewAt else { return .none }
      let newLeaseID = random.makeLeaseID()
      let id = takeRequestID()
      h.inFlight = .renew(id: id, newLeaseID: newLeaseID, sentAt: now.monotonic)
      let write = renewalWrite(h, newLeaseID: newLeaseID, now: now)
      phase = .held(h)
      return Action(request: LockRequest(id: id, kind: .renew(write)))
    default:
      return .none
    }
  }

  private mutating func readSucceeded(
    id: UInt64, lock: LockItemAttributes?, counter: LockItemAttributes?, now: LeaseNow
  ) -> Action {
    let schema = configuration.schema
    let item: LockItem?
    if let lock {
      guard let decoded = try? LockItem(attributes: lock, schema: schema) else {
        // An item we cannot read was written by someone else.
        if case .held(let h) = phase, case .resolve(let readID, _, _) = h.inFlight, readID == id {
          return lose(.takenOver(currentOwner: nil), now: now)
        }
        return readFailed(id: id, now: now)
      }
      item = decoded
    } else {
      item = nil
    }
    let counterFence = decodeFenceCounter(counter, schema: schema)
    switch phase {
    case .reading(let readID, let observation) where readID == id:
      return standbyRead(item: item, counterFence: counterFence, observation: observation, now: now)

    case .resolvingAcquire(let readID, let attempt) where readID == id:
      if let item, item.owner == owner, item.leaseID == attempt.leaseID, !item.released {
        return becomeHeld(attempt: attempt, now: now)
      }
      return standbyRead(item: item, counterFence: counterFence, observation: nil, now: now)

    case .held(var h):
      guard case .resolve(let readID, let newLeaseID, let renewalSentAt) = h.inFlight, readID == id
      else {
        return .none
      }
      h.inFlight = nil
      guard let item, item.owner == owner, !item.released, let stored = item.leaseID else {
        return lose(.takenOver(currentOwner: item?.owner), now: now)
      }
      if stored == newLeaseID {
        phase = .held(h)
        return renewalSucceeded(newLeaseID: newLeaseID, sentAt: renewalSentAt, now: now)
      }
      guard stored == h.leaseID || h.unsettledLeaseIDs.contains(stored) else {
        return lose(.takenOver(currentOwner: item.owner), now: now)
      }
      // The renewal was not applied (yet): it may still land, so later
      // writes accept its lease id too.
      if stored != h.leaseID {
        h.leaseID = stored
      }
      rememberUnsettled(newLeaseID, in: &h)
      h.nextRenewAt = now.monotonic
      return troubled(h, .outcomeUnknown)

    default:
      return .none
    }
  }

  private mutating func standbyRead(
    item: LockItem?, counterFence: UInt64?, observation: Observation?, now: LeaseNow
  ) -> Action {
    if stopRequested { return finishStop() }
    standbyTrouble = nil
    observedOwner = item?.owner
    observedFence = item?.fence ?? counterFence
    let nextFence = max(counterFence ?? 0, item?.fence ?? 0) + 1
    guard let item else {
      return acquire(
        condition: "attribute_not_exists(#pk)", extraValues: [:], counterFence: counterFence,
        fence: nextFence, now: now)
    }
    guard let seenLeaseID = item.leaseID else {
      // An infrahouse-core item: honour its expires_at, as its clients do.
      if let expiresAt = item.expiresAt, expiresAt >= now.wallEpochSeconds {
        return waitAndPoll(observation: nil, now: now)
      }
      return acquire(
        condition: "attribute_not_exists(#lease) AND (attribute_not_exists(#exp) OR #exp < :now)",
        extraValues: [":now": .integer(now.wallEpochSeconds)], counterFence: counterFence,
        fence: nextFence, now: now)
    }
    if item.released || item.owner == owner {
      return acquire(
        condition: "#lease = :seen", extraValues: [":seen": .string(seenLeaseID)],
        counterFence: counterFence,
        fence: nextFence, now: now)
    }
    // Someone else's lease: wait until its lease id stayed unchanged for a
    // full lease (theirs if longer) on our own monotonic clock.
    var wait = configuration.lease
    if let ms = item.leaseMilliseconds, ms > 0, Duration.milliseconds(ms) > wait {
      wait = .milliseconds(ms)
    }
    if let observation, observation.leaseID == seenLeaseID {
      if now.monotonic - observation.since >= wait {
        return acquire(
          condition: "#lease = :seen", extraValues: [":seen": .string(seenLeaseID)],
          counterFence: counterFence, fence: nextFence, now: now)
      }
      return waitAndPoll(observation: observation, now: now)
    }
    return waitAndPoll(
      observation: Observation(leaseID: seenLeaseID, since: now.monotonic), now: now)
  }

  private mutating func writeSucceeded(id: UInt64, now: LeaseNow) -> Action {
    switch phase {
    case .acquiring(let attempt) where attempt.id == id:
      return becomeHeld(attempt: attempt, now: now)
    case .held(var h):
      guard case .renew(let renewID, let newLeaseID, let sentAt) = h.inFlight, renewID == id else {
        return .none
      }
      h.inFlight = nil
      phase = .held(h)
      return renewalSucceeded(newLeaseID: newLeaseID, sentAt: sentAt, now: now)
    case .releasing(let releaseID) where releaseID == id:
      phase = .stopped
      return Action(transitions: [.released(succeeded: true)])
    default:
      return .none
    }
  }

  private mutating func requestFailed(id: UInt64, failure: LockRequestFailure, now: LeaseNow)
    -> Action
  {
    switch phase {
    case .reading(let readID, _) where readID == id:
      return readFailed(id: id, now: now)
    case .resolvingAcquire(let readID, _) where readID == id:
      // Could not tell whether the acquisition landed: as a standby we hold
      // nothing; if it did land, the next poll finds our own item and takes
      // it again with a new fence.
      return readFailed(id: id, now: now)
    case .acquiring(let attempt) where attempt.id == id:
      switch failure {
      case .outcomeUnknown:
        let readID = takeRequestID()
        phase = .resolvingAcquire(readID: readID, attempt)
        return Action(request: readRequest(id: readID))
      case .conditionFailed(let current):
        if let current {
          observedOwner = current.owner
          observedFence = current.fence
        }
        if stopRequested { return finishStop() }
        return waitAndPoll(observation: nil, now: now)
      case .throttled, .rejected:
        standbyTrouble = failure == .throttled ? .throttled : .rejected
        if stopRequested { return finishStop() }
        return waitAndPoll(observation: nil, now: now)
      }
    case .held(var h):
      switch h.inFlight {
      case .renew(let renewID, let newLeaseID, let sentAt) where renewID == id:
        h.inFlight = nil
        switch failure {
        case .conditionFailed(let current):
          if let current, current.owner == owner, !current.released, current.leaseID == newLeaseID {
            phase = .held(h)
            return renewalSucceeded(newLeaseID: newLeaseID, sentAt: sentAt, now: now)
          }
          return lose(.conditionFailed(currentOwner: current?.owner), now: now)
        case .throttled, .rejected:
          h.nextRenewAt = now.monotonic + retryDelay
          return troubled(h, failure == .throttled ? .throttled : .rejected)
        case .outcomeUnknown:
          let readID = takeRequestID()
          h.inFlight = .resolve(id: readID, newLeaseID: newLeaseID, renewalSentAt: sentAt)
          let action = troubled(h, .outcomeUnknown)
          return Action(request: readRequest(id: readID), transitions: action.transitions)
        }
      case .resolve(let readID, let newLeaseID, _) where readID == id:
        h.inFlight = nil
        rememberUnsettled(newLeaseID, in: &h)
        h.nextRenewAt = now.monotonic + retryDelay
        return troubled(h, failure == .throttled ? .throttled : .outcomeUnknown)
      default:
        return .none
      }
    case .releasing(let releaseID) where releaseID == id:
      phase = .stopped
      return Action(transitions: [.released(succeeded: false)])
    default:
      return .none
    }
  }

  private mutating func stop(_ now: LeaseNow) -> Action {
    stopRequested = true
    switch phase {
    case .held(let h):
      let id = takeRequestID()
      var accepted = h.unsettledLeaseIDs
      switch h.inFlight {
      case .renew(_, let newLeaseID, _), .resolve(_, let newLeaseID, _): accepted.append(newLeaseID)
      case nil: break
      }
      let (condition, values) = ownedCondition(current: h.leaseID, alsoAccepted: accepted)
      var allValues = values
      allValues[":rel"] = .integer(1)
      allValues[":zero"] = .integer(0)
      let update = "SET #rel = :rel, #exp = :zero"
      let write = LockWrite(
        operation: .update(
          key: configuration.schema.lockKey(configuration.name), updateExpression: update),
        condition: condition, names: usedNames(in: condition + " " + update), values: allValues)
      phase = .releasing(id: id)
      return Action(request: LockRequest(id: id, kind: .release(write)))
    case .acquiring, .resolvingAcquire, .releasing:
      // Wait for the answer: an acquisition that lands is released at once.
      return .none
    case .idle, .standby, .reading, .stopped:
      return finishStop()
    }
  }

  // MARK: Helpers

  private var retryDelay: Duration { min(configuration.heartbeat, .seconds(1)) }

  private mutating func finishStop() -> Action {
    phase = .stopped
    return .none
  }

  private mutating func takeRequestID() -> UInt64 {
    nextRequestID += 1
    return nextRequestID
  }

  private func readRequest(id: UInt64) -> LockRequest {
    let s = configuration.schema
    return LockRequest(
      id: id,
      kind: .read(
        lockKey: s.lockKey(configuration.name),
        fenceCounterKey: s.fenceCounterKey(configuration.name)))
  }

  private mutating func poll(now: LeaseNow, observation: Observation?) -> Action {
    if stopRequested { return finishStop() }
    let id = takeRequestID()
    phase = .reading(id: id, observation: observation)
    return Action(request: readRequest(id: id))
  }

  private mutating func waitAndPoll(observation: Observation?, now: LeaseNow) -> Action {
    var delay = configuration.poll
    let jitterNanos =
      configuration.pollJitter.components.seconds * 1_000_000_000
      + configuration.pollJitter.components.attoseconds / 1_000_000_000
    if jitterNanos > 0 {
      delay += .nanoseconds(Int64(random.next() % UInt64(jitterNanos)))
    }
    phase = .standby(nextPollAt: now.monotonic + delay, observation: observation)
    return .none
  }

  /// A standby read (or the read settling an acquisition) failed or returned an
  /// item we cannot decode; a stale request id changes nothing.
  private mutating func readFailed(id: UInt64, now: LeaseNow) -> Action {
    var observation: Observation?
    switch phase {
    case .reading(let readID, let o) where readID == id: observation = o
    case .resolvingAcquire(let readID, _) where readID == id: observation = nil
    default: return .none
    }
    if stopRequested { return finishStop() }
    standbyTrouble = .rejected
    return waitAndPoll(observation: observation, now: now)
  }

  private var expressionNames: [String: String] {
    let s = configuration.schema
    return [
      "#pk": s.partitionKey, "#exp": s.expiresAt, "#owner": s.owner, "#lease": s.leaseID,
      "#ms": s.leaseMilliseconds, "#fence": s.fence, "#rel": s.released,
    ]
  }

  /// `#owner = :owner AND #lease IN (...)`, with the values it uses.
  private func ownedCondition(current: String, alsoAccepted: [String]) -> (
    String, LockItemAttributes
  ) {
    var values: LockItemAttributes = [":owner": .string(owner), ":lease": .string(current)]
    guard !alsoAccepted.isEmpty else { return ("#owner = :owner AND #lease = :lease", values) }
    var placeholders = [":lease"]
    for (i, other) in alsoAccepted.enumerated() where other != current {
      values[":lease\(i)"] = .string(other)
      placeholders.append(":lease\(i)")
    }
    return ("#owner = :owner AND #lease IN (\(placeholders.joined(separator: ", ")))", values)
  }

  private mutating func acquire(
    condition: String, extraValues: LockItemAttributes, counterFence: UInt64?, fence: UInt64,
    now: LeaseNow
  ) -> Action {
    let s = configuration.schema
    let leaseID = random.makeLeaseID()
    let item = LockItem(
      name: configuration.name,
      expiresAt: now.wallEpochSeconds + configuration.leaseSecondsRoundedUp,
      owner: owner, leaseID: leaseID, leaseMilliseconds: configuration.leaseMilliseconds,
      fence: fence)
    let lockWrite = LockWrite(
      operation: .put(item: item.attributes(schema: s)), condition: condition,
      names: usedNames(in: condition), values: extraValues)
    let counterCondition: String
    var counterValues: LockItemAttributes = [":next": .integer(fence)]
    if let counterFence {
      counterCondition = "#fence = :prev"
      counterValues[":prev"] = .integer(counterFence)
    } else {
      counterCondition = "attribute_not_exists(#pk)"
    }
    let counterWrite = LockWrite(
      operation: .update(
        key: s.fenceCounterKey(configuration.name), updateExpression: "SET #fence = :next"),
      condition: counterCondition, names: usedNames(in: counterCondition + " SET #fence"),
      values: counterValues, returnOldItemOnConditionFailure: false)
    let id = takeRequestID()
    phase = .acquiring(Attempt(id: id, leaseID: leaseID, fence: fence, sentAt: now.monotonic))
    return Action(
      request: LockRequest(id: id, kind: .acquire(lock: lockWrite, fenceCounter: counterWrite)))
  }

  /// Only the placeholders an expression uses: DynamoDB rejects unused ones.
  private func usedNames(in expression: String) -> [String: String] {
    var used: Set<String> = []
    var current: String?
    for c in expression + " " {
      if c == "#" {
        if let current { used.insert(current) }
        current = "#"
      } else if var token = current {
        if c.isLetter || c.isNumber || c == "_" {
          token.append(c)
          current = token
        } else {
          used.insert(token)
          current = nil
        }
      }
    }
    return expressionNames.filter { used.contains($0.key) }
  }

  private func renewalWrite(_ h: Held, newLeaseID: String, now: LeaseNow) -> LockWrite {
    let (condition, values) = ownedCondition(current: h.leaseID, alsoAccepted: h.unsettledLeaseIDs)
    var all = values
    all[":new"] = .string(newLeaseID)
    all[":expires"] = .integer(now.wallEpochSeconds + configuration.leaseSecondsRoundedUp)
    all[":ms"] = .integer(configuration.leaseMilliseconds)
    let update = "SET #lease = :new, #exp = :expires, #ms = :ms"
    return LockWrite(
      operation: .update(
        key: configuration.schema.lockKey(configuration.name), updateExpression: update),
      condition: condition, names: usedNames(in: condition + " " + update), values: all)
  }

  private mutating func becomeHeld(attempt: Attempt, now: LeaseNow) -> Action {
    standbyTrouble = nil
    observedOwner = owner
    observedFence = attempt.fence
    let h = Held(
      leaseID: attempt.leaseID, fence: attempt.fence, lastSuccessSentAt: attempt.sentAt,
      nextRenewAt: attempt.sentAt + configuration.heartbeat)
    phase = .held(h)
    var transitions: [LeaseTransition] = [.acquired(fence: attempt.fence)]
    if stopRequested {
      let release = stop(now)
      transitions += release.transitions
      return Action(request: release.request, transitions: transitions)
    }
    // A slow acquisition may already be past its fence time.
    let late = tick(now)
    return Action(request: late.request, transitions: transitions + late.transitions)
  }

  private mutating func renewalSucceeded(
    newLeaseID: String, sentAt: MonotonicInstant, now: LeaseNow
  ) -> Action {
    guard case .held(var h) = phase else { return .none }
    // A success that arrives after the fence time does not revive the lease.
    if now.monotonic - sentAt >= configuration.selfFenceAfter || sentAt < h.lastSuccessSentAt {
      return tick(now)
    }
    h.leaseID = newLeaseID
    h.unsettledLeaseIDs = []
    h.lastSuccessSentAt = sentAt
    h.nextRenewAt = sentAt + configuration.heartbeat
    var transitions: [LeaseTransition] = []
    if h.trouble != nil {
      h.trouble = nil
      transitions.append(.renewalRecovered)
    }
    phase = .held(h)
    let more = tick(now)
    return Action(request: more.request, transitions: transitions + more.transitions)
  }

  private mutating func troubled(_ held: Held, _ trouble: LeaseTrouble) -> Action {
    var h = held
    let changed = h.trouble != trouble
    h.trouble = trouble
    phase = .held(h)
    return Action(transitions: changed ? [.renewalTrouble(trouble)] : [])
  }

  private mutating func rememberUnsettled(_ leaseID: String, in h: inout Held) {
    guard leaseID != h.leaseID, !h.unsettledLeaseIDs.contains(leaseID) else { return }
    h.unsettledLeaseIDs.append(leaseID)
    if h.unsettledLeaseIDs.count > 4 { h.unsettledLeaseIDs.removeFirst() }
  }

  private mutating func lose(_ reason: LeaseLossReason, now: LeaseNow) -> Action {
    observedFence = nil
    if stopRequested {
      phase = .stopped
      return Action(transitions: [.lost(reason)])
    }
    _ = waitAndPoll(observation: nil, now: now)
    return Action(transitions: [.lost(reason)])
  }
}
