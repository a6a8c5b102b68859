import Dispatch

#if canImport(Glibc)
  import Glibc
#endif

/// A reply on the control socket: success or failure, and text for the person.
public struct ControlReply: Sendable, Equatable {
  public var ok: Bool
  public var body: String

  public init(ok: Bool, body: String) {
    self.ok = ok
    self.body = body
  }

  /// Wire form: `ok` or `error` on the first line, then the body.
  var encoded: String { (ok ? "ok\n" : "error\n") + body }

  static func decode(_ text: String) -> ControlReply? {
    guard let newline = text.firstIndex(of: "\n") else { return nil }
    let head = text[..<newline]
    guard head == "ok" || head == "error" else { return nil }
    return ControlReply(ok: head == "ok", body: String(text[text.index(after: newline)...]))
  }
}

/// The daemon's control socket (`control.sock` in the runtime directory,
/// mode 0600, so only root or the service user can use it).
///
/// One request a connection: a single line (`status`, `reload`, ...); the
/// reply follows and the server closes the connection. Requests are handled
/// concurrently; `reload` replies only once the reload has finished.
// Dispatch sources are thread-safe but not marked Sendable; the stored ones are
// only resumed at init and cancelled in close().
public final class ControlServer: @unchecked Sendable {
  /// Answers a request line.
  public typealias Handler = @Sendable (String) async -> ControlReply

  public let path: String
  private let fd: Int32
  private let source: any DispatchSourceRead

  /// Binds `path` and starts accepting.
  public init(path: String, handler: @escaping Handler) throws {
    self.path = path
    let fd = try UnixSocket.listen(path: path)
    _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    self.fd = fd
    let queue = DispatchQueue(label: "infrahoused.control")
    source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
    source.setEventHandler { @Sendable in
      while true {
        let client = accept(fd, nil, nil)
        if client < 0 { return }
        _ = fcntl(client, F_SETFD, FD_CLOEXEC)
        UnixSocket.setTimeout(client, seconds: 5)
        DispatchQueue.global().async {
          let request =
            UnixSocket.read(client, line: true, limit: 4096)
            .split(separator: "\n").first.map(String.init) ?? ""
          Task {
            let reply = await handler(request.trimmingSpaces())
            POSIX.writeAll(client, reply.encoded)
            Glibc.close(client)
          }
        }
      }
    }
    source.setCancelHandler { @Sendable in Glibc.close(fd) }
    source.resume()
  }

  /// Stops accepting and removes the socket file.
  public func close() {
    source.cancel()
    unlink(path)
  }
}

/// The client half, used by `infrahoused status` and `infrahoused reload`.
public enum ControlClient {
  /// Sends `request` and returns the daemon's reply.
  public static func send(_ request: String, path: String, timeoutSeconds: Int = 120) throws
    -> ControlReply
  {
    let fd = try UnixSocket.connect(path: path)
    defer { close(fd) }
    UnixSocket.setTimeout(fd, seconds: timeoutSeconds)
    POSIX.writeAll(fd, request + "\n")
    shutdown(fd, Int32(SHUT_WR))
    let text = UnixSocket.read(fd, line: false)
    guard let reply = ControlReply.decode(text) else {
      throw ControlSocketError(
        description: "no valid reply from \(path) within \(timeoutSeconds) s")
    }
    return reply
  }
}

extension String {
  func trimmingSpaces() -> String {
    var s = Substring(self)
    while let f = s.first, f.isWhitespace { s.removeFirst() }
    while let l = s.last, l.isWhitespace { s.removeLast() }
    return String(s)
  }
}
