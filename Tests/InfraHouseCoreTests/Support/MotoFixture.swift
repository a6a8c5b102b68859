import Foundation

@testable import InfraHouseCore

/// One `moto_server` per test process, started by `Tests/Support/moto_fixture.py`
/// with signature checking on and an IAM user (allow-all) whose key we sign with.
/// It stops when the test process exits (its stdin closes).
struct MotoFixture: Sendable {
  let endpoint: String
  let accessKeyId: String
  let secretAccessKey: String
  /// A second role the user may assume.
  let roleArn: String
  let account: String

  static let shared: MotoFixture = {
    do {
      let server = try ScriptServer(script: "moto_fixture.py")
      serverHandle = server
      let json = try JSONValue.parse(server.handshake)
      return MotoFixture(
        endpoint: json["endpoint"]!.stringValue!, accessKeyId: json["access_key_id"]!.stringValue!,
        secretAccessKey: json["secret_access_key"]!.stringValue!,
        roleArn: json["role_arn"]!.stringValue!,
        account: json["account"]!.stringValue!)
    } catch {
      fatalError("moto fixture: \(error)")
    }
  }()
  nonisolated(unsafe) private static var serverHandle: ScriptServer?

  var credentials: AWSCredentials {
    AWSCredentials(accessKeyId: accessKeyId, secretAccessKey: secretAccessKey)
  }

  /// An environment with nothing but the test user's keys, the region and the endpoint.
  var environment: [String: String] {
    [
      "AWS_ACCESS_KEY_ID": accessKeyId, "AWS_SECRET_ACCESS_KEY": secretAccessKey,
      "AWS_REGION": "us-east-1",
      "AWS_ENDPOINT_URL": endpoint, "HOME": "/nonexistent", "AWS_EC2_METADATA_DISABLED": "true",
    ]
  }

  /// A session signing with the test user's key (or `roleArn` assumed from it).
  func session(
    roleArn: String? = nil, sessionName: String? = nil, fileID: String = #fileID,
    function: String = #function
  )
    -> AWSSession
  {
    AWSSession(
      .init(
        region: "us-east-1", roleArn: roleArn, sessionName: sessionName, endpointURL: endpoint,
        retryPolicy: AWSRetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(20))),
      environment: environment, fileID: fileID, function: function)
  }
}
