import Testing

@testable import InfraHouseCore

/// Vectors from AWS's SigV4 test suite (aws-c-auth `tests/aws-signing-test-suite/v4`):
/// access key AKIDEXAMPLE, region us-east-1, service `service`, 2015-08-30T12:36:00Z.
@Suite struct SigV4SignerTests {
  static let credentials = AWSCredentials(
    accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
  static let date = Timestamp(secondsSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z

  func authorization(_ request: HTTPRequest, credentials: AWSCredentials = credentials) -> String? {
    SigV4Signer.sign(
      request, credentials: credentials, region: "us-east-1", service: "service", date: Self.date
    )
    .headers["authorization"]
  }

  func expectSigned(_ auth: String?, signedHeaders: String, signature: String) {
    #expect(
      auth
        == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=\(signedHeaders), Signature=\(signature)"
    )
  }

  @Test func getVanilla() {
    let auth = authorization(HTTPRequest(method: "GET", url: "https://example.amazonaws.com/"))
    expectSigned(
      auth, signedHeaders: "host;x-amz-date",
      signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
  }

  @Test func getVanillaQueryOrderKeyCase() {
    let auth = authorization(
      HTTPRequest(method: "GET", url: "https://example.amazonaws.com/?Param2=value2&Param1=value1"))
    expectSigned(
      auth, signedHeaders: "host;x-amz-date",
      signature: "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")
  }

  @Test func postVanillaQuery() {
    let auth = authorization(
      HTTPRequest(method: "POST", url: "https://example.amazonaws.com/?Param1=value1"))
    expectSigned(
      auth, signedHeaders: "host;x-amz-date",
      signature: "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11")
  }

  @Test func getHeaderValueTrim() {
    let request = HTTPRequest(
      method: "GET", url: "https://example.amazonaws.com/",
      headers: ["My-Header1": " value1", "My-Header2": " \"a   b   c\""])
    expectSigned(
      authorization(request), signedHeaders: "host;my-header1;my-header2;x-amz-date",
      signature: "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736")
  }

  @Test func postXWWWFormURLEncoded() {
    let request = HTTPRequest(
      method: "POST", url: "https://example.amazonaws.com/",
      headers: ["Content-Type": "application/x-www-form-urlencoded"],
      body: Array("Param1=value1".utf8))
    expectSigned(
      authorization(request), signedHeaders: "content-type;host;x-amz-date",
      signature: "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a")
  }

  @Test func postSTSHeaderBeforeSignsTheSessionToken() {
    var credentials = Self.credentials
    credentials.sessionToken =
      "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=="
    let signed = SigV4Signer.sign(
      HTTPRequest(method: "POST", url: "https://example.amazonaws.com/"), credentials: credentials,
      region: "us-east-1", service: "service", date: Self.date)
    #expect(signed.headers["x-amz-security-token"] == credentials.sessionToken)
    #expect(signed.headers["x-amz-date"] == "20150830T123600Z")
    #expect(signed.headers["host"] == "example.amazonaws.com")
    expectSigned(
      signed.headers["authorization"], signedHeaders: "host;x-amz-date;x-amz-security-token",
      signature: "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead")
  }

  @Test func aDifferentSecretGivesADifferentSignature() {
    var other = Self.credentials
    other.secretAccessKey = "not-the-secret"
    let request = HTTPRequest(method: "GET", url: "https://example.amazonaws.com/")
    #expect(authorization(request) != authorization(request, credentials: other))
  }

  @Test func hostHeaderKeepsANonDefaultPort() {
    let signed = SigV4Signer.sign(
      HTTPRequest(url: "http://127.0.0.1:5000/"), credentials: Self.credentials,
      region: "us-east-1",
      service: "sts", date: Self.date)
    #expect(signed.headers["host"] == "127.0.0.1:5000")
  }

  @Test func credentialsDescriptionHidesSecrets() {
    let c = AWSCredentials(accessKeyId: "AKIAX", secretAccessKey: "s3cr3t", sessionToken: "t0k3n")
    #expect(!c.description.contains("s3cr3t"))
    #expect(!c.description.contains("t0k3n"))
    #expect(c.description.contains("AKIAX"))
  }

  @Test func keyCacheGivesTheSameSignatures() {
    let cache = SigV4KeyCache()
    let request = HTTPRequest(method: "GET", url: "https://example.amazonaws.com/")
    for _ in 0..<2 {
      let cached = SigV4Signer.sign(
        request, credentials: Self.credentials, region: "us-east-1", service: "service",
        date: Self.date, keyCache: cache)
      #expect(cached.headers["authorization"] == authorization(request))
    }
    var other = Self.credentials
    other.secretAccessKey = "rotated"
    let rotated = SigV4Signer.sign(
      request, credentials: other, region: "us-east-1", service: "service", date: Self.date,
      keyCache: cache)
    #expect(rotated.headers["authorization"] == authorization(request, credentials: other))
  }
}
