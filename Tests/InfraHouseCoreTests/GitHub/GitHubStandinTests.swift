import Foundation
import Testing

@testable import InfraHouseCore

/// Documented GitHub behaviours of `Tests/Standins/github_api.py`, checked over
/// real sockets with curl, and fed through the pure parsers and policies.
@Suite(.serialized) struct GitHubStandinTests {
  let auth = [
    "Authorization": "Bearer t0", "Accept": "application/vnd.github+json",
    "X-GitHub-Api-Version": "2022-11-28",
  ]

  @Test func paginatesWithLinkHeadersAndCapsPerPageAt100() throws {
    let server = try StandinServer(
      script: "github_api.py", arguments: ["0", "--runners", "250", "--token", "t0"])
    defer { server.stop() }
    var url: String? = "http://127.0.0.1:\(server.port)/orgs/acme/actions/runners?per_page=500"
    var ids: [Int] = []
    var pages = 0
    while let next = url {
      let r = try CurlResponse.run("GET", next, headers: auth)
      #expect(r.status == 200)
      #expect(r.header("x-github-request-id") != nil)
      #expect(r.header("x-ratelimit-remaining") == String(5000 - pages - 1))
      let page = try RunnerPage.decode(r.body)
      #expect(page.totalCount == 250)
      #expect(page.runners.count <= 100)
      ids += page.runners.map(\.id)
      let links = parseLinkHeader(r.header("link") ?? "")
      if pages == 0 {
        #expect(links["last"]?.hasSuffix("per_page=100&page=3") == true)
        #expect(links["prev"] == nil)
      }
      url = links["next"]
      pages += 1
    }
    #expect(pages == 3)
    #expect(ids == Array(1...250))
  }

  @Test func badTokenIs401WithGitHubsErrorBody() throws {
    let server = try StandinServer(
      script: "github_api.py", arguments: ["0", "--runners", "3", "--token", "t0"])
    defer { server.stop() }
    let r = try CurlResponse.run(
      "GET", "http://127.0.0.1:\(server.port)/orgs/acme/actions/runners",
      headers: ["Authorization": "Bearer nope"])
    #expect(r.status == 401)
    let body = r.json as? [String: Any]
    #expect(body?["message"] as? String == "Bad credentials")
    #expect(body?["documentation_url"] != nil)
    #expect(r.header("x-github-request-id")?.isEmpty == false)
  }

