/// Settings of ``RaftHeartbeat``: what the daemon's `[raft]` section maps onto.
public struct RaftHeartbeatConfiguration: Sendable, Equatable {
  /// Perform membership changes (`reconcile`, opt-in). Off: observe and report only.
  public var reconcile: Bool
  /// The planner's settings: minimum size, Raft port, dry run, leader quiet period.
  public var planner: RaftReconcileConfiguration
  /// The limit for reading one peer (all of its calls together).
  public var peerTimeout: Duration
  /// At most this many changes in one run (the planner's own limits still apply).
  public var maxStepsPerRun: Int
  /// After a change, how long to wait for the cluster to show it and be
  /// stable (also the time etcd's 503 refusals are retried). Keep
  /// `maxStepsPerRun` × this under the task's timeout (`[raft] timeout`, 25 s).
  public var settleTimeout: Duration
  /// How often the peers are re-read while settling.
  public var settlePollInterval: Duration
  /// Consecutive stable re-reads needed before the next step.
  public var stableReads: Int

  public init(
    reconcile: Bool = false, planner: RaftReconcileConfiguration = .init(),
    peerTimeout: Duration = .seconds(5), maxStepsPerRun: Int = 2,
    settleTimeout: Duration = .seconds(10), settlePollInterval: Duration = .seconds(1),
    stableReads: Int = 2
  ) {
    self.reconcile = reconcile
    self.planner = planner
    self.peerTimeout = peerTimeout
    self.maxStepsPerRun = maxStepsPerRun
    self.settleTimeout = settleTimeout
    self.settlePollInterval = settlePollInterval
    self.stableReads = stableReads
  }
}
