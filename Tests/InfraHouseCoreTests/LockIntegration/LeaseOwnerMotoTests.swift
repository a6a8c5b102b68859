import Foundation
import Testing

@testable import InfraHouseCore

/// The lease owner against moto_server (signature checking on).
@Suite struct LeaseOwnerMotoTests {
  @Test func acquiresRenewsAndReleasesWithAGrowingFence() async throws {
    let table = try await newLockTable()
    let config = try testLeaseConfiguration("jobs")
    let sink = MemoryLogSink()
    let a = LeaseOwner(
      table: table, configuration: config, identity: "host-a:1:00000001",
      logger: Logger(label: "lock", level: .debug, sink: sink))
    let events = await a.transitions()
    await a.start()
    // Fence 1, unless a timed-out first attempt on a loaded machine took another.
    let held = await a.waitUntilHeld(within: .seconds(20))
    let early = await a.status
    let fence = try #require(
      held,
      "\(early.summary); requests \(early.requests), failed \(a.counters.count(.failed)), acquires \(a.counters.count(.acquire)); log \(sink.all.map(\.message))"
    )
    #expect(fence >= 1)
    var read = try await table.readLock("jobs")
    #expect(read.lock?.owner == "host-a:1:00000001")
    #expect(read.lock?.fence == fence)
    #expect(read.fenceCounter == fence)
    #expect(read.lock?.leaseMilliseconds == 6000)
    let now = Int64(Date().timeIntervalSince1970)
    #expect((read.lock?.expiresAt ?? 0) > now)
    let firstLeaseID = read.lock?.leaseID

