import Synchronization

/// One-line summaries that tasks post for `STATUS=` and `infrahoused status`
/// ("raft: leader 10.0.0.5:10008, 3/3 healthy"), keyed by topic.
public final class StatusBoard: Sendable {
  private let lines = Mutex<[String: String]>([:])

  public init() {}

  /// Sets (or, with nil, clears) the line of `topic`.
  public func post(_ topic: String, _ line: String?) {
    lines.withLock { $0[topic] = line }
  }

  /// Every line, sorted by topic.
  public var all: [(topic: String, line: String)] {
    lines.withLock { $0.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } }
  }
}
