/// A GitHub REST API call that failed: which call, the HTTP status, GitHub's
/// `message` and the `X-GitHub-Request-Id` to quote to GitHub support.
/// Never contains a token.
public struct GitHubAPIError: Error, Sendable, Equatable, CustomStringConvertible {
  /// `GET /orgs/acme/actions/runners` (path only, no query secrets, no host).
  public var call: String
  public var status: Int
  public var message: String
  public var requestID: String?
  public var documentationURL: String?

  public init(
    call: String, status: Int, message: String, requestID: String?, documentationURL: String? = nil
  ) {
    self.call = call
    self.status = status
    self.message = message
    self.requestID = requestID
    self.documentationURL = documentationURL
  }

  public var description: String {
    var text = "GitHub API \(call) failed: HTTP \(status): \(message)"
    if let requestID { text += " (request id \(requestID))" }
    return text
  }
}

/// The run's time budget does not cover the wait a rate limit asks for.
public struct GitHubRateLimitExceeded: Error, Sendable, Equatable, CustomStringConvertible {
  public var call: String
  public var kind: RateLimitKind
  public var wouldWait: Duration

  public var description: String {
    let what =
      switch kind {
      case .primary: "the primary rate limit is spent"
      case .secondaryRetryAfter, .secondaryBackoff: "a secondary rate limit was hit"
      }
    return
      "GitHub API \(call): \(what); the reset is \(wouldWait) away, beyond this run's budget: ending the run"
  }
}

/// A response body that is not what GitHub documents.
public struct GitHubMalformedResponse: Error, Sendable, Equatable, CustomStringConvertible {
  public var call: String
  public var problem: String
  public var requestID: String?

  public var description: String {
    "GitHub API \(call) returned a malformed response: \(problem)"
      + (requestID.map { " (request id \($0))" } ?? "")
  }
}
