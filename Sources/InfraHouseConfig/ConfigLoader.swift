import InfraHouseTOML

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Loads the daemon's configuration: the main file, then the drop-ins.
///
/// Drop-ins are the `*.toml` files of the drop-in directory (default: `conf.d` next
/// to the main file), read in byte-wise lexical order after the main file, the way
/// systemd reads `*.conf` drop-ins. A later file's key replaces an earlier one's,
/// table by table (`[lock] lease` in `conf.d/50-lease.toml` replaces only `lease`).
/// A `[[command]]` in a drop-in whose `name` matches an existing command replaces
/// that command's keys one by one; with a new name it adds a command.
public enum ConfigLoader {
  /// `/etc/infrahoused/infrahoused.toml`.
  public static let defaultPath = "/etc/infrahoused/infrahoused.toml"

  /// `conf.d` in the directory of `file`.
  public static func defaultDropInDirectory(for file: String) -> String {
    guard let slash = file.lastIndex(of: "/") else { return "conf.d" }
    let directory = file[..<slash]
    return (directory.isEmpty ? "" : String(directory)) + "/conf.d"
  }

  /// Reads, parses and decodes `file` and the drop-ins of `dropInDirectory`
  /// (nil: ``defaultDropInDirectory(for:)``; a missing directory means no drop-ins).
  /// On failure the error holds every problem found in every file.
  public static func load(file: String, dropInDirectory: String? = nil) -> Result<
    DaemonConfiguration, ConfigurationError
  > {
    guard let main = FileDescriptorIO.readFile(file) else {
      return .failure(
        ConfigurationError(diagnostics: [
          ConfigurationDiagnostic(
            file: file, line: 0, column: 0,
            message: "cannot read the configuration file: \(errnoText())")
        ]))
    }
    var sources: [(file: String, bytes: [UInt8])] = [(file, main)]
    var diagnostics: [ConfigurationDiagnostic] = []
    let directory = dropInDirectory ?? defaultDropInDirectory(for: file)
    for path in dropInFiles(in: directory) {
      if let bytes = FileDescriptorIO.readFile(path) {
        sources.append((path, bytes))
      } else {
        diagnostics.append(
          ConfigurationDiagnostic(
            file: path, line: 0, column: 0, message: "cannot read the drop-in: \(errnoText())"))
      }
    }
    return load(sources: sources, readErrors: diagnostics)
  }

  /// Parses and decodes in-memory sources, in order (main file first). Pure: no I/O.
  public static func load(sources: [(file: String, bytes: [UInt8])]) -> Result<
    DaemonConfiguration, ConfigurationError
  > {
    load(sources: sources, readErrors: [])
  }

  private static func load(
    sources: [(file: String, bytes: [UInt8])], readErrors: [ConfigurationDiagnostic]
  )
    -> Result<DaemonConfiguration, ConfigurationError>
  {
    var diagnostics = readErrors
    var layers: [ConfigurationLayer] = []
    for source in sources {
      do throws(TOMLError) {
        let root = try TOMLParser.parse(bytes: source.bytes, file: source.file)
        layers.append(ConfigurationLayer(file: source.file, source: source.bytes, root: root))
      } catch {
        diagnostics.append(ConfigurationDiagnostic(error))
      }
    }
    // Semantic checks on a partial set of files would report noise: stop at syntax errors.
    guard diagnostics.isEmpty else { return .failure(ConfigurationError(diagnostics: diagnostics)) }
    var decoder = ConfigurationDecoder(layers: layers)
    let configuration = decoder.decodeConfiguration()
    guard decoder.diagnostics.isEmpty else {
      return .failure(ConfigurationError(diagnostics: decoder.sortedDiagnostics))
    }
    return .success(configuration)
  }

  /// `*.toml` regular files (not hidden) of `directory`, sorted byte-wise; [] if it does not exist.
  public static func dropInFiles(in directory: String) -> [String] {
    guard let handle = opendir(directory) else { return [] }
    defer { closedir(handle) }
    var names: [String] = []
    while let entry = readdir(handle) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      guard name.hasSuffix(".toml"), !name.hasPrefix(".") else { continue }
      let path = directory + "/" + name
      var info = stat()
      guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
      names.append(name)
    }
    names.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    return names.map { directory + "/" + $0 }
  }

  private static func errnoText() -> String {
    guard let text = strerror(errno) else { return "errno \(errno)" }
    return String(cString: text)
  }
}
