#if canImport(Glibc)
  import Glibc
#endif

/// Small wrappers around the POSIX calls the daemon uses in several places.
enum POSIX {
  /// Writes all of `text` to `fd` with `write(2)`, retrying on partial writes and EINTR.
  static func writeAll(_ fd: Int32, _ text: String) {
    var bytes = Array(text.utf8)
    bytes.withUnsafeMutableBytes { buffer in
      var offset = 0
      while offset < buffer.count {
        let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
        if n < 0 {
          if errno == EINTR { continue }
          return
        }
        offset += n
      }
    }
  }

  /// The value of environment variable `name`, if set.
  static func environment(_ name: String) -> String? {
    guard let value = getenv(name) else { return nil }
    return String(cString: value)
  }

  /// The text of `errno` value `code`.
  static func errorText(_ code: Int32) -> String {
    String(cString: strerror(code))
  }

  /// Monotonic time in microseconds (CLOCK_MONOTONIC), as `MONOTONIC_USEC=` wants it.
  static func monotonicMicroseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1000
  }

  /// Wall-clock time as an RFC 3339 UTC timestamp with milliseconds.
  static func timestamp() -> String {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    var seconds = ts.tv_sec
    var tm = tm()
    gmtime_r(&seconds, &tm)
    var buffer = [CChar](repeating: 0, count: 32)
    _ = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S", &tm)
    let millis = Int(ts.tv_nsec / 1_000_000)
    let ms = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
    let prefix = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    return "\(prefix).\(ms)Z"
  }
}

/// Blocks the calling thread (not just the task) for `seconds`.
func blockThread(seconds: UInt32) {
  _ = sleep(seconds)
}
