import Synchronization

/// An EC2 instance metadata (IMDSv2) client: it PUTs for a session token
/// (with a TTL header), reuses it until shortly before it lapses, and sends
/// it with every GET. Timeouts are short, so off EC2 it fails fast.
public final class InstanceMetadataClient: Sendable {
  /// `AWS_EC2_METADATA_SERVICE_ENDPOINT`, else `http://169.254.169.254`.
  public let endpoint: String
  let tokenTTLSeconds: Int
  let http: HTTPClient
  private let token = Mutex<(value: String, expires: ContinuousClock.Instant)?>(nil)

  /// `httpClient` defaults to a shared client with 1 s connect and 2 s total timeouts.
  public init(
    endpoint: String? = nil, environment: [String: String] = [:], tokenTTLSeconds: Int = 21600,
    httpClient: HTTPClient? = nil
  ) {
    var base =
      endpoint ?? environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"] ?? "http://169.254.169.254"
    while base.hasSuffix("/") { base.removeLast() }
    self.endpoint = base
    self.tokenTTLSeconds = tokenTTLSeconds
    http = httpClient ?? Self.sharedHTTP
  }

  /// One short-timeout HTTP client for every metadata client of the process.
  static let sharedHTTP = HTTPClient(
    configuration: .init(
      connectTimeout: .seconds(1), timeout: .seconds(2), maxResponseSize: 1 << 20,
      maxIdleConnections: 2))

  /// GETs `path` (e.g. `/latest/meta-data/placement/region`) and returns the body text.
  public func get(_ path: String) async throws -> String {
    for attempt in 0..<2 {
      let t = try await sessionToken(forceNew: attempt > 0)
      let response = try await http.execute(
        HTTPRequest(url: endpoint + path, headers: ["X-aws-ec2-metadata-token": t]))
      if response.status == 401 && attempt == 0 { continue }  // token lapsed: get a new one
      guard response.status == 200 else {
        throw AWSClientError.invalidResponse(
          service: "imds", operation: "GET \(path)", reason: "HTTP \(response.status)")
      }
      return response.bodyText
    }
    throw AWSClientError.invalidResponse(
      service: "imds", operation: "GET \(path)", reason: "token refused")
  }

  private func sessionToken(forceNew: Bool) async throws -> String {
    if !forceNew, let t = token.withLock({ $0 }), ContinuousClock.now < t.expires { return t.value }
    let response = try await http.execute(
      HTTPRequest(
        method: "PUT", url: endpoint + "/latest/api/token",
        headers: ["X-aws-ec2-metadata-token-ttl-seconds": String(tokenTTLSeconds)]))
    guard response.status == 200, !response.body.isEmpty else {
      throw AWSClientError.invalidResponse(
        service: "imds", operation: "PUT /latest/api/token", reason: "HTTP \(response.status)")
    }
    let value = response.bodyText
    let lifetime = Duration.seconds(max(1, tokenTTLSeconds - 60))
    token.withLock { $0 = (value, ContinuousClock.now + lifetime) }
    return value
  }
}

/// The instance profile's role credentials from IMDSv2.
public struct InstanceMetadataCredentialsProvider: AWSCredentialsProvider {
  public let name = "imds"
  let client: InstanceMetadataClient
  let disabled: Bool

  public init(client: InstanceMetadataClient, environment: [String: String] = [:]) {
    self.client = client
    disabled = environment["AWS_EC2_METADATA_DISABLED"]?.lowercased() == "true"
  }

  public func credentials() async throws -> AWSCredentials {
    guard !disabled else { throw AWSClientError.credentialsNotFound("AWS_EC2_METADATA_DISABLED") }
    let base = "/latest/meta-data/iam/security-credentials/"
    let role: String
    do {
      role =
        try await client.get(base).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
    } catch let error as HTTPClientError {
      throw AWSClientError.credentialsNotFound("instance metadata unreachable: \(error)")
    } catch let error as AWSClientError {
      throw AWSClientError.credentialsNotFound("instance metadata: \(error)")
    }
    guard !role.isEmpty else {
      throw AWSClientError.credentialsNotFound("no instance profile role")
    }
    let text = try await client.get(base + role)
    guard let doc = try? JSONValue.parse(text), let id = doc["AccessKeyId"]?.stringValue,
      let secret = doc["SecretAccessKey"]?.stringValue
    else {
      throw AWSClientError.invalidResponse(
        service: "imds", operation: "role credentials", reason: "bad document")
    }
    return AWSCredentials(
      accessKeyId: id, secretAccessKey: secret, sessionToken: doc["Token"]?.stringValue,
      expiration: doc["Expiration"]?.stringValue.flatMap(AWSDateFormat.parseISO8601), provider: name
    )
  }
}
