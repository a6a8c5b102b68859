import FoundationEssentials

/// What earlier housekeeping runs saw of each runner, kept in the state file so
/// that grace periods survive daemon restarts. Times are wall-clock epoch
/// seconds (a monotonic clock does not survive a restart).
public struct RunnerHistory: Sendable, Hashable, Codable {
  /// One runner's record.
  public struct Record: Sendable, Hashable, Codable {
    /// When the runner was first seen offline in the current offline stretch.
    public var offlineSince: Int64?
    /// When the current idle stretch (online, not busy) was first seen.
    public var idleSince: Int64?
    /// Runs in a row that saw the runner online and not busy.
    public var consecutiveIdleObservations: Int
    /// The last run that saw the runner.
    public var lastSeen: Int64

    public init(
      offlineSince: Int64? = nil, idleSince: Int64? = nil, consecutiveIdleObservations: Int = 0,
      lastSeen: Int64
    ) {
      self.offlineSince = offlineSince
      self.idleSince = idleSince
      self.consecutiveIdleObservations = consecutiveIdleObservations
      self.lastSeen = lastSeen
    }

    enum CodingKeys: String, CodingKey {
      case offlineSince = "offline_since"
      case idleSince = "idle_since"
      case consecutiveIdleObservations = "idle_observations"
      case lastSeen = "last_seen"
    }
  }

  /// Records by runner id.
  public var runners: [Int: Record]

  public init(runners: [Int: Record] = [:]) { self.runners = runners }

  /// The state file's JSON (sorted keys, so it diffs well).
  public func jsonData() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return try encoder.encode(self)
  }

  /// Reads the state file's JSON.
  public static func decode(_ data: Data) throws -> RunnerHistory {
    try JSONDecoder().decode(RunnerHistory.self, from: data)
  }

  enum CodingKeys: String, CodingKey { case version, runners }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    let version = try c.decodeIfPresent(Int.self, forKey: .version) ?? 1
    guard version == 1 else {
      throw DecodingError.dataCorruptedError(
        forKey: .version, in: c, debugDescription: "unknown history version \(version)")
    }
    let byString = try c.decode([String: Record].self, forKey: .runners)
    var runners: [Int: Record] = [:]
    for (k, v) in byString {
      guard let id = Int(k) else {
        throw DecodingError.dataCorruptedError(
          forKey: .runners, in: c, debugDescription: "runner id \(k) is not a number")
      }
      runners[id] = v
    }
    self.runners = runners
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(1, forKey: .version)
    try c.encode(
      Dictionary(uniqueKeysWithValues: runners.map { (String($0.key), $0.value) }), forKey: .runners
    )
  }
}
