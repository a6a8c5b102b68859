/// The answer of `infrahoused aws whoami`.
public struct AWSWhoAmI: Sendable, Equatable {
  public var account: String
  public var arn: String
  /// Which provider supplied the credentials: `environment`, `profile NAME`, `imds`, `assume-role via ...`.
  public var provider: String
  public var region: String
}

/// Calls STS `GetCallerIdentity` with the default chain (or `roleArn`
/// assumed from it) and reports who we are and where the credentials came from.
public func awsWhoAmI(
  roleArn: String? = nil, region: String? = nil, endpoint: String? = nil, profile: String? = nil,
  environment: [String: String] = ProcessEnvironment.current(), fileID: String = #fileID,
  function: String = #function
) async throws -> AWSWhoAmI {
  if let roleArn { try Validation.roleArn(roleArn) }
  let session = AWSSession(
    .init(region: region, roleArn: roleArn, profile: profile, endpointURL: endpoint),
    environment: environment,
    fileID: fileID, function: function)
  let identity = try await session.sts().getCallerIdentity()
  let credentials = try await session.credentials()
  return AWSWhoAmI(
    account: identity.account, arn: identity.arn, provider: credentials.provider ?? "unknown",
    region: try await session.region())
}
