/// Who the caller is, from STS `GetCallerIdentity`.
public struct AWSCallerIdentity: Sendable, Equatable {
  public var account: String
  public var arn: String
  public var userId: String
}

/// STS: `GetCallerIdentity`, `AssumeRole`, `AssumeRoleWithWebIdentity`.
public struct STSClient: Sendable {
  public let client: AWSClient

  public init(client: AWSClient) { self.client = client }

  public func getCallerIdentity() async throws -> AWSCallerIdentity {
    let root = try await client.query("GetCallerIdentity")
    guard let result = root.first("GetCallerIdentityResult"), let arn = result.string("Arn"),
      let account = result.string("Account")
    else {
      throw AWSClientError.invalidResponse(
        service: "sts", operation: "GetCallerIdentity", reason: "no Arn")
    }
    return AWSCallerIdentity(account: account, arn: arn, userId: result.string("UserId") ?? "")
  }

  /// Temporary credentials for `roleArn`.
  public func assumeRole(
    roleArn: String, sessionName: String, durationSeconds: Int? = nil, externalId: String? = nil
  ) async throws -> AWSCredentials {
    var parameters = [("RoleArn", roleArn), ("RoleSessionName", sessionName)]
    if let durationSeconds { parameters.append(("DurationSeconds", String(durationSeconds))) }
    if let externalId { parameters.append(("ExternalId", externalId)) }
    let root = try await client.query("AssumeRole", parameters)
    return try Self.credentials(in: root, operation: "AssumeRole")
  }

  /// Temporary credentials for `roleArn` in exchange for an OIDC token; unsigned.
  public func assumeRoleWithWebIdentity(roleArn: String, sessionName: String, token: String)
    async throws
    -> AWSCredentials
  {
    let body = PercentEncoding.formBody([
      ("Action", "AssumeRoleWithWebIdentity"), ("Version", "2011-06-15"), ("RoleArn", roleArn),
      ("RoleSessionName", sessionName), ("WebIdentityToken", token),
    ])
    let response = try await client.send(
      operation: "AssumeRoleWithWebIdentity", path: "/",
      headers: ["Content-Type": "application/x-www-form-urlencoded; charset=utf-8"],
      body: Array(body.utf8),
      signed: false)
    guard let root = XMLElement.parse(response.body) else {
      throw AWSClientError.invalidResponse(
        service: "sts", operation: "AssumeRoleWithWebIdentity", reason: "not XML")
    }
    return try Self.credentials(in: root, operation: "AssumeRoleWithWebIdentity")
  }

  static func credentials(in root: XMLElement, operation: String) throws -> AWSCredentials {
    guard let c = root.first("Credentials"), let id = c.string("AccessKeyId"),
      let secret = c.string("SecretAccessKey")
    else {
      throw AWSClientError.invalidResponse(
        service: "sts", operation: operation, reason: "no Credentials")
    }
    return AWSCredentials(
      accessKeyId: id, secretAccessKey: secret, sessionToken: c.string("SessionToken"),
      expiration: c.string("Expiration").flatMap(AWSDateFormat.parseISO8601))
  }
}
