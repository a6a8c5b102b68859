/// Whose self-hosted runners: an organization's or one repository's.
public enum RunnerScope: Sendable, Equatable, CustomStringConvertible {
  case organization(String)
  case repository(owner: String, name: String)

  /// The REST collection path: `/orgs/{org}/actions/runners` or `/repos/{owner}/{repo}/actions/runners`.
  public var runnersPath: String {
    switch self {
    case .organization(let org): "/orgs/\(org)/actions/runners"
    case .repository(let owner, let name): "/repos/\(owner)/\(name)/actions/runners"
    }
  }

  public var description: String {
    switch self {
    case .organization(let org): "org \(org)"
    case .repository(let owner, let name): "repo \(owner)/\(name)"
    }
  }
}

/// What a DELETE of a runner came to ("Delete a self-hosted runner from an organization").
public enum DeregistrationOutcome: Sendable, Equatable {
  /// 204: removed.
  case deleted
  /// 404: already gone; counts as success.
  case alreadyGone
  /// 422: GitHub refused, typically because the runner is running a job; skipped this run.
  case refused(String)
}

/// GitHub Actions self-hosted runners of one scope: the Swift counterpart of
/// infrahouse-core's `GitHubActions`.
///
/// ``runners(perPage:deadline:)`` is lazy: a page is fetched only when the
/// consumer reaches it, so memory stays bounded by one page whatever the
/// organization's size, and ``find(label:)`` stops fetching once it finds one.
/// Deregistering while iterating is safe: the pagination cursor lives on the server.
public struct GitHubActions: Sendable {
  public let client: GitHubClient
  public let scope: RunnerScope

  public init(client: GitHubClient, scope: RunnerScope) {
    self.client = client
    self.scope = scope
  }

  /// All runners, page by page (`per_page` is capped at GitHub's maximum of 100).
  public func runners(perPage: Int = 100, deadline: ContinuousClock.Instant? = nil)
    -> RunnerSequence
  {
    RunnerSequence(
      client: client, firstPage: "\(scope.runnersPath)?per_page=\(min(max(perPage, 1), 100))",
      deadline: deadline)
  }

  /// The runners carrying `label`, lazily.
  public func runners(label: String, deadline: ContinuousClock.Instant? = nil)
    -> some AsyncSequence<Runner, any Error>
  {
    runners(deadline: deadline).filter { $0.labelNames.contains(label) }
  }

  /// The first runner carrying `label`; pages after the one it is on are never fetched.
  public func find(label: String, deadline: ContinuousClock.Instant? = nil) async throws -> Runner?
  {
    for try await runner in runners(deadline: deadline) where runner.labelNames.contains(label) {
      return runner
    }
    return nil
  }

  /// A fresh read of one runner (`GET .../runners/{id}`), nil when it is gone (404).
  public func runner(id: Int, deadline: ContinuousClock.Instant? = nil) async throws -> Runner? {
    let path = "\(scope.runnersPath)/\(id)"
    let response = try await client.send("GET", path, accept: [404], deadline: deadline)
    if response.status == 404 { return nil }
    do {
      return try Runner.decode(response.body)
    } catch {
      throw GitHubMalformedResponse(
        call: "GET \(path)", problem: String(describing: error),
        requestID: response.headers["x-github-request-id"])
    }
  }

  /// Deregisters a runner: 204 deleted, 404 already gone, 422 refused; anything
  /// else throws ``GitHubAPIError`` with the request id.
  public func deregister(id: Int, deadline: ContinuousClock.Instant? = nil) async throws
    -> DeregistrationOutcome
  {
    let response = try await client.send(
      "DELETE", "\(scope.runnersPath)/\(id)", accept: [404, 422], deadline: deadline)
    switch response.status {
    case 404: return .alreadyGone
    case 422:
      return .refused(GitHubTransport.errorBody(response)?.message ?? "Unprocessable Entity")
    default: return .deleted
    }
  }

  /// A new runner registration token (`POST .../runners/registration-token`) and its expiry (Unix seconds).
  public func registrationToken(deadline: ContinuousClock.Instant? = nil) async throws -> (
    token: String, expiresAt: Int64
  ) {
    let path = "\(scope.runnersPath)/registration-token"
    let response = try await client.send("POST", path, deadline: deadline)
    // `{"token": "...", "expires_at": "2020-01-22T12:13:35.123-08:00"}`
    let body = try? JSONValue.parse(response.body)
    guard let token = body?["token"]?.stringValue,
      let expiry = body?["expires_at"]?.stringValue.flatMap(ISO8601Seconds.parse)
    else {
      throw GitHubMalformedResponse(
        call: "POST \(path)", problem: "no token or expires_at",
        requestID: response.headers["x-github-request-id"])
    }
    return (token, expiry)
  }
}

/// The runners of a scope as an `AsyncSequence`, fetching the next page (the
/// `Link` header's `rel="next"`) only when the consumer reaches it.
public struct RunnerSequence: AsyncSequence, Sendable {
  public typealias Element = Runner
  let client: GitHubClient
  let firstPage: String
  let deadline: ContinuousClock.Instant?

  public func makeAsyncIterator() -> Iterator {
    Iterator(client: client, next: firstPage, deadline: deadline)
  }

  /// Walks one page at a time; holds at most one page of runners.
  public struct Iterator: AsyncIteratorProtocol {
    let client: GitHubClient
    var next: String?
    let deadline: ContinuousClock.Instant?
    var page: [Runner] = []
    var index = 0
    /// Pages fetched so far (for tests and benchmarks).
    public private(set) var pagesFetched = 0

    init(client: GitHubClient, next: String, deadline: ContinuousClock.Instant?) {
      self.client = client
      self.next = next
      self.deadline = deadline
    }

    public mutating func next() async throws -> Runner? {
      while index >= page.count {
        guard let url = next else { return nil }
        let response = try await client.send("GET", url, deadline: deadline)
        pagesFetched += 1
        do {
          page = try RunnerPage.decode(response.body).runners
        } catch {
          throw GitHubMalformedResponse(
            call: "GET \(GitHubTransport.pathOnly(url, base: client.transport.baseURL))",
            problem: error.description, requestID: response.headers["x-github-request-id"])
        }
        index = 0
        next =
          response.headers.values(for: "link").lazy.compactMap { parseLinkHeader($0)["next"] }.first
      }
      defer { index += 1 }
      return page[index]
    }
  }
}
