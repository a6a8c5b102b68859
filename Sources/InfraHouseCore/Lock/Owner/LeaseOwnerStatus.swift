/// A lease owner's state for `STATUS=`, `infrahoused status` and logs.
public struct LeaseOwnerStatus: Sendable, Hashable {
  /// The lock's name.
  public var name: String
  /// Our identity as written in `owner`.
  public var identity: String
  /// The state machine's snapshot: role, fence, time left, observed holder, trouble.
  public var lease: LeaseStateMachine.Status
  /// DynamoDB requests sent so far (a read counts two).
  public var requests: Int
  /// How the lease was last lost, if it was.
  public var lastLoss: LeaseLossReason?

  public init(
    name: String, identity: String, lease: LeaseStateMachine.Status, requests: Int,
    lastLoss: LeaseLossReason?
  ) {
    self.name = name
    self.identity = identity
    self.lease = lease
    self.requests = requests
    self.lastLoss = lastLoss
  }

  /// The holder last seen in the table; nil while that is still our own identity
  /// although we no longer hold the lease (just lost, not re-read yet).
  public var observedHolder: String? {
    guard let owner = lease.observedOwner else { return nil }
    return owner == identity && lease.role != .held ? nil : owner
  }

  /// One line: `held, fence 7, 24.5s left` or `standby, holder HOST (fence 6)`,
  /// with any trouble appended.
  public var summary: String {
    var text: String
    switch lease.role {
    case .held:
      text = "held, fence \(lease.fence.map(String.init) ?? "?")"
      if let left = lease.timeLeft { text += ", \(LeaseOwnerStatus.seconds(left)) left" }
    case .standby, .acquiring:
      text = lease.role.rawValue
      if let owner = observedHolder {
        text += ", holder \(owner)"
        if let f = lease.observedFence { text += " (fence \(f))" }
      } else if lease.observedOwner != nil {
        text += ", reading the lock again"
      } else {
        text += ", lock free"
      }
    default:
      text = lease.role.rawValue
    }
    if let trouble = lease.trouble { text += ", trouble: \(trouble)" }
    return text
  }

  /// `12.3s`.
  static func seconds(_ d: Duration) -> String {
    let ms = d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
    return "\(ms / 1000).\((ms % 1000) / 100)s"
  }
}
