/// AWS's "standard" retry mode: up to `maxAttempts` tries, retrying
/// throttling and transient errors, 5xx and connection failures, with capped
/// exponential backoff and full jitter. Everything else fails at once.
public struct AWSRetryPolicy: Sendable {
  /// Total tries including the first; 3 by default, as in the SDKs.
  public var maxAttempts: Int
  /// The backoff base: attempt `n` (from 1) waits `random(0, min(base * 2^(n-1), maxBackoff))`.
  public var baseDelay: Duration
  public var maxBackoff: Duration

  public init(
    maxAttempts: Int = 3, baseDelay: Duration = .seconds(1), maxBackoff: Duration = .seconds(20)
  ) {
    self.maxAttempts = max(1, maxAttempts)
    self.baseDelay = baseDelay
    self.maxBackoff = maxBackoff
  }

  /// What to do after a failed attempt.
  public enum Decision: Sendable, Equatable {
    case fail
    case retry
    /// Retry right away after correcting the signing clock.
    case retryWithClockCorrection
  }

  /// Classifies a failure of attempt number `attempt` (from 1).
  public func decide(_ error: any Error, attempt: Int, clockCorrectionAvailable: Bool = false)
    -> Decision
  {
    guard attempt < maxAttempts else { return .fail }
    switch error {
    case let e as AWSError:
      if e.isClockSkew && clockCorrectionAvailable { return .retryWithClockCorrection }
      return e.isRetryable ? .retry : .fail
    case let e as HTTPClientError:
      return e.isTransient ? .retry : .fail
    default:
      return .fail
    }
  }

  /// The pause before attempt `attempt + 1`; `random` is uniform in [0, 1).
  public func backoff(afterAttempt attempt: Int, random: Double) -> Duration {
    let exponent = min(attempt - 1, 30)
    let ceiling = min(baseDelay * (1 << exponent), maxBackoff)
    return ceiling * random
  }
}
