/// An AWS access key pair, with a session token and expiry for temporary credentials.
///
/// Its description shows the access key id only: the secret and the token
/// never appear in logs or error messages.
public struct AWSCredentials: Sendable, Equatable, CustomStringConvertible {
  public var accessKeyId: String
  public var secretAccessKey: String
  public var sessionToken: String?
  /// When temporary credentials stop working; nil for long-term keys.
  public var expiration: Timestamp?
  /// Which provider supplied them (`environment`, `profile`, `imds`, `assume-role via ...`).
  public var provider: String?

  public init(
    accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil,
    expiration: Timestamp? = nil, provider: String? = nil
  ) {
    self.accessKeyId = accessKeyId
    self.secretAccessKey = secretAccessKey
    self.sessionToken = sessionToken
    self.expiration = expiration
    self.provider = provider
  }

  /// True if the credentials expire within `margin` of `now`.
  public func expires(within margin: Duration, of now: Timestamp = Timestamp.now()) -> Bool {
    guard let expiration else { return false }
    return expiration.seconds(since: now) <= Double(margin.components.seconds)
  }

  public var description: String {
    "AWSCredentials(accessKeyId: \(accessKeyId), secretAccessKey: <redacted>\(sessionToken == nil ? "" : ", sessionToken: <redacted>")\(expiration.map { ", expiration: \(AWSDateFormat.iso8601($0))" } ?? ""))"
  }
}
