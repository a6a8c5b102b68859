import Foundation
import Testing

@testable import InfraHouseCore

/// Random and mutated inputs never crash the parsers: they answer or throw.
@Suite struct ParserRobustnessTests {
  @Test func randomBytesAndMutatedPagesNeverCrash() {
    var rng = LeaseRandomSource(seed: 77)
    let valid = Array(RunnerDecodingTests.documentedPage.utf8)
    let alphabet = Array(#"{}[]":,0123456789 abcdefghijklmnopqrstuvwxyz<>;=\"#.utf8)
    var decoded = 0
    var rejected = 0
    for i in 0..<3000 {
      var bytes: [UInt8]
      if i % 2 == 0 {
        bytes = (0..<Int(rng.next() % 200)).map { _ in
          alphabet[Int(rng.next() % UInt64(alphabet.count))]
        }
      } else {
        bytes = valid
        for _ in 0..<(1 + Int(rng.next() % 4)) {
          let at = Int(rng.next() % UInt64(bytes.count))
          switch rng.next() % 3 {
          case 0: bytes[at] = alphabet[Int(rng.next() % UInt64(alphabet.count))]
          case 1: bytes.remove(at: at)
          default: bytes.removeSubrange(at..<bytes.count)
          }
          if bytes.isEmpty { break }
        }
      }
      let data = Data(bytes)
      do {
        _ = try RunnerPage.decode(data)
        decoded += 1
      } catch {
        rejected += 1
        #expect(!error.description.isEmpty)
      }
      let text = String(decoding: bytes, as: UTF8.self)
      _ = parseLinkHeader(text)
      _ =
        OrchestratorAPIAnswer.classify(status: Int(rng.next() % 600), body: data).membershipOutcome
      _ = GitHubRateLimitHeaders(headers: [("x-ratelimit-reset", text), ("retry-after", text)])
      _ = try? RunnerHistory.decode(data)
    }
    #expect(decoded > 0 && rejected > 1000)
  }
}
