import InfraHouseConfig
import InfraHouseCore

/// The daemon's fleet lock: builds the lease owner from `[lock]` and `[aws]`,
/// starts contending without delaying start-up (the host identity lookup and
/// every DynamoDB call happen in the background), reports each transition, and
/// releases the lock on stop.
public actor FleetLockService {
  /// The lease timing and table layout from `[lock]`.
  public nonisolated let configuration: LeaseConfiguration
  private let table: DynamoDBTable
  private let logger: Logger
  private let onTransition: @Sendable (LeaseTransition) async -> Void
  private var owner: LeaseOwner?
  private var starting: Task<LeaseOwner, Never>?
  private var watcher: Task<Void, Never>?

  /// - Parameter onTransition: called after each transition (the daemon
  ///   refreshes `STATUS=` there).
  public init(
    lock: LockSection, aws: AWSSection, logger: Logger,
    onTransition: @escaping @Sendable (LeaseTransition) async -> Void = { _ in }
  ) throws {
    configuration = try LeaseConfiguration(
      name: lock.name, lease: lock.lease, heartbeat: lock.heartbeat, poll: lock.poll,
      pollJitter: min(lock.poll / 2, .seconds(1)),
      schema: LockTableSchema(partitionKey: lock.partitionKey))
    table = DynamoDBTable(name: lock.table, session: Services.awsSession(aws, logger: logger))
    self.logger = logger.with("component", "lock")
    self.onTransition = onTransition
  }

  /// Starts contending; returns at once.
  public func start() {
    guard starting == nil else { return }
    let table = self.table
    let configuration = self.configuration
    let logger = self.logger
    let onTransition = self.onTransition
    let task = Task { () -> LeaseOwner in
      let identity = await LockHostIdentity.make(
        instanceMetadata: table.session.instanceMetadata, environment: table.session.environment)
      let owner = LeaseOwner(
        table: table, configuration: configuration, identity: identity, logger: logger)
      let events = await owner.transitions()
      await owner.start()
      let watcher = Task {
        for await transition in events { await onTransition(transition) }
      }
      self.started(owner, watcher: watcher)
      return owner
    }
    starting = task
  }

  private func started(_ owner: LeaseOwner, watcher: Task<Void, Never>) {
    self.owner = owner
    self.watcher = watcher
  }

  /// Releases the lock if held and stops contending.
  public func stop() async {
    guard let starting else { return }
    let owner = await starting.value
    await owner.stop()
    await watcher?.value
  }

  /// The fence when exclusive work may start now.
  public func admit() async -> UInt64? { await owner?.admit() }

  /// Returns when the lease of `fence` is lost or released.
  public func waitUntilRevoked(fence: UInt64) async {
    guard let owner else { return }
    await owner.waitUntilRevoked(fence: fence)
  }

  /// The owner's status, nil while the identity is still being looked up.
  public func status() async -> LeaseOwnerStatus? { await owner?.status }

  /// `lock jobs: held, fence 7, 24.5s left`.
  public func statusLine() async -> String {
    guard let status = await status() else { return "lock \(configuration.name): starting" }
    return "lock \(configuration.name): \(status.summary)"
  }

  /// Lines for `infrahoused status`.
  public func statusReport() async -> String {
    var out = "lock: \(configuration.name) in table \(table.name)\n"
    guard let status = await status() else { return out + "lock state: starting\n" }
    out += "lock state: \(status.summary)\n"
    out += "lock identity: \(status.identity)\n"
    if let fence = status.lease.fence { out += "lock fence: \(fence)\n" }
    if let owner = status.observedHolder { out += "lock holder: \(owner)\n" }
    if let loss = status.lastLoss { out += "lock last loss: \(LeaseOwner.describe(loss))\n" }
    out += "lock requests: \(status.requests)\n"
    return out
  }
}
