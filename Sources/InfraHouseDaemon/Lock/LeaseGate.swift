/// The scheduler's ``ExclusiveGate`` backed by the fleet lock: exclusive tasks
/// are admitted only while the lease is held with at least a heartbeat left
/// before self-fencing, and a run is revoked the instant its lease is lost
/// (renewal condition failed, taken over, self-fenced) or released.
public struct LeaseGate: ExclusiveGate {
  let service: FleetLockService

  public init(service: FleetLockService) { self.service = service }

  public func admit() async -> UInt64? { await service.admit() }

  public func waitUntilRevoked(fence: UInt64) async {
    await service.waitUntilRevoked(fence: fence)
  }

  public func describe() async -> String { await service.statusLine() }
}
