import Foundation
import Synchronization
import Testing

@testable import InfraHouseCore

@Suite struct CredentialsProviderTests {
  @Test func environmentProvider() async throws {
    let c = try await EnvironmentCredentialsProvider(
      environment: [
        "AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "envsecret",
        "AWS_SESSION_TOKEN": "tok",
      ]
    ).credentials()
    #expect(c.accessKeyId == "AKIAENV")
    #expect(c.secretAccessKey == "envsecret")
    #expect(c.sessionToken == "tok")
    #expect(c.provider == "environment")
    await #expect(throws: AWSClientError.self) {
      try await EnvironmentCredentialsProvider(environment: ["AWS_ACCESS_KEY_ID": "x"])
        .credentials()
    }
  }

  @Test func chainUsesTheFirstProviderWithCredentials() async throws {
    let chain = AWSCredentialsChain([
      EnvironmentCredentialsProvider(environment: [:]),
      StaticCredentialsProvider(
        AWSCredentials(accessKeyId: "AKIA2", secretAccessKey: "s"), name: "second"),
      StaticCredentialsProvider(
        AWSCredentials(accessKeyId: "AKIA3", secretAccessKey: "s"), name: "third"),
    ])
    let (c, provider) = try await chain.resolve()
    #expect(c.accessKeyId == "AKIA2")
    #expect(provider == "second")
    let empty = AWSCredentialsChain([EnvironmentCredentialsProvider(environment: [:])])
    let error = await #expect(throws: AWSClientError.self) { try await empty.credentials() }
    #expect(error?.description.contains("environment") == true)
  }

  @Test func profileWithStaticKeys() async throws {
    let file = AWSConfigFile.parse(
      "[default]\naws_access_key_id = AKIAP\naws_secret_access_key = ps\n", credentialsFile: true)
    let provider = ProfileCredentialsProvider(
      config: AWSSharedConfig(file: file, profileName: "default"), environment: [:],
      instanceMetadata: nil,
      makeSTS: { _ in throw AWSClientError.invalidArgument("no STS in this test") })
    let c = try await provider.credentials()
    #expect(c.accessKeyId == "AKIAP")
    #expect(c.provider == "profile default")
    let missing = ProfileCredentialsProvider(
      config: AWSSharedConfig(file: file, profileName: "nope"), environment: [:],
      instanceMetadata: nil,
      makeSTS: { _ in throw AWSClientError.invalidArgument("no STS") })
    await #expect(throws: AWSClientError.self) { try await missing.credentials() }
  }

  @Test func ssoProfileIsRecognisedButNotLoggedIn() async throws {
    let file = AWSConfigFile.parse(
      "[profile dev]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = R\n")
    let provider = ProfileCredentialsProvider(
      config: AWSSharedConfig(file: file, profileName: "dev"), environment: [:],
      instanceMetadata: nil,
      makeSTS: { _ in throw AWSClientError.invalidArgument("no STS") })
    let error = await #expect(throws: AWSClientError.self) { try await provider.credentials() }
    #expect(error?.description.contains("SSO") == true)
  }

  @Test func imdsV2FlowAgainstTheStandIn() async throws {
    let provider = InstanceMetadataCredentialsProvider(
      client: InstanceMetadataClient(endpoint: Loopback.base, httpClient: Loopback.patientClient))
    let c = try await provider.credentials()
    #expect(c.accessKeyId.hasPrefix("ASIAIMDS"))
    #expect(c.secretAccessKey.hasPrefix("imds-secret-"))
    #expect(c.sessionToken?.hasPrefix("imds-token-") == true)
    let expiration = try #require(c.expiration)
    #expect(expiration > Timestamp.now())
    #expect(c.provider == "imds")
  }

  @Test func imdsWithoutTokenIsRefusedByTheStandIn() async throws {
    // The stand-in enforces IMDSv2: a GET without a token gets 401.
    let response = try await HTTPClient.shared.execute(
      HTTPRequest(url: "\(Loopback.base)/latest/meta-data/iam/security-credentials/"))
    #expect(response.status == 401)
  }

  @Test func imdsUnreachableMeansNoCredentials() async throws {
    let provider = InstanceMetadataCredentialsProvider(
      client: InstanceMetadataClient(endpoint: "http://127.0.0.1:1"))
    await #expect(throws: AWSClientError.self) { try await provider.credentials() }
    let disabled = InstanceMetadataCredentialsProvider(
      client: InstanceMetadataClient(endpoint: Loopback.base, httpClient: Loopback.patientClient),
      environment: ["AWS_EC2_METADATA_DISABLED": "true"])
    await #expect(throws: AWSClientError.credentialsNotFound("AWS_EC2_METADATA_DISABLED")) {
      try await disabled.credentials()
    }
  }

  /// Counts fetches and hands out credentials that expire `lifetime` from now.
  final class CountingProvider: AWSCredentialsProvider {
    let name = "counting"
    let count = Mutex(0)
    let lifetime: TimeInterval
    init(lifetime: TimeInterval) { self.lifetime = lifetime }
    func credentials() async throws -> AWSCredentials {
      let n = count.withLock {
        $0 += 1
        return $0
      }
      try await Task.sleep(for: .milliseconds(50))
      return AWSCredentials(
        accessKeyId: "AKIA\(n)", secretAccessKey: "s",
        expiration: Timestamp.now().adding(seconds: lifetime))
    }
  }

  @Test func cachingSharesOneRefreshAndRefreshesBeforeExpiry() async throws {
    let base = CountingProvider(lifetime: 3600)
    let cache = CachingCredentialsProvider(base, refreshMargin: .seconds(300))
    let ids = try await withThrowingTaskGroup(of: String.self) { group in
      for _ in 0..<10 { group.addTask { try await cache.credentials().accessKeyId } }
      return try await group.reduce(into: Set<String>()) { $0.insert($1) }
    }
    #expect(ids == ["AKIA1"])
    #expect(base.count.withLock { $0 } == 1)
    _ = try await cache.credentials()
    #expect(base.count.withLock { $0 } == 1)

    // Credentials inside the refresh margin are fetched again.
    let short = CountingProvider(lifetime: 200)
    let cache2 = CachingCredentialsProvider(short, refreshMargin: .seconds(300))
    #expect(try await cache2.credentials().accessKeyId == "AKIA1")
    #expect(try await cache2.credentials().accessKeyId == "AKIA2")
  }

  @Test func webIdentityNeedsBothVariables() async throws {
    let p = WebIdentityCredentialsProvider(
      environment: ["AWS_ROLE_ARN": "arn:aws:iam::1:role/x"],
      makeSTS: { _ in throw AWSClientError.invalidArgument("no") })
    let error = await #expect(throws: AWSClientError.self) { try await p.credentials() }
    if case .credentialsNotFound = error {
    } else {
      Issue.record("expected credentialsNotFound, got \(String(describing: error))")
    }
  }
}
