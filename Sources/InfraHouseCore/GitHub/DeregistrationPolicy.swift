/// Which runners housekeeping may touch, and when it deregisters them (issue 6).
public struct DeregistrationPolicy: Sendable, Hashable {
  /// Labels that must ALL be present for a runner to be in scope (empty: no label condition).
  public var requiredLabels: [String]
  /// A prefix the runner's name must have to be in scope (nil: no name condition).
  public var namePrefix: String?
  /// How long a runner must be offline, continuously, before deregistration.
  public var offlineGrace: Duration
  /// Deregister idle runners (opt-in).
  public var idleEnabled: Bool
  /// How long a runner must be idle (online, not busy), continuously.
  public var idleGrace: Duration
  /// And on at least this many consecutive runs.
  public var idleObservations: Int
  /// Idle runners in scope always kept.
  public var minIdle: Int
  /// At most this many deregistrations per run.
  public var maxDeregistrations: Int

  public init(
    requiredLabels: [String] = [], namePrefix: String? = nil,
    offlineGrace: Duration = .seconds(600),
    idleEnabled: Bool = false, idleGrace: Duration = .seconds(1800), idleObservations: Int = 3,
    minIdle: Int = 1,
    maxDeregistrations: Int = 50
  ) {
    self.requiredLabels = requiredLabels
    self.namePrefix = namePrefix
    self.offlineGrace = offlineGrace
    self.idleEnabled = idleEnabled
    self.idleGrace = idleGrace
    self.idleObservations = idleObservations
    self.minIdle = minIdle
    self.maxDeregistrations = maxDeregistrations
  }

  /// True when the runner is one housekeeping may touch at all.
  public func inScope(_ runner: Runner) -> Bool {
    if let namePrefix, !runner.name.hasPrefix(namePrefix) { return false }
    let names = Set(runner.labelNames)
    return requiredLabels.allSatisfy { names.contains($0) }
  }
}

/// What EC2 says of an instance named by a runner's `instance_id:` label.
public enum EC2InstanceState: String, Sendable, Hashable, CaseIterable {
  case pending, running, stopping, stopped
  case shuttingDown = "shutting-down"
  case terminated
  /// `InvalidInstanceID.NotFound`: EC2 has no such instance (any more).
  case notFound

  /// True when the instance is gone for good: its runner is an orphan.
  public var isGone: Bool { self == .terminated || self == .notFound }
}
