import CCrypto

/// SHA-256 and HMAC-SHA256 through libcrypto, and lower-case hex.
public enum Crypto {
  /// SHA-256 of `data`.
  public static func sha256(_ data: [UInt8]) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
    data.withUnsafeBufferPointer { input in
      _ = out.withUnsafeMutableBufferPointer {
        SHA256(input.baseAddress, input.count, $0.baseAddress)
      }
    }
    return out
  }

  /// HMAC-SHA256 of `data` under `key`.
  public static func hmacSHA256(key: [UInt8], _ data: [UInt8]) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
    var length: UInt32 = 0
    key.withUnsafeBufferPointer { k in
      data.withUnsafeBufferPointer { d in
        _ = out.withUnsafeMutableBufferPointer {
          HMAC(
            EVP_sha256(), k.baseAddress, Int32(k.count), d.baseAddress, d.count, $0.baseAddress,
            &length)
        }
      }
    }
    return Array(out.prefix(Int(length)))
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
