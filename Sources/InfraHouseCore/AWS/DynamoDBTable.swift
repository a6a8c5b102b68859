/// A condition, update or key-condition expression with its placeholders.
public struct DynamoDBExpression: Sendable, Equatable {
  public var expression: String
  /// `#name` -> attribute name.
  public var names: [String: String]
  /// `:value` -> value.
  public var values: [String: AttributeValue]

  public init(
    _ expression: String, names: [String: String] = [:], values: [String: AttributeValue] = [:]
  ) {
    self.expression = expression
    self.names = names
    self.values = values
  }
}

/// A write refused because its condition expression was false.
///
/// `item` is the item as it was, when the service returned it
/// (`ReturnValuesOnConditionCheckFailure=ALL_OLD`, which this client always asks for).
public struct DynamoDBConditionalCheckFailed: Error, Sendable, Equatable, CustomStringConvertible {
  public var table: String
  public var operation: String
  public var item: [String: AttributeValue]?
  public var requestId: String?
  public var description: String {
    "dynamodb \(operation) on \(table): the conditional request failed"
      + (requestId.map { " [request id \($0)]" } ?? "")
  }
}

/// A DynamoDB table: the Swift form of infrahouse-core's `DynamoDBTable`.
/// Construction makes no call; the client is made on first use.
public final class DynamoDBTable: Sendable {
  public let name: String
  public let session: AWSSession

  public init(name: String, session: AWSSession) {
    self.name = name
    self.session = session
  }

  /// A table reached through its own session (optional role and region).
  public convenience init(
    name: String, roleArn: String? = nil, region: String? = nil, fileID: String = #fileID,
    function: String = #function
  ) {
    self.init(
      name: name,
      session: AWSSession(
        .init(region: region, roleArn: roleArn), fileID: fileID, function: function))
  }

  private func call(_ operation: String, _ input: [String: JSONValue]) async throws -> JSONValue {
    var body = input
    body["TableName"] = .string(name)
    do {
      return try await session.client(.dynamodb).json(operation, .object(body))
    } catch let error as AWSError where error.isConditionalCheckFailed {
      throw DynamoDBConditionalCheckFailed(
        table: name, operation: operation, item: AttributeValue.item(from: error.details?["Item"]),
        requestId: error.requestId)
    }
  }

  private static func add(
    _ e: DynamoDBExpression?, as field: String, to body: inout [String: JSONValue]
  ) {
    guard let e else { return }
    body[field] = .string(e.expression)
    if !e.names.isEmpty {
      var names = body["ExpressionAttributeNames"]?.objectValue ?? [:]
      for (k, v) in e.names { names[k] = .string(v) }
      body["ExpressionAttributeNames"] = .object(names)
    }
    if !e.values.isEmpty {
      var values = body["ExpressionAttributeValues"]?.objectValue ?? [:]
      for (k, v) in e.values { values[k] = v.json }
      body["ExpressionAttributeValues"] = .object(values)
    }
  }

  /// The item with `key`, or nil.
  public func getItem(key: [String: AttributeValue], consistentRead: Bool = false) async throws
    -> [String: AttributeValue]?
  {
    let out = try await call(
      "GetItem", ["Key": AttributeValue.json(of: key), "ConsistentRead": .bool(consistentRead)])
    return AttributeValue.item(from: out["Item"])
  }

  /// Writes `item`, if `condition` holds; throws ``DynamoDBConditionalCheckFailed`` otherwise.
  public func putItem(_ item: [String: AttributeValue], condition: DynamoDBExpression? = nil)
    async throws
  {
    var body: [String: JSONValue] = ["Item": AttributeValue.json(of: item)]
    Self.add(condition, as: "ConditionExpression", to: &body)
    if condition != nil { body["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD" }
    _ = try await call("PutItem", body)
  }

  /// Applies `update` to the item with `key` if `condition` holds; returns
  /// the attributes `returnValues` asks for (`ALL_NEW`, `ALL_OLD`, `UPDATED_NEW`...).
  @discardableResult
  public func updateItem(
    key: [String: AttributeValue], update: DynamoDBExpression, condition: DynamoDBExpression? = nil,
    returnValues: String = "ALL_NEW"
  ) async throws -> [String: AttributeValue]? {
    var body: [String: JSONValue] = [
      "Key": AttributeValue.json(of: key), "ReturnValues": .string(returnValues),
    ]
    Self.add(update, as: "UpdateExpression", to: &body)
    Self.add(condition, as: "ConditionExpression", to: &body)
    if condition != nil { body["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD" }
    let out = try await call("UpdateItem", body)
    return AttributeValue.item(from: out["Attributes"])
  }

  /// Deletes the item with `key` if `condition` holds; returns the old item if there was one.
  @discardableResult
  public func deleteItem(key: [String: AttributeValue], condition: DynamoDBExpression? = nil)
    async throws
    -> [String: AttributeValue]?
  {
    var body: [String: JSONValue] = [
      "Key": AttributeValue.json(of: key), "ReturnValues": "ALL_OLD",
    ]
    Self.add(condition, as: "ConditionExpression", to: &body)
    if condition != nil { body["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD" }
    let out = try await call("DeleteItem", body)
    return AttributeValue.item(from: out["Attributes"])
  }

  /// Every item, following `LastEvaluatedKey` page by page (`pageSize` items per call).
  public func scan(pageSize: Int? = nil, filter: DynamoDBExpression? = nil) async throws
    -> [[String: AttributeValue]]
  {
    var items: [[String: AttributeValue]] = []
    var start: JSONValue?
    repeat {
      var body: [String: JSONValue] = [:]
      if let pageSize { body["Limit"] = .number(String(pageSize)) }
      if let start { body["ExclusiveStartKey"] = start }
      Self.add(filter, as: "FilterExpression", to: &body)
      let out = try await call("Scan", body)
      for raw in out["Items"]?.arrayValue ?? [] {
        if let item = AttributeValue.item(from: raw) { items.append(item) }
      }
      start = out["LastEvaluatedKey"]
      if start?.objectValue?.isEmpty == true { start = nil }
    } while start != nil
    return items
  }

  /// Creates the table (on-demand billing) with a string partition key and optional string sort key.
  public func create(partitionKey: String, sortKey: String? = nil) async throws {
    var schema: [JSONValue] = [["AttributeName": .string(partitionKey), "KeyType": "HASH"]]
    var attributes: [JSONValue] = [["AttributeName": .string(partitionKey), "AttributeType": "S"]]
    if let sortKey {
      schema.append(["AttributeName": .string(sortKey), "KeyType": "RANGE"])
      attributes.append(["AttributeName": .string(sortKey), "AttributeType": "S"])
    }
    _ = try await call(
      "CreateTable",
      [
        "KeySchema": .array(schema), "AttributeDefinitions": .array(attributes),
        "BillingMode": "PAY_PER_REQUEST",
      ])
  }

  /// Whether the table exists (DescribeTable).
  public func exists() async throws -> Bool {
    do {
      _ = try await call("DescribeTable", [:])
      return true
    } catch let error as AWSError where error.code == "ResourceNotFoundException" {
      return false
    }
  }

  /// Deletes the table; a table that is already gone is success.
  public func delete() async throws {
    do {
      _ = try await call("DeleteTable", [:])
    } catch let error as AWSError where error.code == "ResourceNotFoundException" {
      return
    }
  }
}
