import Foundation
import Testing

@testable import InfraHouseCore

@Suite struct MotoSTSTests {
  let moto = MotoFixture.shared

  @Test func callerIdentityWithTheSignedKey() async throws {
    let id = try await moto.session().sts().getCallerIdentity()
    #expect(id.account == moto.account)
    #expect(id.arn == "arn:aws:iam::\(moto.account):user/infrahoused-test")
  }

  @Test func aWrongSecretIsRefused() async throws {
    var env = moto.environment
    env["AWS_SECRET_ACCESS_KEY"] = "definitely-not-the-secret"
    let session = AWSSession(
      .init(region: "us-east-1", endpointURL: moto.endpoint), environment: env)
    let error = await #expect(throws: AWSError.self) { try await session.sts().getCallerIdentity() }
    #expect(
      ["SignatureDoesNotMatch", "InvalidClientTokenId", "AccessDenied"].contains(error?.code ?? ""))
    #expect(error?.description.contains("definitely-not-the-secret") == false)
  }

  @Test func assumeRoleIntoASecondIdentity() async throws {
    let session = moto.session(roleArn: moto.roleArn)
    let id = try await session.sts().getCallerIdentity()
    #expect(id.arn.hasPrefix("arn:aws:sts::\(moto.account):assumed-role/infrahoused-second/"))
    // The session name is generated from this file and function.
    // (#fileID is Module/File.swift; the name is cut at STS's 64 characters.)
    #expect(id.arn.hasSuffix("/infrahoused.InfraHouseCoreTests.MotoSTSTests.assumeRoleIntoASeco"))
    let credentials = try await session.credentials()
    #expect(credentials.sessionToken != nil)
    #expect(credentials.expiration != nil)
    #expect(credentials.provider == "assume-role via environment")
    #expect(credentials.accessKeyId != moto.accessKeyId)
  }

  @Test func explicitSessionNameIsSanitised() async throws {
    let id = try await moto.session(roleArn: moto.roleArn, sessionName: "ops team/daily run").sts()
      .getCallerIdentity()
    #expect(id.arn.hasSuffix("/ops-team-daily-run"))
  }

  @Test func whoAmIReportsTheProvider() async throws {
    let me = try await awsWhoAmI(
      region: "us-east-1", endpoint: moto.endpoint, environment: moto.environment)
    #expect(me.account == moto.account)
    #expect(me.provider == "environment")
    #expect(me.region == "us-east-1")
    let role = try await awsWhoAmI(
      roleArn: moto.roleArn, region: "us-east-1", endpoint: moto.endpoint,
      environment: moto.environment)
    #expect(role.arn.contains("assumed-role/infrahoused-second"))
    #expect(role.provider == "assume-role via environment")
    await #expect(throws: ValidationError.self) {
      _ = try await awsWhoAmI(roleArn: "not-an-arn", environment: moto.environment)
    }
  }

  @Test func profileWithRoleArnAndSourceProfile() async throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("awsprofile-\(UUID())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    try """
    [profile base]
    region = us-east-1
    [profile cross]
    role_arn = \(moto.roleArn)
    source_profile = base
    role_session_name = from-profile
    region = us-east-1
    """.write(to: dir.appendingPathComponent("config"), atomically: true, encoding: .utf8)
    try
      "[base]\naws_access_key_id = \(moto.accessKeyId)\naws_secret_access_key = \(moto.secretAccessKey)\n"
      .write(
        to: dir.appendingPathComponent("credentials"), atomically: true, encoding: .utf8)
    let env = [
      "AWS_CONFIG_FILE": dir.appendingPathComponent("config").path,
      "AWS_SHARED_CREDENTIALS_FILE": dir.appendingPathComponent("credentials").path,
      "AWS_PROFILE": "cross",
      "AWS_ENDPOINT_URL": moto.endpoint, "AWS_EC2_METADATA_DISABLED": "true",
    ]
    let me = try await awsWhoAmI(environment: env)
    #expect(me.arn.hasSuffix("assumed-role/infrahoused-second/from-profile"))
    #expect(me.provider.hasPrefix("assume-role via profile base"))
  }

  @Test func assumedRoleCredentialsRefreshBeforeExpiry() async throws {
    let session = moto.session()
    let factory: STSClientFactory = { credentials in
      STSClient(
        client: AWSClient(
          service: .sts, region: "us-east-1", endpoint: moto.endpoint,
          credentialsProvider: credentials))
    }
    let role = AssumeRoleCredentialsProvider(
      roleArn: moto.roleArn, sessionName: "refresh-test", source: session.baseCredentialsProvider,
      durationSeconds: 900, makeSTS: factory)
    // 900 s credentials inside a 1000 s refresh margin: every call refreshes.
    let refreshing = CachingCredentialsProvider(role, refreshMargin: .seconds(1000))
    let first = try await refreshing.credentials()
    let second = try await refreshing.credentials()
    #expect(first.accessKeyId != second.accessKeyId)
    #expect(refreshing.fetchCount == 2)
    // With the default 5-minute margin the same credentials are reused.
    let cached = CachingCredentialsProvider(role)
    #expect(try await cached.credentials() == cached.credentials())
    #expect(cached.fetchCount == 1)
    // Both refreshed credentials work.
    for c in [first, second] {
      let sts = try await factory(StaticCredentialsProvider(c))
      #expect(try await sts.getCallerIdentity().arn.hasSuffix("/refresh-test"))
    }
  }

  /// moto with signature checking on answers unsigned calls with a bare 500,
  /// so the web identity exchange runs against the loopback STS stand-in,
  /// which refuses signed requests and checks the token.
  @Test func webIdentityFromTheEnvironment() async throws {
    let token = FileManager.default.temporaryDirectory.appendingPathComponent("webid-\(UUID())")
    try "header.payload.signature\n".write(to: token, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: token) }
    let env = [
      "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/ci",
      "AWS_WEB_IDENTITY_TOKEN_FILE": token.path,
      "AWS_ROLE_SESSION_NAME": "ci-run", "AWS_REGION": "us-east-1",
      "AWS_ENDPOINT_URL_STS": Loopback.base + "/sts",
      "HOME": "/nonexistent", "AWS_EC2_METADATA_DISABLED": "true",
    ]
    let session = AWSSession(environment: env)
    let credentials = try await session.credentials()
    #expect(credentials.accessKeyId == "ASIAWEBIDENTITY")
    #expect(credentials.sessionToken == "webid-token")
    #expect(credentials.provider == "web-identity")
    #expect(credentials.expiration != nil)

    try "wrong-token".write(to: token, atomically: true, encoding: .utf8)
    let refused = await #expect(throws: AWSError.self) {
      try await AWSSession(environment: env).credentials()
    }
    #expect(refused?.code == "InvalidIdentityToken")
  }
}
