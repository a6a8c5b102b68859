/// Why ``HTTPClient/execute(_:)`` failed without an HTTP response.
public enum HTTPClientError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The connect or total timeout elapsed.
  case timeout
  /// The host could not be resolved or connected to.
  case connectFailed(String)
  /// The response body exceeded the client's cap.
  case responseTooLarge(limit: Int)
  /// The calling task was cancelled and the transfer aborted.
  case cancelled
  /// The request could not be set up (bad URL, unsupported scheme...).
  case invalidRequest(String)
  /// The client was shut down before the transfer finished.
  case shutDown
  /// Any other libcurl failure, with curl's code and message.
  case curl(code: Int, message: String)

  public var description: String {
    switch self {
    case .timeout: "HTTP request timed out"
    case .connectFailed(let m): "HTTP connect failed: \(m)"
    case .responseTooLarge(let limit): "HTTP response larger than \(limit) bytes"
    case .cancelled: "HTTP request cancelled"
    case .invalidRequest(let m): "invalid HTTP request: \(m)"
    case .shutDown: "HTTP client shut down"
    case .curl(let code, let message): "libcurl error \(code): \(message)"
    }
  }

  /// True for failures a retry can cure: timeouts, refused connections, resets.
  public var isTransient: Bool {
    switch self {
    case .timeout, .connectFailed: true
    case .curl(let code, _):
      // 52 empty reply, 55 send error, 56 recv error, 18 partial file, 92 HTTP/2 stream.
      [18, 52, 55, 56, 92].contains(code)
    default: false
    }
  }
}
