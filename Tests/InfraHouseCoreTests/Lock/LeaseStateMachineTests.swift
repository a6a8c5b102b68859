import Testing

@testable import InfraHouseCore

@Suite struct LeaseAcquisitionTests {
  @Test func startReadsBothItemsConsistently() {
    var clock = FakeClock()
    var m = LeaseStateMachine(configuration: makeConfiguration(), owner: "a", seed: 1)
    #expect(m.role == .idle)
    let action = m.handle(.start(clock.now))
    #expect(
      action.request?.kind
        == .read(
          lockKey: ["ResourceId": .string("fleet")],
          fenceCounterKey: ["ResourceId": .string("fleet#fence")]))
    #expect(m.role == .standby)
    clock.advance(.seconds(1))
    #expect(m.handle(.start(clock.now)) == .none, "a second start is ignored")
  }

  @Test func absentLockIsAcquiredWithOneTransaction() throws {
    let clock = FakeClock()
    var m = LeaseStateMachine(configuration: makeConfiguration(), owner: "host-a:1:r", seed: 1)
    let read = m.handle(.start(clock.now)).request!
    let acquire = m.handle(
      .readSucceeded(requestID: read.id, lock: nil, fenceCounter: nil, clock.now)
    ).request!
    let (lock, counter) = try #require(acquire.acquireWrites)
    #expect(lock.condition == "attribute_not_exists(#pk)")
    #expect(lock.names == ["#pk": "ResourceId"])
    #expect(lock.values.isEmpty)
    let item = try LockItem(attributes: try #require(lock.putItem), schema: LockTableSchema())
    #expect(item.owner == "host-a:1:r")
    #expect(item.fence == 1)
    #expect(item.leaseMilliseconds == 30_000)
    #expect(item.expiresAt == clock.wall + 30)
    #expect(item.leaseID != nil)
    #expect(
      counter.operation
        == .update(
          key: ["ResourceId": .string("fleet#fence")], updateExpression: "SET #fence = :next"))
    #expect(counter.condition == "attribute_not_exists(#pk)")
    #expect(counter.names == ["#pk": "ResourceId", "#fence": "fence"])
    #expect(counter.values == [":next": .number("1")])
    #expect(m.role == .acquiring)
    #expect(!m.canRunExclusiveWork(now: clock.monotonic))

    let done = m.handle(.writeSucceeded(requestID: acquire.id, clock.now))
    #expect(done.transitions == [.acquired(fence: 1)])
    #expect(m.role == .held)
    #expect(m.fence == 1)
    #expect(m.canRunExclusiveWork(now: clock.monotonic))
    #expect(m.timeLeft(now: clock.monotonic) == .seconds(20))
  }

  @Test func fenceNeverGoesBackwardsWhenAPythonClientDeletedTheItem() throws {
    let clock = FakeClock()
    var m = LeaseStateMachine(configuration: makeConfiguration(), owner: "a", seed: 1)
    let read = m.handle(.start(clock.now)).request!
    // The lock item is gone (infrahouse-core deletes on release), the counter remembers 7.
    let counter: LockItemAttributes = ["ResourceId": .string("fleet#fence"), "fence": .number("7")]
    let acquire = m.handle(
      .readSucceeded(requestID: read.id, lock: nil, fenceCounter: counter, clock.now)
    ).request!
    let (lock, counterWrite) = try #require(acquire.acquireWrites)
    #expect(lock.putItem?["fence"] == .number("8"))
    #expect(counterWrite.condition == "#fence = :prev")
    #expect(counterWrite.values == [":next": .number("8"), ":prev": .number("7")])
    #expect(
      m.handle(.writeSucceeded(requestID: acquire.id, clock.now)).transitions == [
        .acquired(fence: 8)
      ])
  }

  @Test func fenceTakesTheLargerOfItemAndCounter() throws {
    let clock = FakeClock()
    var m = LeaseStateMachine(configuration: makeConfiguration(), owner: "a", seed: 1)
    let read = m.handle(.start(clock.now)).request!
    let released = LockItem(
      name: "fleet", expiresAt: 0, owner: "b", leaseID: "L1", leaseMilliseconds: 30000, fence: 12,
      released: true)
    let counter: LockItemAttributes = ["ResourceId": .string("fleet#fence"), "fence": .number("3")]
    let acquire = m.handle(
      .readSucceeded(
        requestID: read.id, lock: released.attributes(schema: .init()), fenceCounter: counter,
        clock.now)
    ).request!
    let (lock, counterWrite) = try #require(acquire.acquireWrites)
    #expect(lock.putItem?["fence"] == .number("13"))
    #expect(counterWrite.values[":prev"] == .number("3"))
  }

  @Test func releasedLockIsTakenAtOnceConditionedOnItsLeaseID() throws {
    let clock = FakeClock()
    var m = LeaseStateMachine(configuration: makeConfiguration(), owner: "a", seed: 1)
    let read = m.handle(.start(clock.now)).request!
    let released = LockItem(
      name: "fleet", expiresAt: 0, owner: "b", leaseID: "L1", leaseMilliseconds: 30000, fence: 2,
      released: true)
    let acquire = m.handle(
      .readSucceeded(
        requestID: read.id, lock: released.attributes(schema: .init()), fenceCounter: nil, clock.now
      )
    ).request!
    let (lock, _) = try #require(acquire.acquireWrites)
    #expect(lock.condition == "#lease = :seen")
    #expect(lock.names == ["#lease": "lease_id"])
    #expect(lock.values == [":seen": .string("L1")])
  }

  @Test func foreignLeaseIsTakenOnlyAfterItStayedUnchangedForALeaseOnOurClock() throws {
    var clock = FakeClock()
    var m = LeaseStateMachine(configuration: makeConfiguration(), owner: "a", seed: 1)
    var request = m.handle(.start(clock.now)).request!
    func item(_ lease: String) -> LockItemAttributes {
      LockItem(
        name: "fleet", expiresAt: clock.wall + 30, owner: "b", leaseID: lease,
        leaseMilliseconds: 30000, fence: 4
      )
      .attributes(schema: .init())
    }
    // First sight of L1, then a renewal to L2 after 20 s restarts the wait.
    #expect(
      m.handle(
        .readSucceeded(requestID: request.id, lock: item("L1"), fenceCounter: nil, clock.now))
        == .none)
    #expect(m.status(now: clock.monotonic).observedOwner == "b")
    #expect(m.nextWakeup == clock.monotonic + .seconds(2))
    var polls = 0
    var lease = "L1"
    var sawL2At: MonotonicInstant?
    while true {
      clock.advance(.seconds(2))
      guard let next = m.handle(.tick(clock.now)).request else { continue }
      polls += 1
      #expect(next.isRead)
      if clock.monotonic - MonotonicInstant(sinceOrigin: .seconds(1000)) == .seconds(20) {
        lease = "L2"
        sawL2At = clock.monotonic
      }
      if let acquire = m.handle(
        .readSucceeded(requestID: next.id, lock: item(lease), fenceCounter: nil, clock.now)
      ).request {
        request = acquire
        break
      }
      #expect(polls < 100)
    }
    // The acquire came in the first poll at least 30 s after L2 was first seen.
    let since = clock.monotonic - sawL2At!
    #expect(since >= .seconds(30))
    #expect(since < .seconds(34))
    let (lock, _) = try #require(request.acquireWrites)
    #expect(lock.condition == "#lease = :seen")
    #expect(lock.values == [":seen": .string("L2")])
    #expect(lock.putItem?["fence"] == .number("5"))
  }

  @Test func waitsTheHoldersLongerLease() throws {
    var clock = FakeClock()
    var m = LeaseStateMachine(configuration: makeConfiguration(), owner: "a", seed: 1)
    let item = LockItem(
      name: "fleet", expiresAt: clock.wall, owner: "b", leaseID: "L1", leaseMilliseconds: 60_000
    )
    .attributes(schema: .init())
    var read = m.handle(.start(clock.now)).request!
    _ = m.handle(.readSucceeded(requestID: read.id, lock: item, fenceCounter: nil, clock.now))
    var acquiredAfter: Duration?
    for step in 1...40 {
      clock.advance(.seconds(2))
      guard let r = m.handle(.tick(clock.now)).request else { continue }
      read = r
      if m.handle(.readSucceeded(requestID: r.id, lock: item, fenceCounter: nil, clock.now)).request
        != nil
      {
        acquiredAfter = .seconds(2 * step)
        break
      }
    }
    #expect(acquiredAfter == .seconds(60))
  }

  @Test func infraHouseCoreItemIsHonouredUntilItsExpiresAt() throws {
    var clock = FakeClock()
    var m = LeaseStateMachine(configuration: makeConfiguration(), owner: "a", seed: 1)
    let python: LockItemAttributes = [
      "ResourceId": .string("fleet"), "expires_at": .integer(clock.wall + 5),
    ]
    var read = m.handle(.start(clock.now)).request!
    #expect(
      m.handle(.readSucceeded(requestID: read.id, lock: python, fenceCounter: nil, clock.now))
        == .none)
    clock.advance(.seconds(2))
    read = m.handle(.tick(clock.now)).request!
    #expect(
      m.handle(.readSucceeded(requestID: read.id, lock: python, fenceCounter: nil, clock.now))
        == .none)
    clock.advance(.seconds(4))
    read = m.handle(.tick(clock.now)).request!
    let acquire = m.handle(
      .readSucceeded(requestID: read.id, lock: python, fenceCounter: nil, clock.now)
    ).request!
    let (lock, _) = try #require(acquire.acquireWrites)
    #expect(
      lock.condition
        == "attribute_not_exists(#lease) AND (attribute_not_exists(#exp) OR #exp < :now)")
    #expect(lock.names == ["#lease": "lease_id", "#exp": "expires_at"])
    #expect(lock.values == [":now": .integer(clock.wall)])
  }

  @Test func ourOwnUnreleasedItemIsRetakenWithANewFence() throws {
    let clock = FakeClock()
    var m = LeaseStateMachine(configuration: makeConfiguration(), owner: "a", seed: 1)
    let mine = LockItem(
      name: "fleet", expiresAt: clock.wall, owner: "a", leaseID: "L9", leaseMilliseconds: 30000,
      fence: 3)
    let read = m.handle(.start(clock.now)).request!
    let acquire = m.handle(
      .readSucceeded(
        requestID: read.id, lock: mine.attributes(schema: .init()), fenceCounter: nil, clock.now)
    ).request!
    let (lock, _) = try #require(acquire.acquireWrites)
    #expect(lock.values == [":seen": .string("L9")])
    #expect(lock.putItem?["fence"] == .number("4"))
    #expect(lock.putItem?["lease_id"] != .string("L9"))
  }

  @Test func lostAcquireRaceGoesBackToPolling() {
    let clock = FakeClock()
    var m = LeaseStateMachine(configuration: makeConfiguration(), owner: "a", seed: 1)
    let read = m.handle(.start(clock.now)).request!
    let acquire = m.handle(
      .readSucceeded(requestID: read.id, lock: nil, fenceCounter: nil, clock.now)
    ).request!
    let winner = LockItem(name: "fleet", owner: "b", leaseID: "Lb", fence: 1)
    let action = m.handle(
      .requestFailed(requestID: acquire.id, .conditionFailed(current: winner), clock.now))
    #expect(action == .none)
    #expect(m.role == .standby)
    #expect(m.status(now: clock.monotonic).observedOwner == "b")
    #expect(m.nextWakeup == clock.monotonic + .seconds(2))
  }

  @Test func acquireWithUnknownOutcomeIsSettledByARead() throws {
    var clock = FakeClock()
    var m = LeaseStateMachine(configuration: makeConfiguration(), owner: "a", seed: 1)
    let read = m.handle(.start(clock.now)).request!
    let acquire = m.handle(
      .readSucceeded(requestID: read.id, lock: nil, fenceCounter: nil, clock.now)
    ).request!
    let written = try #require(acquire.acquireWrites?.lock.putItem)
    clock.advance(.seconds(3))
    let settle = m.handle(.requestFailed(requestID: acquire.id, .outcomeUnknown, clock.now))
      .request!
    #expect(settle.isRead)
    #expect(m.role == .acquiring)
    clock.advance(.seconds(1))
    let done = m.handle(
      .readSucceeded(requestID: settle.id, lock: written, fenceCounter: nil, clock.now))
    #expect(done.transitions == [.acquired(fence: 1)])
    // Timed from when the acquisition was sent, 4 s ago.
    #expect(m.timeLeft(now: clock.monotonic) == .seconds(16))
  }

  @Test func acquireWithUnknownOutcomeThatDidNotLandStaysStandby() throws {
    let clock = FakeClock()
    var m = LeaseStateMachine(configuration: makeConfiguration(), owner: "a", seed: 1)
    let read = m.handle(.start(clock.now)).request!
    let acquire = m.handle(
      .readSucceeded(requestID: read.id, lock: nil, fenceCounter: nil, clock.now)
    ).request!
    let settle = m.handle(.requestFailed(requestID: acquire.id, .outcomeUnknown, clock.now))
      .request!
    let other = LockItem(
      name: "fleet", owner: "b", leaseID: "Lb", leaseMilliseconds: 30000, fence: 1)
    let action = m.handle(
      .readSucceeded(
        requestID: settle.id, lock: other.attributes(schema: .init()), fenceCounter: nil, clock.now)
    )
    #expect(action.transitions.isEmpty)
    #expect(m.role == .standby)
  }

  @Test func throttledPollIsReportedAndRetried() {
    var clock = FakeClock()
    var m = LeaseStateMachine(configuration: makeConfiguration(), owner: "a", seed: 1)
    let read = m.handle(.start(clock.now)).request!
    #expect(m.handle(.requestFailed(requestID: read.id, .throttled, clock.now)) == .none)
    #expect(m.status(now: clock.monotonic).trouble == .rejected)
    clock.advance(.seconds(2))
    #expect(m.handle(.tick(clock.now)).request?.isRead == true)
  }

  @Test func pollJitterStaysWithinBounds() {
    var clock = FakeClock()
    let config = makeConfiguration(jitter: .seconds(1))
    var m = LeaseStateMachine(configuration: config, owner: "a", seed: 7)
    var delays: Set<Duration> = []
    var read = m.handle(.start(clock.now)).request!
    for i in 0..<20 {
      // The holder renews between polls, so the standby keeps polling.
      let busy = LockItem(name: "fleet", owner: "b", leaseID: "Lb\(i)", leaseMilliseconds: 30000)
        .attributes(schema: .init())
      _ = m.handle(.readSucceeded(requestID: read.id, lock: busy, fenceCounter: nil, clock.now))
      let wake = m.nextWakeup!
      let delay = wake - clock.monotonic
      #expect(delay >= .seconds(2) && delay < .seconds(3))
      delays.insert(delay)
      clock.monotonic = wake
      read = m.handle(.tick(clock.now)).request!
    }
    #expect(delays.count > 10, "jitter spreads polls")
  }
}

