#if canImport(Glibc)
  import Glibc
#endif

/// The process's environment variables, read from `environ`.
public enum ProcessEnvironment {
  /// Every `NAME=value` pair of the environment, as a dictionary.
  public static func current() -> [String: String] {
    var result: [String: String] = [:]
    var p = environ
    while let entry = p.pointee {
      let pair = String(cString: entry)
      if let eq = pair.firstIndex(of: "=") {
        result[String(pair[..<eq])] = String(pair[pair.index(after: eq)...])
      }
      p += 1
    }
    return result
  }
}
