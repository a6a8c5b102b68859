/// The calls infrahoused makes to etcd v3's JSON gateway (grpc-gateway, etcd 3.4
/// paths under `/v3/`): every one a `POST` with a JSON body.
///
/// The gateway encodes uint64 fields (ids, revisions) as JSON strings; these
/// types keep them as strings so nothing is lost. Errors come back as
/// `{"error": "...", "message": "...", "code": N}` with an HTTP status mapped from
/// the gRPC code (14 unavailable -> 503, 5 not found -> 404...).
public struct EtcdGatewayClient: Sendable {
  /// One cluster member as `member/list` shows it.
  public struct Member: Sendable, Equatable {
    /// The member id, a uint64 in decimal.
    public var id: String
    /// Empty until a member added with `member/add` has started.
    public var name: String
    public var peerURLs: [String]
    public var clientURLs: [String]
    public var isLearner: Bool

    /// Reads `{"ID": "...", "name": ..., "peerURLs": [...], ...}`; nil without an `ID`.
    public init?(json: JSONValue) {
      guard let id = json["ID"]?.stringValue else { return nil }
      self.id = id
      name = json["name"]?.stringValue ?? ""
      peerURLs = json["peerURLs"]?.stringArrayValue ?? []
      clientURLs = json["clientURLs"]?.stringArrayValue ?? []
      isLearner = json["isLearner"]?.boolValue ?? false
    }
  }

  /// The response header every call carries.
  public struct Header: Sendable, Equatable {
    /// The id of the member that answered.
    public var memberID: String
    public var clusterID: String?

    /// Reads `{"member_id": "...", "cluster_id": "..."}`; nil without a member id.
    public init?(json: JSONValue?) {
      guard let memberID = json?["member_id"]?.stringValue else { return nil }
      self.memberID = memberID
      clusterID = json?["cluster_id"]?.stringValue
    }
  }

  /// `maintenance/status` of the member that answered.
  public struct Status: Sendable, Equatable {
    public var header: Header
    public var version: String
    /// The leader's member id; `"0"` (or absent) when the member knows no leader.
    public var leader: String
    /// Alarms and other errors the member reports (e.g. `NOSPACE`).
    public var errors: [String]

    /// Reads the gateway's answer; nil without a header.
    public init?(json: JSONValue) {
      guard let header = Header(json: json["header"]) else { return nil }
      self.header = header
      version = json["version"]?.stringValue ?? ""
      leader = json["leader"]?.stringValue ?? "0"
      errors = json["errors"]?.stringArrayValue ?? []
    }
  }

  /// `member/list`, `member/add` and `member/remove` answers.
  public struct MemberList: Sendable, Equatable {
    public var header: Header
    public var members: [Member]
    /// Set by `member/add`: the member just added.
    public var member: Member?

    /// Reads the gateway's answer; nil without a header or with a malformed member.
    public init?(json: JSONValue) {
      guard let header = Header(json: json["header"]) else { return nil }
      self.header = header
      var members: [Member] = []
      for m in json["members"]?.arrayValue ?? [] {
        guard let member = Member(json: m) else { return nil }
        members.append(member)
      }
      self.members = members
      if let m = json["member"] {
        guard let member = Member(json: m) else { return nil }
        self.member = member
      } else {
        member = nil
      }
    }
  }

  private let http: HTTPClient
  /// The client port every member listens on (2379 by default).
  public let clientPort: Int
  /// `http` or `https`.
  public let scheme: String
  /// The limit for each call.
  public let callTimeout: Duration
  /// Counts every request sent.
  public let calls: RaftCallCounter

  public init(
    http: HTTPClient, clientPort: Int = 2379, scheme: String = "http",
    callTimeout: Duration = .seconds(5), calls: RaftCallCounter = RaftCallCounter()
  ) {
    self.http = http
    self.calls = calls
    self.clientPort = clientPort
    self.scheme = scheme
    self.callTimeout = callTimeout
  }

  /// `POST /v3/maintenance/status` on the member at `host`.
  public func status(host: String) async throws -> Status {
    try await call(host: host, path: "/v3/maintenance/status", body: "{}", Status.init(json:))
  }

  /// `POST /v3/cluster/member/list` on the member at `host`.
  public func memberList(host: String) async throws -> MemberList {
    try await call(host: host, path: "/v3/cluster/member/list", body: "{}", MemberList.init(json:))
  }

  /// `POST /v3/cluster/member/add` with one peer URL.
  public func memberAdd(host: String, peerURL: String) async throws -> MemberList {
    let body = #"{"peerURLs":["\#(Self.jsonEscaped(peerURL))"]}"#
    return try await call(
      host: host, path: "/v3/cluster/member/add", body: body, MemberList.init(json:))
  }

  /// `POST /v3/cluster/member/remove` with a member id (decimal uint64).
  public func memberRemove(host: String, id: String) async throws -> MemberList {
    guard !id.isEmpty, id.allSatisfy(\.isNumber) else {
      throw RaftBackendError.malformedResponse(
        peer: host, detail: "member id \(id) is not a uint64")
    }
    return try await call(
      host: host, path: "/v3/cluster/member/remove", body: #"{"ID":"\#(id)"}"#,
      MemberList.init(json:))
  }

  /// Posts `body` to `path` on `host` and reads the JSON answer with `read`.
  private func call<T>(
    host: String, path: String, body: String, _ read: (JSONValue) -> T?
  ) async throws -> T {
    let peer = RaftAddress.join(host: host, port: clientPort)
    let request = HTTPRequest(
      method: "POST", url: "\(scheme)://\(peer)\(path)",
      headers: ["Content-Type": "application/json"], body: Array(body.utf8), timeout: callTimeout)
    let response: HTTPResponse
    calls.increment()
    do {
      response = try await http.execute(request)
    } catch let error as HTTPClientError {
      throw RaftBackendError.unreachable(peer: peer, reason: error.description)
    }
    let answer = try? JSONValue.parse(response.body)
    guard (200..<300).contains(response.status) else {
      // `{"error": "...", "message": "...", "code": N}`
      let message =
        answer?["error"]?.stringValue ?? answer?["message"]?.stringValue
        ?? Self.excerpt(response.bodyText)
      throw RaftBackendError.rejected(peer: peer, status: response.status, message: message)
    }
    guard let answer, let value = read(answer) else {
      throw RaftBackendError.malformedResponse(
        peer: peer, detail: "\(path): \(Self.excerpt(response.bodyText))")
    }
    return value
  }

  static func excerpt(_ text: String) -> String {
    text.count > 200 ? String(text.prefix(200)) + "..." : text
  }

  static func jsonEscaped(_ s: String) -> String {
    var out = ""
    for ch in s.unicodeScalars {
      switch ch {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case _ where ch.value < 0x20: out += "\\u" + String(ch.value, radix: 16).leftPadded(to: 4)
      default: out.unicodeScalars.append(ch)
      }
    }
    return out
  }
}

extension String {
  fileprivate func leftPadded(to width: Int) -> String {
    count >= width ? self : String(repeating: "0", count: width - count) + self
  }
}
