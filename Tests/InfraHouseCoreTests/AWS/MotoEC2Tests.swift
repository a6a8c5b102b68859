import Foundation
import Testing

@testable import InfraHouseCore

@Suite struct MotoEC2Tests {
  let moto = MotoFixture.shared

  func someImage(_ ec2: AWSClient) async throws -> String {
    let images = try await ec2.query("DescribeImages", [("Owner.1", "amazon")])
    return try #require(images.child("imagesSet")?.children("item").first?.string("imageId"))
  }

  func runInstances(count: Int, tag: String) async throws -> [String] {
    let ec2 = try await moto.session().client(.ec2)
    let root = try await ec2.query(
      "RunInstances",
      [
        ("ImageId", try await someImage(ec2)), ("MinCount", String(count)),
        ("MaxCount", String(count)),
        ("InstanceType", "t3.micro"), ("TagSpecification.1.ResourceType", "instance"),
        ("TagSpecification.1.Tag.1.Key", "batch"), ("TagSpecification.1.Tag.1.Value", tag),
        ("TagSpecification.1.Tag.2.Key", "Name"), ("TagSpecification.1.Tag.2.Value", "node-\(tag)"),
      ])
    return root.child("instancesSet")?.children("item").compactMap { $0.string("instanceId") } ?? []
  }

  @Test func describesStateAddressesAndTags() async throws {
    let tag = UUID().uuidString.prefix(8)
    let ids = try await runInstances(count: 1, tag: String(tag))
    let instance = EC2Instance(instanceId: try #require(ids.first), session: moto.session())
    #expect(try await instance.state == "running")
    #expect(try await instance.privateIPAddress?.isEmpty == false)
    #expect(try await instance.privateDNSName?.hasSuffix(".internal") == true)
    #expect(try await instance.tags["batch"] == String(tag))
    #expect(try await instance.exists())
    try await instance.delete()
    // Within the cache TTL the old answer stands; a fresh object sees the termination.
    let fresh = EC2Instance(instanceId: instance.instanceId, session: moto.session())
    let state = try await fresh.state
    #expect(state == "shutting-down" || state == "terminated")
  }

  @Test func describeIsCachedForTheTTL() async throws {
    let ids = try await runInstances(count: 1, tag: "cache")
    let id = try #require(ids.first)
    let instance = EC2Instance(instanceId: id, session: moto.session())
    #expect(try await instance.state == "running")
    try await EC2Client(client: moto.session().client(.ec2)).terminateInstances([id])
    #expect(try await instance.state == "running")  // cached
    let shortLived = EC2Instance(
      instanceId: id, session: moto.session(), cacheTTL: .milliseconds(1))
    _ = try await shortLived.state
    try await Task.sleep(for: .milliseconds(5))
    #expect(try await shortLived.state != "running")
  }

  @Test func describePaginatesWithNextToken() async throws {
    let tag = String(UUID().uuidString.prefix(8))
    let ids = try await runInstances(count: 7, tag: tag)
    let ec2 = EC2Client(client: try await moto.session().client(.ec2))
    let found = try await ec2.describeInstances(filters: ["tag:batch": [tag]], pageSize: 5)
    #expect(Set(found.map(\.instanceId)) == Set(ids))
    #expect(found.count == 7)
  }

  @Test func missingInstance() async throws {
    let instance = EC2Instance(instanceId: "i-0123456789abcdef0", session: moto.session())
    #expect(try await !instance.exists())
    try await instance.delete()  // not found is success
  }

  @Test func executeCommandThroughSSM() async throws {
    let ids = try await runInstances(count: 1, tag: "ssm")
    let instance = EC2Instance(instanceId: try #require(ids.first), session: moto.session())
    // moto records SendCommand and reports Success with empty output.
    let result = try await instance.executeCommand(
      "echo hello", timeout: .seconds(20), pollInterval: .milliseconds(50))
    #expect(result.status == "Success")
    #expect(result.exitCode == 0)
    #expect(!result.commandId.isEmpty)
    let ssm = SSMClient(client: try await moto.session().client(.ssm))
    let again = try await ssm.invocation(
      commandId: result.commandId, instanceId: instance.instanceId)
    #expect(again?.status == "Success")
  }
}

@Suite struct MotoAutoScalingTests {
  let moto = MotoFixture.shared

  @Test func groupInstancesWithLifecycleState() async throws {
    let session = moto.session()
    let asg = try await session.client(.autoScaling)
    let ec2 = try await session.client(.ec2)
    let image = try #require(
      try await ec2.query("DescribeImages", [("Owner.1", "amazon")]).child("imagesSet")?.children(
        "item"
      ).first?
      .string("imageId"))
    let name = "asg-\(UUID().uuidString.prefix(8))"
    _ = try await asg.query(
      "CreateLaunchConfiguration",
      [("LaunchConfigurationName", name), ("ImageId", image), ("InstanceType", "t3.micro")])
    _ = try await asg.query(
      "CreateAutoScalingGroup",
      [
        ("AutoScalingGroupName", name), ("LaunchConfigurationName", name), ("MinSize", "3"),
        ("MaxSize", "3"),
        ("DesiredCapacity", "3"), ("AvailabilityZones.member.1", "us-east-1a"),
      ])
    let group = AutoScalingGroup(name: name, session: session)
    #expect(try await group.exists())
    let instances = try await group.instances
    #expect(instances.count == 3)
    #expect(
      instances.allSatisfy { $0.lifecycleState == "InService" && $0.healthStatus == "Healthy" })
    #expect(instances.allSatisfy { $0.instanceId.hasPrefix("i-") })
    let members = try await group.ec2Instances()
    #expect(try await members[0].state == "running")
    let description = try await group.describe()
    #expect(description.desiredCapacity == 3)

    // Listing every group pages through NextToken.
    let all = try await AutoScalingClient(client: asg).describeGroups(pageSize: 1)
    #expect(all.contains { $0.name == name })

    #expect(try await !AutoScalingGroup(name: "no-such-\(name)", session: session).exists())
  }
}