@Suite struct LeaseRenewalTests {
  @Test func renewsEveryHeartbeatWithANewLeaseID() throws {
    var clock = FakeClock()
    var m = heldMachine(clock: &clock)
    clock.advance(.seconds(4))
    #expect(m.handle(.tick(clock.now)) == .none)
    #expect(m.nextWakeup == clock.monotonic + .seconds(1))
    clock.advance(.seconds(1))
    let renew = m.handle(.tick(clock.now)).request!
    let write = try #require(renew.renewWrite)
    #expect(write.condition == "#owner = :owner AND #lease = :lease")
    #expect(write.updateExpression == "SET #lease = :new, #exp = :expires, #ms = :ms")
    #expect(
      write.names == [
        "#owner": "owner", "#lease": "lease_id", "#exp": "expires_at", "#ms": "lease_ms",
      ])
    #expect(write.values[":owner"] == .string("host-a:1:r"))
    #expect(write.values[":expires"] == .integer(clock.wall + 30))
    #expect(write.values[":new"] != write.values[":lease"])
    #expect(write.returnOldItemOnConditionFailure)
    #expect(m.handle(.tick(clock.now)) == .none, "one renewal in flight at a time")

    clock.advance(.milliseconds(300))
    #expect(m.handle(.writeSucceeded(requestID: renew.id, clock.now)) == .none)
    // Timed from the send: 20 s from the renewal's send time.
    #expect(m.timeLeft(now: clock.monotonic) == .seconds(20) - .milliseconds(300))
    clock.advance(.milliseconds(4700))
    let second = try #require(m.handle(.tick(clock.now)).request?.renewWrite)
    #expect(
      second.values[":lease"] == write.values[":new"],
      "the next renewal is conditioned on the new lease id")
  }

  @Test func failedConditionMeansLost() {
    var clock = FakeClock()
    var m = heldMachine(clock: &clock)
    clock.advance(.seconds(5))
    let renew = m.handle(.tick(clock.now)).request!
    let thief = LockItem(name: "fleet", owner: "b", leaseID: "Lb", fence: 2)
    let action = m.handle(
      .requestFailed(requestID: renew.id, .conditionFailed(current: thief), clock.now))
    #expect(action.transitions == [.lost(.conditionFailed(currentOwner: "b"))])
    #expect(m.role == .standby)
    #expect(!m.canRunExclusiveWork(now: clock.monotonic))
    #expect(m.fence == nil)
  }

  @Test func lostResponseResolvedAsStillHeld() throws {
    var clock = FakeClock()
    var m = heldMachine(clock: &clock)
    clock.advance(.seconds(5))
    let renew = m.handle(.tick(clock.now)).request!
    let newLease = try #require(renew.renewWrite?.values[":new"]?.stringValue)
    clock.advance(.seconds(2))
    let timedOut = m.handle(.requestFailed(requestID: renew.id, .outcomeUnknown, clock.now))
    #expect(timedOut.transitions == [.renewalTrouble(.outcomeUnknown)])
    let read = try #require(timedOut.request)
    #expect(read.isRead)
    #expect(m.role == .held)
    let stored = LockItem(
      name: "fleet", expiresAt: clock.wall, owner: "host-a:1:r", leaseID: newLease,
      leaseMilliseconds: 30000, fence: 1)
    clock.advance(.seconds(1))
    let settled = m.handle(
      .readSucceeded(
        requestID: read.id, lock: stored.attributes(schema: .init()), fenceCounter: nil, clock.now))
    #expect(settled.transitions == [.renewalRecovered])
    #expect(m.role == .held)
    // The renewal counts from its send time, 3 s ago.
    #expect(m.timeLeft(now: clock.monotonic) == .seconds(17))
  }

  @Test func lostResponseThatDidNotLandKeepsBothLeaseIDsAcceptable() throws {
    var clock = FakeClock()
    var m = heldMachine(clock: &clock)
    clock.advance(.seconds(5))
    let renew = m.handle(.tick(clock.now)).request!
    let oldLease = try #require(renew.renewWrite?.values[":lease"]?.stringValue)
    let newLease = try #require(renew.renewWrite?.values[":new"]?.stringValue)
    let read = m.handle(.requestFailed(requestID: renew.id, .outcomeUnknown, clock.now)).request!
    let stored = LockItem(name: "fleet", owner: "host-a:1:r", leaseID: oldLease, fence: 1)
    let settled = m.handle(
      .readSucceeded(
        requestID: read.id, lock: stored.attributes(schema: .init()), fenceCounter: nil, clock.now))
    #expect(settled.transitions.isEmpty, "already reported as trouble")
    #expect(m.role == .held)
    let retry = try #require(m.handle(.tick(clock.now)).request?.renewWrite)
    #expect(retry.condition == "#owner = :owner AND #lease IN (:lease, :lease0)")
    #expect(retry.values[":lease"] == .string(oldLease))
    #expect(retry.values[":lease0"] == .string(newLease))
  }

  @Test func lostResponseResolvedAsTakenOver() {
    var clock = FakeClock()
    var m = heldMachine(clock: &clock)
    clock.advance(.seconds(5))
    let renew = m.handle(.tick(clock.now)).request!
    let read = m.handle(.requestFailed(requestID: renew.id, .outcomeUnknown, clock.now)).request!
    let other = LockItem(name: "fleet", owner: "b", leaseID: "Lb", fence: 2)
    let action = m.handle(
      .readSucceeded(
        requestID: read.id, lock: other.attributes(schema: .init()), fenceCounter: nil, clock.now))
    #expect(action.transitions == [.lost(.takenOver(currentOwner: "b"))])
    #expect(m.role == .standby)
  }

  @Test func lostResponseResolvedAsDeleted() {
    var clock = FakeClock()
    var m = heldMachine(clock: &clock)
    clock.advance(.seconds(5))
    let renew = m.handle(.tick(clock.now)).request!
    let read = m.handle(.requestFailed(requestID: renew.id, .outcomeUnknown, clock.now)).request!
    let action = m.handle(
      .readSucceeded(requestID: read.id, lock: nil, fenceCounter: nil, clock.now))
    #expect(action.transitions == [.lost(.takenOver(currentOwner: nil))])
  }

  @Test func throttlingAndNetworkErrorsAreNotALoss() {
    var clock = FakeClock()
    var m = heldMachine(clock: &clock)
    clock.advance(.seconds(5))
    var renew = m.handle(.tick(clock.now)).request!
    #expect(
      m.handle(.requestFailed(requestID: renew.id, .throttled, clock.now)).transitions == [
        .renewalTrouble(.throttled)
      ])
    #expect(m.role == .held)
    #expect(m.status(now: clock.monotonic).trouble == .throttled)
    #expect(m.nextWakeup == clock.monotonic + .seconds(1), "retried sooner than a heartbeat")
    clock.advance(.seconds(1))
    renew = m.handle(.tick(clock.now)).request!
    #expect(
      m.handle(.requestFailed(requestID: renew.id, .rejected, clock.now)).transitions == [
        .renewalTrouble(.rejected)
      ])
    clock.advance(.seconds(1))
    renew = m.handle(.tick(clock.now)).request!
    #expect(
      m.handle(.requestFailed(requestID: renew.id, .rejected, clock.now)).transitions.isEmpty,
      "reported once")
    clock.advance(.seconds(1))
    renew = m.handle(.tick(clock.now)).request!
    #expect(
      m.handle(.writeSucceeded(requestID: renew.id, clock.now)).transitions == [.renewalRecovered])
    #expect(m.status(now: clock.monotonic).trouble == nil)
  }

  @Test func selfFencesLeaseMinusTwoHeartbeatsAfterTheLastSuccessfulSend() {
    var clock = FakeClock()
    var m = heldMachine(clock: &clock)
    let acquiredAt = clock.monotonic
    var transitions: [LeaseTransition] = []
    var lostAt: MonotonicInstant?
    while lostAt == nil {
      clock.advance(.milliseconds(250))
      let action = m.handle(.tick(clock.now))
      transitions += action.transitions
      if let r = action.request {
        #expect(m.canRunExclusiveWork(now: clock.monotonic, minimumTimeLeft: .zero))
        transitions += m.handle(.requestFailed(requestID: r.id, .throttled, clock.now)).transitions
      }
      if m.role != .held { lostAt = clock.monotonic }
    }
    #expect(lostAt! - acquiredAt == .seconds(20))
    #expect(transitions.last == .lost(.selfFenced(sinceLastSuccessfulWrite: .seconds(20))))
    #expect(transitions.first == .renewalTrouble(.throttled))
  }

  @Test func theGateClosesWhenLessThanAHeartbeatIsLeft() {
    var clock = FakeClock()
    var m = heldMachine(clock: &clock)
    let start = clock.monotonic
    #expect(m.canRunExclusiveWork(now: start + .seconds(15)))
    #expect(!m.canRunExclusiveWork(now: start + .seconds(15) + .milliseconds(1)))
    #expect(m.canRunExclusiveWork(now: start + .seconds(19), minimumTimeLeft: .milliseconds(500)))
    #expect(!m.canRunExclusiveWork(now: start + .seconds(20), minimumTimeLeft: .zero))
    clock.advance(.seconds(5))
    _ = m.handle(.tick(clock.now))
    #expect(
      m.canRunExclusiveWork(now: clock.monotonic), "an in-flight renewal does not close the gate")
  }

  @Test func successArrivingAfterTheFenceTimeDoesNotReviveTheLease() {
    var clock = FakeClock()
    var m = heldMachine(clock: &clock)
    clock.advance(.seconds(5))
    let renew = m.handle(.tick(clock.now)).request!
    clock.advance(.seconds(21))
    let action = m.handle(.writeSucceeded(requestID: renew.id, clock.now))
    #expect(action.transitions == [.lost(.selfFenced(sinceLastSuccessfulWrite: .seconds(26)))])
    #expect(m.role == .standby)
  }

  @Test func staleResponsesAreIgnored() {
    var clock = FakeClock()
    var m = heldMachine(clock: &clock)
    clock.advance(.seconds(5))
    let renew = m.handle(.tick(clock.now)).request!
    #expect(m.handle(.writeSucceeded(requestID: renew.id + 100, clock.now)) == .none)
    #expect(
      m.handle(.requestFailed(requestID: 1, .conditionFailed(current: nil), clock.now)) == .none)
    #expect(
      m.handle(.readSucceeded(requestID: 1, lock: nil, fenceCounter: nil, clock.now)) == .none)
    #expect(m.role == .held)
  }
}

