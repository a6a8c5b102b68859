/// Peers from an Auto Scaling Group: `DescribeAutoScalingGroups` for the
/// instances and their lifecycle states, then one `DescribeInstances` for all
/// of them for private IPs and DNS names. Two calls per heartbeat, uncached,
/// so a replacement is seen at the next heartbeat.
///
/// The group's lifecycle state is kept, except that an instance EC2 already
/// reports `shutting-down` or `terminated` is marked `Terminating` or
/// `Terminated` (the group lags EC2 by a few seconds).
public struct AutoScalingPeerDiscovery: RaftPeerDiscovery {
  public let groupName: String
  public let session: AWSSession

  public init(groupName: String, session: AWSSession) {
    self.groupName = groupName
    self.session = session
  }

  public var source: String { "asg:\(groupName)" }

  public func discover() async throws -> RaftDiscovery {
    let asg = AutoScalingClient(client: try await session.client(.autoScaling))
    guard let group = try await asg.describeGroups(names: [groupName]).first else {
      throw AWSError(
        service: "autoscaling", operation: "DescribeAutoScalingGroups", code: "ValidationError",
        message: "AutoScalingGroup name not found - \(groupName)", httpStatus: 400)
    }
    let ids = group.instances.map(\.instanceId)
    guard !ids.isEmpty else { return RaftDiscovery(instances: [], apiCalls: 1) }
    let ec2 = EC2Client(client: try await session.client(.ec2))
    let described = try await ec2.describeInstances(instanceIds: ids)
    let byID = Dictionary(described.map { ($0.instanceId, $0) }, uniquingKeysWith: { a, _ in a })
    let instances = group.instances.map { member in
      let d = byID[member.instanceId]
      return RaftInstance(
        instanceID: member.instanceId,
        lifecycleState: Self.lifecycle(group: member.lifecycleState, ec2: d?.state),
        privateIP: d?.privateIPAddress, hostname: d?.privateDNSName)
    }
    return RaftDiscovery(instances: instances, apiCalls: 2)
  }

  /// The group's state, overridden when EC2 already shows the instance going away.
  static func lifecycle(group: String, ec2: String?) -> String {
    switch ec2 {
    case "terminated": "Terminated"
    case "shutting-down" where !group.hasPrefix("Terminat"): "Terminating"
    default: group
    }
  }
}
