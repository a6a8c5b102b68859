/// A point on the monotonic clock, as a duration since an arbitrary origin
/// (boot, or zero in tests). Only differences between two instants mean anything.
///
/// Every timing decision of the lease uses this clock and nothing else, so a wall
/// clock stepped by NTP or an operator changes no decision.
public struct MonotonicInstant: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// Time since the clock's origin.
  public var sinceOrigin: Duration

  public init(sinceOrigin: Duration) { self.sinceOrigin = sinceOrigin }

  public static func < (a: Self, b: Self) -> Bool { a.sinceOrigin < b.sinceOrigin }
  public static func + (a: Self, d: Duration) -> Self { Self(sinceOrigin: a.sinceOrigin + d) }
  public static func - (a: Self, d: Duration) -> Self { Self(sinceOrigin: a.sinceOrigin - d) }
  public static func - (a: Self, b: Self) -> Duration { a.sinceOrigin - b.sinceOrigin }

  public var description: String { "mono(\(sinceOrigin))" }
}

/// What the lease's owner reads from its clocks when it hands an event over.
///
/// `monotonic` drives every timing decision; `wallEpochSeconds` is used only to
/// write `expires_at` (for infrahouse-core clients, which compare it with their own
/// wall clock) and to test an infrahouse-core item's `expires_at`.
public struct LeaseNow: Sendable, Hashable {
  /// The monotonic clock reading.
  public var monotonic: MonotonicInstant
  /// Wall-clock time in whole seconds since the Unix epoch.
  public var wallEpochSeconds: Int64

  public init(monotonic: MonotonicInstant, wallEpochSeconds: Int64) {
    self.monotonic = monotonic
    self.wallEpochSeconds = wallEpochSeconds
  }
}