@Suite struct LeaseClockJumpTests {
  @Test func aMonotonicJumpPastTheLeaseFencesBeforeAnySideEffect() {
    // SIGSTOP for a minute, then SIGCONT: the first tick finds the lease gone.
    var clock = FakeClock()
    var m = heldMachine(clock: &clock)
    clock.advance(.seconds(5))
    let renew = m.handle(.tick(clock.now)).request!
    clock.advance(.seconds(60))
    #expect(!m.canRunExclusiveWork(now: clock.monotonic))
    let action = m.handle(.tick(clock.now))
    #expect(action.request == nil, "no renewal is sent for a lease that is gone")
    #expect(action.transitions == [.lost(.selfFenced(sinceLastSuccessfulWrite: .seconds(65)))])
    // The old renewal's late success changes nothing.
    #expect(m.handle(.writeSucceeded(requestID: renew.id, clock.now)) == .none)
    #expect(m.role == .standby)
  }

  @Test func wallClockJumpsChangeNoTimingDecision() throws {
    var clock = FakeClock()
    var m = heldMachine(clock: &clock)
    // The wall clock steps back an hour, then forward a day: only expires_at follows it.
    clock.wall -= 3600
    clock.advance(.seconds(5))
    let renew = m.handle(.tick(clock.now)).request!
    #expect(renew.renewWrite?.values[":expires"] == .integer(clock.wall + 30))
    _ = m.handle(.writeSucceeded(requestID: renew.id, clock.now))
    clock.wall += 86_400
    #expect(m.timeLeft(now: clock.monotonic) == .seconds(20))
    #expect(m.handle(.tick(clock.now)) == .none)
    #expect(m.role == .held)
  }

