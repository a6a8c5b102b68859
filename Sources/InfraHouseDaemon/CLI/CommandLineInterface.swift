import InfraHouseConfig
import InfraHouseCore
import InfraHouseTOML

#if canImport(Glibc)
  import Glibc
#endif

/// Parses `infrahoused`'s arguments and runs the chosen subcommand.
///
/// Exit codes: 0 success, 1 failure (invalid config, daemon error), 2 usage error.
public enum CommandLineInterface {
  /// The default configuration file.
  public static let defaultConfigPath = "/etc/infrahoused/infrahoused.toml"

  static let usage = """
    Usage: infrahoused [COMMAND] [OPTIONS]

    Commands:
      run [--config PATH]            Run the daemon in the foreground (the default command)
      status [--config PATH | --socket PATH]
                                     Show the running daemon's tasks and state
      reload [--config PATH | --socket PATH]
                                     Reload the running daemon's configuration and wait
                                     for the result (use as ExecReload=)
      check-config [--config PATH]   Validate the configuration and print the effective one
      lock status NAME [--config PATH]
                                     Show the fleet lock NAME's holder, fence and expiry
      lock run NAME [--wait DURATION] [--config PATH] -- COMMAND [ARGS...]
                                     Run COMMAND while holding the fleet lock NAME (a
                                     fleet-wide flock(1)); exit 75 if not acquired in time
      toml-decode                    TOML on stdin to toml-test's tagged JSON on stdout
      runners list [--label L] [--json] [--config PATH]
                                     Stream the scope's GitHub Actions runners
      runners sweep --dry-run [--config PATH]
                                     Show what runner housekeeping would deregister, and why
      raft status [--config PATH]    One Raft heartbeat: each peer's state, health and leader
      raft reconcile --dry-run [--config PATH]
                                     The membership changes reconcile would make, and why
      aws whoami [--role-arn ARN] [--region R] [--config PATH]
                                     The AWS account, ARN and credentials provider in use

    Options:
      -h, --help                     Show this help
      --version                      Show the version

    The configuration is \(defaultConfigPath) plus conf.d/*.toml beside it.

    """

  /// Runs the command line `arguments` (without the program name) and returns the exit code.
  public static func main(_ arguments: [String]) async -> Int32 {
    var rest = arguments
    let command = rest.first.map { $0.hasPrefix("-") ? "run" : rest.removeFirst() } ?? "run"
    let ownArguments = arguments.prefix { $0 != "--" }  // after `--` they are a command's
    if ownArguments.contains("--help") || ownArguments.contains("-h") || command == "help" {
      POSIX.writeAll(1, usage)
      return 0
    }
    if arguments.first == "--version" || command == "version" {
      POSIX.writeAll(1, "infrahoused \(InfraHouseCore.version)\n")
      return 0
    }
    do {
      switch command {
      case "run":
        let options = try Options.parse(rest, allowed: ["--config"])
        return await runDaemon(configPath: options.config)
      case "status", "reload":
        let options = try Options.parse(rest, allowed: ["--config", "--socket"])
        return control(command, socket: options.socketPath())
      case "toml-decode":
        guard rest.isEmpty else { throw UsageError("toml-decode takes no arguments") }
        return TOMLDecodeCommand.run()
      case "lock":
        return try await LockCommand.main(rest)
      case "check-config":
        return CheckConfigCommand.run(arguments: rest)
      case "runners":
        return try await RunnersCommand.run(rest)
      case "raft":
        return try await RaftCommand.run(rest)
      case "aws":
        return try await AWSCommand.run(rest)
      default:
        throw UsageError("unknown command '\(command)'")
      }
    } catch let error as UsageError {
      POSIX.writeAll(2, "infrahoused: \(error.message)\nTry 'infrahoused --help'.\n")
      return 2
    } catch {
      POSIX.writeAll(2, "infrahoused: \(error)\n")
      return 1
    }
  }

  static func runDaemon(configPath: String) async -> Int32 {
    let sink = LogDestination.automatic(identifier: "infrahoused")
    let daemon = Daemon(source: ConfigFiles.source(path: configPath), sink: sink)
    return await daemon.run()
  }

  static func control(_ request: String, socket: String) -> Int32 {
    do {
      let reply = try ControlClient.send(request, path: socket)
      POSIX.writeAll(reply.ok ? 1 : 2, reply.body)
      return reply.ok ? 0 : 1
    } catch {
      POSIX.writeAll(2, "infrahoused \(request): \(error)\n")
      return 1
    }
  }
}

/// A command-line mistake: printed with a hint and exit code 2.
struct UsageError: Error {
  let message: String
  init(_ message: String) { self.message = message }
}

/// `--config PATH`, `--socket PATH` (also `--config=PATH`).
struct Options {
  var config = CommandLineInterface.defaultConfigPath
  var configGiven = false
  var socket: String?

  static func parse(_ arguments: [String], allowed: Set<String>) throws -> Options {
    var options = Options()
    var iterator = arguments.makeIterator()
    while let argument = iterator.next() {
      var name = argument
      var value: String?
      if let eq = argument.firstIndex(of: "="), argument.hasPrefix("--") {
        name = String(argument[..<eq])
        value = String(argument[argument.index(after: eq)...])
      }
      guard allowed.contains(name) else { throw UsageError("unexpected argument '\(argument)'") }
      guard let v = value ?? iterator.next(), !v.isEmpty else {
        throw UsageError("\(name) needs a value")
      }
      switch name {
      case "--config":
        options.config = v
        options.configGiven = true
      default: options.socket = v
      }
    }
    return options
  }

  /// The control socket: `--socket`, else the runtime directory of `--config`'s
  /// configuration, else `INFRAHOUSED_CONTROL_SOCKET`, else `/run/infrahoused/control.sock`.
  func socketPath() -> String {
    if let socket { return socket }
    if configGiven, case .success(let configuration) = ConfigFiles.source(path: config)() {
      return configuration.daemon.runtimeDirectory + "/control.sock"
    }
    return POSIX.environment("INFRAHOUSED_CONTROL_SOCKET") ?? "/run/infrahoused/control.sock"
  }
}

/// Exits the process with `code`.
public func exitProcess(_ code: Int32) -> Never {
  exit(code)
}
