/// The outcome of the fresh GET made right before a DELETE.
public enum RecheckVerdict: Sendable, Hashable {
  /// Still as planned: delete it.
  case proceed
  /// GET answered 404: already gone, counted as a success.
  case alreadyGone
  /// Changed since the listing: skip this run.
  case skip(RecheckSkip)
}

/// Why a candidate was skipped at the re-check.
public enum RecheckSkip: Sendable, Hashable {
  /// It is running a job now (the list's `busy` flag can be stale).
  case busy
  /// Its status changed since the listing (`from` → `to`).
  case statusChanged(from: String, to: String)
  /// Its name or labels changed and it left the scope.
  case leftScope
}

extension DeregistrationPolicy {
  /// The pre-DELETE rule (issue 6): with a fresh `GET` of the candidate
  /// (`nil` when it answered 404), delete only if it is not busy, its status is
  /// unchanged, and it is still in scope.
  public func recheck(listed: Runner, fresh: Runner?) -> RecheckVerdict {
    guard let fresh else { return .alreadyGone }
    if fresh.busy { return .skip(.busy) }
    if fresh.status != listed.status {
      return .skip(.statusChanged(from: listed.status.rawValue, to: fresh.status.rawValue))
    }
    if !inScope(fresh) { return .skip(.leftScope) }
    return .proceed
  }
}
