/// The library half of infrahoused: HTTP, AWS, GitHub, Orchestrator and locks.
public enum InfraHouseCore {
  /// The version reported in User-Agent headers and `--version`.
  public static let version = "0.1.0"
}
