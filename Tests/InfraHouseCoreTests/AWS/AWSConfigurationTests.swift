import Foundation
import Testing

@testable import InfraHouseCore

@Suite struct AWSConfigFileTests {
  static let config = """
    # comment
    [default]
    region = us-west-2
    output=json

    [profile cross]
    role_arn = arn:aws:iam::222222222222:role/Admin
    source_profile = default
    region = eu-central-1 # inline comment
    s3 =
      max_concurrent_requests = 20

    [profile sso-dev]
    sso_session = corp
    sso_account_id = 111111111111
    sso_role_name = Dev

    [sso-session corp]
    sso_region = us-east-1
    sso_start_url = https://corp.awsapps.com/start#/

    [not a profile]
    region = nowhere
    """

  @Test func parsesProfilesAndSSOSessions() throws {
    let file = AWSConfigFile.parse(Self.config)
    #expect(file.profile("default")?.region == "us-west-2")
    #expect(file.profile("default")?.values["output"] == "json")
    let cross = try #require(file.profile("cross"))
    #expect(cross.roleArn == "arn:aws:iam::222222222222:role/Admin")
    #expect(cross.sourceProfile == "default")
    #expect(cross.region == "eu-central-1")
    #expect(cross.values["s3.max_concurrent_requests"] == "20")
    let sso = try #require(file.profile("sso-dev"))
    #expect(sso.ssoSession == "corp")
    #expect(sso.ssoAccountId == "111111111111")
    #expect(sso.ssoRoleName == "Dev")
    #expect(sso.ssoRegion == "us-east-1")
    #expect(sso.ssoStartURL == "https://corp.awsapps.com/start#/")
    #expect(file.profiles["not a profile"] == nil)
    #expect(file.profiles.count == 3)
  }

  @Test func credentialsFileOverridesConfig() {
    let creds = AWSConfigFile.parse(
      "[default]\naws_access_key_id = AKIA1\naws_secret_access_key = s1\n[cross]\nregion = ap-south-1\n",
      credentialsFile: true)
    let merged = AWSConfigFile.parse(Self.config).merging(creds)
    #expect(merged.profile("default")?.accessKeyId == "AKIA1")
    #expect(merged.profile("default")?.region == "us-west-2")
    #expect(merged.profile("cross")?.region == "ap-south-1")
  }

  @Test func sharedConfigFollowsTheEnvironment() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("awscfg-\(UUID())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    try Self.config.write(
      to: dir.appendingPathComponent("config"), atomically: true, encoding: .utf8)
    try "[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = filesecret\n".write(
      to: dir.appendingPathComponent("credentials"), atomically: true, encoding: .utf8)
    let env = [
      "AWS_CONFIG_FILE": dir.appendingPathComponent("config").path,
      "AWS_SHARED_CREDENTIALS_FILE": dir.appendingPathComponent("credentials").path,
      "AWS_PROFILE": "cross",
    ]
    let shared = AWSSharedConfig.load(environment: env)
    #expect(shared.profileName == "cross")
    #expect(shared.profile?.region == "eu-central-1")
    #expect(shared.file.profile("default")?.accessKeyId == "AKIAFILE")
    #expect(AWSSharedConfig.load(environment: ["HOME": "/nonexistent"]).file.profiles.isEmpty)
  }
}

@Suite struct AWSEndpointAndRegionTests {
  @Test func endpointPrecedenceAndPartitions() {
    let plain = AWSEndpointResolver()
    #expect(
      plain.endpoint(for: .dynamodb, region: "us-east-1")
        == "https://dynamodb.us-east-1.amazonaws.com")
    #expect(
      plain.endpoint(for: .sts, region: "cn-north-1") == "https://sts.cn-north-1.amazonaws.com.cn")
    #expect(
      plain.endpoint(for: .ec2, region: "us-gov-west-1")
        == "https://ec2.us-gov-west-1.amazonaws.com")
    #expect(AWSPartition(region: "us-gov-east-1") == .awsUSGov)
    #expect(AWSPartition(region: "cn-northwest-1") == .awsCN)
    #expect(AWSPartition(region: "eu-west-1") == .aws)
    let env = AWSEndpointResolver(
      environment: [
        "AWS_ENDPOINT_URL": "http://global:1", "AWS_ENDPOINT_URL_SECRETS_MANAGER": "http://sm:2/",
      ],
      profileEndpoint: "http://profile:3")
    #expect(env.endpoint(for: .secretsManager, region: "us-east-1") == "http://sm:2")
    #expect(env.endpoint(for: .ssm, region: "us-east-1") == "http://global:1")
    var overridden = env
    overridden.override = "http://127.0.0.1:5000"
    #expect(
      overridden.endpoint(for: .secretsManager, region: "us-east-1") == "http://127.0.0.1:5000")
    let profileOnly = AWSEndpointResolver(profileEndpoint: "http://profile:3")
    #expect(profileOnly.endpoint(for: .sts, region: "us-east-1") == "http://profile:3")
  }

  @Test func regionChainOrder() async throws {
    let env = ["AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-2"]
    #expect(
      try await AWSRegionResolver(
        argument: "ap-east-1", environment: env, profileRegion: "x", instanceMetadata: nil
      ).resolve() == "ap-east-1")
    #expect(
      try await AWSRegionResolver(
        argument: nil, environment: env, profileRegion: "x", instanceMetadata: nil
      ).resolve() == "eu-west-1")
    #expect(
      try await AWSRegionResolver(
        argument: nil, environment: ["AWS_DEFAULT_REGION": "eu-west-2"], profileRegion: "x",
        instanceMetadata: nil
      )
      .resolve() == "eu-west-2")
    #expect(
      try await AWSRegionResolver(
        argument: nil, environment: [:], profileRegion: "sa-east-1", instanceMetadata: nil
      ).resolve() == "sa-east-1")
    let imds = InstanceMetadataClient(endpoint: Loopback.base, httpClient: Loopback.patientClient)
    #expect(
      try await AWSRegionResolver(
        argument: nil, environment: [:], profileRegion: nil, instanceMetadata: imds
      ).resolve() == "eu-west-3")
    await #expect(throws: AWSClientError.regionNotFound) {
      try await AWSRegionResolver(
        argument: nil, environment: [:], profileRegion: nil, instanceMetadata: nil
      ).resolve()
    }
  }

  @Test func sessionNamesFollowSTSRules() {
    let name = AWSSessionName.generate(
      fileID: "InfraHouseCore/Lock/FleetLock.swift", function: "acquire(owner:ttl:)")
    #expect(name == "infrahoused.InfraHouseCore.Lock.FleetLock.acquire")
    #expect(AWSSessionName.sanitize("a b/c:d") == "a-b-c-d")
    #expect(AWSSessionName.sanitize("x") == "x-")
    let long = AWSSessionName.generate(
      fileID: String(repeating: "M", count: 100) + "/F.swift", function: "f()")
    #expect(long.count == 64)
    #expect(AWSSessionName.sanitize("ok_+=,.@-Z9") == "ok_+=,.@-Z9")
  }
}
