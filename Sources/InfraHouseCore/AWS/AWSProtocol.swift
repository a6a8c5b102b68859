/// The wire protocols of the services we call.
public enum AWSProtocol: Sendable, Equatable {
  /// `POST /`, `X-Amz-Target: <targetPrefix>.<Operation>`, `application/x-amz-json-<version>`.
  case json(version: String, targetPrefix: String)
  /// `POST /` with a form body `Action=...&Version=...`, XML responses.
  case query(apiVersion: String)
}

/// Parsing of error responses, one function per protocol; pure.
public enum AWSErrorParser {
  /// An error from a JSON 1.0/1.1 response: `__type` (namespace stripped) or
  /// the `x-amzn-ErrorType` header; `message` or `Message`.
  public static func json(_ response: HTTPResponse, service: String, operation: String) -> AWSError
  {
    let body = try? JSONValue.parse(response.body)
    var code =
      response.headers["x-amzn-errortype"] ?? body?["__type"]?.stringValue ?? body?["code"]?
      .stringValue ?? ""
    if let colon = code.firstIndex(of: ":") { code = String(code[..<colon]) }
    if let hash = code.lastIndex(of: "#") { code = String(code[code.index(after: hash)...]) }
    if code.isEmpty { code = fallbackCode(response.status) }
    let message = body?["message"]?.stringValue ?? body?["Message"]?.stringValue ?? ""
    return AWSError(
      service: service, operation: operation, code: code, message: message,
      httpStatus: response.status,
      requestId: response.headers["x-amzn-requestid"] ?? response.headers["x-amz-request-id"],
      details: body)
  }

  /// An error from a Query response: `<ErrorResponse><Error><Code>` (STS, IAM,
  /// Auto Scaling) or `<Response><Errors><Error><Code>` (EC2).
  public static func query(_ response: HTTPResponse, service: String, operation: String) -> AWSError
  {
    let root = XMLElement.parse(response.body)
    let error = root?.first("Error")
    let code = error?.string("Code") ?? fallbackCode(response.status)
    let message = error?.string("Message") ?? ""
    let requestId =
      root?.string("RequestId") ?? root?.string("RequestID") ?? response.headers["x-amzn-requestid"]
    return AWSError(
      service: service, operation: operation, code: code, message: message,
      httpStatus: response.status,
      requestId: requestId)
  }

  static func fallbackCode(_ status: Int) -> String {
    switch status {
    case 400: "BadRequest"
    case 403: "AccessDenied"
    case 404: "NotFound"
    case 500: "InternalError"
    case 503: "ServiceUnavailable"
    default: "HTTP\(status)"
    }
  }
}
