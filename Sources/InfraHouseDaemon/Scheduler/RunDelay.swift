import InfraHouseConfig

/// When a task runs next: a pure function of its schedule, how many runs in a
/// row failed, and a random fraction for jitter, so it is testable exactly.
public enum RunDelay {
  /// The wait before the next run.
  ///
  /// After a success (`consecutiveFailures == 0`) it is `interval`; after
  /// failures it doubles per failure from `interval` (capped at `backoffCap`,
  /// and never below `interval`). `jitterFraction` in `0...1` adds that share
  /// of `jitter` on top.
  public static func next(
    schedule: TaskSchedule, consecutiveFailures: Int, jitterFraction: Double
  ) -> Duration {
    var base = schedule.interval
    if consecutiveFailures > 0 {
      let cap = max(schedule.backoffCap, schedule.interval)
      for _ in 0..<min(consecutiveFailures, 62) {
        base = base * 2
        if base >= cap {
          base = cap
          break
        }
      }
    }
    let fraction = min(max(jitterFraction, 0), 1)
    return base + schedule.jitter * fraction
  }
}
