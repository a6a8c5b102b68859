/// Thrown by ``withTimeout(_:operation:)`` when the operation overran.
public struct TimeoutError: Error, Sendable, Equatable, CustomStringConvertible {
  public var duration: Duration
  public var description: String { "operation timed out after \(duration)" }
}

/// Runs `operation`, cancelling it and throwing ``TimeoutError`` if it takes
/// longer than `duration`. Built on a task group (structured concurrency),
/// not signals, so it composes with threads and other timeouts. The
/// operation must honour cancellation for the timeout to take effect promptly.
public func withTimeout<T: Sendable>(
  _ duration: Duration, operation: @escaping @Sendable () async throws -> T
) async throws -> T {
  try await withThrowingTaskGroup(of: T.self) { group in
    group.addTask { try await operation() }
    group.addTask {
      try await Task.sleep(for: duration)
      throw TimeoutError(duration: duration)
    }
    defer { group.cancelAll() }
    guard let first = try await group.next() else { throw CancellationError() }
    return first
  }
}
