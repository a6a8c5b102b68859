/// Why a runner is deregistered.
public enum DeregistrationReason: Sendable, Hashable {
  /// Its `instance_id:` instance is terminated or does not exist, and it is offline.
  case orphaned(instanceID: String, state: EC2InstanceState)
  /// Offline continuously for `offlineFor` (at least the grace).
  case offline(offlineFor: Duration)
  /// Idle (online, not busy) for `idleFor` on `observations` runs in a row.
  case idle(idleFor: Duration, observations: Int)

  /// The journald `REASON=` value.
  public var code: String {
    switch self {
    case .orphaned: "orphaned"
    case .offline: "offline"
    case .idle: "idle"
    }
  }
}

/// Why a runner is kept.
public enum KeepReason: Sendable, Hashable {
  /// Outside the labels / name-prefix scope: never touched.
  case outOfScope
  /// Running a job.
  case busy
  /// Online and idle deregistration is off, or not idle long enough yet.
  case online
  /// Orphaned but still online: wait for it to go offline.
  case orphanStillOnline(instanceID: String)
  /// Offline for less than the grace.
  case offlineWithinGrace(offlineFor: Duration)
  /// Idle, but not for long enough or not on enough runs.
  case idleWithinGrace(idleFor: Duration, observations: Int)
  /// Idle long enough, but `min_idle` idle runners are kept.
  case keptForMinIdle
  /// Eligible, but this run already reached `max_deregistrations`.
  case capReached(DeregistrationReason)
  /// A status GitHub reports that is neither online nor offline.
  case unknownStatus(String)

  /// The journald `REASON=` value.
  public var code: String {
    switch self {
    case .outOfScope: "out-of-scope"
    case .busy: "busy"
    case .online: "online"
    case .orphanStillOnline: "orphan-still-online"
    case .offlineWithinGrace: "offline-within-grace"
    case .idleWithinGrace: "idle-within-grace"
    case .keptForMinIdle: "min-idle"
    case .capReached: "cap-reached"
    case .unknownStatus: "unknown-status"
    }
  }
}

/// One runner's fate in a run.
public struct RunnerDecision: Sendable, Hashable {
  /// The runner as listed.
  public var runner: Runner
  public var verdict: Verdict

  /// Deregister or keep, with the reason.
  public enum Verdict: Sendable, Hashable {
    case deregister(DeregistrationReason)
    case keep(KeepReason)
  }

  public init(runner: Runner, verdict: Verdict) {
    self.runner = runner
    self.verdict = verdict
  }

  /// The reason, if the runner is to be deregistered.
  public var deregistrationReason: DeregistrationReason? {
    if case .deregister(let r) = verdict { return r }
    return nil
  }
}

/// The result of a planning pass.
public struct RunnerPlan: Sendable, Hashable {
  /// A decision for every listed runner, in listing order.
  public var decisions: [RunnerDecision]
  /// The history to store for the next run.
  public var history: RunnerHistory

  /// The runners to deregister, orphans first, then offline, then idle.
  public var deregistrations: [RunnerDecision] {
    decisions.filter { $0.deregistrationReason != nil }
  }
}

extension DeregistrationPolicy {
  /// Decides, for every listed runner, whether to deregister it and why, and
  /// updates the history. Pure: same inputs, same plan.
  ///
  /// - Parameters:
  ///   - runners: the org's (or repository's) runners, as listed now.
  ///   - history: what earlier runs saw.
  ///   - instances: EC2 states of the instances named by `instance_id:` labels;
  ///     an instance id missing from the map was not looked up (unknown), and is
  ///     never taken as gone.
  ///   - now: wall-clock epoch seconds.
  public func plan(
    runners: some Sequence<Runner>, history: RunnerHistory, instances: [String: EC2InstanceState],
    now: Int64
  ) -> RunnerPlan {
    var newHistory = RunnerHistory()
    var decisions: [RunnerDecision] = []
    // Candidates by priority; resolved against the cap and min_idle below.
    var orphans: [(index: Int, reason: DeregistrationReason)] = []
    var offline: [(index: Int, reason: DeregistrationReason, since: Int64)] = []
    var idle: [(index: Int, reason: DeregistrationReason, since: Int64)] = []
    var idleInScope = 0

    for runner in runners {
      let old = history.runners[runner.id]
      var record = RunnerHistory.Record(lastSeen: now)
      switch runner.status {
      case .offline:
        record.offlineSince = old?.offlineSince ?? now
      case .online where !runner.busy:
        record.idleSince = old?.idleSince ?? now
        record.consecutiveIdleObservations = (old?.consecutiveIdleObservations ?? 0) + 1
      default:
        break
      }
      newHistory.runners[runner.id] = record
      let index = decisions.count
      decisions.append(RunnerDecision(runner: runner, verdict: .keep(.online)))

      guard inScope(runner) else {
        decisions[index].verdict = .keep(.outOfScope)
        continue
      }
      guard !runner.busy else {
        decisions[index].verdict = .keep(.busy)
        continue
      }
      switch runner.status {
      case .other(let s):
        decisions[index].verdict = .keep(.unknownStatus(s))
      case .offline:
        let offlineFor = Duration.seconds(max(0, now - record.offlineSince!))
        if let id = runner.instanceID, let state = instances[id], state.isGone {
          orphans.append((index, .orphaned(instanceID: id, state: state)))
        } else if offlineFor >= offlineGrace {
          offline.append((index, .offline(offlineFor: offlineFor), record.offlineSince!))
        } else {
          decisions[index].verdict = .keep(.offlineWithinGrace(offlineFor: offlineFor))
        }
      case .online:
        idleInScope += 1
        let idleFor = Duration.seconds(max(0, now - record.idleSince!))
        let observations = record.consecutiveIdleObservations
        if let id = runner.instanceID, let state = instances[id], state.isGone {
          decisions[index].verdict = .keep(.orphanStillOnline(instanceID: id))
        } else if !idleEnabled {
          decisions[index].verdict = .keep(.online)
        } else if idleFor >= idleGrace, observations >= idleObservations {
          idle.append(
            (index, .idle(idleFor: idleFor, observations: observations), record.idleSince!))
        } else {
          decisions[index].verdict = .keep(
            .idleWithinGrace(idleFor: idleFor, observations: observations))
        }
      }
    }

    // Longest-offline and longest-idle first; ties by id for determinism.
    offline.sort {
      ($0.since, decisions[$0.index].runner.id) < ($1.since, decisions[$1.index].runner.id)
    }
    idle.sort {
      ($0.since, decisions[$0.index].runner.id) < ($1.since, decisions[$1.index].runner.id)
    }
    var budget = max(0, maxDeregistrations)
    func take(_ index: Int, _ reason: DeregistrationReason) {
      if budget > 0 {
        budget -= 1
        decisions[index].verdict = .deregister(reason)
      } else {
        decisions[index].verdict = .keep(.capReached(reason))
      }
    }
    for o in orphans { take(o.index, o.reason) }
    for o in offline { take(o.index, o.reason) }
    var idleRemovable = max(0, idleInScope - max(0, minIdle))
    for i in idle {
      if idleRemovable > 0 {
        idleRemovable -= 1
        take(i.index, i.reason)
      } else {
        decisions[i.index].verdict = .keep(.keptForMinIdle)
      }
    }
    return RunnerPlan(decisions: decisions, history: newHistory)
  }
}
