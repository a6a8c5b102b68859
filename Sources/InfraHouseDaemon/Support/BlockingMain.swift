import CMalloc
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// Runs `body` on the concurrency runtime's global executor and parks the
/// calling (main) thread until it returns, then exits with its code.
///
/// An `async` top-level `main` would do the same by calling `dispatch_main()`,
/// but that ends the main thread with `pthread_exit`, and the forced unwind of
/// its stack reads the binary's unwind tables (`.eh_frame_hdr`, `.eh_frame`):
/// about 400 kB that then stay resident for nothing. Nothing in the daemon runs
/// on the main actor, so the main thread has no other work.
public func runBlockingMain(_ body: @escaping @Sendable () async -> Int32) -> Never {
  // One malloc arena for all threads, set before any thread starts: the
  // daemon's few threads allocate little and rarely at the same time, and each
  // extra arena kept 250-320 kB of freed memory resident (measured: all-tasks
  // RSS 200 kB lower). `MALLOC_ARENA_MAX` in the environment still wins.
  if getenv("MALLOC_ARENA_MAX") == nil { mallopt(M_ARENA_MAX, 1) }
  let done = MainThreadParking()
  Task.detached { done.finish(await body()) }
  exitProcess(done.wait())
}

/// A one-shot handoff of the exit code to the parked main thread. Unchecked
/// because of the POSIX semaphore, which is made to be shared between threads
/// (the code itself is behind a Mutex).
private final class MainThreadParking: @unchecked Sendable {
  private let state = Mutex<Int32?>(nil)
  private let wakeup: UnsafeMutablePointer<sem_t>

  init() {
    wakeup = .allocate(capacity: 1)
    sem_init(wakeup, 0, 0)
  }

  func finish(_ code: Int32) {
    state.withLock { $0 = code }
    sem_post(wakeup)
  }

  /// Waits for ``finish(_:)``; signals that interrupt the wait are handled by
  /// their handlers and the wait goes on.
  func wait() -> Int32 {
    while true {
      if sem_wait(wakeup) == 0, let code = state.withLock({ $0 }) { return code }
    }
  }
}
