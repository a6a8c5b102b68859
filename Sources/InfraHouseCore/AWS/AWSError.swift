/// An error answered by an AWS service: which service and operation, the
/// error code and message, the HTTP status and the request id.
///
/// Its description names all of them and never any credential.
public struct AWSError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The service id, e.g. `dynamodb`, `sts`.
  public var service: String
  /// The operation, e.g. `GetItem`.
  public var operation: String
  /// The error code without namespace, e.g. `ConditionalCheckFailedException`.
  public var code: String
  public var message: String
  public var httpStatus: Int
  /// `x-amzn-RequestId` / `RequestId`, when the service sent one.
  public var requestId: String?
  /// The JSON error body, for fields such as DynamoDB's `Item` (never in ``description``).
  public var details: JSONValue?

  public init(
    service: String, operation: String, code: String, message: String, httpStatus: Int,
    requestId: String? = nil, details: JSONValue? = nil
  ) {
    self.service = service
    self.operation = operation
    self.code = code
    self.message = message
    self.httpStatus = httpStatus
    self.requestId = requestId
    self.details = details
  }

  public var description: String {
    "\(service) \(operation) failed: \(code) (HTTP \(httpStatus)): \(message)"
      + (requestId.map { " [request id \($0)]" } ?? "")
  }

  /// The codes AWS's standard retry mode treats as throttling.
  public static let throttlingCodes: Set<String> = [
    "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
    "TooManyRequestsException", "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete", "EC2ThrottledException",
  ]
  /// Transient codes retried whatever the status.
  public static let transientCodes: Set<String> = [
    "RequestTimeout", "RequestTimeoutException", "InternalError", "InternalFailure",
    "ServiceUnavailable",
    "InternalServerError", "IDPCommunicationError",
  ]
  /// Codes meaning our clock disagrees with the service's.
  public static let clockSkewCodes: Set<String> = [
    "RequestTimeTooSkewed", "RequestExpired", "InvalidSignatureException", "SignatureDoesNotMatch",
    "AuthFailure", "RequestInTheFuture",
  ]

  public var isThrottling: Bool { Self.throttlingCodes.contains(code) }
  /// Throttling, a transient code, or a 500/502/503/504.
  public var isRetryable: Bool {
    isThrottling || Self.transientCodes.contains(code) || [500, 502, 503, 504].contains(httpStatus)
  }
  public var isClockSkew: Bool { Self.clockSkewCodes.contains(code) }
  /// DynamoDB's failed condition expression.
  public var isConditionalCheckFailed: Bool { code == "ConditionalCheckFailedException" }
  /// The usual "it is not there" codes across services.
  public var isNotFound: Bool {
    code == "ResourceNotFoundException" || code.hasSuffix(".NotFound") || code.hasSuffix("NotFound")
      || code == "NoSuchEntity" || code == "InvalidInstanceID.NotFound"
      || code == "ValidationError"
        && message.lowercased().contains(text: "not found")
  }
}

/// Failures of the AWS layer itself, before or after talking to a service.
public enum AWSClientError: Error, Sendable, Equatable, CustomStringConvertible {
  /// No provider of the chain had credentials; names what was tried.
  case credentialsNotFound(String)
  /// No region from the argument, the environment, the profile or instance metadata.
  case regionNotFound
  /// A profile or config entry is missing or inconsistent.
  case invalidConfiguration(String)
  /// The service answered something we could not read.
  case invalidResponse(service: String, operation: String, reason: String)
  /// A caller-supplied value was rejected before any call.
  case invalidArgument(String)
  /// An operation did not finish in time (e.g. an SSM command).
  case timedOut(String)

  public var description: String {
    switch self {
    case .credentialsNotFound(let m): "no AWS credentials found (\(m))"
    case .regionNotFound:
      "no AWS region: pass one, or set AWS_REGION/AWS_DEFAULT_REGION or the profile's region"
    case .invalidConfiguration(let m): "invalid AWS configuration: \(m)"
    case .invalidResponse(let s, let o, let r): "\(s) \(o) returned an unreadable response: \(r)"
    case .invalidArgument(let m): "invalid argument: \(m)"
    case .timedOut(let m): "timed out: \(m)"
    }
  }
}

/// An AWS call that got no answer (connect refused, TLS, timeout, reset) after
/// its retries: names the service, the operation and the endpoint, so that the
/// log says which call failed, with the HTTP client's error underneath.
public struct AWSTransportError: Error, Sendable, Equatable, CustomStringConvertible {
  public var service: String
  public var operation: String
  public var endpoint: String
  /// How many attempts were made, the failed one included.
  public var attempts: Int
  public var underlying: HTTPClientError

  public init(
    service: String, operation: String, endpoint: String, attempts: Int,
    underlying: HTTPClientError
  ) {
    self.service = service
    self.operation = operation
    self.endpoint = endpoint
    self.attempts = attempts
    self.underlying = underlying
  }

  public var description: String {
    let tries = attempts == 1 ? "1 attempt" : "\(attempts) attempts"
    return "\(service) \(operation) at \(endpoint): no answer after \(tries): \(underlying)"
  }
}
