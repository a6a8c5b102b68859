/// `infrahoused check-config [--config PATH]`: validate the main file and drop-ins.
public enum CheckConfigCommand {
    /// Runs the check and returns the exit code (0 valid, 1 invalid, 2 usage).
    public static func run(arguments: [String]) -> Int32 { 1 }
}
