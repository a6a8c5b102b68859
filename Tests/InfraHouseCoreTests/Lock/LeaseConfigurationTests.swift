import Testing

@testable import InfraHouseCore

@Suite struct LeaseConfigurationTests {
  @Test func defaultsMatchTheIssue() throws {
    let c = try LeaseConfiguration(name: "x")
    #expect(c.lease == .seconds(30))
    #expect(c.heartbeat == .seconds(5))
    #expect(c.selfFenceAfter == .seconds(20))
    #expect(c.leaseMilliseconds == 30_000)
    #expect(c.schema.partitionKey == "ResourceId")
  }

  @Test func rejectsALeaseUnderFourHeartbeats() {
    #expect(
      throws: LeaseConfiguration.Invalid.leaseUnderFourHeartbeats(
        lease: .seconds(19), heartbeat: .seconds(5))
    ) {
      try LeaseConfiguration(name: "x", lease: .seconds(19), heartbeat: .seconds(5))
    }
    #expect(
      (try? LeaseConfiguration(name: "x", lease: .seconds(20), heartbeat: .seconds(5))) != nil)
  }

  @Test func rejectsEmptyNameAndNonPositiveDurations() {
    #expect(throws: LeaseConfiguration.Invalid.emptyName) { try LeaseConfiguration(name: "") }
    #expect(throws: LeaseConfiguration.Invalid.nonPositive("heartbeat")) {
      try LeaseConfiguration(name: "x", heartbeat: .zero)
    }
    #expect(throws: LeaseConfiguration.Invalid.nonPositive("poll")) {
      try LeaseConfiguration(name: "x", poll: .zero)
    }
  }

  @Test func leaseSecondsRoundUp() throws {
    let c = try LeaseConfiguration(name: "x", lease: .milliseconds(20_500), heartbeat: .seconds(5))
    #expect(c.leaseMilliseconds == 20_500)
    #expect(c.leaseSecondsRoundedUp == 21)
  }
}

@Suite struct LockItemTests {
  let schema = LockTableSchema()

  @Test func roundTripsOurItem() throws {
    let item = LockItem(
      name: "fleet", expiresAt: 1_700_000_030, owner: "i-1:42:ab", leaseID: "1-00ff",
      leaseMilliseconds: 30000,
      fence: 7, released: true)
    let attributes = item.attributes(schema: schema)
    #expect(attributes["ResourceId"] == .string("fleet"))
    #expect(attributes["expires_at"] == .number("1700000030"))
    #expect(attributes["fence"] == .number("7"))
    #expect(attributes["released"] == .number("1"))
    #expect(try LockItem(attributes: attributes, schema: schema) == item)
  }

  @Test func decodesAnInfraHouseCoreItem() throws {
    // What Python infrahouse-core writes: the key and expires_at, sometimes a float.
    let item = try LockItem(
      attributes: ["ResourceId": .string("fleet"), "expires_at": .number("1700000300.25")],
      schema: schema)
    #expect(item.isInfraHouseCoreFormat)
    #expect(item.expiresAt == 1_700_000_300)
    #expect(item.owner == nil)
    #expect(!item.released)
  }

  @Test func honoursAConfiguredPartitionKey() throws {
    let custom = LockTableSchema(partitionKey: "LockName")
    let item = LockItem(name: "n", owner: "o", leaseID: "l")
    let attributes = item.attributes(schema: custom)
    #expect(attributes["LockName"] == .string("n"))
    #expect(attributes["ResourceId"] == nil)
    #expect(throws: LockItem.DecodeError.missingPartitionKey("ResourceId")) {
      try LockItem(attributes: attributes, schema: schema)
    }
    #expect(custom.fenceCounterKey("n") == ["LockName": .string("n#fence")])
  }

  @Test func rejectsWrongTypes() {
    #expect(throws: LockItem.DecodeError.wrongType(attribute: "owner")) {
      try LockItem(attributes: ["ResourceId": .string("n"), "owner": .number("1")], schema: schema)
    }
    #expect(throws: LockItem.DecodeError.wrongType(attribute: "fence")) {
      try LockItem(
        attributes: ["ResourceId": .string("n"), "fence": .number("-1")], schema: schema)
    }
    #expect(throws: LockItem.DecodeError.wrongType(attribute: "ResourceId")) {
      try LockItem(attributes: ["ResourceId": .number("1")], schema: schema)
    }
  }

  @Test func decodesTheFenceCounter() {
    #expect(decodeFenceCounter(nil, schema: schema) == nil)
    #expect(
      decodeFenceCounter(
        ["ResourceId": .string("n#fence"), "fence": .number("12")], schema: schema) == 12)
  }
}

@Suite struct LeaseJournalFieldTests {
  @Test func everyTransitionHasAnEventField() {
    #expect(
      LeaseTransition.acquired(fence: 9).journalFields == [
        "lock_event": "acquired", "lock_fence": "9",
      ])
    #expect(
      LeaseTransition.lost(.selfFenced(sinceLastSuccessfulWrite: .milliseconds(20_250)))
        .journalFields
        == ["lock_event": "lost", "lock_reason": "self-fenced", "lock_silence_ms": "20250"])
    #expect(
      LeaseTransition.lost(.conditionFailed(currentOwner: "b")).journalFields
        == ["lock_event": "lost", "lock_reason": "condition-failed", "lock_owner": "b"])
    #expect(LeaseTransition.renewalTrouble(.throttled).journalFields["lock_reason"] == "throttled")
    #expect(
      LeaseTransition.released(succeeded: false).journalFields == ["lock_event": "release-failed"])
  }
}
