import InfraHouseConfig
import InfraHouseCore
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// `infrahoused lock status NAME` and `infrahoused lock run NAME -- COMMAND...`:
/// the fleet lock from the command line, with the table and timing of the
/// configuration's `[lock]` section and the AWS settings of `[aws]`.
///
/// `lock run` is a fleet-wide `flock(1)`: it waits up to `--wait` for the lock,
/// runs the command with `INFRAHOUSE_LOCK_FENCE` (and `INFRAHOUSE_LOCK_NAME`) in
/// its environment while renewing the lease, sends it SIGTERM (then SIGKILL
/// after 10 s) if the lease is lost, releases the lock when it ends and exits
/// with its status (128 + signal when killed by one). SIGTERM, SIGINT and
/// SIGHUP sent to `lock run` are forwarded to the command.
enum LockCommand {
  /// Exit code when the lock could not be had within `--wait` (EX_TEMPFAIL).
  static let notAcquiredExitCode: Int32 = 75
  /// Default `--wait`: give up at once if the lock is busy.
  static let defaultWait: Duration = .zero

  static let usage = """
    Usage: infrahoused lock status NAME [--config PATH]
           infrahoused lock run NAME [--wait DURATION] [--config PATH] -- COMMAND [ARGS...]

    """

  struct Arguments {
    var subcommand: String
    var name: String
    var config = CommandLineInterface.defaultConfigPath
    var wait = LockCommand.defaultWait
    var command: [String] = []
  }

  static func parse(_ arguments: [String]) throws -> Arguments {
    guard let sub = arguments.first, sub == "status" || sub == "run" else {
      throw UsageError("lock needs a subcommand: status or run")
    }
    var rest = Array(arguments.dropFirst())
    var command: [String] = []
    if let dash = rest.firstIndex(of: "--") {
      command = Array(rest[(dash + 1)...])
      rest = Array(rest[..<dash])
    }
    var name: String?
    var parsed = Arguments(subcommand: sub, name: "")
    var iterator = rest.makeIterator()
    while let argument = iterator.next() {
      var key = argument
      var value: String?
      if argument.hasPrefix("--"), let eq = argument.firstIndex(of: "=") {
        key = String(argument[..<eq])
        value = String(argument[argument.index(after: eq)...])
      }
      switch key {
      case "--config":
        guard let v = value ?? iterator.next(), !v.isEmpty else {
          throw UsageError("--config needs a value")
        }
        parsed.config = v
      case "--wait" where sub == "run":
        guard let v = value ?? iterator.next(), let d = DurationSyntax.parse(v) else {
          throw UsageError("--wait needs a duration such as 30s, 5m or 250ms")
        }
        parsed.wait = d
      default:
        guard !argument.hasPrefix("-"), name == nil else {
          throw UsageError("unexpected argument '\(argument)'")
        }
        name = argument
      }
    }
    guard let name, !name.isEmpty else { throw UsageError("lock \(sub) needs a lock NAME") }
    parsed.name = name
    if sub == "run" {
      guard !command.isEmpty else { throw UsageError("lock run needs '-- COMMAND [ARGS...]'") }
    } else if !command.isEmpty {
      throw UsageError("lock status takes no command")
    }
    parsed.command = command
    return parsed
  }

  static func main(_ arguments: [String]) async throws -> Int32 {
    let parsed = try parse(arguments)
    let configuration: DaemonConfiguration
    switch ConfigFiles.source(path: parsed.config)() {
    case .failure(let error):
      POSIX.writeAll(
        2, error.description.hasSuffix("\n") ? error.description : error.description + "\n")
      return 1
    case .success(let loaded): configuration = loaded
    }
    guard !configuration.lock.table.isEmpty else {
      POSIX.writeAll(2, "infrahoused lock: no [lock] table in \(parsed.config)\n")
      return 1
    }
    let logger = Logger(
      label: "infrahoused-lock",
      level: Logger.Level(rawValue: configuration.daemon.logLevel.rawValue) ?? .info,
      sink: LogDestination.automatic(identifier: "infrahoused-lock"))
    let table = DynamoDBTable(
      name: configuration.lock.table,
      session: Services.awsSession(configuration.aws, logger: logger))
    let lock = configuration.lock
    let lease = try LeaseConfiguration(
      name: parsed.name, lease: lock.lease, heartbeat: lock.heartbeat, poll: lock.poll,
      pollJitter: min(lock.poll / 2, .seconds(1)),
      schema: LockTableSchema(partitionKey: lock.partitionKey))
    if parsed.subcommand == "status" {
      return try await status(table: table, lease: lease)
    }
    return await run(
      table: table, lease: lease, wait: parsed.wait, command: parsed.command, logger: logger)
  }