  @Test func standbyTakeoverTimingIgnoresTheWallClock() {
    var clock = FakeClock()
    var m = LeaseStateMachine(configuration: makeConfiguration(), owner: "a", seed: 1)
    // The holder's expires_at is long past by our wall clock: irrelevant for our format.
    let item = LockItem(
      name: "fleet", expiresAt: 1, owner: "b", leaseID: "L1", leaseMilliseconds: 30000
    )
    .attributes(schema: .init())
    var read = m.handle(.start(clock.now)).request!
    #expect(
      m.handle(.readSucceeded(requestID: read.id, lock: item, fenceCounter: nil, clock.now))
        == .none)
    clock.wall += 1_000_000
    clock.advance(.seconds(2))
    read = m.handle(.tick(clock.now)).request!
    #expect(
      m.handle(.readSucceeded(requestID: read.id, lock: item, fenceCounter: nil, clock.now))
        == .none)
  }
}

@Suite struct LeaseReleaseTests {
  @Test func stopReleasesConditionedOnOwnerAndLease() throws {
    var clock = FakeClock()
    var m = heldMachine(clock: &clock)
    clock.advance(.seconds(1))
    let release = m.handle(.stop(clock.now)).request!
    let write = try #require(release.releaseWrite)
    #expect(write.condition == "#owner = :owner AND #lease = :lease")
    #expect(write.updateExpression == "SET #rel = :rel, #exp = :zero")
    #expect(write.values[":rel"] == .number("1"))
    #expect(write.values[":zero"] == .number("0"))
    #expect(m.role == .releasing)
    #expect(!m.canRunExclusiveWork(now: clock.monotonic))
    #expect(
      m.handle(.writeSucceeded(requestID: release.id, clock.now)).transitions == [
        .released(succeeded: true)
      ])
    #expect(m.role == .stopped)
    clock.advance(.seconds(10))
    #expect(m.handle(.tick(clock.now)) == .none)
  }

  @Test func releaseDuringARenewalAcceptsItsLeaseID() throws {
    var clock = FakeClock()
    var m = heldMachine(clock: &clock)
    clock.advance(.seconds(5))
    let renew = m.handle(.tick(clock.now)).request!
    let release = try #require(m.handle(.stop(clock.now)).request?.releaseWrite)
    #expect(release.condition == "#owner = :owner AND #lease IN (:lease, :lease0)")
    #expect(release.values[":lease0"] == renew.renewWrite?.values[":new"])
  }

  @Test func failedReleaseStillStops() {
    var clock = FakeClock()
    var m = heldMachine(clock: &clock)
    let release = m.handle(.stop(clock.now)).request!
    #expect(
      m.handle(.requestFailed(requestID: release.id, .outcomeUnknown, clock.now)).transitions == [
        .released(succeeded: false)
      ])
    #expect(m.role == .stopped)
  }

  @Test func stopWhileStandingBySendsNothing() {
    let clock = FakeClock()
    var m = LeaseStateMachine(configuration: makeConfiguration(), owner: "a", seed: 1)
    let read = m.handle(.start(clock.now)).request!
    #expect(m.handle(.stop(clock.now)) == .none)
    #expect(m.role == .stopped)
    #expect(
      m.handle(.readSucceeded(requestID: read.id, lock: nil, fenceCounter: nil, clock.now)) == .none
    )
    #expect(m.role == .stopped)
  }

  @Test func stopDuringAcquireReleasesWhatLands() throws {
    let clock = FakeClock()
    var m = LeaseStateMachine(configuration: makeConfiguration(), owner: "a", seed: 1)
    let read = m.handle(.start(clock.now)).request!
    let acquire = m.handle(
      .readSucceeded(requestID: read.id, lock: nil, fenceCounter: nil, clock.now)
    ).request!
    #expect(m.handle(.stop(clock.now)) == .none)
    let landed = m.handle(.writeSucceeded(requestID: acquire.id, clock.now))
    #expect(landed.transitions == [.acquired(fence: 1)])
    #expect(landed.request?.releaseWrite != nil)
    #expect(m.role == .releasing)
  }
}