  @Test func deleteAnswers204Then404And422ForABusyRunner() throws {
    let server = try StandinServer(
      script: "github_api.py", arguments: ["0", "--runners", "5", "--token", "t0"])
    defer { server.stop() }
    let base = "http://127.0.0.1:\(server.port)"
    // Runner 2 becomes busy after it was listed: the pre-DELETE GET catches it.
    let listed = try RunnerPage.decode(
      try CurlResponse.run("GET", "\(base)/orgs/acme/actions/runners", headers: auth).body
    ).runners
    _ = try CurlResponse.run(
      "POST", "\(base)/_control/runners/orgs/acme/2", body: #"{"busy": true}"#)
    let fresh = try Runner.decode(
      try CurlResponse.run("GET", "\(base)/orgs/acme/actions/runners/2", headers: auth).body)
    #expect(DeregistrationPolicy().recheck(listed: listed[1], fresh: fresh) == .skip(.busy))
    let busy = try CurlResponse.run("DELETE", "\(base)/orgs/acme/actions/runners/2", headers: auth)
    #expect(busy.status == 422)
    #expect((busy.json as? [String: Any])?["message"] as? String != nil)

    #expect(
      try CurlResponse.run("DELETE", "\(base)/orgs/acme/actions/runners/3", headers: auth).status
        == 204)
    #expect(
      try CurlResponse.run("DELETE", "\(base)/orgs/acme/actions/runners/3", headers: auth).status
        == 404)
    let gone = try CurlResponse.run("GET", "\(base)/orgs/acme/actions/runners/3", headers: auth)
    #expect(gone.status == 404)
    #expect(DeregistrationPolicy().recheck(listed: listed[2], fresh: nil) == .alreadyGone)
    // The listing shifts, as GitHub's page-number pagination does.
    let after = try RunnerPage.decode(
      try CurlResponse.run(
        "GET", "\(base)/orgs/acme/actions/runners?per_page=2&page=2", headers: auth
      ).body)
    #expect(after.totalCount == 4)
    #expect(after.runners.map(\.id) == [4, 5])
    // Repositories have their own runners.
    #expect(
      try CurlResponse.run("DELETE", "\(base)/repos/acme/app/actions/runners/3", headers: auth)
        .status == 204)
  }

  @Test func secondaryLimitCarriesRetryAfterAndThePolicyHonoursIt() throws {
    let server = try StandinServer(
      script: "github_api.py", arguments: ["0", "--runners", "3", "--token", "t0"])
    defer { server.stop() }
    let base = "http://127.0.0.1:\(server.port)"
    _ = try CurlResponse.run(
      "POST", "\(base)/_control/fault/secondary_limit", body: #"{"retry_after": 7}"#)
    let limited = try CurlResponse.run("GET", "\(base)/orgs/acme/actions/runners", headers: auth)
    #expect(limited.status == 403)
    let message = (limited.json as? [String: Any])?["message"] as? String
    #expect(GitHubRateLimitPolicy.isSecondaryLimitMessage(message))
    let decision = GitHubRateLimitPolicy.decide(
      status: limited.status, headers: GitHubRateLimitHeaders(headers: limited.headers),
      message: message,
      nowEpochSeconds: Int64(Date().timeIntervalSince1970), budgetLeft: .seconds(60))
    #expect(decision == .wait(.seconds(7), .secondaryRetryAfter))
    #expect(
      try CurlResponse.run("GET", "\(base)/orgs/acme/actions/runners", headers: auth).status == 200,
      "one-shot fault")
  }

  @Test func spentPrimaryBudgetIs403WithRemainingZero() throws {
    let server = try StandinServer(
      script: "github_api.py",
      arguments: [
        "0", "--runners", "3", "--token", "t0", "--rate-limit", "2", "--reset-seconds", "30",
      ])
    defer { server.stop() }
    let url = "http://127.0.0.1:\(server.port)/orgs/acme/actions/runners"
    #expect(try CurlResponse.run("GET", url, headers: auth).status == 200)
    let last = try CurlResponse.run("GET", url, headers: auth)
    #expect(last.header("x-ratelimit-remaining") == "0")
    let refused = try CurlResponse.run("GET", url, headers: auth)
    #expect(refused.status == 403)
    let headers = GitHubRateLimitHeaders(headers: refused.headers)
    #expect(headers.remaining == 0 && headers.limit == 2 && headers.resource == "core")
    let now = Int64(Date().timeIntervalSince1970)
    let decision = GitHubRateLimitPolicy.decide(
      status: 403, headers: headers, message: nil, nowEpochSeconds: now, budgetLeft: .seconds(5))
    guard case .giveUp(_, .primary) = decision else {
      Issue.record("expected give-up, got \(decision)")
      return
    }
  }

  @Test func malformedPagesAreReportedNotCrashed() throws {
    let server = try StandinServer(
      script: "github_api.py", arguments: ["0", "--runners", "300", "--token", "t0"])
    defer { server.stop() }
    let base = "http://127.0.0.1:\(server.port)"
    _ = try CurlResponse.run(
      "POST", "\(base)/_control/fault/malformed_page",
      body: #"{"page": 2, "kind": "missing_runners"}"#)
    #expect(
      (try? RunnerPage.decode(
        try CurlResponse.run(
          "GET", "\(base)/orgs/acme/actions/runners?per_page=100&page=1", headers: auth
        ).body)) != nil)
    #expect(throws: RunnerPage.Malformed.missingRunners) {
      try RunnerPage.decode(
        try CurlResponse.run(
          "GET", "\(base)/orgs/acme/actions/runners?per_page=100&page=2", headers: auth
        ).body)
    }
    _ = try CurlResponse.run(
      "POST", "\(base)/_control/fault/malformed_page", body: #"{"page": 3, "kind": "bad_json"}"#)
    let truncated = try CurlResponse.run(
      "GET", "\(base)/orgs/acme/actions/runners?per_page=100&page=3", headers: auth
    ).body
    do {
      _ = try RunnerPage.decode(truncated)
      Issue.record("decoded a truncated page")
    } catch {
      guard case .notJSON = error else {
        Issue.record("expected notJSON, got \(error)")
        return
      }
    }
  }

  @Test func appAuthVerifiesTheJWTSignature() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "gh-app-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let key = dir.appendingPathComponent("app.pem").path
    let pub = dir.appendingPathComponent("app.pub").path
    let otherKey = dir.appendingPathComponent("other.pem").path
    try shell([
      "openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key,
    ])
    try shell([
      "openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out",
      otherKey,
    ])
    try shell(["openssl", "pkey", "-in", key, "-pubout", "-out", pub])
    let server = try StandinServer(
      script: "github_api.py",
      arguments: ["0", "--runners", "3", "--app-id", "777", "--app-public-key", pub])
    defer { server.stop() }
    let base = "http://127.0.0.1:\(server.port)"
    let now = Int(Date().timeIntervalSince1970)

    let good = try jwt(
      claims:
        #"{"iat":\#(now - 60),"exp":\#(now + 540),"iss":"777","jti":"\#(UUID().uuidString)"}"#,
      key: key, dir: dir)
    let installation = try CurlResponse.run(
      "GET", "\(base)/orgs/acme/installation", headers: ["Authorization": "Bearer \(good)"])
    #expect(installation.status == 200)
    let id = (installation.json as? [String: Any])?["id"] as? Int
    #expect(id == 4242)
    let created = try CurlResponse.run(
      "POST", "\(base)/app/installations/4242/access_tokens",
      headers: ["Authorization": "Bearer \(good)"])
    #expect(created.status == 201)
    let body = created.json as? [String: Any]
    let token = try #require(body?["token"] as? String)
    #expect((body?["expires_at"] as? String)?.hasSuffix("Z") == true)
    #expect(
      try CurlResponse.run(
        "GET", "\(base)/orgs/acme/actions/runners", headers: ["Authorization": "Bearer \(token)"]
      ).status == 200)

    let forged = try jwt(
      claims: #"{"iat":\#(now - 60),"exp":\#(now + 540),"iss":"777"}"#, key: otherKey, dir: dir)
    #expect(
      try CurlResponse.run(
        "POST", "\(base)/app/installations/4242/access_tokens",
        headers: ["Authorization": "Bearer \(forged)"]
      ).status == 401)
    let tooLong = try jwt(
      claims: #"{"iat":\#(now - 60),"exp":\#(now + 900),"iss":"777"}"#, key: key, dir: dir)
    #expect(
      try CurlResponse.run(
        "POST", "\(base)/app/installations/4242/access_tokens",
        headers: ["Authorization": "Bearer \(tooLong)"]
      ).status == 401)
    let wrongApp = try jwt(
      claims: #"{"iat":\#(now - 60),"exp":\#(now + 500),"iss":"778"}"#, key: key, dir: dir)
    #expect(
      try CurlResponse.run(
        "GET", "\(base)/orgs/acme/installation", headers: ["Authorization": "Bearer \(wrongApp)"]
      ).status == 401)
    #expect(
      try CurlResponse.run(
        "POST", "\(base)/app/installations/1/access_tokens",
        headers: ["Authorization": "Bearer \(good)"]
      ).status == 404)
  }

  @discardableResult
  private func shell(_ args: [String], input: Data? = nil) throws -> Data {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = args
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    let inPipe = Pipe()
    if input != nil { p.standardInput = inPipe }
    try p.run()
    if let input {
      inPipe.fileHandleForWriting.write(input)
      try inPipe.fileHandleForWriting.close()
    }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    #expect(p.terminationStatus == 0, "\(args[0]) failed")
    return data
  }

  private func base64url(_ d: Data) -> String {
    d.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(
      of: "/", with: "_"
    )
    .replacingOccurrences(of: "=", with: "")
  }

  /// An RS256 JWT signed by the openssl CLI (the library's own signer is tested elsewhere).
  private func jwt(claims: String, key: String, dir: URL) throws -> String {
    let input =
      base64url(Data(#"{"alg":"RS256","typ":"JWT"}"#.utf8)) + "." + base64url(Data(claims.utf8))
    let signature = try shell(
      ["openssl", "dgst", "-sha256", "-sign", key], input: Data(input.utf8))
    return input + "." + base64url(signature)
  }
}
