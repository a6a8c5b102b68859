import Foundation
import Testing

@testable import InfraHouseCore

/// RS256 JWTs checked by `openssl dgst -verify`, an independent implementation.
@Suite struct GitHubAppJWTTests {
  func openssl(_ arguments: [String]) throws -> (Int32, String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
    p.arguments = arguments
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = pipe
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
  }

  func base64URLDecode(_ s: Substring) -> Data {
    var t = s.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while t.count % 4 != 0 { t += "=" }
    return Data(base64Encoded: t)!
  }

  @Test(arguments: ["genrsa", "genpkey"])
  func tokenVerifiesWithThePublicKey(_ kind: String) throws {
    let dir = NSTemporaryDirectory() + "jwt-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    // genrsa -traditional writes PKCS#1 ("RSA PRIVATE KEY", GitHub's format); genpkey writes PKCS#8.
    let keyArgs =
      kind == "genrsa"
      ? ["genrsa", "-traditional", "-out", dir + "/key.pem", "2048"]
      : [
        "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out",
        dir + "/key.pem",
      ]
    #expect(try openssl(keyArgs).0 == 0)
    #expect(
      try openssl(["rsa", "-in", dir + "/key.pem", "-pubout", "-out", dir + "/pub.pem"]).0 == 0)
    let pem = try Data(contentsOf: URL(fileURLWithPath: dir + "/key.pem"))

    let jwt = try GitHubAppJWT(issuer: "12345", privateKeyPEM: Array(pem))
    let (token, expiresAt) = try jwt.make(now: 1_700_000_000)
    #expect(expiresAt == 1_700_000_000 + 540)
    let parts = token.split(separator: ".")
    #expect(parts.count == 3)

    let payload =
      try JSONSerialization.jsonObject(with: base64URLDecode(parts[1])) as! [String: Any]
    #expect(payload["iss"] as? String == "12345")
    #expect(payload["iat"] as? Int == 1_700_000_000 - 60)
    #expect((payload["exp"] as! Int) - 1_700_000_000 <= 600)
    #expect((payload["jti"] as? String)?.count == 32)
    let header = try JSONSerialization.jsonObject(with: base64URLDecode(parts[0])) as! [String: Any]
    #expect(header["alg"] as? String == "RS256")

    try Data((parts[0] + "." + parts[1]).utf8).write(to: URL(fileURLWithPath: dir + "/input"))
    try base64URLDecode(parts[2]).write(to: URL(fileURLWithPath: dir + "/sig"))
    let (code, output) = try openssl([
      "dgst", "-sha256", "-verify", dir + "/pub.pem", "-signature", dir + "/sig", dir + "/input",
    ])
    #expect(code == 0, "\(output)")
    #expect(output.contains("Verified OK"))

    // Two tokens never share a jti.
    let again = try jwt.make(now: 1_700_000_000).token
    #expect(again != token)
  }

  @Test func aBrokenKeyIsAClearErrorWithoutTheKey() {
    let secret =
      "-----BEGIN RSA PRIVATE KEY-----\nTOPSECRETMATERIAL\n-----END RSA PRIVATE KEY-----\n"
    do {
      _ = try GitHubAppJWT(issuer: "1", privateKeyPEM: Array(secret.utf8))
      Issue.record("a broken key was accepted")
    } catch {
      let text = String(describing: error)
      #expect(text.contains("not a valid PEM private key"))
      #expect(!text.contains("TOPSECRET"))
    }
  }

  @Test func base64URLMatchesRFC4648Vectors() {
    let vectors = [
      "": "", "f": "Zg", "fo": "Zm8", "foo": "Zm9v", "foob": "Zm9vYg", "fooba": "Zm9vYmE",
      "foobar": "Zm9vYmFy",
    ]
    for (input, output) in vectors { #expect(Base64URL.encode(Array(input.utf8)) == output) }
    #expect(Base64URL.encode([0xfb, 0xff]) == "-_8")
  }
}
