import InfraHouseConfig
import InfraHouseCore

/// `infrahoused runners list|sweep`: the runner housekeeping from the command
/// line, with the `[runners]` and `[aws]` settings of the configuration file.
enum RunnersCommand {
  static func run(_ arguments: [String]) async throws -> Int32 {
    var rest = arguments
    guard let sub = rest.first, !sub.hasPrefix("-") else {
      throw UsageError("runners needs a subcommand: list or sweep")
    }
    rest.removeFirst()
    var configPath = CommandLineInterface.defaultConfigPath
    var label: String?
    var json = false
    var dryRun = false
    var iterator = rest.makeIterator()
    while let argument = iterator.next() {
      switch argument {
      case "--config":
        guard let v = iterator.next() else { throw UsageError("--config needs a value") }
        configPath = v
      case "--label" where sub == "list":
        guard let v = iterator.next() else { throw UsageError("--label needs a value") }
        label = v
      case "--json" where sub == "list": json = true
      case "--dry-run" where sub == "sweep": dryRun = true
      default: throw UsageError("unexpected argument '\(argument)' for runners \(sub)")
      }
    }
    guard let configuration = ConfigFiles.loadReportingErrors(configPath) else { return 1 }
    guard !configuration.runners.org.isEmpty else {
      POSIX.writeAll(2, "infrahoused runners: [runners] org is not set in \(configPath)\n")
      return 1
    }
    let logger = Logger(label: "infrahoused", level: .warning, sink: StderrLogSink())
    switch sub {
    case "list":
      let aws = Services.awsSession(configuration.aws, logger: logger)
      let actions = try Services.gitHubActions(configuration.runners, aws: aws)
      return try await list(actions, label: label, json: json)
    case "sweep":
      guard dryRun else {
        throw UsageError(
          "runners sweep only runs with --dry-run; the daemon's task does the real sweep")
      }
      var verbose = logger
      verbose.level = .notice
      let housekeeper = try Services.housekeeper(
        configuration, dryRun: true, keepHistory: false, logger: verbose)
      let report = try await housekeeper.sweep()
      var out = ""
      for result in report.results {
        let what: String
        switch result.outcome {
        case .wouldDeregister: what = "would deregister"
        case .skipped(let why): what = "skip (\(why))"
        case .failed(let why): what = "error (\(why))"
        case .alreadyGone: what = "already gone"
        case .deregistered: what = "deregistered"
        }
        out +=
          "\(result.runner.id)\t\(result.runner.name)\t\(what)\t\(RunnerHousekeeper.explain(result.reason))\n"
      }
      out +=
        "\(report.listed) runners listed, \(report.inScope) in scope, \(report.results.count) candidates\n"
      POSIX.writeAll(1, out)
      return 0
    default:
      throw UsageError("unknown runners subcommand '\(sub)'; expected list or sweep")
    }
  }

  /// Streams runners to stdout as they arrive, one line each (tab-separated,
  /// or one JSON object per line with `--json`), flushing every 64 KiB.
  static func list(_ actions: GitHubActions, label: String?, json: Bool) async throws -> Int32 {
    var buffer = ""
    buffer.reserveCapacity(1 << 16)
    if !json { buffer += "ID\tNAME\tSTATUS\tBUSY\tLABELS\n" }
    for try await runner in actions.runners() {
      if let label, !runner.labelNames.contains(label) { continue }
      if json {
        buffer += "{\"id\":\(runner.id),\"name\":\(quote(runner.name)),\"os\":\(quote(runner.os)),"
        buffer += "\"status\":\(quote(runner.status.rawValue)),\"busy\":\(runner.busy),\"labels\":["
        buffer += runner.labelNames.map(quote).joined(separator: ",") + "]}\n"
      } else {
        buffer += "\(runner.id)\t\(runner.name)\t\(runner.status.rawValue)\t\(runner.busy)\t"
        buffer += runner.labelNames.joined(separator: ",") + "\n"
      }
      if buffer.utf8.count >= 1 << 16 {
        POSIX.writeAll(1, buffer)
        buffer.removeAll(keepingCapacity: true)
      }
    }
    POSIX.writeAll(1, buffer)
    return 0
  }

  static func quote(_ text: String) -> String { JSONText.quote(text) }

}
