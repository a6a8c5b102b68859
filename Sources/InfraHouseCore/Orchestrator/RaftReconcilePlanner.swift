/// The reconcile's settings.
public struct RaftReconcileConfiguration: Sendable, Hashable {
  /// Never plan a removal that leaves fewer members than this, counting the
  /// replacements ready to be added (default 3).
  public var minimumSize: Int
  /// The port in peer addresses (Orchestrator's default 10008).
  public var raftPort: Int
  /// Plan and report, but mark the action as not to be performed.
  public var dryRun: Bool
  /// Skip a step within this long of a leader change (default 10 s).
  public var leaderChangeQuietPeriod: Duration

  public init(
    minimumSize: Int = 3, raftPort: Int = 10008, dryRun: Bool = false,
    leaderChangeQuietPeriod: Duration = .seconds(10)
  ) {
    self.minimumSize = minimumSize
    self.raftPort = raftPort
    self.dryRun = dryRun
    self.leaderChangeQuietPeriod = leaderChangeQuietPeriod
  }
}

/// One reconcile step's input.
public struct RaftReconcileInput: Sendable, Hashable {
  /// The ASG's instances, every lifecycle state.
  public var instances: [RaftInstance]
  /// One observation per queried instance (instances not queried have none).
  public var observations: [RaftPeerObservation]
  /// The run this step belongs to: steps of one run share the number, the next
  /// run uses a larger one. "Two consecutive runs" counts these.
  public var run: Int
  /// The monotonic clock, for the leader-change quiet period.
  public var now: MonotonicInstant

  public init(
    instances: [RaftInstance], observations: [RaftPeerObservation], run: Int, now: MonotonicInstant
  ) {
    self.instances = instances
    self.observations = observations
    self.run = run
    self.now = now
  }
}

/// What the heartbeat reports, whether or not reconcile runs.
public struct RaftFindings: Sendable, Hashable {
  /// The leader a majority of live members agree on, if any.
  public var leader: String?
  /// Leader → how many reachable peers see it ("" for none).
  public var leaderVotes: [String: Int]
  /// Reachable peers that see another leader than ``leader`` (instance id → what they see).
  public var disagreeing: [String: String]
  /// Queried instances whose API did not answer.
  public var unreachable: [String]
  /// Reachable peers that report themselves healthy.
  public var healthyCount: Int
  /// The peer set as the leader reports it (exact strings).
  public var peers: [String]
  /// Members whose instance answered.
  public var liveMembers: Int
  /// Peers absent from the ASG (or terminating) in this run.
  public var absentFromASG: [String]
  /// Absent peers that were already absent in an earlier consecutive run.
  public var stale: [String]
  /// ASG instances, answering, that are not members: `ip:raftPort`.
  public var missing: [String]
}

/// A membership change.
public enum RaftMembershipChange: Sendable, Hashable {
  /// `raft-remove-peer/<address>`: the exact string raft-peers returned.
  case remove(address: String)
  /// `raft-add-peer/<address>` for this instance.
  case add(address: String, instanceID: String)
}

/// Why no change was planned.
public enum RaftSkipReason: Sendable, Hashable {
  case noLeader
  /// No leader is agreed on by a majority of live members.
  case leaderDisagreement
  case leaderUnreachable(String)
  case leaderUnhealthy(String)
  /// Fewer than a majority of members answered.
  case noQuorum(live: Int, members: Int)
  /// The leader changed less than the quiet period ago.
  case leaderChangedRecently(Duration)
  /// A stale peer cannot be removed: the result would be smaller than `minimumSize`.
  case minimumSize(peer: String)
  /// A stale peer cannot be removed: this run already removed (n-1)/2.
  case removalBudgetSpent(peer: String)
  /// The change would leave fewer live members than a quorum.
  case wouldBreakQuorum(RaftMembershipChange)
  /// The only stale peer is the leader.
  case staleLeader(String)
  /// Peers are absent from the ASG but not yet on two runs: removals (and so
  /// adds) wait.
  case awaitingSecondObservation([String])
  /// Membership matches the ASG.
  case inSync
}

