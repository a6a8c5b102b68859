/// The owner's clocks as a ``LeaseNow``: `ContinuousClock` (monotonic, it
/// keeps counting while the process is stopped) measured from a fixed
/// process-wide origin, and the wall clock in epoch seconds.
public enum LeaseClock {
  /// The origin of every ``MonotonicInstant`` this process makes.
  public static let origin = ContinuousClock.now

  /// Both clocks, read now.
  @Sendable public static func now() -> LeaseNow {
    LeaseNow(
      monotonic: MonotonicInstant(sinceOrigin: ContinuousClock.now - origin),
      wallEpochSeconds: Timestamp.now().epochSeconds)
  }

  /// The `ContinuousClock` instant of a monotonic reading.
  public static func instant(_ monotonic: MonotonicInstant) -> ContinuousClock.Instant {
    origin + monotonic.sinceOrigin
  }
}
