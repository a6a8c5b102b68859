#if canImport(Glibc)
  import Glibc
#endif

/// Directory helpers.
enum FileSystem {
  /// Creates `path` and its parents if missing.
  static func makeDirectory(_ path: String, mode: mode_t) throws {
    var current = path.hasPrefix("/") ? "" : "."
    for part in path.split(separator: "/") {
      current += "/" + part
      if mkdir(current, mode) != 0 && errno != EEXIST {
        throw ControlSocketError(description: "cannot create \(current): \(POSIX.errorText(errno))")
      }
    }
  }
}
