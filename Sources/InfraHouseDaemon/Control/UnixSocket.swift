#if canImport(Glibc)
  import Glibc
#endif

/// Errors from the control socket.
public struct ControlSocketError: Error, CustomStringConvertible {
  public let description: String
}

/// Blocking helpers for `AF_UNIX` stream sockets.
enum UnixSocket {
  /// Fills a `sockaddr_un` for `path`, or throws when the path is too long.
  static func address(_ path: String) throws -> sockaddr_un {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    let capacity = MemoryLayout.size(ofValue: address.sun_path)
    guard bytes.count < capacity else {
      throw ControlSocketError(description: "socket path too long (\(bytes.count) bytes): \(path)")
    }
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
      raw.copyBytes(from: bytes)
      raw[bytes.count] = 0
    }
    return address
  }

  /// A listening socket at `path`, mode 0600; a stale socket file is replaced.
  static func listen(path: String) throws -> Int32 {
    var address = try address(path)
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else {
      throw ControlSocketError(description: "socket: \(POSIX.errorText(errno))")
    }
    unlink(path)
    let oldMask = umask(0o177)
    let rc = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
      }
    }
    umask(oldMask)
    guard rc == 0 else {
      let text = POSIX.errorText(errno)
      close(fd)
      throw ControlSocketError(description: "cannot bind \(path): \(text)")
    }
    chmod(path, 0o600)
    guard Glibc.listen(fd, 16) == 0 else {
      let text = POSIX.errorText(errno)
      close(fd)
      throw ControlSocketError(description: "cannot listen on \(path): \(text)")
    }
    return fd
  }

  /// A connected client socket to `path`.
  static func connect(path: String) throws -> Int32 {
    var address = try address(path)
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else {
      throw ControlSocketError(description: "socket: \(POSIX.errorText(errno))")
    }
    let rc = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
      }
    }
    guard rc == 0 else {
      let text = POSIX.errorText(errno)
      close(fd)
      throw ControlSocketError(
        description: "cannot connect to \(path): \(text) (is infrahoused running?)")
    }
    return fd
  }

  /// Sets a receive/send timeout on `fd`.
  static func setTimeout(_ fd: Int32, seconds: Int) {
    var tv = timeval(tv_sec: seconds, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
  }

  /// Reads until EOF, a newline (when `line` is true), a timeout or `limit` bytes.
  static func read(_ fd: Int32, line: Bool, limit: Int = 1 << 20) -> String {
    var data: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while data.count < limit {
      let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
      if n < 0, errno == EINTR { continue }
      if n <= 0 { break }
      data.append(contentsOf: chunk[0..<n])
      if line, data.contains(UInt8(ascii: "\n")) { break }
    }
    return String(decoding: data, as: UTF8.self)
  }
}
