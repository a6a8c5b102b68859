import Synchronization

/// A small thread-safe cache whose entries expire `ttl` after they were
/// stored (10 s by default, like infrahouse-core's `cached_property_with_ttl`).
public final class TTLCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
  public let ttl: Duration
  private let now: @Sendable () -> ContinuousClock.Instant
  private let entries = Mutex<[Key: (value: Value, stored: ContinuousClock.Instant)]>([:])

  public init(
    ttl: Duration = .seconds(10), now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
  ) {
    self.ttl = ttl
    self.now = now
  }

  /// The value for `key` if it is younger than `ttl`.
  public func get(_ key: Key) -> Value? {
    let t = now()
    return entries.withLock { e in
      guard let entry = e[key] else { return nil }
      if t - entry.stored >= ttl {
        e[key] = nil
        return nil
      }
      return entry.value
    }
  }

  public func set(_ key: Key, _ value: Value) {
    let t = now()
    entries.withLock { $0[key] = (value, t) }
  }

  public func remove(_ key: Key) { _ = entries.withLock { $0.removeValue(forKey: key) } }

  public func removeAll() { entries.withLock { $0.removeAll() } }

  /// The cached value, or `fetch()`'s result, stored for next time.
  public func value(for key: Key, fetch: () async throws -> Value) async rethrows -> Value {
    if let v = get(key) { return v }
    let v = try await fetch()
    set(key, v)
    return v
  }
}
