import FoundationEssentials
import Testing

@testable import InfraHouseCore

/// The shipped targets replace a few FoundationEssentials and `_StringProcessing`
/// calls with their own (see Package.swift); the test target may link both, so
/// each replacement is checked against the original.
@Suite struct StandardLibraryReplacementTests {
  @Test func base64MatchesFoundationForEveryLengthAndByte() {
    var generator = SystemRandomNumberGenerator()
    for length in 0..<70 {
      let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
      let ours = Base64.encode(bytes)
      #expect(ours == Data(bytes).base64EncodedString(), "length \(length)")
      #expect(Base64.decode(ours) == bytes, "length \(length)")
    }
    let all = Array(0...255).map(UInt8.init)
    #expect(Base64.encode(all) == Data(all).base64EncodedString())
  }

  @Test func base64RefusesWhatFoundationRefuses() {
    for bad in ["A", "AB", "ABC", "A===", "AB$=", "ABC=D===", "AB\nCD=="] {
      #expect(Base64.decode(bad) == nil, "\(bad)")
      #expect(Data(base64Encoded: bad) == nil, "Foundation agrees on \(bad)")
    }
    // Stricter than FoundationEssentials, which reads these as [0, 2] and [0].
    #expect(Base64.decode("AB=C") == nil)
    #expect(Base64.decode("====") == nil)
    #expect(Base64.decode("") == [])
    #expect(Base64.decode("aGk=") == Array("hi".utf8))
    #expect(Base64.decode("aGk") == nil)
  }

  @Test func textSearchMatchesStringProcessing() {
    let hay = "peer already known: 10.0.0.5:10008 (été)"
    for needle in ["peer", "known:", ":10008", "été)", "(é", "absent", "10008 (été) and more"] {
      #expect(hay.contains(text: needle) == hay.contains(needle), "\(needle)")
      #expect(hay.range(ofText: needle) == hay.firstRange(of: needle), "\(needle)")
    }
    let sub = hay.dropFirst(5)
    #expect(sub.range(ofText: "already") == sub.firstRange(of: "already"))
    #expect(!"ab".contains(text: "abc"))
    #expect(hay.range(ofText: "") == hay.firstRange(of: ""))
    #expect(hay.contains(text: ""), "the empty text is everywhere (String.contains says false)")
  }

  @Test func timestampArithmeticAndText() {
    let t = Timestamp(secondsSince1970: 1_440_938_160.75)
    #expect(t.description == "2015-08-30T12:36:00Z")
    #expect(t.epochSeconds == 1_440_938_160)
    #expect(t.adding(seconds: 10).seconds(since: t) == 10)
    #expect(t < t.adding(seconds: 0.25))
    let now = Timestamp.now().secondsSince1970
    let foundation = Date().timeIntervalSince1970
    #expect(abs(now - foundation) < 5, "the wall clock agrees with Foundation's")
  }

  @Test func environmentMatchesProcessInfo() {
    let ours = ProcessEnvironment.current()
    #expect(ours["PATH"] != nil)
    #expect(ours["PATH"] == ProcessInfo.processInfo.environment["PATH"])
    #expect(ours.count == ProcessInfo.processInfo.environment.count)
  }
}
