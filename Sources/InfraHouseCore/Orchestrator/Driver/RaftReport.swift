/// What one heartbeat found and did: the rows of `infrahoused raft status`,
/// the planner's findings, the changes made (or planned in dry-run), a human
/// summary and machine fields for `STATUS=` and journald.
public struct RaftReport: Sendable, Equatable {
  /// The run number (1 for the first heartbeat of this process).
  public var run: Int
  /// `etcd` or `orchestrator`.
  public var backend: String
  /// Where the peers came from (`asg:NAME`).
  public var source: String
  /// One row per discovered instance, as last read.
  public var peers: [RaftPeerRow]
  /// The findings of the run's last plan (after any change).
  public var findings: RaftFindings
  /// The changes planned this run, performed or not, in order.
  public var steps: [RaftReconcileStep]
  /// Why the run's last plan made no change, when it made none.
  public var skipped: RaftSkipReason?
  /// The last plan's reason, in words.
  public var reason: String
  /// AWS calls (discovery) made in this run.
  public var awsAPICalls: Int
  /// Raft API calls (reports, probes, changes, re-reads) made in this run.
  public var raftAPICalls: Int

  public init(
    run: Int, backend: String, source: String, peers: [RaftPeerRow], findings: RaftFindings,
    steps: [RaftReconcileStep], skipped: RaftSkipReason?, reason: String, awsAPICalls: Int,
    raftAPICalls: Int
  ) {
    self.run = run
    self.backend = backend
    self.source = source
    self.peers = peers
    self.findings = findings
    self.steps = steps
    self.skipped = skipped
    self.reason = reason
    self.awsAPICalls = awsAPICalls
    self.raftAPICalls = raftAPICalls
  }

  /// A leader agreed by a majority, every member answering and healthy, and
  /// the membership complete: no member absent from the group, no answering
  /// instance left out.
  public var healthy: Bool {
    guard let leader = findings.leader, !leader.isEmpty else { return false }
    guard findings.missing.isEmpty && findings.absentFromASG.isEmpty else { return false }
    let members = peers.filter(\.member)
    return !members.isEmpty && members.allSatisfy { $0.reachable && $0.healthy }
      && members.count == findings.peers.count
  }

  /// Members (instance ids) that see another leader than the agreed one;
  /// instances not yet members are left out.
  public var disagreeingMembers: [String] {
    let members = Set(peers.filter(\.member).map(\.instanceID))
    return findings.disagreeing.keys.filter { members.contains($0) }.sorted()
  }

  /// Members that did not answer.
  public var unreachableMembers: [RaftPeerRow] { peers.filter { $0.member && !$0.reachable } }

  /// One line for `STATUS=`: `raft: leader 10.0.0.5:10008, 3/3 healthy`.
  public var statusLine: String {
    let members = peers.filter(\.member)
    let healthyCount = members.filter(\.healthy).count
    var s =
      "raft: leader \(findings.leader ?? "none"), \(healthyCount)/\(findings.peers.count) healthy"
    if !unreachableMembers.isEmpty { s += ", \(unreachableMembers.count) unreachable" }
    if !disagreeingMembers.isEmpty { s += ", \(disagreeingMembers.count) disagree on leader" }
    if let last = steps.last { s += ", \(last.shortDescription)" }
    return s
  }

  /// Several lines for logs and `infrahoused status`.
  public var summary: String {
    var lines = [
      "\(backend) run \(run) (\(source)): \(statusLine.dropFirst("raft: ".count))",
      "members: \(findings.peers.isEmpty ? "none" : findings.peers.joined(separator: ", "))",
    ]
    for step in steps { lines.append(step.description) }
    if steps.isEmpty || skipped != nil { lines.append("reconcile: \(reason)") }
    lines.append("API calls: \(awsAPICalls) AWS, \(raftAPICalls) Raft")
    return lines.joined(separator: "\n")
  }

  /// Fields for journald (upper-cased by the sink) and machine readers.
  public var fields: [String: String] {
    var f: [String: String] = [
      "raft_backend": backend, "raft_run": String(run), "raft_leader": findings.leader ?? "",
      "raft_members": findings.peers.joined(separator: ","),
      "raft_healthy": healthy ? "true" : "false",
      "raft_healthy_count": String(findings.healthyCount),
      "raft_unreachable": unreachableMembers.map(\.instanceID).joined(separator: ","),
      "raft_disagreeing": disagreeingMembers.joined(separator: ","),
      "raft_api_calls": String(awsAPICalls + raftAPICalls),
    ]
    if let last = steps.last { f["raft_action"] = last.shortDescription }
    if skipped != nil { f["raft_skipped"] = reason }
    return f
  }
}

/// One row of `infrahoused raft status`.
public struct RaftPeerRow: Sendable, Equatable {
  public var instanceID: String
  public var lifecycleState: String
  /// The peer's Raft address (`IP:port`), or its IP when it has none.
  public var address: String
  /// Whether it was queried at all (not Pending/Terminated, has an IP).
  public var queried: Bool
  /// In the cluster's peer list.
  public var member: Bool
  public var reachable: Bool
  public var state: String?
  public var healthy: Bool
  /// The leader this peer sees ("" for none).
  public var leader: String?
  /// Why it could not be read, or why it is unhealthy.
  public var error: String?
  /// Heartbeats in a row this instance did not answer.
  public var consecutiveFailures: Int

  public init(
    instanceID: String, lifecycleState: String, address: String, queried: Bool, member: Bool,
    reachable: Bool, state: String?, healthy: Bool, leader: String?, error: String?,
    consecutiveFailures: Int
  ) {
    self.instanceID = instanceID
    self.lifecycleState = lifecycleState
    self.address = address
    self.queried = queried
    self.member = member
    self.reachable = reachable
    self.state = state
    self.healthy = healthy
    self.leader = leader
    self.error = error
    self.consecutiveFailures = consecutiveFailures
  }
}

/// One planned membership change and what became of it.
public struct RaftReconcileStep: Sendable, Equatable, CustomStringConvertible {
  /// What became of a planned change.
  public enum Outcome: Sendable, Equatable {
    /// Dry run, or reconcile off, or not the lock holder: only planned.
    case planned(why: String)
    /// Done and visible in the re-read peers, the cluster stable.
    case applied
    /// The peer answered 'already known' / 'unknown', and the re-read confirms it.
    case alreadyInEffect(String)
    /// The call failed; the peer's message is kept.
    case failed(String)
    /// The change was made but the cluster was not stable within the settle timeout.
    case notSettled(String)
  }

  public var change: RaftMembershipChange
  public var reason: String
  public var outcome: Outcome

  public init(change: RaftMembershipChange, reason: String, outcome: Outcome) {
    self.change = change
    self.reason = reason
    self.outcome = outcome
  }

  public var shortDescription: String {
    let verb: String
    switch change {
    case .remove(let a): verb = "remove \(a)"
    case .add(let a, _): verb = "add \(a)"
    }
    switch outcome {
    case .planned: return "\(verb) planned"
    case .applied: return "\(verb) done"
    case .alreadyInEffect: return "\(verb) already in effect"
    case .failed: return "\(verb) failed"
    case .notSettled: return "\(verb) not settled"
    }
  }

  public var description: String {
    var s = "\(shortDescription): \(reason)"
    switch outcome {
    case .planned(let why): s += " (\(why))"
    case .alreadyInEffect(let m), .failed(let m), .notSettled(let m): s += " (\(m))"
    case .applied: break
    }
    return s
  }
}
