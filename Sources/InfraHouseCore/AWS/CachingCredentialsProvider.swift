import FoundationEssentials

/// Caches another provider's credentials and refreshes them `refreshMargin`
/// before they expire; concurrent callers share one refresh in flight.
public actor CachingCredentialsProvider: AWSCredentialsProvider {
  public nonisolated let name: String
  /// The provider whose credentials are cached.
  public nonisolated let base: any AWSCredentialsProvider
  let refreshMargin: Duration
  let now: @Sendable () -> Date
  private var cached: AWSCredentials?
  private var inFlight: Task<AWSCredentials, any Error>?
  /// How many times `base` was asked (for tests and metrics).
  public private(set) var fetchCount = 0

  public init(
    _ base: any AWSCredentialsProvider, refreshMargin: Duration = .seconds(300),
    now: @escaping @Sendable () -> Date = { Date() }
  ) {
    self.base = base
    self.name = base.name
    self.refreshMargin = refreshMargin
    self.now = now
  }

  public func credentials() async throws -> AWSCredentials {
    if let cached, !cached.expires(within: refreshMargin, of: now()) { return cached }
    if let inFlight { return try await inFlight.value }
    fetchCount += 1
    let task = Task { [base] in try await base.credentials() }
    inFlight = task
    defer { inFlight = nil }
    do {
      let fresh = try await task.value
      cached = fresh
      return fresh
    } catch {
      // Still-valid (if close to expiry) credentials beat none at all.
      if let cached, !cached.expires(within: .seconds(0), of: now()) { return cached }
      throw error
    }
  }

  /// Forgets the cached credentials; the next call fetches.
  public func invalidate() { cached = nil }
}
