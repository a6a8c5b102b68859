/// Looks up the EC2 state of the instances named by runners' `instance_id:` labels.
public protocol InstanceStateLookup: Sendable {
  /// The state of each id; an id EC2 does not know is `.notFound`. Throwing
  /// means "unknown": the policy then never treats those runners as orphans.
  func states(of instanceIDs: [String]) async throws -> [String: EC2InstanceState]
}

/// ``InstanceStateLookup`` through `DescribeInstances` with an `instance-id`
/// filter (a filter, unlike `InstanceId.N`, does not fail the whole call when
/// one id is unknown), 100 ids a call.
public struct EC2InstanceStateLookup: InstanceStateLookup {
  public let session: AWSSession

  public init(session: AWSSession) { self.session = session }

  public func states(of instanceIDs: [String]) async throws -> [String: EC2InstanceState] {
    let ec2 = EC2Client(client: try await session.client(.ec2))
    var states: [String: EC2InstanceState] = [:]
    let unique = Array(Set(instanceIDs)).sorted()
    var start = 0
    while start < unique.count {
      let batch = Array(unique[start..<min(start + 100, unique.count)])
      for d in try await ec2.describeInstances(filters: ["instance-id": batch]) {
        states[d.instanceId] = EC2InstanceState(rawValue: d.state) ?? .running
      }
      for id in batch where states[id] == nil { states[id] = .notFound }
      start += 100
    }
    return states
  }
}
