/// Finds the instances that should be Raft peers, each with its lifecycle
/// state and addresses, for one heartbeat.
public protocol RaftPeerDiscovery: Sendable {
  /// A description for logs: `asg:orchestrator-prod`, `ec2:tag:cluster=raft`.
  var source: String { get }
  /// Every candidate instance, in every lifecycle state (the planner decides
  /// which to query); the number of AWS API calls it took is in ``RaftDiscovery/apiCalls``.
  func discover() async throws -> RaftDiscovery
}

/// One discovery's answer.
public struct RaftDiscovery: Sendable, Equatable {
  public var instances: [RaftInstance]
  /// AWS API calls made (pages included).
  public var apiCalls: Int

  public init(instances: [RaftInstance], apiCalls: Int) {
    self.instances = instances
    self.apiCalls = apiCalls
  }
}
