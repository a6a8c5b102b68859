import InfraHouseConfig
import InfraHouseCore

/// Loads the configuration: the main file plus drop-ins. Returns the typed
/// configuration, or every error rendered with file:line:column.
public typealias ConfigurationSource =
  @Sendable () -> Result<DaemonConfiguration, ConfigurationLoadError>

/// Why a configuration could not be loaded: every diagnostic, rendered.
public struct ConfigurationLoadError: Error, CustomStringConvertible, Sendable {
  public let description: String
  public init(_ description: String) { self.description = description }
}

/// The long-running daemon: loads the configuration, schedules the tasks,
/// talks to systemd, serves the control socket, reloads on SIGHUP and stops
/// gracefully on SIGTERM/SIGINT.
///
/// Start-up order is configuration, logging, scheduler, control socket, then
/// `READY=1`; shutdown runs in reverse.
public actor Daemon {
  /// The daemon's lifecycle, as status shows it.
  public enum Phase: String, Sendable {
    case starting, running, reloading, stopping
  }

  private let source: ConfigurationSource
  private let notifier = ServiceManagerNotifier()
  private let sink: any LogSink
  private var configuration = DaemonConfiguration()
  private var logger: Logger
  private var scheduler: Scheduler?
  /// The fleet lock, when `[lock] enabled = true` (its settings apply from start-up).
  private var lock: FleetLockService?
  private var control: ControlServer?
  private var phase: Phase = .starting
  private var lastReload: String = "never"
  private let startedAt = ContinuousClock.now
  private let debugCommands: Bool
  /// Admits exclusive work: the fleet lock's gate, or closed without a lock.
  private var gate: any ExclusiveGate = ClosedGate()
  /// Task summaries for STATUS= and status.
  private let board = StatusBoard()

  public init(source: @escaping ConfigurationSource, sink: any LogSink) {
    self.source = source
    self.sink = sink
    self.logger = Logger(label: "infrahoused", level: .info, sink: sink)
    self.debugCommands = POSIX.environment("INFRAHOUSED_DEBUG_COMMANDS") == "1"
  }

  /// Runs until stopped and returns the exit code: 0 after a clean stop,
  /// 1 when the configuration is invalid at start or the stop timed out.
  public func run() async -> Int32 {
    let signals = SignalListener()
    switch source() {
    case .failure(let error):
      logger.critical("invalid configuration, not starting:\n\(error.description)")
      POSIX.writeAll(
        2, error.description.hasSuffix("\n") ? error.description : error.description + "\n")
      return 1
    case .success(let loaded):
      configuration = loaded
    }
    logger.level = Logger.Level(rawValue: configuration.daemon.logLevel.rawValue) ?? .info

    if configuration.lock.enabled {
      do {
        lock = try FleetLockService(
          lock: configuration.lock, aws: configuration.aws, logger: logger
        ) { [weak self] _ in await self?.leaseChanged() }
      } catch {
        logger.critical("invalid [lock] configuration, not starting: \(error)")
        POSIX.writeAll(2, "invalid [lock] configuration: \(error)\n")
        return 1
      }
    }
    gate = lock.map { LeaseGate(service: $0) } ?? ClosedGate()
    let scheduler = Scheduler(gate: gate, logger: logger)
    self.scheduler = scheduler
    await scheduler.apply(
      JobFactory.specs(for: configuration, gate: gate, board: board, logger: logger))

    let socketPath = configuration.daemon.runtimeDirectory + "/control.sock"
    do {
      try FileSystem.makeDirectory(configuration.daemon.runtimeDirectory, mode: 0o755)
      control = try ControlServer(path: socketPath) { [weak self] request in
        guard let self else { return ControlReply(ok: false, body: "daemon is gone\n") }
        return await self.handle(request)
      }
    } catch {
      logger.error("control socket unavailable: \(error)", ["path": socketPath])
    }

    // Contending starts in the background: READY=1 never waits for DynamoDB.
    await lock?.start()
    phase = .running
    let tasks = await scheduler.snapshot().count
    logger.notice("infrahoused \(InfraHouseCore.version) started with \(tasks) task(s)")
    notifier.ready(status: await statusLine())

    let watchdog = startWatchdog(scheduler: scheduler)
    var exitCode: Int32 = 0
    for await signal in signals.signals {
      if case .stop(let number) = signal {
        logger.notice("received signal \(number), stopping")
        break
      }
      _ = await reload(trigger: "SIGHUP")
    }

    phase = .stopping
    notifier.stopping()
    control?.close()
    let limit = configuration.daemon.stopTimeout
    if await scheduler.stop(limit: limit) {
      logger.notice("stopped cleanly")
    } else {
      logger.error("tasks still running after the stop timeout of \(limit); exiting anyway")
      exitCode = 1
    }
    // Released only after the scheduler stopped: no exclusive run outlives the lease.
    await lock?.stop()
    watchdog?.cancel()
    signals.cancel()
    return exitCode
  }

  /// Reloads the configuration. The new file is parsed and validated fully
  /// before anything changes; an invalid one is logged and the running
  /// configuration stays. Returns the error text when it was rejected.
  public func reload(trigger: String) async -> String? {
    guard phase == .running, let scheduler else { return "daemon is \(phase.rawValue)" }
    phase = .reloading
    notifier.reloading()
    defer { phase = .running }
    switch source() {
    case .failure(let error):
      lastReload = "rejected (\(trigger))"
      logger.error(
        "configuration reload rejected, keeping the running configuration:\n\(error.description)")
      notifier.ready(status: "Reload rejected: configuration invalid; " + (await statusLine()))
      return error.description
    case .success(let loaded):
      if loaded.lock != configuration.lock {
        logger.warning("[lock] changes take effect at the next restart")
      }
      configuration = loaded
      logger.level = Logger.Level(rawValue: loaded.daemon.logLevel.rawValue) ?? .info
      await scheduler.setLogger(logger)
      await scheduler.apply(JobFactory.specs(for: loaded, gate: gate, board: board, logger: logger))
      lastReload = "applied (\(trigger))"
      logger.notice("configuration reloaded", ["trigger": trigger])
      notifier.ready(status: await statusLine())
      return nil
    }
  }

  /// Answers a control-socket request.
  func handle(_ request: String) async -> ControlReply {
    let words = request.split(separator: " ").map(String.init)
    switch words.first {
    case "status":
      return ControlReply(ok: true, body: await statusReport())
    case "reload":
      if let error = await reload(trigger: "control socket") {
        return ControlReply(ok: false, body: error.hasSuffix("\n") ? error : error + "\n")
      }
      return ControlReply(ok: true, body: "configuration reloaded\n")
    case "debug-wedge" where debugCommands:
      let seconds = words.count > 1 ? UInt32(words[1]) ?? 30 : 30
      if let scheduler { Task { await scheduler.wedgeForTesting(seconds: seconds) } }
      return ControlReply(ok: true, body: "scheduler wedged for \(seconds) s\n")
    default:
      return ControlReply(
        ok: false, body: "unknown request '\(request)'; expected status or reload\n")
    }
  }

  /// One line for `STATUS=`.
  func statusLine() async -> String {
    guard let scheduler else { return "Starting" }
    let jobs = await scheduler.snapshot()
    let failing = jobs.filter { $0.consecutiveFailures > 0 }.map(\.name)
    var line = "\(jobs.count) task(s) scheduled"
    line += failing.isEmpty ? ", none failing" : ", failing: " + failing.joined(separator: ",")
    if let lock { line += "; " + (await lock.statusLine()) }
    for entry in board.all { line += "; " + entry.line }
    return line
  }

  /// The report `infrahoused status` prints.
  func statusReport() async -> String {
    let now = ContinuousClock.now
    var out = "state: \(phase.rawValue)\n"
    out += "version: \(InfraHouseCore.version)\n"
    out += "uptime: \(StatusFormat.duration(now - startedAt))\n"
    out += "last reload: \(lastReload)\n"
    out += "log level: \(logger.level.rawValue)\n"
    guard let scheduler else { return out }
    let jobs = await scheduler.snapshot()
    if let lock {
      out += await lock.statusReport()
    } else {
      out += "exclusive gate: \(await gate.describe())\n"
    }
    for entry in board.all { out += "\(entry.topic): \(entry.line)\n" }
    out += "tasks: \(jobs.count)\n"
    out += StatusFormat.table(jobs, now: now)
    return out
  }

  /// A lease transition: refresh `STATUS=` (the owner logged it with journald fields).
  private func leaseChanged() async {
    guard phase != .stopping else { return }
    notifier.send("STATUS=" + ServiceManagerNotifier.oneLine(await statusLine()))
  }

  private func startWatchdog(scheduler: Scheduler) -> Task<Void, Never>? {
    guard let interval = notifier.watchdogInterval() else { return nil }
    let notifier = self.notifier
    logger.info("systemd watchdog enabled, pinging every \(interval / 2)")
    return Task.detached {
      while !Task.isCancelled {
        // Only a scheduler that answers counts as progress: a wedged actor never returns here.
        _ = await scheduler.heartbeat()
        notifier.send(
          "WATCHDOG=1\nSTATUS=" + ServiceManagerNotifier.oneLine(await self.statusLine()))
        try? await Task.sleep(for: interval / 2)
      }
    }
  }
}
