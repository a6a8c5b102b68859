import Foundation
import Testing

@testable import InfraHouseCore

@Suite struct OrchestratorAPIAnswerTests {
  func answer(_ status: Int, _ body: String) -> OrchestratorAPIAnswer {
    OrchestratorAPIAnswer.classify(status: status, body: Data(body.utf8))
  }

  @Test func successValues() {
    #expect(answer(200, #""10.0.0.5:10008""#).stringValue == "10.0.0.5:10008")
    #expect(answer(200, #""""#).stringValue == "")
    #expect(
      answer(200, #"["10.0.0.5:10008","10.0.0.6:10008"]"#).stringArrayValue == [
        "10.0.0.5:10008", "10.0.0.6:10008",
      ])
    #expect(
      answer(200, #"{"Code":"OK","Message":"Asynchronously yielded","Details":null}"#)
        == .success(body: #"{"Code":"OK","Message":"Asynchronously yielded","Details":null}"#))
  }

  @Test func errorsAtFiveHundredAndAtTwoHundredKeepTheMessage() {
    let current = answer(500, #"{"Code":"ERROR","Message":"unhealthy","Details":null}"#)
    let old = answer(200, #"{"Code":"ERROR","Message":"unhealthy","Details":null}"#)
    #expect(current == .failure(status: 500, message: "unhealthy"))
    #expect(old == .failure(status: 200, message: "unhealthy"))
    #expect(old.stringValue == nil)
    #expect(answer(502, "Bad Gateway") == .failure(status: 502, message: "Bad Gateway"))
  }

  @Test func membershipOutcomes() {
    #expect(answer(200, #""10.0.0.7:10008""#).membershipOutcome == .done)
    #expect(
      answer(500, #"{"Code":"ERROR","Message":"Cannot add raft peer: peer already known"}"#)
        .membershipOutcome == .alreadyInPlace)
    #expect(
      answer(200, #"{"Code":"ERROR","Message":"Cannot remove raft peer: peer is unknown"}"#)
        .membershipOutcome == .alreadyInPlace)
    #expect(
      answer(500, #"{"Code":"ERROR","Message":"Cannot add raft peer: node is not the leader"}"#)
        .membershipOutcome == .notLeader)
    #expect(
      answer(500, #"{"Code":"ERROR","Message":"Unauthorized"}"#).membershipOutcome
        == .failed("Unauthorized"))
  }
}
