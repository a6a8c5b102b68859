/// Credentials from a profile of the shared files: static keys, or
/// `role_arn` with `source_profile` (followed recursively) or
/// `credential_source` (`Environment`, `Ec2InstanceMetadata`), or
/// `role_arn` with `web_identity_token_file`.
///
/// SSO profiles are recognised but not exchanged for credentials (that needs
/// the SSO portal's cached token): they report `credentialsNotFound`.
public struct ProfileCredentialsProvider: AWSCredentialsProvider {
  public let name = "profile"
  let config: AWSSharedConfig
  let environment: [String: String]
  let instanceMetadata: InstanceMetadataClient?
  let makeSTS: STSClientFactory

  public init(
    config: AWSSharedConfig, environment: [String: String],
    instanceMetadata: InstanceMetadataClient?,
    makeSTS: @escaping STSClientFactory
  ) {
    self.config = config
    self.environment = environment
    self.instanceMetadata = instanceMetadata
    self.makeSTS = makeSTS
  }

  public func credentials() async throws -> AWSCredentials {
    var c = try await provider(for: config.profileName, depth: 0).credentials()
    if c.provider == nil || c.provider == "static" { c.provider = "profile \(config.profileName)" }
    return c
  }

  /// The provider a profile stands for, following `source_profile` up to 5 deep.
  func provider(for profileName: String, depth: Int) throws -> any AWSCredentialsProvider {
    guard depth < 5 else {
      throw AWSClientError.invalidConfiguration("source_profile chain too long")
    }
    guard let profile = config.file.profile(profileName) else {
      throw AWSClientError.credentialsNotFound("profile \(profileName) not in the shared files")
    }
    if let roleArn = profile.roleArn {
      let source: any AWSCredentialsProvider
      if let sourceProfile = profile.sourceProfile {
        if sourceProfile == profileName, let id = profile.accessKeyId,
          let secret = profile.secretAccessKey
        {
          source = StaticCredentialsProvider(
            AWSCredentials(
              accessKeyId: id, secretAccessKey: secret, sessionToken: profile.sessionToken),
            name: "profile \(profileName)")
        } else {
          source = try provider(for: sourceProfile, depth: depth + 1)
        }
      } else if let credentialSource = profile.credentialSource {
        switch credentialSource {
        case "Environment": source = EnvironmentCredentialsProvider(environment: environment)
        case "Ec2InstanceMetadata":
          guard let instanceMetadata else {
            throw AWSClientError.invalidConfiguration(
              "credential_source Ec2InstanceMetadata unavailable")
          }
          source = InstanceMetadataCredentialsProvider(
            client: instanceMetadata, environment: environment)
        default:
          throw AWSClientError.invalidConfiguration(
            "unsupported credential_source \(credentialSource)")
        }
      } else if let tokenFile = profile.webIdentityTokenFile {
        return WebIdentityCredentialsProvider(
          roleArn: roleArn, tokenFile: tokenFile, sessionName: profile.roleSessionName,
          makeSTS: makeSTS)
      } else {
        throw AWSClientError.invalidConfiguration(
          "profile \(profileName) has role_arn but no source_profile or credential_source")
      }
      return AssumeRoleCredentialsProvider(
        roleArn: roleArn, sessionName: profile.roleSessionName ?? "infrahoused-\(profileName)",
        source: source, externalId: profile.externalId, durationSeconds: profile.durationSeconds,
        makeSTS: makeSTS)
    }
    if let id = profile.accessKeyId, let secret = profile.secretAccessKey {
      return StaticCredentialsProvider(
        AWSCredentials(
          accessKeyId: id, secretAccessKey: secret, sessionToken: profile.sessionToken,
          provider: "profile \(profileName)"), name: "profile \(profileName)")
    }
    if profile.ssoSession != nil || profile.ssoAccountId != nil {
      throw AWSClientError.credentialsNotFound(
        "profile \(profileName) uses SSO, which this client cannot log in to")
    }
    throw AWSClientError.credentialsNotFound("profile \(profileName) has no credentials")
  }
}
