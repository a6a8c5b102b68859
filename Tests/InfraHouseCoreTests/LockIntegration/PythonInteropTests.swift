import Foundation
import Testing

@testable import InfraHouseCore

/// Mutual exclusion with Python infrahouse-core 1.3.0's `DynamoDBTable.lock`
/// (condition `attribute_not_exists(ResourceId) OR expires_at < :now`), both ways.
@Suite struct PythonInteropTests {
  @Test func weWaitWhilePythonHoldsAndKeepTheFenceAfterItsDelete() async throws {
    let table = try await newLockTable()
    let config = try testLeaseConfiguration("shared")
    // An earlier holder of ours leaves its fence in the counter.
    let earlier = try await table.withLock(
      "shared", wait: .seconds(20), configuration: config, identity: "a:1:1"
    ) { $0 }

    let python = try PythonLockClient(table: table.name, name: "shared", timeout: 20)
    #expect(await eventually(30) { python.lines.contains("acquired") })
    let item = try await table.readLock("shared").lock
    #expect(item?.isInfraHouseCoreFormat == true)

    let b = LeaseOwner(table: table, configuration: config, identity: "b:2:2")
    await b.start()
    #expect(await b.waitUntilHeld(within: .seconds(8)) == nil)
    #expect(await b.status.lease.role == .standby)

    python.release()
    #expect(await python.exitStatus() == 0)
    // Python deleted the item; the counter item survived, so the fence still grows.
    #expect((await b.waitUntilHeld(within: .seconds(10)) ?? 0) > earlier)
    await b.stop()
  }

  @Test func pythonWaitsWhileWeHoldAndGetsInAfterOurRelease() async throws {
    let table = try await newLockTable()
    let config = try testLeaseConfiguration("shared")
    let a = LeaseOwner(table: table, configuration: config, identity: "a:1:1")
    await a.start()
    let fence = try #require(await a.waitUntilHeld(within: .seconds(20)))

    // Our expires_at stays current: Python's condition fails for its whole timeout.
    let blocked = try PythonLockClient(table: table.name, name: "shared", hold: "0", timeout: 4)
    #expect(await blocked.exitStatus() == 3)
    #expect(blocked.lines == ["timeout"])
    #expect(await a.admit() == fence)

    await a.stop()
    let after = try PythonLockClient(table: table.name, name: "shared", hold: "0", timeout: 10)
    #expect(await after.exitStatus() == 0)
    #expect(after.lines == ["acquired", "released"])
  }

  @Test func anExpiredPythonItemIsTaken() async throws {
    let table = try await newLockTable()
    let config = try testLeaseConfiguration("stale")
    // What a crashed infrahouse-core client leaves: expires_at in the past.
    try await table.putItem([
      "ResourceId": "stale", "expires_at": .number(Int64(Date().timeIntervalSince1970) - 5),
    ])
    let a = LeaseOwner(table: table, configuration: config, identity: "a:1:1")
    await a.start()
    #expect(await a.waitUntilHeld(within: .seconds(20)) != nil)
    await a.stop()
  }
}
