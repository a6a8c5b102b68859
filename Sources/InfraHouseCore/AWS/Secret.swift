/// A Secrets Manager secret: the Swift form of infrahouse-core's `Secret`.
/// Construction makes no call.
public final class Secret: Sendable {
  /// The name or ARN.
  public let name: String
  public let session: AWSSession

  public init(name: String, session: AWSSession) {
    self.name = name
    self.session = session
  }

  /// A secret reached through its own session (optional role and region).
  public convenience init(
    name: String, roleArn: String? = nil, region: String? = nil, fileID: String = #fileID,
    function: String = #function
  ) {
    self.init(
      name: name,
      session: AWSSession(
        .init(region: region, roleArn: roleArn), fileID: fileID, function: function))
  }

  private func call(_ operation: String, _ input: [String: JSONValue] = [:]) async throws
    -> JSONValue
  {
    var body = input
    if body["Name"] == nil { body["SecretId"] = .string(name) }
    return try await session.client(.secretsManager).json(operation, .object(body))
  }

  private static func isNotFound(_ error: AWSError) -> Bool {
    error.code == "ResourceNotFoundException"
  }

  /// The current string value (nil if the secret holds binary).
  public func value() async throws -> String? {
    try await call("GetSecretValue")["SecretString"]?.stringValue
  }

  /// The current binary value (nil if the secret holds a string).
  public func binaryValue() async throws -> [UInt8]? {
    try await call("GetSecretValue")["SecretBinary"]?.stringValue.flatMap { Base64.decode($0) }
  }

  /// Whether the secret exists (and is not scheduled for deletion).
  public func exists() async throws -> Bool {
    do {
      let d = try await call("DescribeSecret")
      return d["DeletedDate"] == nil || d["DeletedDate"] == .null
    } catch let error as AWSError where Self.isNotFound(error) {
      return false
    }
  }

  /// Creates the secret with `value`, or stores `value` as its new version if it differs.
  public func ensurePresent(_ value: String, description: String? = nil) async throws {
    do {
      var body: [String: JSONValue] = ["Name": .string(name), "SecretString": .string(value)]
      if let description { body["Description"] = .string(description) }
      _ = try await call("CreateSecret", body)
    } catch let error as AWSError where error.code == "ResourceExistsException" {
      if try await self.value() != value {
        _ = try await call("PutSecretValue", ["SecretString": .string(value)])
      }
    }
  }

  /// Binary form of ``ensurePresent(_:description:)``.
  public func ensurePresent(binary value: [UInt8]) async throws {
    let encoded = JSONValue.string(Base64.encode(value))
    do {
      _ = try await call("CreateSecret", ["Name": .string(name), "SecretBinary": encoded])
    } catch let error as AWSError where error.code == "ResourceExistsException" {
      if try await binaryValue() != value {
        _ = try await call("PutSecretValue", ["SecretBinary": encoded])
      }
    }
  }

  /// Deletes the secret without a recovery window; a missing secret is success.
  public func delete() async throws {
    do {
      _ = try await call("DeleteSecret", ["ForceDeleteWithoutRecovery": true])
    } catch let error as AWSError where Self.isNotFound(error) {
      return
    }
  }

  /// Same as ``delete()``: the secret is absent afterwards, whether or not it existed.
  public func ensureAbsent() async throws { try await delete() }
}
