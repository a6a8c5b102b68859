import Foundation
import Testing

@testable import InfraHouseCore

@Suite struct RunnerDecodingTests {
  // The example response of "List self-hosted runners for an organization".
  static let documentedPage = """
    {
      "total_count": 2,
      "runners": [
        {
          "id": 23, "name": "MBP", "os": "macos", "status": "online", "busy": true, "ephemeral": false,
          "labels": [
            {"id": 5, "name": "self-hosted", "type": "read-only"},
            {"id": 7, "name": "X64", "type": "read-only"},
            {"id": 20, "name": "macOS", "type": "read-only"},
            {"id": 21, "name": "no-gpu", "type": "custom"}
          ]
        },
        {
          "id": 24, "name": "iMac", "os": "macos", "status": "offline", "busy": false, "ephemeral": false,
          "runner_group_id": 1,
          "labels": [
            {"id": 5, "name": "self-hosted", "type": "read-only"},
            {"id": 22, "name": "instance_id:i-0123456789abcdef0", "type": "custom"}
          ]
        }
      ]
    }
    """

  @Test func decodesTheDocumentedPage() throws {
    let page = try RunnerPage.decode(Data(Self.documentedPage.utf8))
    #expect(page.totalCount == 2)
    #expect(page.runners.count == 2)
    let mbp = page.runners[0]
    #expect(mbp.id == 23)
    #expect(mbp.status == .online)
    #expect(mbp.busy)
    #expect(mbp.labelNames == ["self-hosted", "X64", "macOS", "no-gpu"])
    #expect(mbp.instanceID == nil)
    #expect(page.runners[1].status == .offline)
    #expect(page.runners[1].instanceID == "i-0123456789abcdef0")
  }

  @Test func decodesOneRunnerAndUnknownStatus() throws {
    let r = try Runner.decode(
      Data(#"{"id":1,"name":"a","os":"linux","status":"draining","busy":false,"labels":[]}"#.utf8))
    #expect(r.status == .other("draining"))
    #expect(r.status.rawValue == "draining")
  }

  @Test(arguments: [
    ("not json at all", RunnerPage.Malformed.notJSON("")),
    (#"["runners"]"#, .notJSON("")),
    (#"{"total_count": 3}"#, .missingRunners),
    (#"{"total_count": 3, "runners": null}"#, .missingRunners),
    (#"{"total_count": 3, "runners": {"id": 1}}"#, .missingRunners),
    (#"{"total_count": 1, "runners": [{"id": 1, "name": "x"}]}"#, .badRunner("")),
    (
      #"{"total_count": 1, "runners": [{"id": "1", "name": "x", "os": "l", "status": "online", "busy": false, "labels": []}]}"#,
      .badRunner("")
    ),
  ])
  func malformedPagesAreClearErrors(body: String, expected: RunnerPage.Malformed) {
    do {
      _ = try RunnerPage.decode(Data(body.utf8))
      Issue.record("decoded \(body)")
    } catch {
      switch (error, expected) {
      case (.notJSON, .notJSON), (.missingRunners, .missingRunners), (.badRunner, .badRunner): break
      default: Issue.record("\(body): got \(error), expected \(expected)")
      }
      #expect(!error.description.isEmpty)
    }
  }

  @Test func badRunnerSaysWhere() {
    do {
      _ = try RunnerPage.decode(
        Data(
          #"{"runners": [{"id": 1, "name": "x", "os": "l", "status": "online", "labels": []}]}"#
            .utf8))
    } catch {
      #expect(error.description.contains("busy"))
      #expect(error.description.contains("[0]"))
    }
  }

  @Test func instanceIDNeedsTheIPrefix() {
    #expect(
      Runner(id: 1, name: "a", status: .online, busy: false, labels: ["instance_id:abc"]).instanceID
        == nil)
    #expect(
      Runner(id: 1, name: "a", status: .online, busy: false, labels: ["x", "instance_id:i-9"])
        .instanceID == "i-9")
  }
}

@Suite struct LinkHeaderTests {
  @Test func parsesGitHubsLinkHeader() {
    let header =
      #"<https://api.github.com/organizations/9/actions/runners?per_page=100&page=3>; rel="next", "#
      + #"<https://api.github.com/organizations/9/actions/runners?per_page=100&page=1000>; rel="last", "#
      + #"<https://api.github.com/organizations/9/actions/runners?per_page=100&page=1>; rel="first", "#
      + #"<https://api.github.com/organizations/9/actions/runners?per_page=100&page=1>; rel="prev""#
    let links = parseLinkHeader(header)
    #expect(
      links["next"] == "https://api.github.com/organizations/9/actions/runners?per_page=100&page=3")
    #expect(links["last"]?.hasSuffix("page=1000") == true)
    #expect(links["prev"]?.hasSuffix("page=1") == true)
    #expect(links["first"]?.hasSuffix("page=1") == true)
    #expect(links.count == 4)
  }

  @Test func lastPageHasNoNext() {
    let links = parseLinkHeader(
      #"<https://h/x?page=1>; rel="first", <https://h/x?page=4>; rel="prev""#)
    #expect(links["next"] == nil)
    #expect(links["prev"] == "https://h/x?page=4")
  }

  @Test func toleratesVariations() {
    #expect(parseLinkHeader(#"<u1>;rel=next"#) == ["next": "u1"])
    #expect(parseLinkHeader(#"<u1> ; REL="next last""#) == ["next": "u1", "last": "u1"])
    #expect(parseLinkHeader(#"<u1>; title="a, <b>"; rel="next""#) == ["next": "u1"])
    #expect(parseLinkHeader("") == [:])
    #expect(parseLinkHeader("garbage; rel=next") == [:])
    #expect(parseLinkHeader("<unterminated; rel=next") == [:])
  }
}

@Suite struct RateLimitTests {
  let now: Int64 = 1_700_000_000

  @Test func readsTheHeadersCaseInsensitively() {
    let h = GitHubRateLimitHeaders(headers: [
      ("X-RateLimit-Limit", "5000"), ("x-ratelimit-remaining", " 0"), ("X-RateLimit-Used", "5000"),
      ("x-ratelimit-reset", "1700000100"), ("x-ratelimit-resource", "core"),
      ("Retry-After", "bogus"),
    ])
    #expect(
      h
        == GitHubRateLimitHeaders(
          limit: 5000, remaining: 0, used: 5000, reset: 1_700_000_100, resource: "core"))
  }

  @Test func primaryLimitWaitsForTheResetWhenItFits() {
    let h = GitHubRateLimitHeaders(remaining: 0, reset: now + 30)
    #expect(
      GitHubRateLimitPolicy.decide(
        status: 403, headers: h, message: "API rate limit exceeded", nowEpochSeconds: now,
        budgetLeft: .seconds(60))
        == .wait(.seconds(31), .primary))
    #expect(
      GitHubRateLimitPolicy.decide(
        status: 429, headers: h, message: nil, nowEpochSeconds: now, budgetLeft: .seconds(10))
        == .giveUp(wouldWait: .seconds(31), .primary))
  }

  @Test func successfulResponseWithNothingLeftWaitsBeforeTheNextRequest() {
    let h = GitHubRateLimitHeaders(remaining: 0, reset: now + 5)
    #expect(
      GitHubRateLimitPolicy.decide(
        status: 200, headers: h, message: nil, nowEpochSeconds: now, budgetLeft: .seconds(60))
        == .wait(.seconds(6), .primary))
    let plenty = GitHubRateLimitHeaders(remaining: 1, reset: now + 5)
    #expect(
      GitHubRateLimitPolicy.decide(
        status: 200, headers: plenty, message: nil, nowEpochSeconds: now, budgetLeft: .seconds(60))
        == .proceed)
  }

