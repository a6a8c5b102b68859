import Synchronization
import Testing

@testable import InfraHouseCore

@Suite struct TTLCacheTests {
  /// A clock the test moves by hand.
  final class ManualClock: Sendable {
    let t = Mutex(ContinuousClock.now)
    func advance(_ d: Duration) { t.withLock { $0 += d } }
    var now: ContinuousClock.Instant { t.withLock { $0 } }
  }

  @Test func entriesExpireAfterTheTTL() async throws {
    let clock = ManualClock()
    let cache = TTLCache<String, Int>(now: { clock.now })
    #expect(cache.ttl == .seconds(10))
    let fetches = Mutex(0)
    func read() async -> Int {
      await cache.value(for: "k") {
        fetches.withLock {
          $0 += 1
          return $0
        }
      }
    }
    #expect(await read() == 1)
    clock.advance(.seconds(9))
    #expect(await read() == 1)
    clock.advance(.seconds(1))
    #expect(await read() == 2)
    cache.remove("k")
    #expect(cache.get("k") == nil)
  }
}

@Suite struct TimeoutTests {
  @Test func slowOperationTimesOutAndIsCancelled() async throws {
    let cancelled = Mutex(false)
    await #expect(throws: TimeoutError(duration: .milliseconds(50))) {
      try await withTimeout(.milliseconds(50)) {
        do {
          try await Task.sleep(for: .seconds(30))
        } catch {
          cancelled.withLock { $0 = true }
          throw error
        }
      }
    }
    #expect(cancelled.withLock { $0 })
  }

  @Test func fastOperationReturnsItsValue() async throws {
    #expect(try await withTimeout(.seconds(30)) { 42 } == 42)
    await #expect(throws: ValidationError.self) {
      try await withTimeout(.seconds(30)) { () async throws -> Int in
        throw ValidationError(field: "f", value: "v", expected: "e")
      }
    }
  }

  @Test func cancelsAnHTTPTransfer() async throws {
    await #expect(throws: TimeoutError.self) {
      _ = try await withTimeout(.milliseconds(200)) {
        try await HTTPClient.shared.execute(HTTPRequest(url: "\(Loopback.base)/stall"))
      }
    }
  }
}

@Suite struct ValidationTests {
  @Test func instanceIds() throws {
    try Validation.instanceId("i-0123456789abcdef0")
    try Validation.instanceId("i-12345678")
    for bad in ["i-123", "0123456789abcdef0", "i-0123456789ABCDEF0", "i-0123456789abcdefg"] {
      #expect(throws: ValidationError.self, "\(bad)") { try Validation.instanceId(bad) }
    }
    #expect(
      throws: ValidationError(
        field: "instance id", value: "x", expected: "i- and 8 or 17 hex digits")
    ) {
      try Validation.instanceId("x")
    }
  }

  @Test func roleArns() throws {
    try Validation.roleArn("arn:aws:iam::123456789012:role/path/Name_1+=,.@-")
    try Validation.roleArn("arn:aws-cn:iam::123456789012:role/x")
    for bad in [
      "arn:aws:iam::12345678901:role/x", "arn:aws:iam::123456789012:user/x", "arn:aws:s3:::bucket",
      "arn:aws:iam::123456789012:role/", "role/x", "arn:aws:iam::123456789012:role/a b",
    ] {
      #expect(throws: ValidationError.self, "\(bad)") { try Validation.roleArn(bad) }
    }
  }

  @Test func regions() throws {
    for ok in ["us-east-1", "cn-north-1", "us-gov-west-1", "ap-southeast-4"] {
      try Validation.region(ok)
    }
    for bad in ["us-east", "US-EAST-1", "useast1", "us-east-x", ""] {
      #expect(throws: ValidationError.self, "\(bad)") { try Validation.region(bad) }
    }
  }

  @Test func dnsNamesAndZones() throws {
    try Validation.dnsName("ip-127-0-0-2.ec2.internal")
    try Validation.dnsName("example.com.")
    for bad in ["", "-a.com", "a..com", String(repeating: "a", count: 64) + ".com", "a b.com"] {
      #expect(throws: ValidationError.self, "\(bad)") { try Validation.dnsName(bad) }
    }
    try Validation.hostedZoneId("Z0123456789ABCDEFGHIJ")
    try Validation.hostedZoneId("/hostedzone/Z2FDTNDATAQYW2")
    for bad in ["z123", "Z", "X123", "Z12-3"] {
      #expect(throws: ValidationError.self, "\(bad)") { try Validation.hostedZoneId(bad) }
    }
  }
}
