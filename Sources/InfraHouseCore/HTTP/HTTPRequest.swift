/// One HTTP request as ``HTTPClient`` sends it.
public struct HTTPRequest: Sendable {
  /// `GET`, `POST`, `PUT`, `DELETE`, `HEAD`, `PATCH`...
  public var method: String
  /// The absolute URL, `http` or `https`.
  public var url: String
  /// Header fields sent as given (libcurl adds `Host` and `Accept` unless set here).
  public var headers: HTTPHeaders
  /// The request body; empty sends none (or an empty one for `POST`/`PUT`/`PATCH`).
  public var body: [UInt8]
  /// Overrides the client's total timeout for this request.
  public var timeout: Duration?

  public init(
    method: String = "GET", url: String, headers: HTTPHeaders = [:], body: [UInt8] = [],
    timeout: Duration? = nil
  ) {
    self.method = method
    self.url = url
    self.headers = headers
    self.body = body
    self.timeout = timeout
  }
}
