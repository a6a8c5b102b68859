import Synchronization

/// An async/await HTTP/1.1 client over libcurl.
///
/// One background thread drives a curl multi handle for all of this
/// client's requests, so connections (and resolved names) are kept alive and
/// reused across requests to the same host. TLS peers are always verified;
/// `http_proxy`, `https_proxy` and `no_proxy` are honoured (libcurl reads them).
/// Cancelling the calling task aborts the transfer at once.
///
/// Create one per process (or per component) and share it; it is `Sendable`.
public final class HTTPClient: Sendable {
  /// Limits and defaults for every request of a client.
  public struct Configuration: Sendable {
    /// How long to wait for the TCP (and TLS) connection.
    public var connectTimeout: Duration
    /// How long a whole request may take, unless ``HTTPRequest/timeout`` says otherwise.
    public var timeout: Duration
    /// Responses with a larger body fail with ``HTTPClientError/responseTooLarge(limit:)``.
    public var maxResponseSize: Int
    /// Idle connections kept open for reuse.
    public var maxIdleConnections: Int
    /// Whether 3xx responses are followed (off: the caller sees them).
    public var followRedirects: Bool
    /// The `User-Agent` header unless a request sets its own.
    public var userAgent: String

    public init(
      connectTimeout: Duration = .seconds(10), timeout: Duration = .seconds(60),
      maxResponseSize: Int = 32 << 20, maxIdleConnections: Int = 16, followRedirects: Bool = false,
      userAgent: String = "infrahoused/\(InfraHouseCore.version)"
    ) {
      self.connectTimeout = connectTimeout
      self.timeout = timeout
      self.maxResponseSize = maxResponseSize
      self.maxIdleConnections = maxIdleConnections
      self.followRedirects = followRedirects
      self.userAgent = userAgent
    }
  }

  /// The limits this client applies.
  public let configuration: Configuration
  private let driver: CurlMultiDriver

  public init(configuration: Configuration = .init()) {
    self.configuration = configuration
    driver = CurlMultiDriver(configuration: configuration)
  }

  deinit {
    driver.shutdown()
  }

  /// Sends `request` and returns the response, whatever its status.
  ///
  /// Throws ``HTTPClientError`` when no response arrives: timeouts, connect
  /// failures, an oversized body, cancellation, other libcurl errors.
  public func execute(_ request: HTTPRequest) async throws -> HTTPResponse {
    try Task.checkCancellation()
    let box = TransferBox()
    return try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation {
        (continuation: CheckedContinuation<HTTPResponse, any Error>) in
        let transfer = CurlTransfer(
          request: request, maxResponseSize: configuration.maxResponseSize,
          continuation: continuation)
        if box.set(transfer) { transfer.cancelled.store(true, ordering: .relaxed) }
        driver.submit(transfer)
      }
    } onCancel: {
      if let transfer = box.cancel() { driver.cancel(transfer) }
    }
  }
}

/// Hands the transfer from the operation to the cancellation handler, which may run first.
private final class TransferBox: Sendable {
  private let state = Mutex<(transfer: CurlTransfer?, cancelled: Bool)>((nil, false))

  /// Stores the transfer; true if cancellation already happened.
  func set(_ transfer: CurlTransfer) -> Bool {
    state.withLock { s in
      s.transfer = transfer
      return s.cancelled
    }
  }

  /// Marks cancellation; returns the transfer if it exists yet.
  func cancel() -> CurlTransfer? {
    state.withLock { s in
      s.cancelled = true
      return s.transfer
    }
  }
}

extension HTTPClient {
  /// One client per process, for callers that need no special limits.
  public static let shared = HTTPClient()
}
