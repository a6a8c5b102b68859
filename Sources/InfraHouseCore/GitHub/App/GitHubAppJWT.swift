import CCrypto

/// The JSON Web Token a GitHub App presents to get installation tokens
/// ("Generating a JSON Web Token (JWT) for a GitHub App"): RS256-signed, `iat`
/// 60 s in the past against clock drift, `exp` at most 10 minutes after
/// issue, `iss` the App's id or client id, and a unique `jti`.
public struct GitHubAppJWT: Sendable {
  /// The App id (or client id) that goes into `iss`.
  public let issuer: String
  private let signer: RSASigner

  /// The longest lifetime GitHub accepts is 10 minutes; we ask for 9 to stay clear of skew.
  public static let lifetime: Int64 = 9 * 60

  public init(issuer: String, privateKeyPEM: [UInt8]) throws {
    self.issuer = issuer
    self.signer = try RSASigner(pem: privateKeyPEM)
  }

  /// A token issued at wall-clock `now` (Unix seconds), and when it expires.
  public func make(now: Int64) throws -> (token: String, expiresAt: Int64) {
    let issuedAt = now - 60
    let expiresAt = now + Self.lifetime
    let header = #"{"alg":"RS256","typ":"JWT"}"#
    let payload =
      #"{"iat":\#(issuedAt),"exp":\#(expiresAt),"iss":"\#(JSONText.escape(issuer))","jti":"\#(Self.randomID())"}"#
    let signingInput =
      Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(payload.utf8))
    let signature = try signer.sign(Array(signingInput.utf8))
    return (signingInput + "." + Base64URL.encode(signature), expiresAt)
  }

  static func randomID() -> String {
    var bytes = [UInt8](repeating: 0, count: 16)
    _ = bytes.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, 16) }
    return Crypto.hex(bytes)
  }
}

/// JSON string escaping for hand-built documents (JWT claims, `runners list --json`).
public enum JSONText {
  /// `text` as a quoted JSON string.
  public static func quote(_ text: String) -> String { "\"" + escape(text) + "\"" }

  /// `text` escaped for the inside of a JSON string.
  public static func escape(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out
  }
}
