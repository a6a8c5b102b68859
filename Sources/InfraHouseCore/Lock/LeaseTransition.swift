/// Why a held lease ended without a release.
public enum LeaseLossReason: Sendable, Hashable {
  /// A renewal's condition failed: the item no longer carries our owner and
  /// lease id. `currentOwner` is who holds it now, when DynamoDB said.
  case conditionFailed(currentOwner: String?)
  /// No renewal succeeded for lease minus two heartbeats, timed from before the
  /// last successful write was sent: we stop before anyone else can take over.
  case selfFenced(sinceLastSuccessfulWrite: Duration)
  /// A renewal's outcome was unknown and the consistent read showed another
  /// lease (`currentOwner` nil: the item is gone).
  case takenOver(currentOwner: String?)
}

/// Why the holder's renewals are struggling, kept apart from a real loss.
public enum LeaseTrouble: Sendable, Hashable {
  /// DynamoDB throttled the write; it was not applied.
  case throttled
  /// The request failed before it could be applied (connection refused, 4xx).
  case rejected
  /// A timeout or 5xx; the consistent read could not settle it yet.
  case outcomeUnknown
}

/// A change worth a log line, a journald entry and a `STATUS=` update.
public enum LeaseTransition: Sendable, Hashable {
  /// We hold the lock with this fencing token.
  case acquired(fence: UInt64)
  /// The lease was lost: exclusive work must stop now.
  case lost(LeaseLossReason)
  /// Renewals are failing for this reason, the lease is still held.
  case renewalTrouble(LeaseTrouble)
  /// A renewal succeeded again after trouble.
  case renewalRecovered
  /// The lock was released (`succeeded` false when the release write failed:
  /// the lease then simply runs out).
  case released(succeeded: Bool)
}