  @Test func retryAfterWinsForSecondaryLimits() {
    let h = GitHubRateLimitHeaders(remaining: 4000, reset: now + 3000, retryAfter: 7)
    #expect(
      GitHubRateLimitPolicy.decide(
        status: 403, headers: h, message: "You have exceeded a secondary rate limit",
        nowEpochSeconds: now, budgetLeft: .seconds(60))
        == .wait(.seconds(7), .secondaryRetryAfter))
    #expect(
      GitHubRateLimitPolicy.decide(
        status: 429, headers: h, message: nil, nowEpochSeconds: now, budgetLeft: .seconds(3))
        == .giveUp(wouldWait: .seconds(7), .secondaryRetryAfter))
  }

  @Test func secondaryWithoutRetryAfterBacksOffFromAMinute() {
    let h = GitHubRateLimitHeaders(remaining: 4000)
    let message =
      "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
    let waits = (0..<6).map {
      GitHubRateLimitPolicy.decide(
        status: 403, headers: h, message: message, nowEpochSeconds: now,
        budgetLeft: .seconds(10_000), consecutiveSecondaryLimits: $0)
    }
    #expect(
      waits == [
        .wait(.seconds(60), .secondaryBackoff), .wait(.seconds(120), .secondaryBackoff),
        .wait(.seconds(240), .secondaryBackoff),
        .wait(.seconds(480), .secondaryBackoff), .wait(.seconds(900), .secondaryBackoff),
        .wait(.seconds(900), .secondaryBackoff),
      ])
    #expect(
      GitHubRateLimitPolicy.isSecondaryLimitMessage(
        "You have triggered an abuse detection mechanism."))
  }

  @Test func aForbiddenThatIsNotARateLimitProceeds() {
    let h = GitHubRateLimitHeaders(limit: 5000, remaining: 4999, reset: now + 100)
    #expect(
      GitHubRateLimitPolicy.decide(
        status: 403, headers: h, message: "Resource not accessible by integration",
        nowEpochSeconds: now, budgetLeft: .seconds(60))
        == .proceed)
    #expect(
      GitHubRateLimitPolicy.decide(
        status: 500, headers: GitHubRateLimitHeaders(retryAfter: 5), message: nil,
        nowEpochSeconds: now, budgetLeft: .seconds(60)) == .proceed)
  }

  @Test func resetInThePastWaitsOnlyTheMargin() {
    let h = GitHubRateLimitHeaders(remaining: 0, reset: now - 100)
    #expect(
      GitHubRateLimitPolicy.decide(
        status: 403, headers: h, message: nil, nowEpochSeconds: now, budgetLeft: .seconds(60))
        == .wait(.seconds(1), .primary))
  }
}
