import InfraHouseConfig
import InfraHouseCore

/// The `[raft]` task: one Raft heartbeat per run on every host (health,
/// leader, disagreements, unreachable peers); membership changes only when
/// `reconcile` is on and this host passes the exclusive gate (holds the fleet lock).
struct RaftJob: PeriodicJob {
  let heartbeat: RaftHeartbeat
  let board: StatusBoard

  func run(_ context: JobContext) async throws {
    let report = try await heartbeat.run()
    board.post("raft", report.statusLine)
    if !report.healthy && report.steps.isEmpty && report.findings.leader == nil {
      throw RaftUnhealthy(description: report.statusLine)
    }
  }
}

/// A run that found no leader at all: counted as a failed run so it shows in status and backs off.
struct RaftUnhealthy: Error, CustomStringConvertible {
  let description: String
}

extension Services {
  /// The heartbeat `[raft]` describes; `gate` decides whether changes may be made.
  static func raftHeartbeat(
    _ configuration: DaemonConfiguration, dryRun: Bool? = nil,
    gate: @escaping @Sendable () async -> Bool,
    logger: Logger
  ) -> RaftHeartbeat {
    let section = configuration.raft
    let aws = awsSession(configuration.aws, logger: logger)
    let discovery = AutoScalingPeerDiscovery(groupName: section.autoScalingGroup, session: aws)
    let backend: any RaftBackend
    switch section.backend {
    case .etcd:
      backend = EtcdRaftBackend(
        gateway: EtcdGatewayClient(
          http: .shared, clientPort: section.apiPort, callTimeout: section.callTimeout),
        peerPort: section.raftPort)
    case .orchestrator:
      let transport: any OrchestratorTransport =
        switch section.transport {
        case .http:
          OrchestratorHTTPTransport(
            http: .shared, apiPort: section.apiPort, callTimeout: section.callTimeout)
        case .ssm:
          OrchestratorSSMTransport(
            runner: SSMRemoteCommandRunner(session: aws), apiPort: section.apiPort,
            callTimeout: section.callTimeout)
        }
      backend = OrchestratorRaftBackend(
        api: OrchestratorAPIClient(transport: transport), raftPort: section.raftPort)
    }
    let planner = RaftReconcileConfiguration(
      minimumSize: section.minSize, raftPort: section.raftPort, dryRun: dryRun ?? section.dryRun)
    return RaftHeartbeat(
      discovery: discovery, backend: backend,
      configuration: RaftHeartbeatConfiguration(
        reconcile: section.reconcile || dryRun == true, planner: planner,
        peerTimeout: section.callTimeout),
      logger: logger, reconcileGate: gate)
  }
}
