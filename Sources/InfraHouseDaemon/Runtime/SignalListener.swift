import Dispatch

#if canImport(Glibc)
  import Glibc
#endif

/// The signals the daemon acts on, as daemon(7) describes for new-style daemons.
public enum DaemonSignal: Sendable, Equatable {
  /// SIGTERM or SIGINT: stop gracefully.
  case stop(Int32)
  /// SIGHUP: reload the configuration.
  case reload
}

/// Turns SIGTERM, SIGINT and SIGHUP into an `AsyncStream` through dispatch
/// signal sources (the signals are set to SIG_IGN first, as dispatch requires;
/// ``ChildProcess`` resets them for children).
// Dispatch sources are thread-safe but not marked Sendable; they are only
// resumed at init and cancelled in cancel().
public final class SignalListener: @unchecked Sendable {
  /// The signals, in arrival order.
  public let signals: AsyncStream<DaemonSignal>
  private let sources: [any DispatchSourceSignal]

  public init() {
    let (stream, continuation) = AsyncStream<DaemonSignal>.makeStream()
    signals = stream
    let queue = DispatchQueue(label: "infrahoused.signals")
    var made: [any DispatchSourceSignal] = []
    for number in [SIGTERM, SIGINT, SIGHUP] {
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
      // @Sendable: dispatch calls this on its own queue, never the main actor (FACTS.md).
      source.setEventHandler { @Sendable in
        continuation.yield(number == SIGHUP ? .reload : .stop(number))
      }
      source.resume()
      made.append(source)
    }
    sources = made
  }

  /// Stops listening; the stream finishes.
  public func cancel() {
    sources.forEach { $0.cancel() }
  }
}
