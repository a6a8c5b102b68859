import InfraHouseConfig
import InfraHouseTOML

#if canImport(Glibc)
    import Glibc
#endif

/// Parses `infrahoused`'s arguments and runs the chosen subcommand.
public enum CommandLineInterface {
    /// Runs the command line `arguments` (without the program name) and returns the exit code.
    public static func main(_ arguments: [String]) async -> Int32 {
        switch arguments.first {
        case "toml-decode":
            return TOMLDecodeCommand.run()
        case "check-config":
            return CheckConfigCommand.run(arguments: Array(arguments.dropFirst()))
        default:
            return 0
        }
    }
}

/// Exits the process with `code`.
public func exitProcess(_ code: Int32) -> Never {
    exit(code)
}
