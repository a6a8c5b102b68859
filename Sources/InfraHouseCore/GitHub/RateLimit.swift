/// GitHub's rate-limit headers on a response (`x-ratelimit-limit`, `-remaining`,
/// `-used`, `-reset`, `-resource`) and `retry-after`.
public struct GitHubRateLimitHeaders: Sendable, Hashable {
  public var limit: Int?
  public var remaining: Int?
  public var used: Int?
  /// Epoch seconds (UTC) when the primary window resets.
  public var reset: Int64?
  /// `core`, `search`, `graphql`, ...
  public var resource: String?
  /// Seconds to wait, from `retry-after`.
  public var retryAfter: Int64?

  public init(
    limit: Int? = nil, remaining: Int? = nil, used: Int? = nil, reset: Int64? = nil,
    resource: String? = nil,
    retryAfter: Int64? = nil
  ) {
    self.limit = limit
    self.remaining = remaining
    self.used = used
    self.reset = reset
    self.resource = resource
    self.retryAfter = retryAfter
  }

  /// Reads the headers; names are matched case-insensitively and values that
  /// do not parse are ignored.
  public init(headers: [(name: String, value: String)]) {
    self.init()
    for (name, value) in headers {
      let v = value.trimmingSpaces
      switch name.lowercased() {
      case "x-ratelimit-limit": limit = Int(v)
      case "x-ratelimit-remaining": remaining = Int(v)
      case "x-ratelimit-used": used = Int(v)
      case "x-ratelimit-reset": reset = Int64(v)
      case "x-ratelimit-resource": resource = v.isEmpty ? nil : v
      case "retry-after": retryAfter = Int64(v)
      default: break
      }
    }
  }
}

/// What to do about a response's rate-limit state.
public enum RateLimitDecision: Sendable, Hashable {
  /// Not rate limited: go on (a 403 that is not a rate limit is the caller's error).
  case proceed
  /// Wait this long, then retry (or send the next request).
  case wait(Duration, RateLimitKind)
  /// The wait does not fit the run's time budget: end the run and say so.
  case giveUp(wouldWait: Duration, RateLimitKind)
}

/// Which limit was hit.
public enum RateLimitKind: Sendable, Hashable {
  /// The hourly budget (`x-ratelimit-remaining: 0`), until `x-ratelimit-reset`.
  case primary
  /// A secondary limit with a `retry-after`.
  case secondaryRetryAfter
  /// A secondary limit without `retry-after`: at least a minute, doubling.
  case secondaryBackoff
}

/// GitHub's documented rate-limit rules as a pure function
/// ("Rate limits for the REST API", "Best practices: handle rate limit errors"):
///
/// 1. a 403 or 429 with `retry-after`: wait that many seconds;
/// 2. else, with `x-ratelimit-remaining: 0`: wait until `x-ratelimit-reset`;
/// 3. else a 403/429 that says it is a secondary rate limit: wait at least a
///    minute, doubling with each consecutive secondary limit (capped at 15 min);
/// 4. a successful response with `remaining: 0`: the next request would fail,
///    so wait for the reset before sending it.
///
/// A wait longer than the time left in the run's budget is `.giveUp`.
public enum GitHubRateLimitPolicy {
  /// Seconds added after `x-ratelimit-reset`, for clock skew.
  public static let resetMargin: Duration = .seconds(1)
  /// The longest secondary backoff.
  public static let maximumBackoff: Duration = .seconds(900)

  /// - Parameters:
  ///   - status: the HTTP status.
  ///   - message: GitHub's `message`, when the body had one.
  ///   - nowEpochSeconds: the wall clock (the reset header is wall-clock time).
  ///   - budgetLeft: time left in this run.
  ///   - consecutiveSecondaryLimits: secondary limits hit in a row before this one.
  public static func decide(
    status: Int, headers: GitHubRateLimitHeaders, message: String?, nowEpochSeconds: Int64,
    budgetLeft: Duration, consecutiveSecondaryLimits: Int = 0
  ) -> RateLimitDecision {
    let limited = status == 403 || status == 429
    let wait: Duration
    let kind: RateLimitKind
    if limited, let retryAfter = headers.retryAfter {
      wait = .seconds(max(0, retryAfter))
      kind = .secondaryRetryAfter
    } else if headers.remaining == 0, let reset = headers.reset,
      limited || (200..<300).contains(status)
    {
      wait = .seconds(max(0, reset - nowEpochSeconds)) + resetMargin
      kind = .primary
    } else if limited, isSecondaryLimitMessage(message) || status == 429 {
      let doubling = min(consecutiveSecondaryLimits, 10)
      wait = min(.seconds(60) * (1 << doubling), maximumBackoff)
      kind = .secondaryBackoff
    } else {
      return .proceed
    }
    return wait > budgetLeft ? .giveUp(wouldWait: wait, kind) : .wait(wait, kind)
  }

  /// True for GitHub's secondary-limit messages ("You have exceeded a secondary
  /// rate limit...", the older "abuse detection mechanism").
  public static func isSecondaryLimitMessage(_ message: String?) -> Bool {
    guard let m = message?.lowercased() else { return false }
    return m.contains(text: "secondary rate limit") || m.contains(text: "abuse detection")
  }
}

extension String {
  fileprivate var trimmingSpaces: String {
    var s = Substring(self)
    while s.first == " " || s.first == "\t" { s = s.dropFirst() }
    while s.last == " " || s.last == "\t" || s.last == "\r" { s = s.dropLast() }
    return String(s)
  }
}
