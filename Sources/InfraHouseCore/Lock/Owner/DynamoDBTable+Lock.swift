/// Why ``DynamoDBTable/withLock(_:wait:configuration:identity:logger:_:)`` did not run
/// its body to the end under the lock.
public enum ScopedLockError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The lock could not be had within the wait.
  case notAcquired(name: String, wait: Duration)
  /// The lease was lost while the body ran; the body was cancelled.
  case lost(name: String, fence: UInt64)

  public var description: String {
    switch self {
    case .notAcquired(let name, let wait):
      "could not acquire the lock '\(name)' within \(wait)"
    case .lost(let name, let fence):
      "lost the lock '\(name)' (fence \(fence)) while working under it"
    }
  }
}

/// How the body of a scoped lock ended: by itself, or revoked with the lease.
enum ScopedLockOutcome<T: Sendable>: Sendable {
  case finished(Result<T, any Error>)
  case revoked
}

extension DynamoDBTable {
  /// Runs `body` while holding the fleet lock `name` (the scoped form of
  /// infrahouse-core's `DynamoDBTable.lock` context manager, interoperable with it).
  ///
  /// Waits up to `wait` for the lock, then runs `body` with the fencing token,
  /// renewing the lease meanwhile. If the lease is lost, `body` is cancelled and
  /// ``ScopedLockError/lost(name:fence:)`` is thrown once it returned. The lock
  /// is released at the end in every case.
  ///
  /// - Parameters:
  ///   - configuration: lease timing and table layout; default: issue 5's defaults
  ///     (lease 30 s, heartbeat 5 s, poll 2 s) with the partition key `ResourceId`.
  ///   - identity: the owner written to the item; default ``LockHostIdentity``.
  public func withLock<T: Sendable>(
    _ name: String, wait: Duration = .seconds(30), configuration: LeaseConfiguration? = nil,
    identity: String? = nil, logger: Logger = Logger(label: "lock"),
    _ body: @escaping @Sendable (_ fence: UInt64) async throws -> T
  ) async throws -> T {
    var lease = try configuration ?? LeaseConfiguration(name: name)
    lease.name = name
    let owner = LeaseOwner(
      table: self, configuration: lease,
      identity: await identityOrDefault(identity), logger: logger)
    await owner.start()
    guard let fence = await owner.waitUntilHeld(within: wait) else {
      await owner.stop()
      try Task.checkCancellation()
      throw ScopedLockError.notAcquired(name: name, wait: wait)
    }
    let outcome = await withTaskGroup(of: ScopedLockOutcome<T>.self) { group in
      group.addTask {
        do { return .finished(.success(try await body(fence))) } catch {
          return .finished(.failure(error))
        }
      }
      group.addTask {
        await owner.waitUntilRevoked(fence: fence)
        return .revoked
      }
      let first = await group.next() ?? .revoked
      group.cancelAll()
      return first
    }
    await owner.stop()
    switch outcome {
    case .finished(let result): return try result.get()
    case .revoked:
      try Task.checkCancellation()
      throw ScopedLockError.lost(name: name, fence: fence)
    }
  }

  private func identityOrDefault(_ identity: String?) async -> String {
    if let identity { return identity }
    return await LockHostIdentity.make(
      instanceMetadata: session.instanceMetadata, environment: session.environment)
  }

  /// Reads the lock `name` and its fence counter consistently (for `lock status`):
  /// nil item when the lock was never taken or was deleted by an infrahouse-core client.
  public func readLock(_ name: String, schema: LockTableSchema = .init()) async throws -> (
    lock: LockItem?, fenceCounter: UInt64?
  ) {
    let lockKey = LockAttributeConversion.item(schema.lockKey(name))
    let counterKey = LockAttributeConversion.item(schema.fenceCounterKey(name))
    async let lock = getItem(key: lockKey, consistentRead: true)
    async let counter = getItem(key: counterKey, consistentRead: true)
    let item = try await lock.map {
      try LockItem(attributes: LockAttributeConversion.attributes($0), schema: schema)
    }
    return (
      item,
      decodeFenceCounter(try await counter.map(LockAttributeConversion.attributes), schema: schema)
    )
  }
}
