/// Conversions between the lock's plain attribute values and the AWS layer's
/// `AttributeValue`. The lock uses only strings and numbers; attributes of
/// other types (which no lock client writes) are left out.
enum LockAttributeConversion {
  static func attributeValue(_ value: LockAttribute) -> AttributeValue {
    switch value {
    case .string(let s): .s(s)
    case .number(let n): .n(n)
    }
  }

  static func lockAttribute(_ value: AttributeValue) -> LockAttribute? {
    switch value {
    case .s(let s): .string(s)
    case .n(let n): .number(n)
    default: nil
    }
  }

  static func item(_ attributes: LockItemAttributes) -> [String: AttributeValue] {
    attributes.mapValues(attributeValue)
  }

  static func attributes(_ item: [String: AttributeValue]) -> LockItemAttributes {
    item.compactMapValues(lockAttribute)
  }

  static func expression(
    _ text: String, names: [String: String], values: LockItemAttributes
  ) -> DynamoDBExpression {
    DynamoDBExpression(text, names: names, values: values.mapValues(attributeValue))
  }

  /// `write`'s condition with only the placeholders that the condition and
  /// `alsoUsedIn` (the update expression) mention: DynamoDB rejects unused ones.
  static func condition(of write: LockWrite, alsoUsedIn other: String = "") -> DynamoDBExpression {
    let text = write.condition + " " + other
    return expression(
      write.condition, names: write.names.filter { mentions(text, $0.key) },
      values: write.values.filter { mentions(text, $0.key) })
  }

  /// True when `placeholder` (`#name`, `:value`) occurs in `text` as a whole token.
  static func mentions(_ text: String, _ placeholder: String) -> Bool {
    var tokens: Set<String> = []
    var current: String?
    for c in text + " " {
      if c == "#" || c == ":" {
        if let current { tokens.insert(current) }
        current = String(c)
      } else if current != nil, c.isLetter || c.isNumber || c == "_" {
        current!.append(c)
      } else if let token = current {
        tokens.insert(token)
        current = nil
      }
    }
    return tokens.contains(placeholder)
  }

  /// A lock write as one element of `TransactWriteItems`.
  static func transactWrite(_ write: LockWrite) -> DynamoDBTransactWrite {
    switch write.operation {
    case .put(let item):
      return DynamoDBTransactWrite(
        .put(item: self.item(item)), condition: condition(of: write),
        returnOldItemOnConditionFailure: write.returnOldItemOnConditionFailure)
    case .update(let key, let update):
      // The update and the condition share one names/values map; DynamoDB
      // wants each placeholder once, so the update carries none of its own.
      return DynamoDBTransactWrite(
        .update(key: item(key), update: DynamoDBExpression(update)),
        condition: condition(of: write, alsoUsedIn: update),
        returnOldItemOnConditionFailure: write.returnOldItemOnConditionFailure)
    }
  }
}
