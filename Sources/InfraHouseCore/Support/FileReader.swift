#if canImport(Glibc)
  import Glibc
#endif

/// Reads small files (credentials, keys, state) whole, with POSIX calls.
public enum FileReader {
  /// The file's bytes; nil if it cannot be read or is larger than `limit`.
  public static func read(_ path: String, limit: Int = 1 << 20) -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 16384)
    while out.count <= limit {
      let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
      if n < 0 && errno == EINTR { continue }
      if n < 0 { return nil }
      if n == 0 { return out }
      out.append(contentsOf: chunk[0..<n])
    }
    return nil
  }
}
