/// How one run ended.
public enum RunOutcome: Sendable, Equatable {
  case succeeded
  case failed(String)
  case timedOut
  case cancelled(String)
  /// An exclusive job whose turn came while the gate was closed.
  case heldBack

  /// One word for status tables and `OUTCOME=` fields.
  public var word: String {
    switch self {
    case .succeeded: "ok"
    case .failed: "failed"
    case .timedOut: "timeout"
    case .cancelled: "cancelled"
    case .heldBack: "held-back"
    }
  }
}

/// A job's status as `infrahoused status` shows it.
public struct JobStatus: Sendable {
  public var name: String
  public var exclusive: Bool
  public var running: Bool
  public var runs: Int
  public var consecutiveFailures: Int
  public var lastOutcome: RunOutcome?
  public var lastDuration: Duration?
  /// Monotonic instants, as offsets from "now" when rendered.
  public var lastStart: ContinuousClock.Instant?
  public var nextRun: ContinuousClock.Instant?
}
