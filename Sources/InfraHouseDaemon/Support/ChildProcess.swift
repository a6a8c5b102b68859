import Dispatch

#if canImport(Glibc)
  import Glibc
#endif

/// How a child process ended.
public enum ChildExit: Sendable, Equatable, CustomStringConvertible {
  case exited(Int32)
  case signaled(Int32)

  /// The shell convention: the exit code, or 128 + the signal number.
  public var shellStatus: Int32 {
    switch self {
    case .exited(let code): code
    case .signaled(let signal): 128 + signal
    }
  }

  public var description: String {
    switch self {
    case .exited(let code): "exit code \(code)"
    case .signaled(let signal): "killed by signal \(signal)"
    }
  }
}

/// Errors starting a child process.
public struct ChildProcessError: Error, CustomStringConvertible {
  public let description: String
}

/// A child process started with `posix_spawnp` in its own process group, with
/// SIGTERM, SIGINT and SIGHUP reset to their defaults (the daemon ignores them
/// for its dispatch sources, and ignored signals are inherited across exec).
///
/// ``wait(terminationGrace:)`` awaits its exit; cancelling the awaiting task
/// sends SIGTERM to the group, then SIGKILL after the grace period.
public final class ChildProcess: Sendable {
  /// The child's pid (also its process group id).
  public let pid: pid_t

  /// Variables that tune the daemon's own process (see the unit) and must not
  /// reach the commands it runs: a program that uses GnuTLS relies on its
  /// implicit initialisation.
  static let daemonOnlyEnvironment: Set<String> = ["GNUTLS_NO_IMPLICIT_INIT"]

  /// Starts `argv` with extra environment variables added to the daemon's own
  /// (less ``daemonOnlyEnvironment``).
  public init(argv: [String], environment extra: [String: String] = [:]) throws {
    guard let program = argv.first, !program.isEmpty else {
      throw ChildProcessError(description: "empty command line")
    }
    var env: [String] = []
    var index = 0
    while let entry = environ[index] {
      let text = String(cString: entry)
      let key = text.split(separator: "=", maxSplits: 1).first.map(String.init) ?? text
      if extra[key] == nil, !Self.daemonOnlyEnvironment.contains(key) { env.append(text) }
      index += 1
    }
    for (key, value) in extra.sorted(by: { $0.key < $1.key }) { env.append("\(key)=\(value)") }

    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE] { sigaddset(&defaults, signal) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    var mask = sigset_t()
    sigemptyset(&mask)
    posix_spawnattr_setsigmask(&attributes, &mask)
    posix_spawnattr_setpgroup(&attributes, 0)
    posix_spawnattr_setflags(
      &attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP))

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)

    let cArgs = argv.map { strdup($0) } + [nil]
    let cEnv = env.map { strdup($0) } + [nil]
    defer {
      cArgs.forEach { free($0) }
      cEnv.forEach { free($0) }
    }
    var child: pid_t = 0
    let rc = posix_spawnp(&child, program, &actions, &attributes, cArgs, cEnv)
    guard rc == 0 else {
      throw ChildProcessError(description: "cannot start \(program): \(POSIX.errorText(rc))")
    }
    pid = child
  }

  /// Sends `signal` to the child's process group.
  public func signal(_ signal: Int32) {
    _ = kill(-pid, signal)
  }

  /// Waits for the child to exit. If the calling task is cancelled, the group
  /// gets SIGTERM, then SIGKILL after `terminationGrace`; the wait still
  /// returns only once the child is reaped.
  public func wait(terminationGrace: Duration = .seconds(5)) async -> ChildExit {
    let pid = self.pid
    let grace = terminationGrace
    return await withTaskCancellationHandler {
      await withCheckedContinuation { (continuation: CheckedContinuation<ChildExit, Never>) in
        DispatchQueue.global().async {
          var status: Int32 = 0
          while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
          let low = status & 0x7f
          continuation.resume(returning: low == 0 ? .exited((status >> 8) & 0xff) : .signaled(low))
        }
      }
    } onCancel: {
      _ = kill(-pid, SIGTERM)
      let (seconds, atto) = grace.components
      let nanos = Int(seconds) * 1_000_000_000 + Int(atto / 1_000_000_000)
      DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(nanos)) {
        // Still there after the grace period (the group leader is not reaped yet): kill it.
        if kill(pid, 0) == 0 { _ = kill(-pid, SIGKILL) }
      }
    }
  }
}
