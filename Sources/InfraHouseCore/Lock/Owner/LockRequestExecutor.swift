import Synchronization

/// Performs the lease state machine's requests against a DynamoDB table:
/// consistent `GetItem`s for a read, one `TransactWriteItems` for an
/// acquisition, `UpdateItem` for a renewal or a release, each bounded by a
/// timeout and with failures classified by ``LockFailureClassifier``.
///
/// The table is used with a single attempt per call: the state machine decides
/// about retries itself, and a hidden retry would only blur its timing.
public struct LockRequestExecutor: Sendable {
  /// The table, without retries.
  public let table: DynamoDBTable
  public let schema: LockTableSchema
  /// Bounds every request (shorter than a heartbeat).
  public let timeout: Duration
  /// How many DynamoDB requests were sent, by kind.
  public let counters: LockRequestCounters

  public init(
    table: DynamoDBTable, schema: LockTableSchema, timeout: Duration,
    counters: LockRequestCounters = LockRequestCounters()
  ) {
    self.table = table.withRetryPolicy(AWSRetryPolicy(maxAttempts: 1))
    self.schema = schema
    self.timeout = timeout
    self.counters = counters
  }

  /// Performs `request` and returns the event to feed back; `now` is read when
  /// the answer arrives.
  public func perform(_ request: LockRequest, now: @Sendable () -> LeaseNow) async
    -> LeaseStateMachine.Event
  {
    let table = self.table
    do {
      switch request.kind {
      case .read(let lockKey, let counterKey):
        counters.add(.read, 2)
        let (lock, counter) = try await withTimeout(timeout) {
          async let lock = table.getItem(
            key: LockAttributeConversion.item(lockKey), consistentRead: true)
          async let counter = table.getItem(
            key: LockAttributeConversion.item(counterKey), consistentRead: true)
          return (try await lock, try await counter)
        }
        return .readSucceeded(
          requestID: request.id, lock: lock.map(LockAttributeConversion.attributes),
          fenceCounter: counter.map(LockAttributeConversion.attributes), now())
      case .acquire(let lock, let counter):
        counters.add(.acquire, 1)
        let writes = [
          LockAttributeConversion.transactWrite(lock),
          LockAttributeConversion.transactWrite(counter),
        ]
        try await withTimeout(timeout) { try await table.transactWriteItems(writes) }
      case .renew(let write):
        counters.add(.renew, 1)
        try await update(write)
      case .release(let write):
        counters.add(.release, 1)
        try await update(write)
      }
      return .writeSucceeded(requestID: request.id, now())
    } catch {
      counters.add(.failed, 1)
      return .requestFailed(
        requestID: request.id, LockFailureClassifier.classify(error, schema: schema), now())
    }
  }

  private func update(_ write: LockWrite) async throws {
    guard case .update(let key, let updateExpression) = write.operation else {
      // The state machine renews and releases with updates only.
      throw AWSClientError.invalidArgument("a lock renewal or release must be an update")
    }
    let table = self.table
    let condition = LockAttributeConversion.condition(of: write, alsoUsedIn: updateExpression)
    _ = try await withTimeout(timeout) {
      try await table.updateItem(
        key: LockAttributeConversion.item(key), update: DynamoDBExpression(updateExpression),
        condition: condition, returnValues: "NONE")
    }
  }
}

/// Counts the DynamoDB requests a lease sent, for status output and the
/// requests-per-hour benchmark. A read counts two (the lock and the fence counter).
public final class LockRequestCounters: Sendable {
  /// A request kind.
  public enum Kind: String, Sendable, CaseIterable {
    case read, acquire, renew, release, failed
  }
  private let counts = Mutex<[Kind: Int]>([:])

  public init() {}

  func add(_ kind: Kind, _ n: Int) { counts.withLock { $0[kind, default: 0] += n } }

  /// The count of one kind.
  public func count(_ kind: Kind) -> Int { counts.withLock { $0[kind] ?? 0 } }

  /// Every DynamoDB request sent (failed ones are also counted under their kind).
  public var total: Int {
    counts.withLock { $0.filter { $0.key != .failed }.values.reduce(0, +) }
  }
}
