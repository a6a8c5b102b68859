import Foundation
import Testing

@testable import InfraHouseCore

/// A whole housekeeping pass against the GitHub stand-in and moto's EC2.
@Suite struct RunnerHousekeeperTests {
  func motoInstances(count: Int) async throws -> (AWSSession, [String]) {
    let moto = try await offCooperativePool { MotoFixture.shared }
    let session = moto.session()
    let ec2 = try await session.client(.ec2)
    let images = try await ec2.query("DescribeImages", [("Owner.1", "amazon")])
    let image = try #require(images.child("imagesSet")?.children("item").first?.string("imageId"))
    let root = try await ec2.query(
      "RunInstances",
      [
        ("ImageId", image), ("MinCount", String(count)), ("MaxCount", String(count)),
        ("InstanceType", "t3.micro"),
      ])
    let ids =
      root.child("instancesSet")?.children("item").compactMap { $0.string("instanceId") } ?? []
    return (session, ids)
  }

  @discardableResult
  func addRunner(
    _ standin: GitHubStandin, name: String, status: String, busy: Bool = false, labels: [String]
  ) async throws -> Int {
    let labelJSON = labels.map { "\"\($0)\"" }.joined(separator: ",")
    let runner = try await standin.control(
      "POST", "/_control/add/orgs/acme",
      #"{"name":"\#(name)","status":"\#(status)","busy":\#(busy),"labels":[\#(labelJSON)]}"#)
    return try #require(runner["id"] as? Int)
  }

  @Test func orphansGoOfflineWaitsForGraceBusyAndOutOfScopeAreNeverTouched() async throws {
    let (session, ids) = try await motoInstances(count: 3)
    _ = try await session.client(.ec2).query(
      "TerminateInstances", [("InstanceId.1", ids[0]), ("InstanceId.2", ids[2])])
    let standin = try await GitHubStandin.start(runners: 0)
    defer { standin.server.stop() }
    let orphan = try await addRunner(
      standin, name: "ci-orphan", status: "offline", labels: ["ci", "instance_id:\(ids[0])"])
    let alive = try await addRunner(
      standin, name: "ci-alive", status: "offline", labels: ["ci", "instance_id:\(ids[1])"])
    let busyOrphan = try await addRunner(
      standin, name: "ci-busy", status: "online", busy: true,
      labels: ["ci", "instance_id:\(ids[2])"])
    let foreign = try await addRunner(
      standin, name: "other", status: "offline", labels: ["instance_id:\(ids[0])"])
    let ghost = try await addRunner(
      standin, name: "ci-ghost", status: "offline",
      labels: ["ci", "instance_id:i-0123456789abcdef0"])

    let dir = NSTemporaryDirectory() + "hk-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    func housekeeper(dryRun: Bool) -> RunnerHousekeeper {
      RunnerHousekeeper(
        actions: standin.actions(),
        policy: DeregistrationPolicy(requiredLabels: ["ci"], namePrefix: "ci-"),
        instances: EC2InstanceStateLookup(session: session), stateFile: dir + "/runners.json",
        dryRun: dryRun,
        logger: Logger(label: "test", level: .critical))
    }

    // A dry run decides but deletes nothing and keeps no history.
    let dry = try await housekeeper(dryRun: true).sweep(now: 1_000_000)
    #expect(
      Set(dry.results.filter { $0.outcome == .wouldDeregister }.map(\.runner.id)) == [
        orphan, ghost,
      ])
    #expect(try await standin.requests().allSatisfy { $0.0 != "DELETE" })
    #expect(!FileManager.default.fileExists(atPath: dir + "/runners.json"))

    // First real pass: orphans (terminated, and unknown to EC2) go at once.
    let first = try await housekeeper(dryRun: false).sweep(now: 1_000_000)
    #expect(
      Set(first.results.filter { $0.outcome == .deregistered }.map(\.runner.id)) == [orphan, ghost])
    #expect(first.inScope == 4)
    let deleted = try await standin.requests().filter { $0.0 == "DELETE" }.map(\.1)
    #expect(
      Set(deleted) == [
        "/orgs/acme/actions/runners/\(orphan)", "/orgs/acme/actions/runners/\(ghost)",
      ])
    // Every DELETE came right after a fresh GET of the same runner.
    let calls = try await standin.requests().map { "\($0.0) \($0.1)" }
    for path in deleted {
      let i = try #require(calls.firstIndex(of: "DELETE \(path)"))
      #expect(calls[..<i].contains("GET \(path)"))
    }

    // Within the grace, the offline runner whose instance runs is kept; the history survives a new housekeeper.
    let second = try await housekeeper(dryRun: false).sweep(now: 1_000_000 + 300)
    #expect(second.results.isEmpty)
    let third = try await housekeeper(dryRun: false).sweep(now: 1_000_000 + 601)
    #expect(third.results.map(\.runner.id) == [alive])
    #expect(third.results.first?.outcome == .deregistered)

    // The busy one and the one outside the scope are still registered.
    let remaining = try await standin.actions().runners().reduce(into: [Int]()) { $0.append($1.id) }
    #expect(Set(remaining) == [busyOrphan, foreign])
  }
}

/// The registration token kept in Secrets Manager (moto) from the stand-in.
@Suite struct RegistrationTokenSecretTests {
  @Test func ensurePresentStoresAFreshTokenAndAbsentRemovesIt() async throws {
    let moto = try await offCooperativePool { MotoFixture.shared }
    let standin = try await GitHubStandin.start(runners: 1)
    defer { standin.server.stop() }
    let secret = Secret(
      name: "runner-token-\(UUID().uuidString.prefix(8))", session: moto.session())
    try await standin.actions().ensureRegistrationToken(secret, present: true)
    let first = try #require(try await secret.value())
    #expect(first.hasPrefix("AABF3JGZDX3P5PMEXLND6TS6FCWO6"))
    try await standin.actions().ensureRegistrationToken(secret, present: true)
    #expect(try await secret.value() != first)  // refreshed
    try await standin.actions().ensureRegistrationToken(secret, present: false)
    #expect(try await secret.exists() == false)
    try await standin.actions().ensureRegistrationToken(secret, present: false)  // idempotent
  }
}
