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

/// The write end of the self-pipe; set once before the handler is installed.
nonisolated(unsafe) private var signalPipeWriteEnd: Int32 = -1

/// The process-wide handler: writes the signal number to the self-pipe
/// (`write(2)` is async-signal-safe). Whichever thread the kernel picks runs it.
private let forwardSignal: @convention(c) (Int32) -> Void = { number in
  let saved = errno
  var byte = UInt8(truncatingIfNeeded: number)
  _ = write(signalPipeWriteEnd, &byte, 1)
  errno = saved
}

/// Turns SIGTERM, SIGINT and SIGHUP into an `AsyncStream` with the classic
/// self-pipe: a `sigaction` handler writes the signal number to a pipe and a
/// dispatch read source on the other end yields it.
///
/// Dispatch signal sources are not used: on Linux libdispatch reads signals
/// through a signalfd, which misses a signal the kernel delivered to a thread
/// that had it unblocked (measured here: about one SIGTERM in twenty right
/// after start-up was lost). Children get the default dispositions back
/// (``ChildProcess`` resets them; a caught signal is reset by exec anyway).
public final class SignalListener: @unchecked Sendable {
  // The dispatch source is thread-safe but not marked Sendable; it is only
  // resumed at init and cancelled in cancel().
  /// The signals, in arrival order.
  public let signals: AsyncStream<DaemonSignal>
  private let source: any DispatchSourceRead

  public init() {
    let (stream, continuation) = AsyncStream<DaemonSignal>.makeStream()
    signals = stream
    var fds: [Int32] = [0, 0]
    pipe(&fds)
    for fd in fds {
      _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
      _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }
    let readEnd = fds[0]
    signalPipeWriteEnd = fds[1]
    source = DispatchSource.makeReadSource(
      fileDescriptor: readEnd, queue: DispatchQueue(label: "infrahoused.signals"))
    source.setEventHandler { @Sendable in
      var buffer = [UInt8](repeating: 0, count: 64)
      while true {
        let n = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
        if n <= 0 { return }
        for number in buffer[0..<n] {
          continuation.yield(Int32(number) == SIGHUP ? .reload : .stop(Int32(number)))
        }
      }
    }
    source.resume()
    // A parent may hand us these signals blocked (a test runner does): unblock them.
    var wanted = sigset_t()
    sigemptyset(&wanted)
    for number in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&wanted, number) }
    pthread_sigmask(SIG_UNBLOCK, &wanted, nil)
    for number in [SIGTERM, SIGINT, SIGHUP] {
      var action = sigaction()
      action.__sigaction_handler.sa_handler = forwardSignal
      sigemptyset(&action.sa_mask)
      action.sa_flags = SA_RESTART
      sigaction(number, &action, nil)
    }
  }

  /// Stops listening (the dispositions go back to their defaults); the stream finishes.
  public func cancel() {
    for number in [SIGTERM, SIGINT, SIGHUP] { signal(number, SIG_DFL) }
    source.cancel()
  }
}
