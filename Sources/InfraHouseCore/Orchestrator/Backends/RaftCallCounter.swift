import Synchronization

/// Counts the API requests a backend sends (attempts, failed ones included),
/// so a heartbeat can report its cost: ``RaftReport/raftAPICalls``.
public final class RaftCallCounter: Sendable {
  private let count = Atomic<Int>(0)

  public init() {}

  /// Requests counted so far.
  public var value: Int { count.load(ordering: .relaxed) }

  func increment() { count.add(1, ordering: .relaxed) }
}
