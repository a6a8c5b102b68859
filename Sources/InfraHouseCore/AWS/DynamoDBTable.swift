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

/// One write of a `TransactWriteItems` call on a table.
public struct DynamoDBTransactWrite: Sendable, Equatable {
  /// What the write does.
  public enum Operation: Sendable, Equatable {
    case put(item: [String: AttributeValue])
    case update(key: [String: AttributeValue], update: DynamoDBExpression)
    case delete(key: [String: AttributeValue])
    case conditionCheck(key: [String: AttributeValue])
  }
  public var operation: Operation
  public var condition: DynamoDBExpression?
  /// Ask for `ReturnValuesOnConditionCheckFailure=ALL_OLD` when the condition fails.
  public var returnOldItemOnConditionFailure: Bool

  public init(
    _ operation: Operation, condition: DynamoDBExpression? = nil,
    returnOldItemOnConditionFailure: Bool = true
  ) {
    self.operation = operation
    self.condition = condition
    self.returnOldItemOnConditionFailure = returnOldItemOnConditionFailure
  }
}

/// A `TransactWriteItems` call that was cancelled: nothing was written.
/// `reasons` has one entry per write, in order (`None` for writes that were fine,
/// `ConditionalCheckFailed` with the old item when asked for, `TransactionConflict`...).
public struct DynamoDBTransactionCanceled: Error, Sendable, Equatable, CustomStringConvertible {
  /// Why one write of the transaction could not be applied.
  public struct Reason: Sendable, Equatable {
    public var code: String
    public var message: String?
    public var item: [String: AttributeValue]?
  }
  public var table: String
  public var reasons: [Reason]
  public var requestId: String?
  /// True when a write's condition expression was false.
  public var conditionFailed: Bool { reasons.contains { $0.code == "ConditionalCheckFailed" } }
  public var description: String {
    "dynamodb TransactWriteItems on \(table) cancelled: "
      + reasons.map(\.code).joined(separator: ", ")
      + (requestId.map { " [request id \($0)]" } ?? "")
  }
}

/// A DynamoDB table: the Swift form of infrahouse-core's `DynamoDBTable`.
/// Construction makes no call; the client is made on first use.
public final class DynamoDBTable: Sendable {
  public let name: String
  public let session: AWSSession
  /// Replaces the session's retry policy for this table's calls, when set.
  public let retryPolicy: AWSRetryPolicy?

  public init(name: String, session: AWSSession, retryPolicy: AWSRetryPolicy? = nil) {
    self.name = name
    self.session = session
    self.retryPolicy = retryPolicy
  }

  /// The same table, with calls retried per `policy` instead of the session's
  /// policy (the fleet lock uses one attempt: its state machine retries itself).
  public func withRetryPolicy(_ policy: AWSRetryPolicy) -> DynamoDBTable {
    DynamoDBTable(name: name, session: session, retryPolicy: policy)
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
      return try await client().json(operation, .object(body))
    } catch let error as AWSError where error.isConditionalCheckFailed {
      throw DynamoDBConditionalCheckFailed(
        table: name, operation: operation, item: AttributeValue.item(from: error.details?["Item"]),
        requestId: error.requestId)
    }
  }

  private func client() async throws -> AWSClient {
    let shared = try await session.client(.dynamodb)
    guard let retryPolicy else { return shared }
    return AWSClient(
      service: shared.service, region: shared.region, endpoint: shared.endpoint,
      credentialsProvider: shared.credentialsProvider, httpClient: shared.http,
      retryPolicy: retryPolicy, logger: shared.logger)
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

  /// Applies `writes` atomically (`TransactWriteItems`): all or none. A write
  /// refused by its condition (or a conflict) cancels the whole transaction,
  /// reported as ``DynamoDBTransactionCanceled`` with one reason per write.
  public func transactWriteItems(_ writes: [DynamoDBTransactWrite]) async throws {
    var items: [JSONValue] = []
    for write in writes {
      var entry: [String: JSONValue] = ["TableName": .string(name)]
      let kind: String
      switch write.operation {
      case .put(let item):
        kind = "Put"
        entry["Item"] = AttributeValue.json(of: item)
      case .update(let key, let update):
        kind = "Update"
        entry["Key"] = AttributeValue.json(of: key)
        Self.add(update, as: "UpdateExpression", to: &entry)
      case .delete(let key):
        kind = "Delete"
        entry["Key"] = AttributeValue.json(of: key)
      case .conditionCheck(let key):
        kind = "ConditionCheck"
        entry["Key"] = AttributeValue.json(of: key)
      }
      Self.add(write.condition, as: "ConditionExpression", to: &entry)
      if write.condition != nil && write.returnOldItemOnConditionFailure {
        entry["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
      }
      items.append(.object([kind: .object(entry)]))
    }
    do {
      _ = try await client().json(
        "TransactWriteItems", .object(["TransactItems": .array(items)]))
    } catch let error as AWSError where error.code == "TransactionCanceledException" {
      let reasons = (error.details?["CancellationReasons"]?.arrayValue ?? []).map { raw in
        DynamoDBTransactionCanceled.Reason(
          code: raw["Code"]?.stringValue ?? "None",
          message: raw["Message"]?.stringValue, item: AttributeValue.item(from: raw["Item"]))
      }
      throw DynamoDBTransactionCanceled(table: name, reasons: reasons, requestId: error.requestId)
    }
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
