import CCrypto

/// SHA-256 and HMAC-SHA256 through libcrypto, and lower-case hex.
public enum Crypto {
  /// SHA-256, fetched once (OpenSSL 3 fetches per call for `SHA256()`/`EVP_sha256()` one-shots).
  nonisolated(unsafe) private static let sha256Digest: OpaquePointer? = EVP_MD_fetch(
    nil, "SHA256", nil)

  /// SHA-256 of `data`.
  public static func sha256(_ data: [UInt8]) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
    var length: UInt32 = 0
    data.withUnsafeBytes { input in
      _ = out.withUnsafeMutableBufferPointer {
        EVP_Digest(
          input.baseAddress, input.count, $0.baseAddress, &length, sha256Digest ?? EVP_sha256(), nil
        )
      }
    }
    return out
  }

  /// HMAC-SHA256 of `data` under `key` (RFC 2104 over SHA-256, so no
  /// per-call MAC fetch as OpenSSL 3's one-shot `HMAC()` does).
  public static func hmacSHA256(key: [UInt8], _ data: [UInt8]) -> [UInt8] {
    var block = key.count > 64 ? sha256(key) : key
    block += [UInt8](repeating: 0, count: 64 - block.count)
    var inner = block.map { $0 ^ 0x36 }
    inner += data
    var outer = block.map { $0 ^ 0x5c }
    outer += sha256(inner)
    return sha256(outer)
  }

  /// Lower-case hexadecimal.
  public static func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out = [UInt8]()
    out.reserveCapacity(bytes.count * 2)
    for b in bytes {
      out.append(digits[Int(b >> 4)])
      out.append(digits[Int(b & 0x0f)])
    }
    return String(decoding: out, as: UTF8.self)
  }
}
