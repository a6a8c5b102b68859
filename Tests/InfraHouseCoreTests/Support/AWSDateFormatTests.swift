import Testing

@testable import InfraHouseCore

@Suite struct AWSDateFormatTests {
  @Test func formatsAndParses() {
    let d = Timestamp(secondsSince1970: 1_440_938_160)
    #expect(AWSDateFormat.amzDate(d) == "20150830T123600Z")
    #expect(AWSDateFormat.iso8601(d) == "2015-08-30T12:36:00Z")
    #expect(AWSDateFormat.parseISO8601("2015-08-30T12:36:00Z") == d)
    #expect(AWSDateFormat.parseISO8601("2015-08-30T14:36:00+02:00") == d)
    #expect(
      AWSDateFormat.parseISO8601("2015-08-30T12:36:00.500Z")
        == Timestamp(secondsSince1970: 1_440_938_160.5))
    #expect(AWSDateFormat.parseHTTPDate("Sun, 30 Aug 2015 12:36:00 GMT") == d)
    #expect(AWSDateFormat.parseISO8601("yesterday") == nil)
    #expect(AWSDateFormat.parseHTTPDate("Sun, 30 Foo 2015 12:36:00 GMT") == nil)
  }

  @Test func leapDay() {
    #expect(
      AWSDateFormat.parseISO8601("2024-02-29T00:00:00Z")
        == Timestamp(secondsSince1970: 1_709_164_800))
  }
}

@Suite struct PercentEncodingTests {
  @Test func encodesAllButUnreserved() {
    #expect(PercentEncoding.encode("a b/c~d-e_f.g=h&ü") == "a%20b%2Fc~d-e_f.g%3Dh%26%C3%BC")
    #expect(PercentEncoding.encode("a/b", keepSlash: true) == "a/b")
    #expect(PercentEncoding.decode("a%20b+c", plusIsSpace: true) == "a b c")
    #expect(
      PercentEncoding.formBody([("Action", "GetCallerIdentity"), ("Version", "2011-06-15")])
        == "Action=GetCallerIdentity&Version=2011-06-15")
  }
}

@Suite struct ParsedURLTests {
  @Test func parsesParts() throws {
    let u = try #require(ParsedURL("https://sts.us-east-1.amazonaws.com/a/b?x=1"))
    #expect(u.scheme == "https")
    #expect(u.host == "sts.us-east-1.amazonaws.com")
    #expect(u.port == nil)
    #expect(u.path == "/a/b")
    #expect(u.query == "x=1")
    #expect(u.hostHeader == "sts.us-east-1.amazonaws.com")
    let v = try #require(ParsedURL("http://127.0.0.1:5000"))
    #expect(v.path == "/")
    #expect(v.hostHeader == "127.0.0.1:5000")
    #expect(ParsedURL("http://[::1]:80/")?.hostHeader == "[::1]")
    #expect(ParsedURL("ftp://x/") == nil)
    #expect(ParsedURL("not a url") == nil)
  }
}
