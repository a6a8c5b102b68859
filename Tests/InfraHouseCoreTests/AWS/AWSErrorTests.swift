import Testing

@testable import InfraHouseCore

@Suite struct AWSErrorTests {
  @Test func parsesJSONErrorsWithEitherMessageCase() {
    let real = HTTPResponse(
      status: 400, headers: ["x-amzn-RequestId": "R1"],
      body: Array(
        #"{"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException","message":"The conditional request failed"}"#
          .utf8))
    let e = AWSErrorParser.json(real, service: "dynamodb", operation: "PutItem")
    #expect(e.code == "ConditionalCheckFailedException")
    #expect(e.message == "The conditional request failed")
    #expect(e.requestId == "R1")
    #expect(e.isConditionalCheckFailed)
    let moto = HTTPResponse(
      status: 400,
      body: Array(
        #"{"__type":"ResourceNotFoundException","Message":"Requested resource not found"}"#.utf8))
    let m = AWSErrorParser.json(moto, service: "dynamodb", operation: "GetItem")
    #expect(m.message == "Requested resource not found")
    #expect(m.isNotFound)
    #expect(
      m.description.contains("dynamodb") && m.description.contains("GetItem")
        && m.description.contains("HTTP 400"))
  }

  @Test func parsesQueryAndEC2Errors() {
    let sts = HTTPResponse(
      status: 403,
      body: Array(
        "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>no</Message></Error><RequestId>X1</RequestId></ErrorResponse>"
          .utf8))
    let e = AWSErrorParser.query(sts, service: "sts", operation: "AssumeRole")
    #expect(
      e
        == AWSError(
          service: "sts", operation: "AssumeRole", code: "AccessDenied", message: "no",
          httpStatus: 403, requestId: "X1"))
    let ec2 = HTTPResponse(
      status: 400,
      body: Array(
        "<Response><Errors><Error><Code>InvalidInstanceID.NotFound</Code><Message>gone</Message></Error></Errors><RequestID>Y</RequestID></Response>"
          .utf8))
    let f = AWSErrorParser.query(ec2, service: "ec2", operation: "DescribeInstances")
    #expect(f.code == "InvalidInstanceID.NotFound")
    #expect(f.requestId == "Y")
    #expect(f.isNotFound)
    let empty = AWSErrorParser.query(HTTPResponse(status: 503), service: "ec2", operation: "X")
    #expect(empty.code == "ServiceUnavailable")
    #expect(empty.isRetryable)
  }

  @Test func retryPolicyClassifies() {
    let policy = AWSRetryPolicy()
    let throttle = AWSError(
      service: "s", operation: "o", code: "ThrottlingException", message: "", httpStatus: 400)
    let denied = AWSError(
      service: "s", operation: "o", code: "AccessDenied", message: "", httpStatus: 403)
    let server = AWSError(
      service: "s", operation: "o", code: "Whatever", message: "", httpStatus: 502)
    let skew = AWSError(
      service: "s", operation: "o", code: "RequestTimeTooSkewed", message: "", httpStatus: 403)
    #expect(policy.decide(throttle, attempt: 1) == .retry)
    #expect(policy.decide(throttle, attempt: 3) == .fail)
    #expect(policy.decide(denied, attempt: 1) == .fail)
    #expect(policy.decide(server, attempt: 2) == .retry)
    #expect(policy.decide(skew, attempt: 1) == .fail)
    #expect(
      policy.decide(skew, attempt: 1, clockCorrectionAvailable: true) == .retryWithClockCorrection)
    #expect(policy.decide(HTTPClientError.timeout, attempt: 1) == .retry)
    #expect(policy.decide(HTTPClientError.responseTooLarge(limit: 1), attempt: 1) == .fail)
  }

  @Test func backoffIsCappedExponentialWithFullJitter() {
    let policy = AWSRetryPolicy(maxAttempts: 10, baseDelay: .seconds(1), maxBackoff: .seconds(20))
    #expect(policy.backoff(afterAttempt: 1, random: 0.5) == .milliseconds(500))
    #expect(policy.backoff(afterAttempt: 3, random: 0.5) == .seconds(2))
    #expect(policy.backoff(afterAttempt: 9, random: 0.5) == .seconds(10))
    #expect(policy.backoff(afterAttempt: 2, random: 0) == .zero)
  }
}
