import InfraHouseConfig
import InfraHouseCore

/// A `[[command]]` task: runs a program (no shell) and fails the run unless it
/// exits 0. On cancellation (timeout, stop, lock lost) the program's process
/// group gets SIGTERM, then SIGKILL after a grace period.
///
/// The child's environment adds `INFRAHOUSE_TASK` and, for exclusive tasks,
/// `INFRAHOUSE_LOCK_FENCE` (the lease's fencing token).
public struct CommandJob: PeriodicJob {
  public let argv: [String]
  public let terminationGrace: Duration

  public init(argv: [String], terminationGrace: Duration = .seconds(5)) {
    self.argv = argv
    self.terminationGrace = terminationGrace
  }

  public func run(_ context: JobContext) async throws {
    var environment = ["INFRAHOUSE_TASK": context.name]
    if let fence = context.fence { environment["INFRAHOUSE_LOCK_FENCE"] = String(fence) }
    let child = try ChildProcess(argv: argv, environment: environment)
    context.logger.debug("started \(argv[0])", ["pid": String(child.pid)])
    let exit = await child.wait(terminationGrace: terminationGrace)
    try Task.checkCancellation()
    guard exit == .exited(0) else {
      throw ChildProcessError(description: "\(argv[0]) ended with \(exit)")
    }
  }
}
