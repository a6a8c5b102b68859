/// A self-hosted runner as GitHub's REST API describes it
/// (`GET /orgs/{org}/actions/runners`, `GET .../runners/{id}`).
public struct Runner: Sendable, Hashable {
  /// Whether GitHub sees the runner's agent connected.
  public enum Status: Sendable, Hashable {
    case online, offline
    /// A value GitHub may add later; never treated as online or offline.
    case other(String)

    /// The status GitHub's `status` string names.
    public init(rawValue raw: String) {
      switch raw {
      case "online": self = .online
      case "offline": self = .offline
      default: self = .other(raw)
      }
    }

    /// The string GitHub uses.
    public var rawValue: String {
      switch self {
      case .online: "online"
      case .offline: "offline"
      case .other(let s): s
      }
    }
  }

  /// One label; GitHub sends objects `{"id":..,"name":..,"type":"read-only"|"custom"}`.
  public struct Label: Sendable, Hashable {
    public var id: Int?
    public var name: String
    public var type: String?

    public init(id: Int? = nil, name: String, type: String? = nil) {
      self.id = id
      self.name = name
      self.type = type
    }
  }

  public var id: Int
  public var name: String
  public var os: String
  public var status: Status
  public var busy: Bool
  public var labels: [Label]

  public init(
    id: Int, name: String, os: String = "linux", status: Status, busy: Bool, labels: [String]
  ) {
    self.id = id
    self.name = name
    self.os = os
    self.status = status
    self.busy = busy
    self.labels = labels.map { Label(name: $0) }
  }

  /// The label names.
  public var labelNames: [String] { labels.map(\.name) }

  /// The EC2 instance id from an `instance_id:i-...` label, the convention of
  /// infrahouse's runner modules.
  public var instanceID: String? {
    for label in labels where label.name.hasPrefix("instance_id:") {
      let id = label.name.dropFirst("instance_id:".count)
      if id.hasPrefix("i-") { return String(id) }
    }
    return nil
  }
}

/// One page of `GET .../actions/runners`: `{"total_count": N, "runners": [...]}`.
public struct RunnerPage: Sendable, Hashable {
  public var totalCount: Int
  public var runners: [Runner]

  /// Why a page body was refused.
  public enum Malformed: Error, Hashable, CustomStringConvertible {
    case notJSON(String)
    case missingRunners
    case badRunner(String)

    public var description: String {
      switch self {
      case .notJSON(let why): "the runners page is not valid JSON: \(why)"
      case .missingRunners: "the runners page has no \"runners\" array"
      case .badRunner(let why): "a runner in the page is malformed: \(why)"
      }
    }
  }

  public init(totalCount: Int, runners: [Runner]) {
    self.totalCount = totalCount
    self.runners = runners
  }

  /// Decodes a page, turning every failure into a ``Malformed`` that says what was wrong.
  public static func decode(_ bytes: some Collection<UInt8>) throws(Malformed) -> RunnerPage {
    var reader = RunnerJSONReader(Array(bytes))
    return try reader.page()
  }
}

extension Runner {
  /// Decodes one runner (`GET .../runners/{id}`).
  public static func decode(_ bytes: some Collection<UInt8>) throws -> Runner {
    var reader = RunnerJSONReader(Array(bytes))
    return try reader.singleRunner()
  }
}
