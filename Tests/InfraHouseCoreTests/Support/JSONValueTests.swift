import Testing

@testable import InfraHouseCore

@Suite struct JSONValueTests {
  @Test func parsesAndSerialisesRoundTrip() throws {
    let text =
      #"{"a":[1,-2.5e3,true,false,null],"b":{"c":"d\"e\\f\n\u00e9\ud83d\ude00"},"n":12.50}"#
    let v = try JSONValue.parse(text)
    #expect(v["a"]?.arrayValue?.count == 5)
    #expect(v["a"]?.arrayValue?[1] == .number("-2.5e3"))
    #expect(v["b"]?["c"]?.stringValue == "d\"e\\f\né😀")
    #expect(v["n"] == .number("12.50"))
    let again = try JSONValue.parse(v.serialized())
    #expect(again == v)
    #expect(JSONValue.object(["z": 1, "a": "x"]).jsonText == #"{"a":"x","z":1}"#)
  }

  @Test func rejectsMalformedText() {
    for bad in [
      "", "{", "[1,]", "{\"a\" 1}", "tru", "\"abc", "1.", "01x", "{\"a\":1}x", "\"\u{01}\"",
    ] {
      #expect(throws: JSONParseError.self, "\(bad)") { try JSONValue.parse(bad) }
    }
  }

  @Test func limitsNesting() {
    let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
    #expect(throws: JSONParseError.self) { try JSONValue.parse(deep) }
  }
}

@Suite struct XMLElementTests {
  @Test func parsesQueryResponses() throws {
    let xml = """
      <GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
        <GetCallerIdentityResult>
          <Arn>arn:aws:iam::123456789012:user/alice</Arn><Account>123456789012</Account>
        </GetCallerIdentityResult>
        <ResponseMetadata><RequestId>abc</RequestId></ResponseMetadata>
      </GetCallerIdentityResponse>
      """
    let root = try #require(XMLElement.parse(Array(xml.utf8)))
    #expect(root.name == "GetCallerIdentityResponse")
    #expect(root["GetCallerIdentityResult", "Arn"]?.text == "arn:aws:iam::123456789012:user/alice")
    #expect(root.first("RequestId")?.text == "abc")
    #expect(XMLElement.parse(Array("<a><b></a>".utf8)) == nil)
    #expect(XMLElement.parse([]) == nil)
  }

  @Test func doesNotExpandExternalEntities() throws {
    let xml = """
      <?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/hostname">]><r>&x;</r>
      """
    let root = XMLElement.parse(Array(xml.utf8))
    #expect(root?.text.isEmpty ?? true)
  }
}
