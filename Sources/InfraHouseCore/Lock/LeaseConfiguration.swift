/// The lease's timing and table layout.
public struct LeaseConfiguration: Sendable, Hashable {
  /// The lock's name: the partition-key value of its item.
  public var name: String
  /// The lease length: how long other hosts wait, on their own monotonic clock,
  /// for a lease id to change before they take the lock.
  public var lease: Duration
  /// The renewal interval.
  public var heartbeat: Duration
  /// How often a standby reads the lock.
  public var poll: Duration
  /// A random delay in `0..<pollJitter` added to each poll, so standbys spread out.
  public var pollJitter: Duration
  /// The table's attribute names.
  public var schema: LockTableSchema

  /// Why a configuration was refused.
  public enum Invalid: Error, Hashable, CustomStringConvertible {
    case nonPositive(String)
    case leaseUnderFourHeartbeats(lease: Duration, heartbeat: Duration)
    case emptyName

    public var description: String {
      switch self {
      case .nonPositive(let field): "\(field) must be positive"
      case .leaseUnderFourHeartbeats(let l, let h):
        "lease (\(l)) must be at least 4 heartbeats (4 x \(h)): the holder fences itself at lease - 2 heartbeats and renews every heartbeat"
      case .emptyName: "the lock name must not be empty"
      }
    }
  }

  /// Validates and builds a configuration; the defaults are issue 5's (lease
  /// 30 s, heartbeat 5 s, poll 2 s with up to 1 s of jitter).
  public init(
    name: String, lease: Duration = .seconds(30), heartbeat: Duration = .seconds(5),
    poll: Duration = .seconds(2), pollJitter: Duration = .seconds(1),
    schema: LockTableSchema = .init()
  ) throws(Invalid) {
    guard !name.isEmpty else { throw .emptyName }
    guard lease > .zero else { throw .nonPositive("lease") }
    guard heartbeat > .zero else { throw .nonPositive("heartbeat") }
    guard poll > .zero else { throw .nonPositive("poll") }
    guard pollJitter >= .zero else { throw .nonPositive("poll_jitter") }
    guard lease >= heartbeat * 4 else {
      throw .leaseUnderFourHeartbeats(lease: lease, heartbeat: heartbeat)
    }
    self.name = name
    self.lease = lease
    self.heartbeat = heartbeat
    self.poll = poll
    self.pollJitter = pollJitter
    self.schema = schema
  }

  /// How long after the send time of the last successful write the holder keeps
  /// the lease: lease minus two heartbeats.
  public var selfFenceAfter: Duration { lease - heartbeat * 2 }

  /// The lease length in milliseconds, as stored in `lease_ms`.
  public var leaseMilliseconds: Int64 {
    let c = lease.components
    return c.seconds * 1000 + c.attoseconds / 1_000_000_000_000_000
  }

  /// The lease length in whole seconds, rounded up, for `expires_at`.
  public var leaseSecondsRoundedUp: Int64 { (leaseMilliseconds + 999) / 1000 }
}
