/// What DescribeInstances says about one instance.
public struct EC2InstanceDescription: Sendable, Equatable {
  public var instanceId: String
  /// `pending`, `running`, `stopping`, `stopped`, `shutting-down`, `terminated`.
  public var state: String
  public var privateIPAddress: String?
  public var privateDNSName: String?
  public var availabilityZone: String?
  public var tags: [String: String]

  /// Parses one `instancesSet/item` element.
  public init?(xml item: XMLElement) {
    guard let id = item.string("instanceId") else { return nil }
    instanceId = id
    state = item["instanceState", "name"]?.text ?? "unknown"
    privateIPAddress = item.string("privateIpAddress").flatMap { $0.isEmpty ? nil : $0 }
    privateDNSName = item.string("privateDnsName").flatMap { $0.isEmpty ? nil : $0 }
    availabilityZone = item["placement", "availabilityZone"]?.text
    var tags: [String: String] = [:]
    for t in item.child("tagSet")?.children("item") ?? [] {
      if let k = t.string("key") { tags[k] = t.string("value") ?? "" }
    }
    self.tags = tags
  }
}

/// EC2: DescribeInstances (paginated), TerminateInstances.
public struct EC2Client: Sendable {
  public let client: AWSClient

  public init(client: AWSClient) { self.client = client }

  /// Every instance matching `instanceIds` and `filters`, following `NextToken`.
  public func describeInstances(
    instanceIds: [String] = [], filters: [String: [String]] = [:], pageSize: Int? = nil
  ) async throws -> [EC2InstanceDescription] {
    var out: [EC2InstanceDescription] = []
    var token: String?
    repeat {
      var p: [(String, String)] = []
      for (i, id) in instanceIds.enumerated() { p.append(("InstanceId.\(i + 1)", id)) }
      for (i, (name, values)) in filters.sorted(by: { $0.key < $1.key }).enumerated() {
        p.append(("Filter.\(i + 1).Name", name))
        for (j, v) in values.enumerated() { p.append(("Filter.\(i + 1).Value.\(j + 1)", v)) }
      }
      if let pageSize { p.append(("MaxResults", String(pageSize))) }
      if let token { p.append(("NextToken", token)) }
      let root = try await client.query("DescribeInstances", p)
      for reservation in root.child("reservationSet")?.children("item") ?? [] {
        for item in reservation.child("instancesSet")?.children("item") ?? [] {
          if let d = EC2InstanceDescription(xml: item) { out.append(d) }
        }
      }
      token = root.string("nextToken").flatMap { $0.isEmpty ? nil : $0 }
    } while token != nil
    return out
  }

  public func terminateInstances(_ ids: [String]) async throws {
    let p = ids.enumerated().map { ("InstanceId.\($0.offset + 1)", $0.element) }
    _ = try await client.query("TerminateInstances", p)
  }
}

/// One EC2 instance: the Swift form of infrahouse-core's `EC2Instance`.
/// Construction makes no call; DescribeInstances answers are cached 10 s.
public final class EC2Instance: Sendable {
  public let instanceId: String
  public let session: AWSSession
  let cache: TTLCache<String, EC2InstanceDescription>

  public init(instanceId: String, session: AWSSession, cacheTTL: Duration = .seconds(10)) {
    self.instanceId = instanceId
    self.session = session
    cache = TTLCache(ttl: cacheTTL)
  }

  /// An instance reached through its own session (optional role and region).
  public convenience init(
    instanceId: String, roleArn: String? = nil, region: String? = nil, fileID: String = #fileID,
    function: String = #function
  ) {
    self.init(
      instanceId: instanceId,
      session: AWSSession(
        .init(region: region, roleArn: roleArn), fileID: fileID, function: function))
  }

  /// DescribeInstances for this instance, cached for the TTL.
  public func describe() async throws -> EC2InstanceDescription {
    try await cache.value(for: instanceId) {
      let found = try await EC2Client(client: session.client(.ec2)).describeInstances(instanceIds: [
        instanceId
      ])
      guard let d = found.first else {
        throw AWSError(
          service: "ec2", operation: "DescribeInstances", code: "InvalidInstanceID.NotFound",
          message: "The instance ID '\(instanceId)' does not exist", httpStatus: 400)
      }
      return d
    }
  }

  public var state: String { get async throws { try await describe().state } }
  public var privateIPAddress: String? {
    get async throws { try await describe().privateIPAddress }
  }
  public var privateDNSName: String? { get async throws { try await describe().privateDNSName } }
  public var tags: [String: String] { get async throws { try await describe().tags } }

  /// Whether the instance exists and is not terminated.
  public func exists() async throws -> Bool {
    do {
      return try await describe().state != "terminated"
    } catch let error as AWSError where error.code == "InvalidInstanceID.NotFound" {
      return false
    }
  }

  /// Runs a shell command through SSM and waits for its result.
  public func executeCommand(
    _ command: String, timeout: Duration = .seconds(60), pollInterval: Duration = .seconds(1)
  ) async throws -> SSMCommandResult {
    try await SSMClient(client: session.client(.ssm)).run(
      instanceId: instanceId, command: command, timeout: timeout, pollInterval: pollInterval)
  }

  /// Terminates the instance; an instance already gone is success.
  public func delete() async throws {
    do {
      try await EC2Client(client: session.client(.ec2)).terminateInstances([instanceId])
    } catch let error as AWSError where error.code == "InvalidInstanceID.NotFound" {
    }
    cache.removeAll()
  }
}
