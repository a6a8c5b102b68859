/// Makes the STS client a role provider calls, signed with the given credentials.
public typealias STSClientFactory =
  @Sendable (_ credentials: any AWSCredentialsProvider) async throws -> STSClient

/// Assumes `roleArn` with credentials from `source`. Wrap it in
/// ``CachingCredentialsProvider`` (``AWSSession`` does) so the role's
/// credentials are reused and refreshed before they expire.
public struct AssumeRoleCredentialsProvider: AWSCredentialsProvider {
  public let roleArn: String
  public let sessionName: String
  public let externalId: String?
  public let durationSeconds: Int?
  let source: any AWSCredentialsProvider
  let makeSTS: STSClientFactory

  public init(
    roleArn: String, sessionName: String, source: any AWSCredentialsProvider,
    externalId: String? = nil,
    durationSeconds: Int? = nil, makeSTS: @escaping STSClientFactory
  ) {
    self.roleArn = roleArn
    self.sessionName = sessionName
    self.source = source
    self.externalId = externalId
    self.durationSeconds = durationSeconds
    self.makeSTS = makeSTS
  }

  public var name: String { "assume-role" }

  public func credentials() async throws -> AWSCredentials {
    let sts = try await makeSTS(source)
    var credentials = try await sts.assumeRole(
      roleArn: roleArn, sessionName: sessionName, durationSeconds: durationSeconds,
      externalId: externalId)
    let via = (try? await source.credentials())?.provider ?? source.name
    credentials.provider = "assume-role via \(via)"
    return credentials
  }
}

/// `AWS_ROLE_ARN` + `AWS_WEB_IDENTITY_TOKEN_FILE` (+ `AWS_ROLE_SESSION_NAME`):
/// STS `AssumeRoleWithWebIdentity` with the token read fresh on every fetch.
public struct WebIdentityCredentialsProvider: AWSCredentialsProvider {
  public let name = "web-identity"
  let roleArn: String?
  let tokenFile: String?
  let sessionName: String
  let makeSTS: STSClientFactory

  public init(
    roleArn: String?, tokenFile: String?, sessionName: String?, makeSTS: @escaping STSClientFactory
  ) {
    self.roleArn = roleArn
    self.tokenFile = tokenFile
    self.sessionName = sessionName ?? "infrahoused-web-identity"
    self.makeSTS = makeSTS
  }

  /// Configured from `AWS_ROLE_ARN`, `AWS_WEB_IDENTITY_TOKEN_FILE` and `AWS_ROLE_SESSION_NAME`.
  public init(environment: [String: String], makeSTS: @escaping STSClientFactory) {
    self.init(
      roleArn: environment["AWS_ROLE_ARN"], tokenFile: environment["AWS_WEB_IDENTITY_TOKEN_FILE"],
      sessionName: environment["AWS_ROLE_SESSION_NAME"], makeSTS: makeSTS)
  }

  public func credentials() async throws -> AWSCredentials {
    guard let roleArn, !roleArn.isEmpty, let tokenFile, !tokenFile.isEmpty else {
      throw AWSClientError.credentialsNotFound("AWS_ROLE_ARN/AWS_WEB_IDENTITY_TOKEN_FILE not set")
    }
    guard let data = FileReader.read(tokenFile) else {
      throw AWSClientError.invalidConfiguration("cannot read web identity token file \(tokenFile)")
    }
    let token = String(decoding: data, as: UTF8.self)[...].trimmingSpaces().filter { !$0.isNewline }
    let sts = try await makeSTS(AnonymousCredentialsProvider())
    var credentials = try await sts.assumeRoleWithWebIdentity(
      roleArn: roleArn, sessionName: sessionName, token: token)
    credentials.provider = name
    return credentials
  }
}
