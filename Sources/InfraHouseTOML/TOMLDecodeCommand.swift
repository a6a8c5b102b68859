/// `infrahoused toml-decode`: toml-test's decoder interface (TOML on stdin, tagged JSON on stdout).
public enum TOMLDecodeCommand {
    /// Reads stdin, writes the result, returns the exit code.
    public static func run() -> Int32 { 1 }
}
