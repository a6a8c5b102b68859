extension LeaseTransition {
  /// Structured fields for the transition's journald entry (lower-case keys,
  /// the logger upper-cases them): `lock_event`, plus `lock_fence`,
  /// `lock_reason`, `lock_owner`, `lock_silence_ms` where they apply.
  public var journalFields: [String: String] {
    switch self {
    case .acquired(let fence):
      return ["lock_event": "acquired", "lock_fence": String(fence)]
    case .lost(.conditionFailed(let owner)):
      return ["lock_event": "lost", "lock_reason": "condition-failed", "lock_owner": owner ?? ""]
    case .lost(.takenOver(let owner)):
      return ["lock_event": "lost", "lock_reason": "taken-over", "lock_owner": owner ?? ""]
    case .lost(.selfFenced(let silence)):
      let c = silence.components
      let ms = c.seconds * 1000 + c.attoseconds / 1_000_000_000_000_000
      return ["lock_event": "lost", "lock_reason": "self-fenced", "lock_silence_ms": String(ms)]
    case .renewalTrouble(let trouble):
      return ["lock_event": "renewal-trouble", "lock_reason": trouble.code]
    case .renewalRecovered:
      return ["lock_event": "renewal-recovered"]
    case .released(let succeeded):
      return ["lock_event": succeeded ? "released" : "release-failed"]
    }
  }
}

extension LeaseTrouble {
  /// `throttled`, `rejected` or `outcome-unknown`: kept apart from a loss in logs and status.
  public var code: String {
    switch self {
    case .throttled: "throttled"
    case .rejected: "rejected"
    case .outcomeUnknown: "outcome-unknown"
    }
  }
}
