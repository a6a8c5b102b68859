import Dispatch
import Foundation
import Testing

@testable import InfraHouseCore

/// Runs blocking work (starting a stand-in, waiting for a process) on a
/// dispatch thread, off Swift concurrency's small cooperative pool.
func offCooperativePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
  try await withCheckedThrowingContinuation { continuation in
    DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
  }
}

/// The GitHub stand-in (`Tests/Standins/github_api.py`) on a free loopback port.
struct GitHubStandin: Sendable {
  let server: StandinServer
  var base: String { "http://127.0.0.1:\(server.port)" }

  static func start(runners: Int, token: String = "good-token", extra: [String] = []) async throws
    -> GitHubStandin
  {
    let server = try await offCooperativePool {
      try StandinServer(
        script: "github_api.py",
        arguments: ["0", "--runners", String(runners), "--token", token] + extra)
    }
    return GitHubStandin(server: server)
  }

  func actions(token: String = "good-token", org: String = "acme") -> GitHubActions {
    let transport = GitHubTransport(baseURL: base, http: HTTPClient())
    return GitHubActions(
      client: GitHubClient(transport: transport, credentials: StaticGitHubToken(token: token)),
      scope: .organization(org))
  }

  /// Calls a `/_control/...` endpoint.
  @discardableResult
  func control(_ method: String, _ path: String, _ body: String = "{}") async throws -> [String:
    Any]
  {
    let response = try await HTTPClient.shared.execute(
      HTTPRequest(
        method: method, url: base + path, headers: ["Content-Type": "application/json"],
        body: Array(body.utf8)))
    return (try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]) ?? [:]
  }

  /// The (method, path) of every API request the stand-in served since the last reset.
  func requests() async throws -> [(String, String, Int)] {
    let stats = try await control("GET", "/_control/stats")
    return (stats["requests"] as? [[Any]] ?? []).map {
      ($0[0] as! String, $0[1] as! String, $0[2] as! Int)
    }
  }
}

@Suite struct GitHubClientTests {
  @Test func listsEveryRunnerAcrossPagesLazily() async throws {
    let standin = try await GitHubStandin.start(runners: 250)
    defer { standin.server.stop() }
    var ids: [Int] = []
    for try await runner in standin.actions().runners() { ids.append(runner.id) }
    #expect(ids.count == 250)
    #expect(Set(ids).count == 250)
    let pages = try await standin.requests().filter { $0.1.hasPrefix("/orgs/acme/actions/runners") }
    #expect(pages.count == 3)  // per_page=100: 100 + 100 + 50, following Link rel="next"

    // find(label:) stops once found: the first page holds runner 1, so one request.
    try await standin.control("POST", "/_control/reset-stats")
    let found = try await standin.actions().find(
      label: "instance_id:i-\(String(repeating: "0", count: 16))1")
    #expect(found?.id == 1)
    #expect(try await standin.requests().count == 1)

    // Consuming only the first runner fetches only the first page.
    try await standin.control("POST", "/_control/reset-stats")
    var iterator = standin.actions().runners().makeAsyncIterator()
    _ = try await iterator.next()
    #expect(try await standin.requests().count == 1)
  }

  @Test func aBadTokenIsA401WithTheRequestIdAndNoToken() async throws {
    let standin = try await GitHubStandin.start(runners: 3)
    defer { standin.server.stop() }
    do {
      for try await _ in standin.actions(token: "wrong-secret-token").runners() {}
      Issue.record("a bad token listed runners")
    } catch let error as GitHubAPIError {
      #expect(error.status == 401)
      #expect(error.message == "Bad credentials")
      #expect(error.requestID?.isEmpty == false)
      #expect(error.call == "GET /orgs/acme/actions/runners")
      #expect(!error.description.contains("wrong-secret-token"))
    }
  }

