/// The attribute names of the lock items, and the key of the fence counter.
///
/// The lock item is interoperable with Python infrahouse-core's
/// `DynamoDBTable.lock`: the partition key (default `ResourceId`) holds the lock
/// name and `expires_at` (a number, epoch seconds) is kept current on every write.
/// The other attributes are ours. The fence counter is a second item in the same
/// table whose partition key is the lock name plus ``fenceCounterSuffix``; an
/// infrahouse-core client never touches it, so the fence survives a Python client
/// deleting the lock item.
public struct LockTableSchema: Sendable, Hashable {
  /// The partition key attribute, a string (default `ResourceId`).
  public var partitionKey: String
  /// Epoch seconds after which infrahouse-core clients consider the lock free.
  public var expiresAt = "expires_at"
  /// The holder's identity (host, pid, a random part).
  public var owner = "owner"
  /// Rotated on every write; standbys time how long it stays unchanged.
  public var leaseID = "lease_id"
  /// The lease length in milliseconds, so standbys can wait the holder's lease.
  public var leaseMilliseconds = "lease_ms"
  /// The fencing token of the current holder.
  public var fence = "fence"
  /// Present (number 1) once the holder released the lock.
  public var released = "released"
  /// Appended to the lock name to form the fence counter item's key.
  public var fenceCounterSuffix = "#fence"

  public init(partitionKey: String = "ResourceId") { self.partitionKey = partitionKey }

  /// The key of the lock item.
  public func lockKey(_ name: String) -> LockItemAttributes { [partitionKey: .string(name)] }
  /// The key of the fence counter item.
  public func fenceCounterKey(_ name: String) -> LockItemAttributes {
    [partitionKey: .string(name + fenceCounterSuffix)]
  }
}

/// A decoded lock item: ours (with owner and lease id) or infrahouse-core's
/// (only the key and `expires_at`).
public struct LockItem: Sendable, Hashable {
  public var name: String
  public var expiresAt: Int64?
  public var owner: String?
  public var leaseID: String?
  public var leaseMilliseconds: Int64?
  public var fence: UInt64?
  public var released: Bool

  public init(
    name: String, expiresAt: Int64? = nil, owner: String? = nil, leaseID: String? = nil,
    leaseMilliseconds: Int64? = nil, fence: UInt64? = nil, released: Bool = false
  ) {
    self.name = name
    self.expiresAt = expiresAt
    self.owner = owner
    self.leaseID = leaseID
    self.leaseMilliseconds = leaseMilliseconds
    self.fence = fence
    self.released = released
  }

  /// True when the item was written by infrahouse-core (it has no lease id).
  public var isInfraHouseCoreFormat: Bool { leaseID == nil }

  /// Why an item could not be decoded.
  public enum DecodeError: Error, Hashable {
    case missingPartitionKey(String)
    case wrongType(attribute: String)
  }

  /// Decodes an item. Unknown attributes are ignored; an attribute of the wrong
  /// type is an error, except `expires_at`, whose text may be any number.
  public init(attributes: LockItemAttributes, schema: LockTableSchema) throws(DecodeError) {
    guard let key = attributes[schema.partitionKey] else {
      throw .missingPartitionKey(schema.partitionKey)
    }
    guard let name = key.stringValue else { throw .wrongType(attribute: schema.partitionKey) }
    func string(_ a: String) throws(DecodeError) -> String? {
      guard let v = attributes[a] else { return nil }
      guard let s = v.stringValue else { throw .wrongType(attribute: a) }
      return s
    }
    func int(_ a: String) throws(DecodeError) -> Int64? {
      guard let v = attributes[a] else { return nil }
      guard let n = v.int64Value else { throw .wrongType(attribute: a) }
      return n
    }
    self.name = name
    self.expiresAt = try int(schema.expiresAt)
    self.owner = try string(schema.owner)
    self.leaseID = try string(schema.leaseID)
    self.leaseMilliseconds = try int(schema.leaseMilliseconds)
    if let f = attributes[schema.fence] {
      guard let v = f.uint64Value else { throw .wrongType(attribute: schema.fence) }
      self.fence = v
    } else {
      self.fence = nil
    }
    self.released = (try int(schema.released) ?? 0) != 0
  }

  /// Encodes the item with the schema's attribute names; absent fields are left out.
  public func attributes(schema: LockTableSchema) -> LockItemAttributes {
    var a: LockItemAttributes = [schema.partitionKey: .string(name)]
    if let expiresAt { a[schema.expiresAt] = .integer(expiresAt) }
    if let owner { a[schema.owner] = .string(owner) }
    if let leaseID { a[schema.leaseID] = .string(leaseID) }
    if let leaseMilliseconds { a[schema.leaseMilliseconds] = .integer(leaseMilliseconds) }
    if let fence { a[schema.fence] = .integer(fence) }
    if released { a[schema.released] = .integer(1) }
    return a
  }
}

/// Decodes the fence counter item: its `fence` attribute, or nil when absent.
public func decodeFenceCounter(_ attributes: LockItemAttributes?, schema: LockTableSchema)
  -> UInt64?
{
  attributes?[schema.fence]?.uint64Value
}
