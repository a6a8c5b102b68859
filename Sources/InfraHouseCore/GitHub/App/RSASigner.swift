import CCrypto

/// Errors loading a private key or signing with it. Never contains key material.
public struct RSASignerError: Error, Sendable, CustomStringConvertible {
  public let description: String
}

/// RSASSA-PKCS1-v1_5 with SHA-256 (JWT's `RS256`) through libcrypto.
///
/// The key is parsed once from PEM (PKCS#1 `RSA PRIVATE KEY` or PKCS#8
/// `PRIVATE KEY`, as GitHub hands out) and freed when the signer goes.
public final class RSASigner: @unchecked Sendable {
  // EVP_PKEY is reference-counted and safe for concurrent signing with separate contexts.
  private let key: OpaquePointer

  /// Parses `pem`. Throws without echoing any of it.
  public init(pem: [UInt8]) throws {
    let parsed: OpaquePointer? = pem.withUnsafeBytes { raw in
      guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return nil }
      defer { BIO_free(bio) }
      return PEM_read_bio_PrivateKey(bio, nil, nil, nil)
    }
    guard let parsed else {
      ERR_clear_error()
      throw RSASignerError(description: "the GitHub App private key is not a valid PEM private key")
    }
    guard EVP_PKEY_get_base_id(parsed) == EVP_PKEY_RSA else {
      EVP_PKEY_free(parsed)
      throw RSASignerError(description: "the GitHub App private key is not an RSA key")
    }
    key = parsed
  }

  deinit { EVP_PKEY_free(key) }

  /// The RS256 signature of `message`.
  public func sign(_ message: [UInt8]) throws -> [UInt8] {
    guard let context = EVP_MD_CTX_new() else { throw RSASignerError(description: "out of memory") }
    defer { EVP_MD_CTX_free(context) }
    guard EVP_DigestSignInit(context, nil, EVP_sha256(), nil, key) == 1 else {
      ERR_clear_error()
      throw RSASignerError(description: "cannot initialise RS256 signing")
    }
    var length = 0
    let ok: Bool = message.withUnsafeBufferPointer { input in
      guard EVP_DigestSign(context, nil, &length, input.baseAddress, input.count) == 1 else {
        return false
      }
      return true
    }
    guard ok else { throw RSASignerError(description: "RS256 signing failed") }
    var signature = [UInt8](repeating: 0, count: length)
    let signed: Bool = message.withUnsafeBufferPointer { input in
      signature.withUnsafeMutableBufferPointer {
        EVP_DigestSign(context, $0.baseAddress, &length, input.baseAddress, input.count) == 1
      }
    }
    guard signed else {
      ERR_clear_error()
      throw RSASignerError(description: "RS256 signing failed")
    }
    return Array(signature.prefix(length))
  }
}

/// Base64url without padding (RFC 4648 §5), as JWTs use.
public enum Base64URL {
  private static let alphabet = Array(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

  /// Encodes `bytes`.
  public static func encode(_ bytes: [UInt8]) -> String {
    var out: [UInt8] = []
    out.reserveCapacity((bytes.count + 2) / 3 * 4)
    var i = 0
    while i + 2 < bytes.count {
      let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
      out += [
        alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)],
        alphabet[Int(n & 63)],
      ]
      i += 3
    }
    let rest = bytes.count - i
    if rest == 1 {
      let n = UInt32(bytes[i]) << 16
      out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)]]
    } else if rest == 2 {
      let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
      out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)]]
    }
    return String(decoding: out, as: UTF8.self)
  }
}
