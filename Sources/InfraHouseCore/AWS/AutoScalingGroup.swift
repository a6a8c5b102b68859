/// One instance of an Auto Scaling group.
public struct AutoScalingInstance: Sendable, Equatable {
  public var instanceId: String
  /// `InService`, `Pending`, `Terminating`, `Terminating:Wait`, `Standby`...
  public var lifecycleState: String
  /// `Healthy` or `Unhealthy`.
  public var healthStatus: String
  public var availabilityZone: String?
  public var protectedFromScaleIn: Bool
}

/// What DescribeAutoScalingGroups says about a group.
public struct AutoScalingGroupDescription: Sendable, Equatable {
  public var name: String
  public var minSize: Int
  public var maxSize: Int
  public var desiredCapacity: Int
  public var instances: [AutoScalingInstance]
  public var tags: [String: String]

  init?(xml m: XMLElement) {
    guard let name = m.string("AutoScalingGroupName") else { return nil }
    self.name = name
    minSize = Int(m.string("MinSize") ?? "") ?? 0
    maxSize = Int(m.string("MaxSize") ?? "") ?? 0
    desiredCapacity = Int(m.string("DesiredCapacity") ?? "") ?? 0
    instances = (m.child("Instances")?.children("member") ?? []).compactMap { i in
      guard let id = i.string("InstanceId") else { return nil }
      return AutoScalingInstance(
        instanceId: id, lifecycleState: i.string("LifecycleState") ?? "",
        healthStatus: i.string("HealthStatus") ?? "",
        availabilityZone: i.string("AvailabilityZone"),
        protectedFromScaleIn: i.string("ProtectedFromScaleIn") == "true")
    }
    var tags: [String: String] = [:]
    for t in m.child("Tags")?.children("member") ?? [] {
      if let k = t.string("Key") { tags[k] = t.string("Value") ?? "" }
    }
    self.tags = tags
  }
}

/// Auto Scaling: DescribeAutoScalingGroups (paginated).
public struct AutoScalingClient: Sendable {
  public let client: AWSClient

  public init(client: AWSClient) { self.client = client }

  /// The named groups (all groups when `names` is empty), following `NextToken`.
  public func describeGroups(names: [String] = [], pageSize: Int? = nil) async throws
    -> [AutoScalingGroupDescription]
  {
    var out: [AutoScalingGroupDescription] = []
    var token: String?
    repeat {
      var p = names.enumerated().map {
        ("AutoScalingGroupNames.member.\($0.offset + 1)", $0.element)
      }
      if let pageSize { p.append(("MaxRecords", String(pageSize))) }
      if let token { p.append(("NextToken", token)) }
      let root = try await client.query("DescribeAutoScalingGroups", p)
      let result = root.first("DescribeAutoScalingGroupsResult")
      for m in result?.child("AutoScalingGroups")?.children("member") ?? [] {
        if let d = AutoScalingGroupDescription(xml: m) { out.append(d) }
      }
      token = result?.string("NextToken").flatMap { $0.isEmpty ? nil : $0 }
    } while token != nil
    return out
  }
}

/// An Auto Scaling group: the Swift form of infrahouse-core's `ASG`.
/// Construction makes no call; descriptions are cached 10 s.
public final class AutoScalingGroup: Sendable {
  public let name: String
  public let session: AWSSession
  let cache: TTLCache<String, AutoScalingGroupDescription>

  public init(name: String, session: AWSSession, cacheTTL: Duration = .seconds(10)) {
    self.name = name
    self.session = session
    cache = TTLCache(ttl: cacheTTL)
  }

  /// A group reached through its own session (optional role and region).
  public convenience init(
    name: String, roleArn: String? = nil, region: String? = nil, fileID: String = #fileID,
    function: String = #function
  ) {
    self.init(
      name: name,
      session: AWSSession(
        .init(region: region, roleArn: roleArn), fileID: fileID, function: function))
  }

  /// DescribeAutoScalingGroups for this group, cached for the TTL.
  public func describe() async throws -> AutoScalingGroupDescription {
    try await cache.value(for: name) {
      guard
        let d = try await AutoScalingClient(client: session.client(.autoScaling)).describeGroups(
          names: [name]).first
      else {
        throw AWSError(
          service: "autoscaling", operation: "DescribeAutoScalingGroups", code: "ValidationError",
          message: "AutoScalingGroup name not found - \(name)", httpStatus: 400)
      }
      return d
    }
  }

  /// The group's instances with their lifecycle state and health.
  public var instances: [AutoScalingInstance] {
    get async throws { try await describe().instances }
  }

  /// The instances as ``EC2Instance`` resources sharing this group's session.
  public func ec2Instances() async throws -> [EC2Instance] {
    try await instances.map { EC2Instance(instanceId: $0.instanceId, session: session) }
  }

  public func exists() async throws -> Bool {
    do {
      _ = try await describe()
      return true
    } catch let error as AWSError where error.code == "ValidationError" {
      return false
    }
  }
}
