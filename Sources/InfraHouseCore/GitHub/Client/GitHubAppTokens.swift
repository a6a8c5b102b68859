/// Installation access tokens for a GitHub App ("Authenticating as a GitHub
/// App installation"): a JWT signed with the App's private key finds the
/// org's installation (`GET /orgs/{org}/installation`, unless its id is
/// configured) and buys a one-hour token (`POST
/// /app/installations/{id}/access_tokens`), refreshed 5 minutes before expiry.
/// One refresh at a time: concurrent callers wait for the same one.
public actor GitHubAppTokens: GitHubTokenSource {
  public nonisolated let origin: String
  private let jwt: GitHubAppJWT
  private let api: GitHubTransport
  private let organization: String
  private var installationID: String?
  private var cached: (token: String, expiresAt: Int64)?
  private var refreshing: Task<(token: String, expiresAt: Int64), any Error>?

  /// Refresh this long before GitHub's `expires_at`.
  public static let refreshMargin: Int64 = 300

  public init(
    appID: String, privateKeyPEM: [UInt8], organization: String, installationID: String?,
    transport: GitHubTransport
  ) throws {
    jwt = try GitHubAppJWT(issuer: appID, privateKeyPEM: privateKeyPEM)
    self.organization = organization
    self.installationID = installationID
    self.api = transport
    origin = "GitHub App \(appID)"
  }

  public func token() async throws -> String {
    if let cached, cached.expiresAt - Self.refreshMargin > wallClockSeconds() {
      return cached.token
    }
    if let refreshing { return try await refreshing.value.token }
    let task = Task { try await self.fetch() }
    refreshing = task
    defer { refreshing = nil }
    let fresh = try await task.value
    cached = fresh
    return fresh.token
  }

  public func invalidate() { cached = nil }

  private func fetch() async throws -> (token: String, expiresAt: Int64) {
    let bearer = try jwt.make(now: wallClockSeconds()).token
    if installationID == nil {
      let response = try await api.send(
        method: "GET", path: "/orgs/\(organization)/installation", bearer: bearer)
      guard let id = (try? JSONValue.parse(response.body))?["id"]?.intValue else {
        throw GitHubMalformedResponse(
          call: "GET /orgs/\(organization)/installation", problem: "no installation id",
          requestID: response.headers["x-github-request-id"])
      }
      installationID = String(id)
    }
    let path = "/app/installations/\(installationID!)/access_tokens"
    let response = try await api.send(method: "POST", path: path, bearer: bearer)
    let access = try? JSONValue.parse(response.body)
    guard let token = access?["token"]?.stringValue,
      let expiry = access?["expires_at"]?.stringValue.flatMap(ISO8601Seconds.parse)
    else {
      throw GitHubMalformedResponse(
        call: "POST \(path)", problem: "no token or expires_at",
        requestID: response.headers["x-github-request-id"])
    }
    return (token, expiry)
  }
}

/// Parses `2016-07-11T22:14:10Z` (GitHub's timestamps) to Unix seconds.
enum ISO8601Seconds {
  static func parse(_ text: String) -> Int64? {
    AWSDateFormat.parseISO8601(text).map { Int64($0.secondsSince1970) }
  }
}
