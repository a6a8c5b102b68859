/// What earlier reconcile runs remembered. Kept in memory by the task (the
/// two-consecutive-runs rule restarts after a daemon restart, which only delays).
public struct RaftReconcileHistory: Sendable, Hashable {
  /// The run number of the last plan.
  public var run: Int
  /// Peer address (exact string) → the first run that found it absent from the
  /// ASG (or its instance terminating/terminated), in the current absent stretch.
  public var absentSince: [String: Int]
  /// The leader the majority agreed on at the last plan.
  public var leader: String?
  /// When that leader was first seen (monotonic): a change within the quiet
  /// period skips the run.
  public var leaderSeenSince: MonotonicInstant?
  /// Removals made so far in the current run.
  public var removalsThisRun: Int
  /// The peer-set size when the current run started.
  public var peersAtRunStart: Int

  public init(
    run: Int = 0, absentSince: [String: Int] = [:], leader: String? = nil,
    leaderSeenSince: MonotonicInstant? = nil,
    removalsThisRun: Int = 0, peersAtRunStart: Int = 0
  ) {
    self.run = run
    self.absentSince = absentSince
    self.leader = leader
    self.leaderSeenSince = leaderSeenSince
    self.removalsThisRun = removalsThisRun
    self.peersAtRunStart = peersAtRunStart
  }
}
