/// Peers from an EC2 tag filter (no Auto Scaling Group): one paginated
/// `DescribeInstances` with `tag:KEY=VALUE` filters. EC2 states map onto ASG
/// lifecycle words so the planner treats both sources alike: `pending` ->
/// `Pending`, `running` -> `InService`, `shutting-down` -> `Terminating`,
/// `terminated` -> `Terminated`, `stopping`/`stopped` -> `Standby`.
public struct EC2TagPeerDiscovery: RaftPeerDiscovery {
  /// Tag key -> accepted values.
  public let tags: [String: [String]]
  public let session: AWSSession

  public init(tags: [String: [String]], session: AWSSession) {
    self.tags = tags
    self.session = session
  }

  public var source: String {
    "ec2:"
      + tags.sorted { $0.key < $1.key }.map { "tag:\($0.key)=\($0.value.joined(separator: "|"))" }
      .joined(separator: ",")
  }

  public func discover() async throws -> RaftDiscovery {
    let ec2 = EC2Client(client: try await session.client(.ec2))
    var filters: [String: [String]] = [:]
    for (key, values) in tags { filters["tag:\(key)"] = values }
    let found = try await ec2.describeInstances(filters: filters)
    return RaftDiscovery(
      instances: found.map {
        RaftInstance(
          instanceID: $0.instanceId, lifecycleState: Self.lifecycle(ec2: $0.state),
          privateIP: $0.privateIPAddress, hostname: $0.privateDNSName)
      }, apiCalls: 1)
  }

  static func lifecycle(ec2 state: String) -> String {
    switch state {
    case "pending": "Pending"
    case "running": "InService"
    case "shutting-down": "Terminating"
    case "terminated": "Terminated"
    case "stopping", "stopped": "Standby"
    default: state
    }
  }
}