/// The plan of one step: findings, at most one change, and the history to keep.
public struct RaftReconcilePlan: Sendable, Hashable {
  public var findings: RaftFindings
  /// The change to make this step, at most one.
  public var change: RaftMembershipChange?
  /// Why, in words for the journal.
  public var reason: String
  /// Why nothing is done, when ``change`` is nil.
  public var skipped: RaftSkipReason?
  /// True in dry-run mode: report ``change``, do not perform it.
  public var dryRun: Bool
  /// To pass to the next step or run.
  public var history: RaftReconcileHistory
}

/// The backend-agnostic reconcile core (issue 7): pure and deterministic.
public enum RaftReconcilePlanner {
  /// The instances the heartbeat should query.
  public static func instancesToQuery(_ instances: [RaftInstance]) -> [RaftInstance] {
    instances.filter(\.shouldBeQueried)
  }

  /// Plans one step. The safety rules, in order:
  /// 1. a majority of live members must agree on one non-empty leader, which
  ///    answers and is healthy, and a majority of members must be live;
  /// 2. no change within the quiet period after a leader change;
  /// 3. a peer is stale only when absent from the ASG (or its instance
  ///    terminating/terminated) on two consecutive runs — health never counts;
  /// 4. stale peers are removed before any missing peer is added, and nothing
  ///    is added while any peer is absent from the ASG;
  /// 5. a removal never leaves fewer than `minimumSize` members (counting the
  ///    replacements ready to join), never exceeds (n-1)/2 removals in a run,
  ///    never removes the leader, and never leaves the live members short of a
  ///    quorum; an add needs the new peer's API to answer and keeps a quorum;
  /// 6. at most one change per step.
  public static func plan(
    _ input: RaftReconcileInput, history old: RaftReconcileHistory,
    configuration: RaftReconcileConfiguration
  ) -> RaftReconcilePlan {
    var history = old
    let observationsByID = Dictionary(
      input.observations.map { ($0.instanceID, $0) }, uniquingKeysWith: { a, _ in a })
    let reachable = input.observations.filter(\.reachable)
    let newRun = input.run != old.run

    // Leader votes among every reachable peer.
    var votes: [String: Int] = [:]
    for o in reachable { votes[o.leader ?? "", default: 0] += 1 }
    let candidate = votes.filter { !$0.key.isEmpty }.max { a, b in
      (a.value, b.key) < (b.value, a.key)
    }?.key

    func observation(of address: String) -> RaftPeerObservation? {
      RaftPeerAddress.match(address, in: input.instances).flatMap {
        observationsByID[$0.instanceID]
      }
    }
    let leaderObservation = candidate.flatMap(observation(of:))
    // The peer set is the leader's; without it, the most common reported one.
    let peers: [String] = {
      if let l = leaderObservation, l.reachable, !l.peers.isEmpty { return l.peers }
      var counts: [[String]: Int] = [:]
      for o in reachable where !o.peers.isEmpty { counts[o.peers.sorted(), default: 0] += 1 }
      return counts.max { a, b in (a.value, b.key.joined()) < (b.value, a.key.joined()) }?.key ?? []
    }()
    let memberObservations = peers.compactMap(observation(of:))
    let liveMembers = memberObservations.filter(\.reachable)
    let leaderVotesAmongLive = liveMembers.filter {
      ($0.leader ?? "") == candidate && candidate != nil
    }.count
    let agreed = candidate != nil && leaderVotesAmongLive * 2 > liveMembers.count

    // ASG membership of every peer.
    let absent = peers.filter { address in
      guard let instance = RaftPeerAddress.match(address, in: input.instances) else { return true }
      return instance.isTerminatingOrTerminated
    }
    var absentSince: [String: Int] = [:]
    for address in absent { absentSince[address] = old.absentSince[address] ?? input.run }
    let stale = absent.filter { (absentSince[$0] ?? input.run) < input.run }
    let missingInstances = instancesToQuery(input.instances).filter { instance in
      guard !instance.isTerminatingOrTerminated,
        observationsByID[instance.instanceID]?.reachable == true
      else { return false }
      return !peers.contains { RaftPeerAddress.match($0, in: [instance]) != nil }
    }
    let missing = missingInstances.map { "\($0.privateIP!):\(configuration.raftPort)" }

    let leader = agreed ? candidate : nil
    var disagreeing: [String: String] = [:]
    if let leader {
      for o in reachable where (o.leader ?? "") != leader {
        disagreeing[o.instanceID] = o.leader ?? ""
      }
    }
    let findings = RaftFindings(
      leader: leader, leaderVotes: votes, disagreeing: disagreeing,
      unreachable: input.observations.filter { !$0.reachable }.map(\.instanceID).sorted(),
      healthyCount: reachable.filter(\.healthy).count, peers: peers, liveMembers: liveMembers.count,
      absentFromASG: absent, stale: stale, missing: missing)

    // History: run bookkeeping and leader tracking.
    history.run = input.run
    history.absentSince = absentSince
    if newRun {
      history.removalsThisRun = 0
      history.peersAtRunStart = peers.count
    }
    if leader != old.leader || old.leaderSeenSince == nil {
      history.leader = leader
      history.leaderSeenSince = input.now
    }

    func skip(_ reason: RaftSkipReason, _ words: String) -> RaftReconcilePlan {
      RaftReconcilePlan(
        findings: findings, change: nil, reason: words, skipped: reason,
        dryRun: configuration.dryRun, history: history)
    }
    func act(_ change: RaftMembershipChange, _ words: String) -> RaftReconcilePlan {
      var h = history
      if case .remove = change, !configuration.dryRun { h.removalsThisRun += 1 }
      return RaftReconcilePlan(
        findings: findings, change: change, reason: words, skipped: nil,
        dryRun: configuration.dryRun, history: h)
    }

    // Rule 1.
    guard let leaderAddress = candidate else { return skip(.noLeader, "no peer sees a leader") }
    guard agreed else {
      return skip(
        .leaderDisagreement, "no majority of live members agrees on leader \(leaderAddress)")
    }
    guard let l = leaderObservation, l.reachable else {
      return skip(.leaderUnreachable(leaderAddress), "the leader \(leaderAddress) does not answer")
    }
    guard l.healthy else {
      return skip(.leaderUnhealthy(leaderAddress), "the leader \(leaderAddress) is not healthy")
    }
    guard liveMembers.count * 2 > peers.count else {
      return skip(
        .noQuorum(live: liveMembers.count, members: peers.count),
        "only \(liveMembers.count) of \(peers.count) members answer")
    }
    // Rule 2.
    let leaderAge = input.now - history.leaderSeenSince!
    if leaderAge < configuration.leaderChangeQuietPeriod {
      return skip(.leaderChangedRecently(leaderAge), "the leader changed \(leaderAge) ago")
    }
    // Rules 3-5: removals first.
    let removable = stale.filter {
      RaftPeerAddress.host(of: $0) != RaftPeerAddress.host(of: leaderAddress)
    }
    if let peer = removable.first {
      let initial = history.peersAtRunStart > 0 ? history.peersAtRunStart : peers.count
      if history.removalsThisRun + 1 > (initial - 1) / 2 {
        return skip(
          .removalBudgetSpent(peer: peer),
          "\(history.removalsThisRun) removal(s) already this run, at most \((initial - 1) / 2)")
      }
      if peers.count - 1 + missing.count < configuration.minimumSize {
        return skip(
          .minimumSize(peer: peer),
          "removing \(peer) would leave \(peers.count - 1 + missing.count) members, minimum \(configuration.minimumSize)"
        )
      }
      let liveAfter = liveMembers.count - (observation(of: peer)?.reachable == true ? 1 : 0)
      guard liveAfter * 2 > peers.count - 1 else {
        return skip(
          .wouldBreakQuorum(.remove(address: peer)),
          "removing \(peer) would leave \(liveAfter) of \(peers.count - 1) live")
      }
      return act(
        .remove(address: peer), "\(peer) is absent from the ASG since run \(absentSince[peer]!)")
    }
    if let peer = stale.first {
      return skip(.staleLeader(peer), "the leader \(peer) is absent from the ASG: not removed")
    }
    if !absent.isEmpty {
      return skip(
        .awaitingSecondObservation(absent),
        "absent from the ASG for the first run: \(absent.joined(separator: ", "))")
    }
    // Adds.
    if let instance = missingInstances.first, let address = missing.first {
      guard (liveMembers.count + 1) * 2 > peers.count + 1 else {
        return skip(
          .wouldBreakQuorum(.add(address: address, instanceID: instance.instanceID)),
          "adding \(address) would leave no quorum")
      }
      return act(
        .add(address: address, instanceID: instance.instanceID),
        "\(instance.instanceID) is in the ASG and answers, but is not a member")
    }
    return skip(.inSync, "membership matches the ASG")
  }
}
