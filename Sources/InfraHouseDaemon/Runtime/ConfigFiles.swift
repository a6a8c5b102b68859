import InfraHouseConfig

/// The configuration on disk: the main file and its `conf.d/` drop-ins.
enum ConfigFiles {
  /// The drop-in directory of a main file: `conf.d` beside it.
  static func dropInDirectory(for path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "conf.d" }
    return String(path[...slash]) + "conf.d"
  }

  /// A source that reads `path` and its drop-ins afresh on every call.
  static func source(path: String) -> ConfigurationSource {
    let dropIns = dropInDirectory(for: path)
    return {
      ConfigLoader.load(file: path, dropInDirectory: dropIns)
        .mapError { ConfigurationLoadError(String(describing: $0)) }
    }
  }

  /// Loads `path` for a one-shot command: the configuration, or nil after
  /// printing every diagnostic to stderr.
  static func loadReportingErrors(_ path: String) -> DaemonConfiguration? {
    switch source(path: path)() {
    case .success(let configuration): return configuration
    case .failure(let error):
      POSIX.writeAll(
        2, error.description.hasSuffix("\n") ? error.description : error.description + "\n")
      return nil
    }
  }
}
