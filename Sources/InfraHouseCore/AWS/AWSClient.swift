import Synchronization

/// A low-level client for one AWS service in one region: it builds the
/// protocol's request, signs it, retries per ``AWSRetryPolicy`` and turns
/// error responses into ``AWSError``.
///
/// Made lazily by ``AWSSession`` and reused for the session's lifetime.
public final class AWSClient: Sendable {
  public let service: AWSService
  public let region: String
  /// The base URL calls go to.
  public let endpoint: String
  public let credentialsProvider: any AWSCredentialsProvider
  public let retryPolicy: AWSRetryPolicy
  let http: HTTPClient
  let logger: Logger
  /// Seconds to add to the local clock when signing, learned from clock-skew errors.
  private let clockOffset = Mutex<Double>(0)
  private let keyCache = SigV4KeyCache()
  private let now: @Sendable () -> Timestamp

  public init(
    service: AWSService, region: String, endpoint: String,
    credentialsProvider: any AWSCredentialsProvider,
    httpClient: HTTPClient = .shared, retryPolicy: AWSRetryPolicy = .init(),
    logger: Logger = Logger(label: "aws"),
    now: @escaping @Sendable () -> Timestamp = { Timestamp.now() }
  ) {
    self.service = service
    self.region = region
    self.endpoint = endpoint
    self.credentialsProvider = credentialsProvider
    self.http = httpClient
    self.retryPolicy = retryPolicy
    self.logger = logger
    self.now = now
  }

  /// The clock correction currently applied, in seconds.
  public var clockCorrection: Double { clockOffset.withLock { $0 } }

  /// Calls a JSON 1.0/1.1 operation and returns the decoded response body.
  public func json(_ operation: String, _ input: JSONValue) async throws -> JSONValue {
    guard case .json(let version, let prefix) = service.wireProtocol else {
      throw AWSClientError.invalidArgument("\(service.id) does not speak JSON")
    }
    let headers: HTTPHeaders = [
      "Content-Type": "application/x-amz-json-\(version)", "X-Amz-Target": "\(prefix).\(operation)",
    ]
    let response = try await send(
      operation: operation, path: "/", headers: headers, body: input.serialized())
    if response.body.isEmpty { return .object([:]) }
    do {
      return try JSONValue.parse(response.body)
    } catch {
      throw AWSClientError.invalidResponse(
        service: service.id, operation: operation, reason: error.description)
    }
  }

  /// Calls a Query operation and returns the XML response's root element.
  public func query(_ action: String, _ parameters: [(String, String)] = []) async throws
    -> XMLElement
  {
    guard case .query(let version) = service.wireProtocol else {
      throw AWSClientError.invalidArgument("\(service.id) does not speak Query")
    }
    let body = PercentEncoding.formBody([("Action", action), ("Version", version)] + parameters)
    let headers: HTTPHeaders = ["Content-Type": "application/x-www-form-urlencoded; charset=utf-8"]
    let response = try await send(
      operation: action, path: "/", headers: headers, body: Array(body.utf8))
    guard let root = XMLElement.parse(response.body) else {
      throw AWSClientError.invalidResponse(
        service: service.id, operation: action, reason: "not XML")
    }
    return root
  }

  /// Sends one signed `POST` with retries; returns a 2xx response or throws.
  /// `signed: false` is for the few unsigned calls (AssumeRoleWithWebIdentity).
  public func send(
    operation: String, path: String, headers: HTTPHeaders, body: [UInt8], signed: Bool = true
  ) async throws -> HTTPResponse {
    var attempt = 1
    while true {
      do {
        return try await attemptOnce(
          operation: operation, path: path, headers: headers, body: body, signed: signed)
      } catch {
        if error is CancellationError || (error as? HTTPClientError) == .cancelled { throw error }
        let skew = (error as? SkewedResponse)
        let underlying = skew?.error ?? error
        let decision = retryPolicy.decide(
          underlying, attempt: attempt, clockCorrectionAvailable: skew?.serverDate != nil)
        switch decision {
        case .fail:
          if let transport = underlying as? HTTPClientError {
            throw AWSTransportError(
              service: service.id, operation: operation, endpoint: endpoint, attempts: attempt,
              underlying: transport)
          }
          throw underlying
        case .retryWithClockCorrection:
          let offset = skew!.serverDate!.seconds(since: now())
          clockOffset.withLock { $0 = offset }
          logger.notice(
            "correcting AWS signing clock",
            ["service": service.id, "offset_seconds": "\(Int(offset))"])
        case .retry:
          let delay = retryPolicy.backoff(afterAttempt: attempt, random: Double.random(in: 0..<1))
          logger.debug(
            "retrying AWS call",
            [
              "service": service.id, "operation": operation, "attempt": "\(attempt)",
              "error": "\(underlying)",
            ])
          try await Task.sleep(for: delay)
        }
        attempt += 1
      }
    }
  }

  /// A clock-skew error together with the server's `Date`, for the retry loop.
  private struct SkewedResponse: Error {
    var error: AWSError
    var serverDate: Timestamp?
  }

  private func attemptOnce(
    operation: String, path: String, headers: HTTPHeaders, body: [UInt8], signed: Bool
  ) async throws -> HTTPResponse {
    var request = HTTPRequest(method: "POST", url: endpoint + path, headers: headers, body: body)
    if signed {
      let credentials = try await credentialsProvider.credentials()
      let date = now().adding(seconds: clockCorrection)
      request = SigV4Signer.sign(
        request, credentials: credentials, region: region, service: service.signingName, date: date,
        keyCache: keyCache)
    }
    let response = try await http.execute(request)
    if (200..<300).contains(response.status) { return response }
    let error: AWSError
    switch service.wireProtocol {
    case .json: error = AWSErrorParser.json(response, service: service.id, operation: operation)
    case .query: error = AWSErrorParser.query(response, service: service.id, operation: operation)
    }
    if error.isClockSkew {
      let serverDate = response.headers["date"].flatMap(AWSDateFormat.parseHTTPDate)
      let skewed = serverDate.map {
        abs($0.seconds(since: now().adding(seconds: clockCorrection))) > 240
      }
      throw SkewedResponse(error: error, serverDate: skewed == true ? serverDate : nil)
    }
    throw error
  }
}
