/// A structured logger in the spirit of swift-log: a cheap value type that
/// carries a label, a minimum level and metadata, and hands each entry that
/// passes the level to a ``LogSink``.
///
/// Copy it freely; `with(_:_:)` returns a copy with more metadata, so a task
/// can say `logger.with("task", "runners")` once and every entry carries `TASK=runners`.
public struct Logger: Sendable {
  /// Entry severity, ordered from the most verbose to the most severe; each
  /// maps onto a syslog priority for journald and `<N>` stderr prefixes.
  public enum Level: String, Sendable, CaseIterable, Comparable {
    case trace, debug, info, notice, warning, error, critical

    /// The syslog priority (0 emerg ... 7 debug).
    public var syslogPriority: Int {
      switch self {
      case .trace, .debug: 7
      case .info: 6
      case .notice: 5
      case .warning: 4
      case .error: 3
      case .critical: 2
      }
    }

    private var rank: Int {
      switch self {
      case .trace: 0
      case .debug: 1
      case .info: 2
      case .notice: 3
      case .warning: 4
      case .error: 5
      case .critical: 6
      }
    }
    public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rank < rhs.rank }
  }

  /// Metadata: keys are lower-case words (`runner_id`); journald gets them upper-cased.
  public typealias Metadata = [String: String]

  /// The logger's name, journald's `SYSLOG_IDENTIFIER` unless a sink says otherwise.
  public var label: String
  /// Entries below this level are dropped before any formatting work.
  public var level: Level
  /// Attached to every entry.
  public var metadata: Metadata
  /// Where entries go.
  public var sink: any LogSink

  public init(
    label: String, level: Level = .info, metadata: Metadata = [:],
    sink: any LogSink = LogSinks.discard
  ) {
    self.label = label
    self.level = level
    self.metadata = metadata
    self.sink = sink
  }

  /// A copy with one more metadata key.
  public func with(_ key: String, _ value: String) -> Logger {
    var copy = self
    copy.metadata[key] = value
    return copy
  }

  /// Logs `message` at `level` with extra metadata, if `level` passes.
  public func log(
    _ level: Level, _ message: @autoclosure () -> String, _ extra: Metadata = [:],
    fileID: String = #fileID, line: Int = #line, function: String = #function
  ) {
    guard level >= self.level else { return }
    var all = metadata
    for (k, v) in extra { all[k] = v }
    sink.emit(
      LogEntry(
        label: label, level: level, message: message(), metadata: all,
        fileID: fileID, line: line, function: function))
  }

  public func trace(
    _ m: @autoclosure () -> String, _ x: Metadata = [:], fileID: String = #fileID,
    line: Int = #line, function: String = #function
  ) {
    log(.trace, m(), x, fileID: fileID, line: line, function: function)
  }
  public func debug(
    _ m: @autoclosure () -> String, _ x: Metadata = [:], fileID: String = #fileID,
    line: Int = #line, function: String = #function
  ) {
    log(.debug, m(), x, fileID: fileID, line: line, function: function)
  }
  public func info(
    _ m: @autoclosure () -> String, _ x: Metadata = [:], fileID: String = #fileID,
    line: Int = #line, function: String = #function
  ) {
    log(.info, m(), x, fileID: fileID, line: line, function: function)
  }
  public func notice(
    _ m: @autoclosure () -> String, _ x: Metadata = [:], fileID: String = #fileID,
    line: Int = #line, function: String = #function
  ) {
    log(.notice, m(), x, fileID: fileID, line: line, function: function)
  }
  public func warning(
    _ m: @autoclosure () -> String, _ x: Metadata = [:], fileID: String = #fileID,
    line: Int = #line, function: String = #function
  ) {
    log(.warning, m(), x, fileID: fileID, line: line, function: function)
  }
  public func error(
    _ m: @autoclosure () -> String, _ x: Metadata = [:], fileID: String = #fileID,
    line: Int = #line, function: String = #function
  ) {
    log(.error, m(), x, fileID: fileID, line: line, function: function)
  }
  public func critical(
    _ m: @autoclosure () -> String, _ x: Metadata = [:], fileID: String = #fileID,
    line: Int = #line, function: String = #function
  ) {
    log(.critical, m(), x, fileID: fileID, line: line, function: function)
  }
}

/// One log entry as a sink receives it.
public struct LogEntry: Sendable {
  public var label: String
  public var level: Logger.Level
  public var message: String
  public var metadata: Logger.Metadata
  public var fileID: String
  public var line: Int
  public var function: String
}

/// Where log entries go: stderr, journald, a test's memory.
public protocol LogSink: Sendable {
  func emit(_ entry: LogEntry)
}

/// Sinks that need no daemon runtime.
public enum LogSinks {
  /// Drops everything; the default for library code nobody configured.
  public static let discard: any LogSink = DiscardSink()
}

struct DiscardSink: LogSink {
  func emit(_ entry: LogEntry) {}
}
