import Synchronization

/// AWS Signature Version 4, as a pure function of the request, the
/// credentials, the region, the service and the date.
public enum SigV4Signer {
  /// Headers never signed: they may be changed by proxies or the HTTP layer.
  static let unsignedHeaders: Set<String> = [
    "authorization", "user-agent", "expect", "x-amzn-trace-id",
  ]

  /// Returns `request` with `Host`, `X-Amz-Date`, `X-Amz-Security-Token`
  /// (for temporary credentials) and `Authorization` set.
  public static func sign(
    _ request: HTTPRequest, credentials: AWSCredentials, region: String, service: String,
    date: Timestamp, keyCache: SigV4KeyCache? = nil
  ) -> HTTPRequest {
    var signed = request
    let amzDate = AWSDateFormat.amzDate(date)
    if signed.headers["host"] == nil, let url = ParsedURL(request.url) {
      signed.headers["Host"] = url.hostHeader
    }
    signed.headers["X-Amz-Date"] = amzDate
    if let token = credentials.sessionToken {
      signed.headers["X-Amz-Security-Token"] = token
    } else {
      signed.headers.remove("x-amz-security-token")
    }
    signed.headers.remove("authorization")
    let canonical = canonicalRequest(signed)
    let day = String(amzDate.prefix(8))
    let scope = "\(day)/\(region)/\(service)/aws4_request"
    let stringToSign =
      "AWS4-HMAC-SHA256\n\(amzDate)\n\(scope)\n\(Crypto.hex(Crypto.sha256(Array(canonical.request.utf8))))"
    let key =
      keyCache?.key(secret: credentials.secretAccessKey, day: day, region: region, service: service)
      ?? signingKey(secret: credentials.secretAccessKey, day: day, region: region, service: service)
    let signature = Crypto.hex(Crypto.hmacSHA256(key: key, Array(stringToSign.utf8)))
    signed.headers["Authorization"] =
      "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyId)/\(scope), SignedHeaders=\(canonical.signedHeaders), Signature=\(signature)"
    return signed
  }

  /// The canonical request text and the `SignedHeaders` list.
  public static func canonicalRequest(_ request: HTTPRequest) -> (
    request: String, signedHeaders: String
  ) {
    let url = ParsedURL(request.url)
    let path = url?.path ?? "/"
    let canonicalURI =
      path == "/"
      ? path
      : path.split(separator: "/", omittingEmptySubsequences: false)
        .map { PercentEncoding.encode(String($0)) }.joined(separator: "/")
    let query = canonicalQuery(url?.query ?? "")

    var grouped: [String: [String]] = [:]
    for field in request.headers {
      let name = field.name.lowercased()
      guard !unsignedHeaders.contains(name) else { continue }
      grouped[name, default: []].append(normalizeHeaderValue(field.value))
    }
    let names = grouped.keys.sorted()
    var headerBlock = ""
    for name in names {
      headerBlock += "\(name):\(grouped[name]!.joined(separator: ","))\n"
    }
    let signedHeaders = names.joined(separator: ";")
    let payloadHash =
      request.headers["x-amz-content-sha256"] ?? Crypto.hex(Crypto.sha256(request.body))
    let text =
      "\(request.method.uppercased())\n\(canonicalURI)\n\(query)\n\(headerBlock)\n\(signedHeaders)\n\(payloadHash)"
    return (text, signedHeaders)
  }

  /// Query parameters decoded, re-encoded strictly, sorted by name then value.
  static func canonicalQuery(_ query: String) -> String {
    guard !query.isEmpty else { return "" }
    let pairs = query.split(separator: "&").map { item -> (String, String) in
      let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      let key = PercentEncoding.encode(PercentEncoding.decode(String(parts[0])))
      let value =
        parts.count > 1 ? PercentEncoding.encode(PercentEncoding.decode(String(parts[1]))) : ""
      return (key, value)
    }
    return pairs.sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }
      .joined(separator: "&")
  }

  /// Trims the value and collapses runs of spaces to one.
  static func normalizeHeaderValue(_ value: String) -> String {
    let bytes = value.utf8
    var needsWork =
      bytes.first == 0x20 || bytes.last == 0x20 || bytes.first == 0x09 || bytes.last == 0x09
    if !needsWork {
      var previous: UInt8 = 0
      for b in bytes {
        if b == 0x20 && previous == 0x20 {
          needsWork = true
          break
        }
        previous = b
      }
    }
    guard needsWork else { return value }
    var out = [UInt8]()
    out.reserveCapacity(bytes.count)
    var lastWasSpace = false
    for b in value[...].trimmingSpaces().utf8 {
      if b == 0x20 {
        if !lastWasSpace { out.append(b) }
        lastWasSpace = true
      } else {
        out.append(b)
        lastWasSpace = false
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// `kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, day), region), service), "aws4_request")`.
  public static func signingKey(secret: String, day: String, region: String, service: String)
    -> [UInt8]
  {
    var key = Crypto.hmacSHA256(key: Array("AWS4\(secret)".utf8), Array(day.utf8))
    key = Crypto.hmacSHA256(key: key, Array(region.utf8))
    key = Crypto.hmacSHA256(key: key, Array(service.utf8))
    return Crypto.hmacSHA256(key: key, Array("aws4_request".utf8))
  }
}

/// Remembers the last derived signing key (it changes once a day per
/// secret, region and service), saving four HMACs per request.
public final class SigV4KeyCache: Sendable {
  private let last = Mutex<(id: String, key: [UInt8])?>(nil)

  public init() {}

  func key(secret: String, day: String, region: String, service: String) -> [UInt8] {
    let id = "\(day)/\(region)/\(service)/\(secret)"
    if let hit = last.withLock({ $0 }), hit.id == id { return hit.key }
    let key = SigV4Signer.signingKey(secret: secret, day: day, region: region, service: service)
    last.withLock { $0 = (id, key) }
    return key
  }
}
