import Synchronization

/// Fires a continuation once, whichever of several racers gets there first.
final class OnceResumer<Value: Sendable>: Sendable {
  private let state: Mutex<CheckedContinuation<Value, Never>?>

  init(_ continuation: CheckedContinuation<Value, Never>) {
    state = Mutex(continuation)
  }

  func resume(_ value: Value) {
    let continuation = state.withLock { slot -> CheckedContinuation<Value, Never>? in
      defer { slot = nil }
      return slot
    }
    continuation?.resume(returning: value)
  }
}

/// Waits for `tasks` to finish, but no longer than `limit`. Unlike a task
/// group, it does not wait for a racer that ignores cancellation: it returns
/// `false` at the deadline and leaves the stragglers behind.
func waitForAll(_ tasks: [Task<Void, Never>], limit: Duration) async -> Bool {
  await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
    let once = OnceResumer(continuation)
    let waiter = Task {
      for task in tasks { await task.value }
      once.resume(true)
    }
    Task {
      try? await Task.sleep(for: limit)
      once.resume(false)
      waiter.cancel()
    }
  }
}