  @Test func deregistrationOutcomes() async throws {
    let standin = try await GitHubStandin.start(runners: 5)
    defer { standin.server.stop() }
    let actions = standin.actions()
    #expect(try await actions.deregister(id: 2) == .deleted)
    #expect(try await actions.deregister(id: 2) == .alreadyGone)
    #expect(try await actions.runner(id: 2) == nil)
    try await standin.control("POST", "/_control/runners/orgs/acme/3", #"{"busy": true}"#)
    guard case .refused = try await actions.deregister(id: 3) else {
      Issue.record("a busy runner was not refused")
      return
    }
    #expect(try await actions.runner(id: 3)?.busy == true)
    // Deleting while iterating is safe: the listing goes on.
    var seen = 0
    for try await runner in actions.runners(perPage: 1) {
      seen += 1
      if runner.id == 1 { #expect(try await actions.deregister(id: 1) == .deleted) }
    }
    #expect(seen >= 3)
  }

  @Test func aSecondaryLimitWithRetryAfterIsWaitedOut() async throws {
    let standin = try await GitHubStandin.start(runners: 3)
    defer { standin.server.stop() }
    try await standin.control(
      "POST", "/_control/fault/secondary_limit", #"{"count": 1, "retry_after": 1}"#)
    var count = 0
    for try await _ in standin.actions().runners() { count += 1 }
    #expect(count == 3)
    let statuses = try await standin.requests().map(\.2)
    #expect(statuses == [403, 200])

    // With a deadline the wait does not fit into, the call ends with a clear error.
    try await standin.control(
      "POST", "/_control/fault/secondary_limit", #"{"count": 1, "retry_after": 120}"#)
    do {
      for try await _ in standin.actions().runners(deadline: .now + .seconds(5)) {}
      Issue.record("a two-minute retry-after was waited for within a 5 s budget")
    } catch let error as GitHubRateLimitExceeded {
      #expect(error.kind == .secondaryRetryAfter)
      #expect(error.description.contains("beyond this run's budget"))
    }
  }

  @Test func aSpentPrimaryBudgetEndsTheRunWhenTheResetIsTooFar() async throws {
    let standin = try await GitHubStandin.start(runners: 3)
    defer { standin.server.stop() }
    try await standin.control("POST", "/_control/rate", #"{"remaining": 0, "reset_in": 3600}"#)
    do {
      for try await _ in standin.actions().runners(deadline: .now + .seconds(30)) {}
      Issue.record("listed with a spent budget")
    } catch let error as GitHubRateLimitExceeded {
      #expect(error.kind == .primary)
    }
    // A reset that fits the budget is waited for.
    try await standin.control("POST", "/_control/rate", #"{"remaining": 0, "reset_in": 1}"#)
    var count = 0
    for try await _ in standin.actions().runners(deadline: .now + .seconds(30)) { count += 1 }
    #expect(count == 3)
  }

  @Test func aMalformedPageIsAClearError() async throws {
    let standin = try await GitHubStandin.start(runners: 250)
    defer { standin.server.stop() }
    for kind in ["bad_json", "missing_runners"] {
      try await standin.control(
        "POST", "/_control/fault/malformed_page", #"{"count": 1, "page": 2, "kind": "\#(kind)"}"#)
      var seen = 0
      do {
        for try await _ in standin.actions().runners() { seen += 1 }
        Issue.record("a malformed page was accepted")
      } catch let error as GitHubMalformedResponse {
        #expect(seen == 100)
        #expect(error.call == "GET /orgs/acme/actions/runners")
        #expect(error.requestID != nil)
      }
    }
  }

  @Test func gitHubAppInstallationTokensAreFetchedWithAVerifiedJWT() async throws {
    let dir = NSTemporaryDirectory() + "app-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    for args in [
      ["genrsa", "-traditional", "-out", dir + "/key.pem", "2048"],
      ["rsa", "-in", dir + "/key.pem", "-pubout", "-out", dir + "/pub.pem"],
    ] {
      _ = try await offCooperativePool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        p.arguments = args
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
      }
    }
    let standin = try await GitHubStandin.start(
      runners: 4, extra: ["--app-id", "4242", "--app-public-key", dir + "/pub.pem"])
    defer { standin.server.stop() }
    let transport = GitHubTransport(baseURL: standin.base, http: HTTPClient())
    let pem = try Data(contentsOf: URL(fileURLWithPath: dir + "/key.pem"))
    let tokens = try GitHubAppTokens(
      appID: "4242", privateKeyPEM: Array(pem), organization: "acme", installationID: nil,
      transport: transport)
    let actions = GitHubActions(
      client: GitHubClient(transport: transport, credentials: tokens), scope: .organization("acme"))
    var count = 0
    for try await _ in actions.runners() { count += 1 }
    #expect(count == 4)
    // The token is cached: a second listing asks for no new token.
    try await standin.control("POST", "/_control/reset-stats")
    for try await _ in actions.runners() {}
    #expect(try await standin.requests().allSatisfy { !$0.1.contains("access_tokens") })

    // A JWT signed by another key is refused by the stand-in.
    _ = try await offCooperativePool {
      let p = Process()
      p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
      p.arguments = ["genrsa", "-traditional", "-out", dir + "/other.pem", "2048"]
      p.standardError = FileHandle.nullDevice
      try p.run()
      p.waitUntilExit()
      return 0
    }
    let other = try GitHubAppTokens(
      appID: "4242",
      privateKeyPEM: Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/other.pem"))),
      organization: "acme", installationID: nil, transport: transport)
    await #expect(throws: GitHubAPIError.self) { _ = try await other.token() }
  }
}
