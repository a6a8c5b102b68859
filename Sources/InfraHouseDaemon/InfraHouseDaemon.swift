import InfraHouseCore
/// The daemon runtime.
public enum InfraHouseDaemon {}