    // Renewal rotates the lease id every heartbeat and keeps the fence.
    #expect(
      try await eventually(5) {
        try await table.readLock("jobs").lock?.leaseID != firstLeaseID
      })
    #expect(await a.fence == fence)
    #expect(a.counters.count(.renew) >= 1)

    await a.stop()
    read = try await table.readLock("jobs")
    #expect(read.lock?.released == true)
    #expect(read.lock?.expiresAt == 0)

    // The next holder gets the next fence at once: the item says released.
    let b = LeaseOwner(table: table, configuration: config, identity: "host-b:2:00000002")
    await b.start()
    let next = try #require(await b.waitUntilHeld(within: .seconds(5)))
    #expect(next > fence)
    #expect(try await table.readLock("jobs").fenceCounter == next)
    await b.stop()

    var seen: [LeaseTransition] = []
    for await t in events { seen.append(t) }
    #expect(seen == [.acquired(fence: fence), .released(succeeded: true)])
    let acquired = sink.all.first { $0.metadata["lease_event"] == "acquired" }
    #expect(acquired?.metadata["lock"] == "jobs")
    #expect(acquired?.metadata["fence"] == String(fence))
    #expect(acquired?.metadata["holder"] == "host-a:1:00000001")
  }

  @Test func aStandbyWaitsForTheHolderAndTakesOverAfterRelease() async throws {
    let table = try await newLockTable()
    let config = try testLeaseConfiguration("pair")
    let a = LeaseOwner(table: table, configuration: config, identity: "a:1:1")
    let b = LeaseOwner(table: table, configuration: config, identity: "b:2:2")
    await a.start()
    let fence = try #require(await a.waitUntilHeld(within: .seconds(20)))
    await b.start()
    // Longer than a lease: a live holder keeps renewing, so b never gets in.
    #expect(await b.waitUntilHeld(within: .seconds(8)) == nil)
    let standby = await b.status
    #expect(standby.lease.role == .standby)
    #expect(standby.lease.observedOwner == "a:1:1")
    #expect(standby.lease.observedFence == fence)
    #expect(await a.admit() == fence)

    await a.stop()
    #expect((await b.waitUntilHeld(within: .seconds(5)) ?? 0) > fence)
    await b.stop()
  }

  @Test func anAbandonedLeaseIsTakenAfterALeaseOnTheStandbysClock() async throws {
    let table = try await newLockTable()
    let config = try testLeaseConfiguration("crash")
    // A holder that "crashed": its item stays, with a lease id that never changes
    // and an expires_at far in the future (another host's wall clock is not trusted).
    try await table.putItem([
      "ResourceId": "crash", "owner": "dead:9:9", "lease_id": "1-00000000deadbeef",
      "lease_ms": 6000, "fence": 41,
      "expires_at": .number(Int64(Date().timeIntervalSince1970) + 3600),
    ])
    let sink = MemoryLogSink()
    // A generous request timeout: with every suite running at once, moto can take
    // longer than 0.8 s, and each timed-out acquisition restarts the lease wait.
    let b = LeaseOwner(
      table: table, configuration: config, identity: "b:2:2", requestTimeout: .seconds(3),
      logger: Logger(label: "l", level: .trace, sink: sink))
    let started = ContinuousClock.now
    await b.start()
    let fence = await b.waitUntilHeld(within: .seconds(40))
    let waited = ContinuousClock.now - started
    let st = await b.status
    #expect(
      (fence ?? 0) >= 42,
      "\(st.summary); failed requests \(b.counters.count(.failed)); log: \(sink.all.map(\.message))"
    )
    #expect(waited >= .seconds(6))
    await b.stop()
  }

  @Test func aStolenLockIsReportedLostAndRevokesTheFence() async throws {
    let table = try await newLockTable()
    let config = try testLeaseConfiguration("steal")
    let a = LeaseOwner(table: table, configuration: config, identity: "a:1:1")
    let events = await a.transitions()
    await a.start()
    let fence = try #require(await a.waitUntilHeld(within: .seconds(20)))
    // Someone overwrites the item: the next renewal's condition fails.
    try await table.putItem([
      "ResourceId": "steal", "owner": "thief:3:3", "lease_id": "1-0000000000000bad",
      "lease_ms": 3000, "fence": 99, "expires_at": 0,
    ])
    await a.waitUntilRevoked(fence: fence)
    #expect(await a.fence == nil)
    #expect(await a.admit() == nil)
    var lost: LeaseTransition?
    for await t in events {
      if case .lost = t {
        lost = t
        break
      }
    }
    #expect(lost == .lost(.conditionFailed(currentOwner: "thief:3:3")))
    await a.stop()
  }

  @Test func withLockRunsTheBodyWithTheFenceAndExcludesOthers() async throws {
    let table = try await newLockTable()
    let config = try testLeaseConfiguration("scoped")
    let entered = AsyncStream<Void>.makeStream()
    let leave = AsyncStream<Void>.makeStream()
    let first = Task {
      try await table.withLock(
        "scoped", wait: .seconds(20), configuration: config, identity: "a:1:1"
      ) { fence in
        entered.continuation.yield()
        for await _ in leave.stream { break }
        return fence
      }
    }
    for await _ in entered.stream { break }
    await #expect(throws: ScopedLockError.notAcquired(name: "scoped", wait: .seconds(2))) {
      try await table.withLock(
        "scoped", wait: .seconds(2), configuration: config, identity: "b:2:2"
      ) { _ in 0 }
    }
    leave.continuation.yield()
    let firstFence = try await first.value
    let second = try await table.withLock(
      "scoped", wait: .seconds(5), configuration: config, identity: "b:2:2"
    ) { fence in fence }
    #expect(second > firstFence)
    #expect(try await table.readLock("scoped").lock?.released == true)
  }

  @Test func withLockCancelsTheBodyWhenTheLeaseIsLost() async throws {
    let table = try await newLockTable()
    let config = try testLeaseConfiguration("cancel")
    let error = await #expect(throws: ScopedLockError.self) {
      try await table.withLock(
        "cancel", wait: .seconds(20), configuration: config, identity: "a:1:1"
      ) { fence in
        try await table.putItem([
          "ResourceId": "cancel", "owner": "thief:3:3", "lease_id": "1-0000000000000bad",
          "fence": 7,
        ])
        // Would sleep a minute; the lost lease cancels it.
        try await Task.sleep(for: .seconds(60))
        return fence
      }
    }
    guard case .lost(name: "cancel", _) = error else {
      Issue.record("expected a lost lock, got \(String(describing: error))")
      return
    }
  }

  @Test func aConfigurablePartitionKey() async throws {
    let table = try await newLockTable(partitionKey: "LockName")
    let config = try testLeaseConfiguration("custom", partitionKey: "LockName")
    let fence = try await table.withLock(
      "custom", wait: .seconds(20), configuration: config, identity: "a:1:1"
    ) { $0 }
    #expect(fence >= 1)
    let raw = try await table.getItem(key: ["LockName": "custom"], consistentRead: true)
    #expect(raw?["owner"] == "a:1:1")
  }

  @Test func failuresAreClassified() async throws {
    let table = try await newLockTable()
    let schema = LockTableSchema()
    try await table.putItem(["ResourceId": "c", "owner": "x", "lease_id": "1-1"])
    do {
      try await table.putItem(
        ["ResourceId": "c"],
        condition: DynamoDBExpression("attribute_not_exists(#pk)", names: ["#pk": "ResourceId"]))
      Issue.record("the condition should have failed")
    } catch {
      #expect(
        LockFailureClassifier.classify(error, schema: schema)
          == .conditionFailed(current: LockItem(name: "c", owner: "x", leaseID: "1-1")))
    }
    do {
      try await table.transactWriteItems([
        DynamoDBTransactWrite(
          .put(item: ["ResourceId": "c"]),
          condition: DynamoDBExpression("attribute_not_exists(#pk)", names: ["#pk": "ResourceId"])),
        DynamoDBTransactWrite(
          .update(key: ["ResourceId": "c#fence"], update: DynamoDBExpression("SET #f = :one")),
          condition: DynamoDBExpression(
            "attribute_not_exists(#pk)", names: ["#pk": "ResourceId", "#f": "fence"],
            values: [":one": 1]), returnOldItemOnConditionFailure: false),
      ])
      Issue.record("the transaction should have been cancelled")
    } catch let error as DynamoDBTransactionCanceled {
      #expect(error.reasons.map(\.code) == ["ConditionalCheckFailed", "None"])
      #expect(
        LockFailureClassifier.classify(error, schema: schema)
          == .conditionFailed(current: LockItem(name: "c", owner: "x", leaseID: "1-1")))
    }
    // Nothing of the cancelled transaction was written.
    #expect(try await table.getItem(key: ["ResourceId": "c#fence"], consistentRead: true) == nil)
    // A table that does not exist: a 4xx that certainly did not apply.
    let missing = DynamoDBTable(name: "no-such-table", session: LockMotoServer.shared.session())
    do {
      _ = try await missing.getItem(key: ["ResourceId": "c"])
      Issue.record("the table should be missing")
    } catch {
      #expect(LockFailureClassifier.classify(error, schema: schema) == .rejected)
    }
    // Nothing listening: refused before anything was sent.
    let closed = DynamoDBTable(
      name: "t",
      session: AWSSession(
        .init(
          region: "us-east-1", endpointURL: "http://127.0.0.1:9",
          retryPolicy: AWSRetryPolicy(maxAttempts: 1)),
        environment: LockMotoServer.shared.environment))
    do {
      _ = try await closed.getItem(key: ["ResourceId": "c"])
      Issue.record("nothing listens on port 9")
    } catch {
      #expect(LockFailureClassifier.classify(error, schema: schema) == .rejected)
    }
    #expect(
      LockFailureClassifier.classify(TimeoutError(duration: .seconds(1)), schema: schema)
        == .outcomeUnknown)
  }
}
