/// Sorts a failed DynamoDB call into the four kinds the lease state machine
/// tells apart (docs/lock.md): a failed condition (with the item that made it
/// fail, when DynamoDB returned it), throttling, an unknown outcome (the write
/// may have landed) and a certain rejection.
public enum LockFailureClassifier {
  /// Classifies `error` thrown while performing a lock request.
  public static func classify(_ error: any Error, schema: LockTableSchema) -> LockRequestFailure {
    switch error {
    case let failed as DynamoDBConditionalCheckFailed:
      return .conditionFailed(current: decode(failed.item, schema: schema))
    case let canceled as DynamoDBTransactionCanceled:
      if canceled.conditionFailed {
        // The lock item's write comes first; its ALL_OLD item says who holds it.
        let lockReason = canceled.reasons.first { $0.code == "ConditionalCheckFailed" }
        let item = canceled.reasons.first?.item ?? lockReason?.item
        return .conditionFailed(current: decode(item, schema: schema))
      }
      let codes = Set(canceled.reasons.map(\.code))
      if codes.contains("TransactionConflict") || codes.contains("ThrottlingError")
        || codes.contains("ProvisionedThroughputExceeded")
      {
        return .throttled
      }
      return .rejected
    case let aws as AWSError:
      if aws.isConditionalCheckFailed { return .conditionFailed(current: nil) }
      if aws.isThrottling || aws.code == "TransactionConflictException" { return .throttled }
      if aws.httpStatus >= 500 || AWSError.transientCodes.contains(aws.code) {
        return .outcomeUnknown
      }
      return .rejected
    case let transport as AWSTransportError:
      return classify(transport: transport.underlying)
    case let http as HTTPClientError:
      return classify(transport: http)
    case is AWSClientError:
      // Credentials, region, configuration: nothing was sent.
      if case .invalidResponse = error as? AWSClientError { return .outcomeUnknown }
      return .rejected
    default:
      // Timeouts (ours) and anything unexpected: the write may have landed.
      return .outcomeUnknown
    }
  }

  /// A request that got no answer: refused before sending certainly did not
  /// apply; anything later (timeout, reset) may have.
  private static func classify(transport: HTTPClientError) -> LockRequestFailure {
    switch transport {
    case .connectFailed, .invalidRequest: .rejected
    default: .outcomeUnknown
    }
  }

  private static func decode(_ item: [String: AttributeValue]?, schema: LockTableSchema)
    -> LockItem?
  {
    guard let item else { return nil }
    return try? LockItem(attributes: LockAttributeConversion.attributes(item), schema: schema)
  }
}
