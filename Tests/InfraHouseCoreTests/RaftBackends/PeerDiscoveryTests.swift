import Foundation
import InfraHouseCore
import Testing

/// ``AutoScalingPeerDiscovery`` and ``EC2TagPeerDiscovery`` against moto
/// (signature checking on), with instances on loopback addresses.
@Suite struct PeerDiscoveryTests {
  let prefix = "127.\(Int.random(in: 100...250)).\(Int.random(in: 1...250))"

  @Test func autoScalingDiscoveryReportsLifecycleAddressesAndHostnames() async throws {
    let asg = RaftASGTool()
    let created = try asg("setup", prefix, "3")
    #expect(created.count == 3)
    let discovery = AutoScalingPeerDiscovery(
      groupName: asg.group, session: MotoFixture.shared.session())
    #expect(discovery.source == "asg:\(asg.group)")

    let found = try await discovery.discover()
    #expect(found.apiCalls == 2)
    let byIP = Dictionary(uniqueKeysWithValues: found.instances.map { ($0.privateIP ?? "", $0) })
    for n in 1...3 {
      let instance = try #require(byIP["\(prefix).\(n)"])
      #expect(instance.lifecycleState == "InService")
      #expect(
        instance.hostname == "ip-" + "\(prefix).\(n)".replacingOccurrences(of: ".", with: "-")
          + ".ec2.internal")
      #expect(instance.shouldBeQueried)
    }
    #expect(Set(found.instances.map(\.instanceID)) == Set(created.map(\.id)))

    // Standby is reported as the group says; terminated instances leave the group.
    let standby = created[0].id
    try asg("standby", standby)
    let victim = created[1].id
    let after = try asg("terminate", victim)
    let again = try await discovery.discover()
    #expect(!again.instances.contains { $0.instanceID == victim })
    #expect(again.instances.first { $0.instanceID == standby }?.lifecycleState == "Standby")
    let replacement = try #require(after.first { !created.map(\.id).contains($0.id) })
    let seen = try #require(again.instances.first { $0.instanceID == replacement.id })
    #expect(seen.privateIP == replacement.ip)
    #expect(seen.privateIP?.hasPrefix(prefix + ".") == true)
  }

  @Test func tagDiscoveryMapsEC2StatesOntoLifecycleWords() async throws {
    let asg = RaftASGTool()
    let created = try asg("setup", prefix, "3")
    let discovery = EC2TagPeerDiscovery(
      tags: ["raft-cluster": [asg.group]], session: MotoFixture.shared.session())
    let found = try await discovery.discover()
    #expect(found.apiCalls == 1)
    #expect(Set(found.instances.map(\.instanceID)) == Set(created.map(\.id)))
    #expect(found.instances.allSatisfy { $0.lifecycleState == "InService" })

    try asg("terminate", created[2].id)
    let again = try await discovery.discover()
    let gone = try #require(again.instances.first { $0.instanceID == created[2].id })
    #expect(gone.lifecycleState == "Terminated")
    #expect(!gone.shouldBeQueried)
  }
}
