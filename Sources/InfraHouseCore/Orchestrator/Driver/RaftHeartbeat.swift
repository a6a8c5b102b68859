/// The Raft heartbeat task: call ``run()`` once per interval (default 30 s).
///
/// One run discovers the instances, reads every peer concurrently (each read
/// bounded by ``RaftHeartbeatConfiguration/peerTimeout``), and asks the pure
/// ``RaftReconcilePlanner`` what to do. With reconcile on, not in dry run,
/// and the gate open (the fleet-lock holder), it performs the planned change
/// through the leader, re-reads the peers until the change shows (an added
/// member answering healthy) and the cluster is stable (a leader agreed and healthy, a majority live, for
/// ``RaftHeartbeatConfiguration/stableReads`` reads in a row), and plans the
/// next step, up to ``RaftHeartbeatConfiguration/maxStepsPerRun`` changes.
///
/// The planner's history (absences seen, leader changes) and per-instance
/// failure counts are kept in memory between runs.
public actor RaftHeartbeat {
  public let discovery: any RaftPeerDiscovery
  public let backend: any RaftBackend
  public let configuration: RaftHeartbeatConfiguration
  private let logger: Logger
  private let reconcileGate: @Sendable () async -> Bool
  private let poller: RaftPeerPoller
  private let origin = ContinuousClock.now

  private var run = 0
  private var running = false
  private var history = RaftReconcileHistory()
  private var consecutiveFailures: [String: Int] = [:]
  /// The last run's report.
  public private(set) var lastReport: RaftReport?

  /// `reconcileGate` is asked before each change: the daemon answers whether
  /// this host holds the fleet lock (exclusive work); by default always yes.
  public init(
    discovery: any RaftPeerDiscovery, backend: any RaftBackend,
    configuration: RaftHeartbeatConfiguration = .init(), logger: Logger = Logger(label: "raft"),
    reconcileGate: @escaping @Sendable () async -> Bool = { true }
  ) {
    self.discovery = discovery
    self.backend = backend
    self.configuration = configuration
    self.logger = logger.with("task", "raft")
    self.reconcileGate = reconcileGate
    poller = RaftPeerPoller(backend: backend, peerTimeout: configuration.peerTimeout)
  }

  private var now: MonotonicInstant { MonotonicInstant(sinceOrigin: ContinuousClock.now - origin) }

  /// One heartbeat. Throws when discovery fails (no instances, no report),
  /// `CancellationError` when cancelled after a change (the daemon's task
  /// timeout; the history is kept), or ``RaftHeartbeatError/alreadyRunning``
  /// when called while a run is going.
  public func run() async throws -> RaftReport {
    guard !running else { throw RaftHeartbeatError.alreadyRunning }
    running = true
    defer { running = false }
    run += 1
    let callsAtStart = backend.calls.value
    let found = try await discovery.discover()
    let instances = found.instances
    var poll = await poller.poll(instances)
    var plan = plan(instances, poll)
    var steps: [RaftReconcileStep] = []

    while let change = plan.change, steps.count < configuration.maxStepsPerRun {
      if let why = await whyNotPerform(plan) {
        steps.append(
          RaftReconcileStep(change: change, reason: plan.reason, outcome: .planned(why: why)))
        break
      }
      logger.notice(
        "raft: \(describe(change)) (\(plan.reason))", ["raft_action": describe(change)])
      let outcome = await perform(change, plan: plan, instances: instances)
      // Cancelled (the scheduler's task timeout): stop here, the history is kept.
      try Task.checkCancellation()
      switch outcome {
      case .failed, .notSettled:
        steps.append(RaftReconcileStep(change: change, reason: plan.reason, outcome: outcome))
        logger.warning("raft: \(describe(change)) \(outcome)")
        poll = await poller.poll(instances)
        plan = self.plan(instances, poll)
        return finish(instances, poll, plan, steps, found.apiCalls, callsAtStart)
      default:
        steps.append(RaftReconcileStep(change: change, reason: plan.reason, outcome: outcome))
      }
      poll = await poller.poll(instances)
      plan = self.plan(instances, poll)
    }
    if let change = plan.change, steps.count >= configuration.maxStepsPerRun {
      steps.append(
        RaftReconcileStep(
          change: change, reason: plan.reason,
          outcome: .planned(why: "\(configuration.maxStepsPerRun) changes already this run")))
    }
    return finish(instances, poll, plan, steps, found.apiCalls, callsAtStart)
  }

  private func plan(_ instances: [RaftInstance], _ poll: RaftPeerPoller.Poll) -> RaftReconcilePlan {
    let plan = RaftReconcilePlanner.plan(
      RaftReconcileInput(instances: instances, observations: poll.observations, run: run, now: now),
      history: history, configuration: configuration.planner)
    history = plan.history
    return plan
  }

  /// Nil when the plan's change may be performed, else why not.
  private func whyNotPerform(_ plan: RaftReconcilePlan) async -> String? {
    if !configuration.reconcile { return "reconcile is off" }
    if plan.dryRun { return "dry run" }
    if !(await reconcileGate()) { return "not the lock holder" }
    return nil
  }

  private func describe(_ change: RaftMembershipChange) -> String {
    switch change {
    case .remove(let a): "remove \(a)"
    case .add(let a, let id): "add \(a) (\(id))"
    }
  }

  /// Sends the change through the leader, then waits for it to show and the cluster to settle.
  private func perform(
    _ change: RaftMembershipChange, plan: RaftReconcilePlan, instances: [RaftInstance]
  ) async -> RaftReconcileStep.Outcome {
    guard let leader = plan.findings.leader,
      let leaderInstance = RaftPeerAddress.match(leader, in: instances)
    else { return .failed("no leader instance to send the change to") }
    let via = poller.endpoint(of: leaderInstance)
    var already: String?
    let deadline = ContinuousClock.now + configuration.settleTimeout
    while true {
      do {
        let result: RaftMembershipOutcome
        switch change {
        case .remove(let address): result = try await backend.removePeer(address, via: via)
        case .add(let address, _): result = try await backend.addPeer(address, via: via)
        }
        if case .alreadyInEffect(let m) = result { already = m }
        break
      } catch let error as RaftBackendError
        where error.isTransientRefusal && ContinuousClock.now < deadline && !Task.isCancelled
      {
        // etcd refuses changes for 5 s after the membership changes: retry
        // within the settle time rather than wait a whole heartbeat.
        logger.info("raft: \(describe(change)) refused for now: \(error)")
        try? await Task.sleep(for: configuration.settlePollInterval)
      } catch {
        return .failed(String(describing: error))
      }
    }
    if let why = await settle(change, instances: instances) { return .notSettled(why) }
    return already.map { .alreadyInEffect($0) } ?? .applied
  }

  /// Re-reads until the change shows in the leader's peers (an added member
  /// also answering healthy) and the cluster is stable for `stableReads`
  /// reads; nil when it did, else why not.
  private func settle(_ change: RaftMembershipChange, instances: [RaftInstance]) async -> String? {
    let deadline = ContinuousClock.now + configuration.settleTimeout
    var stable = 0
    var last = "no read yet"
    while ContinuousClock.now < deadline && !Task.isCancelled {
      let poll = await poller.poll(instances)
      let findings = RaftReconcilePlanner.plan(
        RaftReconcileInput(
          instances: instances, observations: poll.observations, run: run, now: now),
        history: history, configuration: configuration.planner
      ).findings
      let shows: Bool
      switch change {
      case .remove(let a): shows = !findings.peers.contains(a)
      case .add(let a, let id):
        // A member, and answering healthy (an etcd member joins after the add).
        let added = poll.observations.first { $0.instanceID == id }
        shows = findings.peers.contains(a) && added?.healthy == true
      }
      let leaderHealthy =
        findings.leader.flatMap { l in
          RaftPeerAddress.match(l, in: instances).flatMap { i in
            poll.observations.first { $0.instanceID == i.instanceID }
          }
        }.map { $0.reachable && $0.healthy } ?? false
      let quorum = findings.liveMembers * 2 > findings.peers.count
      if shows && leaderHealthy && quorum {
        stable += 1
        if stable >= configuration.stableReads { return nil }
      } else {
        stable = 0
        last =
          !shows
          ? "the change does not show in the peers (or the new member is not healthy) yet"
          : !leaderHealthy
            ? "no healthy agreed leader"
            : "only \(findings.liveMembers) of \(findings.peers.count) live"
      }
      try? await Task.sleep(for: configuration.settlePollInterval)
    }
    return "not stable after \(configuration.settleTimeout): \(last)"
  }

  private func finish(
    _ instances: [RaftInstance], _ poll: RaftPeerPoller.Poll, _ plan: RaftReconcilePlan,
    _ steps: [RaftReconcileStep], _ awsCalls: Int, _ callsAtStart: Int
  ) -> RaftReport {
    let readsByID = Dictionary(
      poll.reads.map { ($0.instance.instanceID, $0) }, uniquingKeysWith: { a, _ in a })
    var rows: [RaftPeerRow] = []
    for instance in instances {
      let read = readsByID[instance.instanceID]
      let member = plan.findings.peers.contains { RaftPeerAddress.match($0, in: [instance]) != nil }
      let reachable = read?.report != nil
      if read != nil {
        consecutiveFailures[instance.instanceID] =
          reachable ? 0 : (consecutiveFailures[instance.instanceID] ?? 0) + 1
      }
      let address =
        plan.findings.peers.first { RaftPeerAddress.match($0, in: [instance]) != nil }
        ?? read.map { backend.raftAddress(of: $0.endpoint) } ?? instance.privateIP ?? ""
      rows.append(
        RaftPeerRow(
          instanceID: instance.instanceID, lifecycleState: instance.lifecycleState,
          address: address, queried: read != nil, member: member, reachable: reachable,
          state: read?.report?.state, healthy: read?.report?.healthy ?? false,
          leader: read?.report?.leader,
          error: read?.error ?? read?.report?.healthMessage,
          consecutiveFailures: consecutiveFailures[instance.instanceID] ?? 0))
    }
    let live = Set(instances.map(\.instanceID))
    consecutiveFailures = consecutiveFailures.filter { live.contains($0.key) }
    let report = RaftReport(
      run: run, backend: backend.name, source: discovery.source, peers: rows,
      findings: plan.findings, steps: steps, skipped: plan.change == nil ? plan.skipped : nil,
      reason: plan.reason, awsAPICalls: awsCalls, raftAPICalls: backend.calls.value - callsAtStart)
    lastReport = report
    logger.info(report.summary, report.fields)
    return report
  }
}

/// Why ``RaftHeartbeat/run()`` did not run.
public enum RaftHeartbeatError: Error, Sendable, Equatable {
  /// A run was already in progress (the actor lets a second caller in while
  /// the first awaits); the scheduler should not overlap runs.
  case alreadyRunning
}
