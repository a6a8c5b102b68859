/// A GitHub token kept in a Secrets Manager secret (plain string value), read
/// when first needed and re-read after a 401 or when older than `maxAge`.
public actor SecretGitHubToken: GitHubTokenSource {
  public nonisolated let origin: String
  private let secret: Secret
  private let maxAge: Duration
  private var cached: (token: String, at: ContinuousClock.Instant)?

  public init(secret: Secret, maxAge: Duration = .seconds(600)) {
    self.secret = secret
    self.maxAge = maxAge
    origin = "Secrets Manager secret \(secret.name)"
  }

  public func token() async throws -> String {
    if let cached, ContinuousClock.now - cached.at < maxAge { return cached.token }
    guard let value = try await secret.value(), case let token = value.filter({ !$0.isWhitespace }),
      !token.isEmpty
    else {
      throw GitHubCredentialsError(description: "the secret \(secret.name) holds no GitHub token")
    }
    cached = (token, ContinuousClock.now)
    return token
  }

  public func invalidate() { cached = nil }
}
