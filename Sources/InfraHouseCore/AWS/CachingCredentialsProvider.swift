import Synchronization

/// Caches another provider's credentials and refreshes them `refreshMargin`
/// before they expire; concurrent callers share one refresh in flight.
///
/// The cached path is a lock and a date comparison (no actor hop): it runs
/// before every signed request.
public final class CachingCredentialsProvider: AWSCredentialsProvider {
  public let name: String
  /// The provider whose credentials are cached.
  public let base: any AWSCredentialsProvider
  let refreshMargin: Duration
  let now: @Sendable () -> Timestamp
  private struct State {
    var cached: AWSCredentials?
    var inFlight: Task<AWSCredentials, any Error>?
    var fetchCount = 0
  }
  private let state = Mutex(State())

  public init(
    _ base: any AWSCredentialsProvider, refreshMargin: Duration = .seconds(300),
    now: @escaping @Sendable () -> Timestamp = { Timestamp.now() }
  ) {
    self.base = base
    self.name = base.name
    self.refreshMargin = refreshMargin
    self.now = now
  }

  /// How many times `base` was asked (for tests and metrics).
  public var fetchCount: Int { state.withLock { $0.fetchCount } }

  public func credentials() async throws -> AWSCredentials {
    let t = now()
    enum Next {
      case ready(AWSCredentials)
      case wait(Task<AWSCredentials, any Error>)
    }
    let next: Next = state.withLock { s in
      if let c = s.cached, !c.expires(within: refreshMargin, of: t) { return .ready(c) }
      if let task = s.inFlight { return .wait(task) }
      s.fetchCount += 1
      let task = Task { [base] in try await base.credentials() }
      s.inFlight = task
      return .wait(task)
    }
    switch next {
    case .ready(let c): return c
    case .wait(let task):
      do {
        let fresh = try await task.value
        state.withLock { s in
          if s.inFlight == task {
            s.cached = fresh
            s.inFlight = nil
          }
        }
        return fresh
      } catch {
        let fallback = state.withLock { s -> AWSCredentials? in
          if s.inFlight == task { s.inFlight = nil }
          // Still-valid (if close to expiry) credentials beat none at all.
          if let c = s.cached, !c.expires(within: .seconds(0), of: now()) { return c }
          return nil
        }
        if let fallback { return fallback }
        throw error
      }
    }
  }

  /// Forgets the cached credentials; the next call fetches.
  public func invalidate() { state.withLock { $0.cached = nil } }
}
