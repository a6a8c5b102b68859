@testable import InfraHouseCore

/// A fake pair of clocks for driving the lease: monotonic and wall advance
/// together unless a test jumps one of them.
struct FakeClock {
  var monotonic = MonotonicInstant(sinceOrigin: .seconds(1000))
  var wall: Int64 = 1_700_000_000

  var now: LeaseNow { LeaseNow(monotonic: monotonic, wallEpochSeconds: wall) }

  mutating func advance(_ d: Duration) {
    monotonic = monotonic + d
    wall += d.components.seconds
  }
}

func makeConfiguration(
  lease: Duration = .seconds(30), heartbeat: Duration = .seconds(5), poll: Duration = .seconds(2),
  jitter: Duration = .zero, partitionKey: String = "ResourceId"
) -> LeaseConfiguration {
  try! LeaseConfiguration(
    name: "fleet", lease: lease, heartbeat: heartbeat, poll: poll, pollJitter: jitter,
    schema: LockTableSchema(partitionKey: partitionKey))
}

extension LockRequest {
  var acquireWrites: (lock: LockWrite, fenceCounter: LockWrite)? {
    if case .acquire(let l, let c) = kind { return (l, c) }
    return nil
  }
  var renewWrite: LockWrite? {
    if case .renew(let w) = kind { return w }
    return nil
  }
  var releaseWrite: LockWrite? {
    if case .release(let w) = kind { return w }
    return nil
  }
  var isRead: Bool {
    if case .read = kind { return true }
    return false
  }
}

extension LockWrite {
  var putItem: LockItemAttributes? {
    if case .put(let item) = operation { return item }
    return nil
  }
  var updateExpression: String? {
    if case .update(_, let e) = operation { return e }
    return nil
  }
}

/// Drives a machine from start to held: start, empty read, acquire success.
func heldMachine(
  clock: inout FakeClock, configuration: LeaseConfiguration = makeConfiguration(),
  owner: String = "host-a:1:r"
) -> LeaseStateMachine {
  var m = LeaseStateMachine(configuration: configuration, owner: owner, seed: 42)
  let read = m.handle(.start(clock.now)).request!
  let acquire = m.handle(
    .readSucceeded(requestID: read.id, lock: nil, fenceCounter: nil, clock.now)
  ).request!
  _ = m.handle(.writeSucceeded(requestID: acquire.id, clock.now))
  precondition(m.role == .held)
  return m
}

/// The lease id our item holds after the latest successful write.
func leaseID(of write: LockWrite) -> String? {
  if let item = write.putItem { return item["lease_id"]?.stringValue }
  return write.values[":new"]?.stringValue
}
