/// What earlier housekeeping runs saw of each runner, kept in the state file so
/// that grace periods survive daemon restarts. Times are wall-clock epoch
/// seconds (a monotonic clock does not survive a restart).
public struct RunnerHistory: Sendable, Hashable {
  /// One runner's record.
  public struct Record: Sendable, Hashable {
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
  }

  /// Records by runner id.
  public var runners: [Int: Record]

  public init(runners: [Int: Record] = [:]) { self.runners = runners }

  /// Why a state file was refused.
  public struct Malformed: Error, Hashable, CustomStringConvertible {
    public var reason: String
    public var description: String { "runner history: \(reason)" }
  }

  /// The state file's JSON: `{"runners": {"ID": {...}}, "version": 1}`, keys
  /// sorted so that it diffs well; absent times are left out.
  public func jsonData() -> [UInt8] {
    var byID: [String: JSONValue] = [:]
    for (id, record) in runners {
      var fields: [String: JSONValue] = [
        "idle_observations": .number(String(record.consecutiveIdleObservations)),
        "last_seen": .number(String(record.lastSeen)),
      ]
      if let t = record.offlineSince { fields["offline_since"] = .number(String(t)) }
      if let t = record.idleSince { fields["idle_since"] = .number(String(t)) }
      byID[String(id)] = .object(fields)
    }
    return JSONValue.object(["version": 1, "runners": .object(byID)]).serialized()
  }

  /// Reads the state file's JSON.
  public static func decode(_ bytes: some Collection<UInt8>) throws(Malformed) -> RunnerHistory {
    let json: JSONValue
    do {
      json = try JSONValue.parse(Array(bytes))
    } catch {
      throw Malformed(reason: error.description)
    }
    guard case .object = json else { throw Malformed(reason: "not a JSON object") }
    let version = json["version"].map { $0.intValue } ?? 1
    guard version == 1 else {
      throw Malformed(reason: "unknown history version \(version.map(String.init) ?? "?")")
    }
    guard case .object(let byString)? = json["runners"] else {
      throw Malformed(reason: "no \"runners\" object")
    }
    var runners: [Int: Record] = [:]
    for (key, value) in byString {
      guard let id = Int(key) else { throw Malformed(reason: "runner id \(key) is not a number") }
      runners[id] = try Record(json: value, id: key)
    }
    return RunnerHistory(runners: runners)
  }
}

extension RunnerHistory.Record {
  /// Reads one record; `id` names it in the error.
  init(json: JSONValue, id: String) throws(RunnerHistory.Malformed) {
    guard case .object(let o) = json else {
      throw RunnerHistory.Malformed(reason: "runner \(id) is not an object")
    }
    func time(_ key: String) throws(RunnerHistory.Malformed) -> Int64? {
      guard let v = o[key], v != .null else { return nil }
      guard let n = v.intValue else {
        throw RunnerHistory.Malformed(reason: "\(key) of runner \(id) is not a number")
      }
      return Int64(n)
    }
    guard let lastSeen = try time("last_seen") else {
      throw RunnerHistory.Malformed(reason: "runner \(id) has no last_seen")
    }
    guard let observations = o["idle_observations"]?.intValue else {
      throw RunnerHistory.Malformed(reason: "runner \(id) has no idle_observations")
    }
    self.init(
      offlineSince: try time("offline_since"), idleSince: try time("idle_since"),
      consecutiveIdleObservations: observations, lastSeen: lastSeen)
  }
}
