import Foundation
import Testing

@testable import InfraHouseCore

@Suite struct MotoDynamoDBTests {
  let moto = MotoFixture.shared

  func newTable() async throws -> DynamoDBTable {
    let table = DynamoDBTable(name: "t-\(UUID().uuidString.prefix(8))", session: moto.session())
    try await table.create(partitionKey: "pk")
    return table
  }

  @Test func putGetUpdateDeleteWithTypedValues() async throws {
    let table = try await newTable()
    let item: [String: AttributeValue] = [
      "pk": "lock", "owner": "host-a", "expires": 100, "held": true, "blob": .b([0, 1, 255]),
      "tags": .ss(["a", "b"]),
      "meta": .m(["n": .n("1.5"), "list": .l([.s("x"), .null])]),
    ]
    try await table.putItem(item)
    let got = try await table.getItem(key: ["pk": "lock"], consistentRead: true)
    #expect(got?["owner"] == "host-a")
    #expect(got?["expires"]?.intValue == 100)
    #expect(got?["blob"] == .b([0, 1, 255]))
    #expect(got?["held"] == true)
    #expect(got?["meta"] == .m(["n": .n("1.5"), "list": .l([.s("x"), .null])]))
    #expect(
      Set(got?["tags"].flatMap { if case .ss(let a) = $0 { a } else { nil } } ?? []) == ["a", "b"])

    let updated = try await table.updateItem(
      key: ["pk": "lock"],
      update: DynamoDBExpression("SET #e = :e", names: ["#e": "expires"], values: [":e": 200]),
      condition: DynamoDBExpression("#o = :me", names: ["#o": "owner"], values: [":me": "host-a"]))
    #expect(updated?["expires"]?.intValue == 200)

    let old = try await table.deleteItem(key: ["pk": "lock"])
    #expect(old?["owner"] == "host-a")
    #expect(try await table.getItem(key: ["pk": "lock"]) == nil)
    try await table.delete()
  }

  @Test func conditionalWritesFailWithTheOldItem() async throws {
    let table = try await newTable()
    let acquire = DynamoDBExpression(
      "attribute_not_exists(#r) OR #e < :now", names: ["#r": "pk", "#e": "expires"],
      values: [":now": 150])
    try await table.putItem(["pk": "lock", "owner": "host-a", "expires": 200], condition: acquire)
    let failure = await #expect(throws: DynamoDBConditionalCheckFailed.self) {
      try await table.putItem(
        ["pk": "lock", "owner": "host-b", "expires": 300], condition: acquire)
    }
    #expect(failure?.item?["owner"] == "host-a")
    #expect(failure?.table == table.name)
    #expect(failure?.operation == "PutItem")

    // An owner condition on UpdateItem and on DeleteItem.
    let notMine = DynamoDBExpression("#o = :me", names: ["#o": "owner"], values: [":me": "host-b"])
    await #expect(throws: DynamoDBConditionalCheckFailed.self) {
      try await table.updateItem(
        key: ["pk": "lock"],
        update: DynamoDBExpression("SET #e = :e", names: ["#e": "expires"], values: [":e": 1]),
        condition: notMine)
    }
    await #expect(throws: DynamoDBConditionalCheckFailed.self) {
      try await table.deleteItem(key: ["pk": "lock"], condition: notMine)
    }
    #expect(try await table.getItem(key: ["pk": "lock"])?["expires"]?.intValue == 200)
    // An expired lock can be taken over.
    let later = DynamoDBExpression(
      "attribute_not_exists(#r) OR #e < :now", names: ["#r": "pk", "#e": "expires"],
      values: [":now": 250])
    try await table.putItem(["pk": "lock", "owner": "host-b", "expires": 400], condition: later)
    #expect(try await table.getItem(key: ["pk": "lock"])?["owner"] == "host-b")
    try await table.delete()
  }

  @Test func scanFollowsPages() async throws {
    let table = try await newTable()
    for i in 0..<23 { try await table.putItem(["pk": .s("k\(i)"), "i": .number(i)]) }
    let all = try await table.scan(pageSize: 5)
    #expect(all.count == 23)
    #expect(Set(all.compactMap { $0["i"]?.intValue }) == Set(0..<23))
    try await table.delete()
  }

  @Test func existsAndIdempotentDelete() async throws {
    let table = try await newTable()
    #expect(try await table.exists())
    try await table.delete()
    #expect(try await !table.exists())
    try await table.delete()  // already gone: still success
    let missing = DynamoDBTable(
      name: "never-created-\(UUID().uuidString.prefix(6))", session: moto.session())
    let error = await #expect(throws: AWSError.self) {
      _ = try await missing.getItem(key: ["pk": "x"])
    }
    #expect(error?.code == "ResourceNotFoundException")
    #expect(error?.service == "dynamodb")
    #expect(error?.operation == "GetItem")
    #expect(error?.message.isEmpty == false)
  }

  @Test func assumedRoleCanUseTheTable() async throws {
    let table = try await newTable()
    try await table.putItem(["pk": "x", "v": "1"])
    let viaRole = DynamoDBTable(name: table.name, session: moto.session(roleArn: moto.roleArn))
    #expect(try await viaRole.getItem(key: ["pk": "x"])?["v"] == "1")
    try await table.delete()
  }

  @Test func constructingMakesNoCall() async throws {
    // Nothing listens on port 1: construction must not notice, the first call must.
    let session = AWSSession(
      .init(
        region: "us-east-1", endpointURL: "http://127.0.0.1:1", retryPolicy: .init(maxAttempts: 1)),
      environment: moto.environment)
    let table = DynamoDBTable(name: "any", session: session)
    let error = await #expect(throws: AWSTransportError.self) {
      _ = try await table.getItem(key: ["pk": "x"])
    }
    #expect(error?.operation == "GetItem")
  }

  @Test func clientsAreMadeOnceAndReused() async throws {
    let session = moto.session()
    let a = try await session.client(.dynamodb)
    let b = try await session.client(.dynamodb)
    #expect(a === b)
    #expect(a.endpoint == moto.endpoint)
    #expect(try await session.client(.sts) !== a)
  }
}
