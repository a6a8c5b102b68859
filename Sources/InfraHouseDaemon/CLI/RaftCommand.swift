import InfraHouseConfig
import InfraHouseCore

/// `infrahoused raft status|reconcile --dry-run`: one Raft heartbeat from the
/// command line, with the `[raft]` and `[aws]` settings of the configuration file.
enum RaftCommand {
  static func run(_ arguments: [String]) async throws -> Int32 {
    var rest = arguments
    guard let sub = rest.first, !sub.hasPrefix("-") else {
      throw UsageError("raft needs a subcommand: status or reconcile")
    }
    rest.removeFirst()
    var configPath = CommandLineInterface.defaultConfigPath
    var dryRun = false
    var iterator = rest.makeIterator()
    while let argument = iterator.next() {
      switch argument {
      case "--config":
        guard let v = iterator.next() else { throw UsageError("--config needs a value") }
        configPath = v
      case "--dry-run" where sub == "reconcile": dryRun = true
      default: throw UsageError("unexpected argument '\(argument)' for raft \(sub)")
      }
    }
    guard sub == "status" || sub == "reconcile" else {
      throw UsageError("unknown raft subcommand '\(sub)'; expected status or reconcile")
    }
    if sub == "reconcile" && !dryRun {
      throw UsageError(
        "raft reconcile only runs with --dry-run; the daemon's task makes the changes")
    }
    guard let configuration = ConfigFiles.loadReportingErrors(configPath) else { return 1 }
    guard !configuration.raft.autoScalingGroup.isEmpty else {
      POSIX.writeAll(2, "infrahoused raft: [raft] asg is not set in \(configPath)\n")
      return 1
    }
    let logger = Logger(label: "infrahoused", level: .warning, sink: StderrLogSink())
    var settings = configuration
    settings.raft.reconcile = sub == "reconcile"
    let heartbeat = Services.raftHeartbeat(
      settings, dryRun: sub == "reconcile" ? true : nil, gate: { false }, logger: logger)
    let report = try await heartbeat.run()
    var out = table(report.peers)
    out += report.summary + "\n"
    POSIX.writeAll(1, out)
    return report.healthy ? 0 : 1
  }

  /// One row per peer: address, instance, state, healthy, the leader it sees.
  static func table(_ peers: [RaftPeerRow]) -> String {
    var rows = [
      ["ADDRESS", "INSTANCE", "LIFECYCLE", "MEMBER", "STATE", "HEALTHY", "LEADER SEEN", "ERROR"]
    ]
    for p in peers {
      rows.append([
        p.address, p.instanceID, p.lifecycleState, p.member ? "yes" : "no",
        p.reachable ? (p.state ?? "-") : (p.queried ? "unreachable" : "not queried"),
        p.healthy ? "yes" : "no", p.leader.map { $0.isEmpty ? "(none)" : $0 } ?? "-", p.error ?? "",
      ])
    }
    var widths = [Int](repeating: 0, count: rows[0].count)
    for row in rows { for (i, c) in row.enumerated() { widths[i] = max(widths[i], c.count) } }
    return rows.map { row in
      row.enumerated().map { i, c in
        i == row.count - 1 ? c : c + String(repeating: " ", count: widths[i] - c.count + 2)
      }
      .joined()
    }.joined(separator: "\n") + "\n"
  }
}
