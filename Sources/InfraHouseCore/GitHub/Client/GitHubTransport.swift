/// Sends GitHub REST API requests with the documented headers and handles the
/// documented rate limits ("Rate limits for the REST API"): a 403/429 with
/// `retry-after` waits that long, a spent primary budget waits for
/// `x-ratelimit-reset`, a secondary limit without `retry-after` waits at least
/// a minute and doubles; a wait that does not fit the caller's deadline ends
/// the call with ``GitHubRateLimitExceeded``. A response that spends the last
/// of the budget holds back the next request until the reset.
public struct GitHubTransport: Sendable {
  /// `https://api.github.com`, or `https://HOST/api/v3` for GitHub Enterprise Server.
  public let baseURL: String
  public let http: HTTPClient
  private let limiter: GitHubRateLimiter
  /// The wait allowed when a call has no deadline (the CLI's case).
  public var defaultBudget: Duration = .seconds(900)

  public init(baseURL: String, http: HTTPClient) {
    var base = baseURL
    while base.hasSuffix("/") { base.removeLast() }
    self.baseURL = base
    self.http = http
    self.limiter = GitHubRateLimiter()
  }

  /// Sends a request. `target` is a path (`/orgs/acme/actions/runners?per_page=100`)
  /// or an absolute URL under ``baseURL`` (a `Link` header's `next`). Statuses
  /// in 200..<300 and in `accept` are returned; any other is thrown as
  /// ``GitHubAPIError``.
  public func send(
    method: String, path target: String, bearer: String, body: [UInt8]? = nil,
    accept: Set<Int> = [],
    deadline: ContinuousClock.Instant? = nil
  ) async throws -> HTTPResponse {
    let url: String
    if target.hasPrefix("http://") || target.hasPrefix("https://") {
      // Never send the token to a host other than the API's.
      guard target.hasPrefix(baseURL + "/") else {
        throw GitHubMalformedResponse(
          call: "\(method) \(target)", problem: "link to another host refused", requestID: nil)
      }
      url = target
    } else {
      url = baseURL + target
    }
    let call = "\(method) \(Self.pathOnly(url, base: baseURL))"
    var headers: HTTPHeaders = [
      "Accept": "application/vnd.github+json",
      "X-GitHub-Api-Version": "2022-11-28",
      "User-Agent": "infrahoused/\(InfraHouseCore.version)",
      "Authorization": "Bearer \(bearer)",
    ]
    if body != nil { headers.add("Content-Type", "application/json") }
    let request = HTTPRequest(method: method, url: url, headers: headers, body: body ?? [])
    var secondaryInARow = 0
    while true {
      try await limiter.waitIfHeld(call: call, deadline: deadline, defaultBudget: defaultBudget)
      let response = try await http.execute(request)
      let limits = GitHubRateLimitHeaders(headers: response.headers.fields)
      let message = Self.errorBody(response)?.message
      let budgetLeft = deadline.map { $0 - ContinuousClock.now } ?? defaultBudget
      let decision = GitHubRateLimitPolicy.decide(
        status: response.status, headers: limits, message: message,
        nowEpochSeconds: wallClockSeconds(),
        budgetLeft: budgetLeft, consecutiveSecondaryLimits: secondaryInARow)
      if (200..<300).contains(response.status) || accept.contains(response.status) {
        switch decision {
        case .wait(let d, .primary), .giveUp(let d, .primary): await limiter.hold(for: d)
        default: break
        }
        return response
      }
      switch decision {
      case .wait(let wait, let kind):
        if kind != .primary { secondaryInARow += 1 }
        try await Task.sleep(for: wait)
        continue
      case .giveUp(let wait, let kind):
        throw GitHubRateLimitExceeded(call: call, kind: kind, wouldWait: wait)
      case .proceed:
        let error = Self.errorBody(response)
        throw GitHubAPIError(
          call: call, status: response.status,
          message: error?.message ?? Self.statusText(response.status),
          requestID: response.headers["x-github-request-id"],
          documentationURL: error?.documentation_url)
      }
    }
  }

  /// GitHub's error body: `{"message": "...", "documentation_url": "..."}`.
  struct ErrorBody {
    var message: String?
    var documentation_url: String?
  }

  static func errorBody(_ response: HTTPResponse) -> ErrorBody? {
    guard !(200..<300).contains(response.status), !response.body.isEmpty,
      case .object(let o)? = try? JSONValue.parse(response.body)
    else { return nil }
    return ErrorBody(
      message: o["message"]?.stringValue, documentation_url: o["documentation_url"]?.stringValue)
  }

  static func statusText(_ status: Int) -> String {
    switch status {
    case 401: "Bad credentials"
    case 403: "Forbidden"
    case 404: "Not Found"
    case 422: "Unprocessable Entity"
    case 500..<600: "server error"
    default: "unexpected status"
    }
  }

  /// The URL's path without scheme, host or query: safe for logs.
  static func pathOnly(_ url: String, base: String) -> String {
    var rest = Substring(url.hasPrefix(base) ? String(url.dropFirst(base.count)) : url)
    if let q = rest.firstIndex(of: "?") { rest = rest[..<q] }
    return rest.isEmpty ? "/" : String(rest)
  }
}

/// Holds requests back after a response spent the primary budget.
actor GitHubRateLimiter {
  private var heldUntil: ContinuousClock.Instant?

  func hold(for duration: Duration) {
    let until = ContinuousClock.now + duration
    if heldUntil.map({ $0 < until }) ?? true { heldUntil = until }
  }

  func waitIfHeld(call: String, deadline: ContinuousClock.Instant?, defaultBudget: Duration)
    async throws
  {
    guard let until = heldUntil else { return }
    let now = ContinuousClock.now
    guard until > now else {
      heldUntil = nil
      return
    }
    let limit = deadline ?? now + defaultBudget
    if until > limit {
      throw GitHubRateLimitExceeded(call: call, kind: .primary, wouldWait: until - now)
    }
    try await Task.sleep(until: until, clock: .continuous)
  }
}
