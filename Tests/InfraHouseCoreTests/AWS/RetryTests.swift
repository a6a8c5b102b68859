import Foundation
import Testing

@testable import InfraHouseCore

/// Retries against the loopback server's `/flaky` and `/skew` routes.
@Suite struct RetryTests {
  static let credentials = StaticCredentialsProvider(
    AWSCredentials(accessKeyId: "AKIATEST", secretAccessKey: "test"))

  func client(_ service: AWSService, maxAttempts: Int = 3) -> AWSClient {
    AWSClient(
      service: service, region: "us-east-1", endpoint: Loopback.base,
      credentialsProvider: Self.credentials,
      retryPolicy: AWSRetryPolicy(maxAttempts: maxAttempts, baseDelay: .milliseconds(10)))
  }

  func hits(_ key: String) async throws -> Int {
    Int(
      try await HTTPClient.shared.execute(HTTPRequest(url: "\(Loopback.base)/count?key=\(key)"))
        .bodyText) ?? -1
  }

  func flaky(_ key: String, fail: Int, status: Int, code: String, style: String = "json") -> String
  {
    "/flaky?key=\(key)&fail=\(fail)&status=\(status)&code=\(code)&style=\(style)"
  }

  @Test func throttlingIsRetriedUntilSuccess() async throws {
    let key = UUID().uuidString
    let c = client(.dynamodb)
    let r = try await c.send(
      operation: "GetItem", path: flaky(key, fail: 2, status: 400, code: "ThrottlingException"),
      headers: [:], body: [])
    #expect(r.status == 200)
    #expect(try await hits(key) == 3)
  }

  @Test func serverErrorsAreRetriedAtMostThreeTimes() async throws {
    let key = UUID().uuidString
    let c = client(.dynamodb)
    let error = await #expect(throws: AWSError.self) {
      _ = try await c.send(
        operation: "GetItem", path: flaky(key, fail: 5, status: 503, code: "ServiceUnavailable"),
        headers: [:], body: [])
    }
    #expect(error?.httpStatus == 503)
    #expect(error?.code == "ServiceUnavailable")
    #expect(error?.requestId == "req-3")
    #expect(try await hits(key) == 3)
  }

  @Test func internalErrorOn500IsRetried() async throws {
    let key = UUID().uuidString
    let r = try await client(.sts).send(
      operation: "GetCallerIdentity",
      path: flaky(key, fail: 1, status: 500, code: "InternalError", style: "query"),
      headers: [:], body: [])
    #expect(r.status == 200)
    #expect(try await hits(key) == 2)
  }

  @Test func clientErrorsFailAtOnce() async throws {
    let key = UUID().uuidString
    let error = await #expect(throws: AWSError.self) {
      _ = try await client(.sts).send(
        operation: "AssumeRole",
        path: flaky(key, fail: 5, status: 403, code: "AccessDenied", style: "query"),
        headers: [:], body: [])
    }
    #expect(error?.code == "AccessDenied")
    #expect(error?.service == "sts")
    #expect(error?.operation == "AssumeRole")
    #expect(try await hits(key) == 1)
  }

  @Test func connectionErrorsAreRetried() async throws {
    let c = AWSClient(
      service: .dynamodb, region: "us-east-1", endpoint: "http://127.0.0.1:1",
      credentialsProvider: Self.credentials,
      retryPolicy: AWSRetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(1)))
    let error = await #expect(throws: AWSTransportError.self) {
      _ = try await c.send(operation: "GetItem", path: "/", headers: [:], body: [])
    }
    #expect(error?.underlying.isTransient == true)
    #expect(error?.attempts == 2)
    #expect(error?.operation == "GetItem")
    #expect(error?.service == "dynamodb")
    #expect(
      error?.description.hasPrefix(
        "dynamodb GetItem at http://127.0.0.1:1: no answer after 2 attempts: ")
        == true, "\(String(describing: error))")
  }

  @Test func clockSkewCorrectsTheSigningClock() async throws {
    // The server's clock runs an hour ahead; it refuses requests dated more than 5 min off.
    let c = client(.dynamodb)
    let r = try await c.send(operation: "GetItem", path: "/skew", headers: [:], body: [])
    #expect(r.status == 200)
    #expect(abs(c.clockCorrection - 3600) < 120)
    // Later calls sign with the corrected clock straight away.
    #expect(
      try await c.send(operation: "GetItem", path: "/skew", headers: [:], body: []).status == 200)
  }

  @Test func jsonCallSendsTargetAndContentType() async throws {
    let c = client(.ssm)
    let out = try await c.send(
      operation: "SendCommand", path: "/echo", headers: ["X-Amz-Target": "AmazonSSM.SendCommand"],
      body: Array("{}".utf8))
    let echo = try JSONValue.parse(out.body)
    let headers = echo["headers"]?.arrayValue?.compactMap { $0.arrayValue } ?? []
    let auth = headers.first { $0.first?.stringValue == "Authorization" }?.last?.stringValue ?? ""
    #expect(auth.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIATEST/"))
    #expect(auth.contains("/us-east-1/ssm/aws4_request"))
    #expect(!auth.contains("test,") && !out.bodyText.contains("\"test\""))
  }
}
