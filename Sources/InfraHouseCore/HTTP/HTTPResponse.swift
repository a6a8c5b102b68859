/// A complete HTTP response: status, headers of the final response, body.
public struct HTTPResponse: Sendable {
  /// The status code, e.g. 200.
  public var status: Int
  /// The header fields of the final response (not of any `100 Continue`).
  public var headers: HTTPHeaders
  /// The body, at most the client's size cap.
  public var body: [UInt8]

  public init(status: Int, headers: HTTPHeaders = [:], body: [UInt8] = []) {
    self.status = status
    self.headers = headers
    self.body = body
  }

  /// The body decoded as UTF-8 (invalid sequences repaired).
  public var bodyText: String { String(decoding: body, as: UTF8.self) }
}