  /// Prints the lock item as read (consistently) from the table.
  static func status(table: DynamoDBTable, lease: LeaseConfiguration) async throws -> Int32 {
    let (item, counter) = try await table.readLock(lease.name, schema: lease.schema)
    let now = Timestamp.now().epochSeconds
    var out = "lock: \(lease.name)\ntable: \(table.name)\n"
    if let item {
      let expired = (item.expiresAt ?? 0) < now
      let state: String
      if item.released {
        state = "free (released)"
      } else if item.isInfraHouseCoreFormat {
        state =
          expired ? "free (expired infrahouse-core lock)" : "held by an infrahouse-core client"
      } else {
        state = expired ? "held, expires_at passed (the holder may be gone)" : "held"
      }
      out += "state: \(state)\n"
      out += "holder: \(item.owner ?? "-")\n"
      out += "fence: \(item.fence.map(String.init) ?? "-")\n"
      if let e = item.expiresAt {
        out += "expires_at: \(e) (\(e >= now ? "in \(e - now)s" : "\(now - e)s ago"))\n"
      }
      if let id = item.leaseID { out += "lease_id: \(id)\n" }
      if let ms = item.leaseMilliseconds { out += "lease: \(ms)ms\n" }
    } else {
      out += "state: free (no lock item)\n"
    }
    out += "fence counter: \(counter.map(String.init) ?? "-")\n"
    POSIX.writeAll(1, out)
    return 0
  }

  /// Holds the lock while `command` runs.
  static func run(
    table: DynamoDBTable, lease: LeaseConfiguration, wait: Duration, command: [String],
    logger: Logger
  ) async -> Int32 {
    let signals = SignalListener()
    defer { signals.cancel() }

    let identity = await LockHostIdentity.make(
      instanceMetadata: table.session.instanceMetadata, environment: table.session.environment)
    let owner = LeaseOwner(table: table, configuration: lease, identity: identity, logger: logger)
    let counters = owner.counters
    let began = ContinuousClock.now
    defer {
      let elapsed = ContinuousClock.now - began
      let ms =
        elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
      logger.info(
        "lock run finished",
        [
          "requests": String(counters.total), "reads": String(counters.count(.read)),
          "elapsed_ms": String(ms),
        ])
    }
    await owner.start()

    // One consumer for the signals (an AsyncStream has one): before the command
    // runs a stop signal ends the wait; afterwards every signal is forwarded.
    let router = SignalRouter()
    let waiting = Task { await owner.waitUntilHeld(within: wait) }
    let routing = Task {
      for await signal in signals.signals {
        let number: Int32
        switch signal {
        case .stop(let n): number = n
        case .reload: number = SIGHUP
        }
        if let child = router.child {
          child.signal(number)
        } else if case .stop = signal {
          router.set(stopSignal: number)
          waiting.cancel()
        }
      }
    }
    defer { routing.cancel() }
    let admitted = await waiting.value
    guard let fence = admitted, router.stopSignal == nil else {
      await owner.stop()
      if let number = router.stopSignal { return 128 + number }
      POSIX.writeAll(
        2,
        "infrahoused lock run: lock '\(lease.name)' not acquired within \(DurationSyntax.render(wait))\n"
      )
      return notAcquiredExitCode
    }

    let child: ChildProcess
    do {
      child = try ChildProcess(
        argv: command,
        environment: ["INFRAHOUSE_LOCK_FENCE": String(fence), "INFRAHOUSE_LOCK_NAME": lease.name])
    } catch {
      POSIX.writeAll(2, "infrahoused lock run: \(error)\n")
      await owner.stop()
      return 127
    }
    router.set(child: child)
    if let number = router.stopSignal { child.signal(number) }  // arrived while it started
    logger.info(
      "running the command under the lock", ["fence": String(fence), "pid": String(child.pid)])
    let exit = Task { await child.wait(terminationGrace: .seconds(10)) }
    let lost = await withTaskGroup(of: Bool.self) { group in
      group.addTask {
        _ = await exit.value
        return false
      }
      group.addTask {
        await owner.waitUntilRevoked(fence: fence)
        return !Task.isCancelled
      }
      let first = await group.next() ?? false
      if first {
        logger.error(
          "lost the lock while the command ran; sending it SIGTERM", ["fence": String(fence)])
        exit.cancel()  // SIGTERM to its process group, SIGKILL after the grace period
      }
      group.cancelAll()
      return first
    }
    let status = await exit.value
    await owner.stop()
    if lost {
      POSIX.writeAll(
        2,
        "infrahoused lock run: lost lock '\(lease.name)' (fence \(fence)); the command got SIGTERM (\(status))\n"
      )
    }
    return status.shellStatus
  }
}

/// Where `lock run`'s signals go: the command once it runs; before that, a
/// stop signal is recorded (and ends the wait for the lock).
private final class SignalRouter: Sendable {
  private let state = Mutex<(child: ChildProcess?, stopSignal: Int32?)>((nil, nil))
  func set(child: ChildProcess) { state.withLock { $0.child = child } }
  func set(stopSignal: Int32) { state.withLock { $0.stopSignal = stopSignal } }
  var child: ChildProcess? { state.withLock { $0.child } }
  var stopSignal: Int32? { state.withLock { $0.stopSignal } }
}
