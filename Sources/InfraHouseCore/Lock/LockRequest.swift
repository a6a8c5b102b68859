/// One conditional write to the lock table, as plain strings and values: the AWS
/// layer turns it into a `PutItem`/`UpdateItem` (or an element of
/// `TransactWriteItems`) without interpreting it.
public struct LockWrite: Sendable, Hashable {
  /// What the write does.
  public enum Operation: Sendable, Hashable {
    /// `PutItem` with this whole item.
    case put(item: LockItemAttributes)
    /// `UpdateItem` of `key` with an `UpdateExpression`.
    case update(key: LockItemAttributes, updateExpression: String)
  }

  public var operation: Operation
  /// The `ConditionExpression`.
  public var condition: String
  /// `ExpressionAttributeNames` (`#pk` -> `ResourceId`, ...).
  public var names: [String: String]
  /// `ExpressionAttributeValues` (`:lease` -> ...).
  public var values: LockItemAttributes
  /// Ask for `ReturnValuesOnConditionCheckFailure=ALL_OLD`, so a failed
  /// condition reports the item that made it fail.
  public var returnOldItemOnConditionFailure: Bool

  public init(
    operation: Operation, condition: String, names: [String: String], values: LockItemAttributes,
    returnOldItemOnConditionFailure: Bool = true
  ) {
    self.operation = operation
    self.condition = condition
    self.names = names
    self.values = values
    self.returnOldItemOnConditionFailure = returnOldItemOnConditionFailure
  }
}

/// A request the lease state machine asks its owner to perform. Each carries an
/// id; the owner hands it back with the outcome, and outcomes of requests the
/// machine no longer waits for are ignored.
public struct LockRequest: Sendable, Hashable {
  /// What to do.
  public enum Kind: Sendable, Hashable {
    /// Consistent reads (`ConsistentRead=true`) of the lock item and of the
    /// fence counter item; report both with `.readSucceeded`.
    case read(lockKey: LockItemAttributes, fenceCounterKey: LockItemAttributes)
    /// Acquire: both writes in ONE `TransactWriteItems`, so the fence counter
    /// grows by one exactly when the lock item is taken.
    case acquire(lock: LockWrite, fenceCounter: LockWrite)
    /// Renew: one `UpdateItem`.
    case renew(LockWrite)
    /// Release: one `UpdateItem`.
    case release(LockWrite)
  }

  /// Matches the outcome to the request.
  public var id: UInt64
  public var kind: Kind

  public init(id: UInt64, kind: Kind) {
    self.id = id
    self.kind = kind
  }
}

/// Why a request failed, as the owner classifies DynamoDB's answer.
public enum LockRequestFailure: Error, Sendable, Hashable {
  /// `ConditionalCheckFailedException` (or a `TransactionCanceledException`
  /// whose reasons include `ConditionalCheckFailed`): the write was not applied.
  /// `current` is the lock item DynamoDB returned with `ALL_OLD`, when it did.
  case conditionFailed(current: LockItem?)
  /// Throttling (`ProvisionedThroughputExceededException`, `ThrottlingException`,
  /// `RequestLimitExceeded`, a transaction conflict): the write was not applied.
  case throttled
  /// A timeout, a reset connection or a 5xx: the write may or may not have been applied.
  case outcomeUnknown
  /// Anything else that certainly was not applied (connection refused, 4xx other
  /// than the above, bad credentials).
  case rejected
}
