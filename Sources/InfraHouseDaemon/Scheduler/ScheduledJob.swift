import InfraHouseConfig
import InfraHouseCore

/// Work the scheduler runs periodically. One run at a time per job; the
/// scheduler cancels a run cooperatively on timeout, on stop, and (for
/// exclusive jobs) when the fleet lock is lost.
public protocol PeriodicJob: Sendable {
  /// Performs one run. Throwing marks the run failed and starts backoff.
  func run(_ context: JobContext) async throws
}

/// What a run gets from the scheduler.
public struct JobContext: Sendable {
  /// The job's name.
  public let name: String
  /// A logger carrying `task=<name>` metadata.
  public let logger: Logger
  /// For exclusive jobs, the fencing token of the lease the run started under.
  public let fence: UInt64?
}

/// A job together with how it is scheduled.
public struct JobSpec: Sendable {
  /// Unique among the scheduler's jobs; `TASK=` in the journal.
  public var name: String
  public var schedule: TaskSchedule
  /// Runs only while the ``ExclusiveGate`` is open.
  public var exclusive: Bool
  /// Identifies the job's configuration: a reload restarts a job whose
  /// fingerprint changed and leaves the others running.
  public var fingerprint: String
  public var job: any PeriodicJob

  public init(
    name: String, schedule: TaskSchedule, exclusive: Bool, fingerprint: String, job: any PeriodicJob
  ) {
    self.name = name
    self.schedule = schedule
    self.exclusive = exclusive
    self.fingerprint = fingerprint
    self.job = job
  }
}

/// Whether exclusive work may run now: the fleet lock supplies the real one.
public protocol ExclusiveGate: Sendable {
  /// The fencing token when exclusive work may start now (lease held with
  /// enough time left), nil otherwise.
  func admit() async -> UInt64?
  /// Returns when the lease under which `fence` was admitted is lost or
  /// released; the scheduler then cancels the run at once.
  func waitUntilRevoked(fence: UInt64) async
  /// A short human description for status output ("held, fence 7, 24s left").
  func describe() async -> String
}

/// A gate that never opens: exclusive jobs are held back when there is no lock configured.
public struct ClosedGate: ExclusiveGate {
  public init() {}
  public func admit() async -> UInt64? { nil }
  public func waitUntilRevoked(fence: UInt64) async {
    while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
  }
  public func describe() async -> String { "no fleet lock configured" }
}
