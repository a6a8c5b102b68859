import InfraHouseTOML

/// `infrahoused check-config [--config PATH] [--drop-in-dir DIR]`: validate the main
/// file and its drop-ins, like `nginx -t` or `sshd -t`.
///
/// Prints the effective configuration on stdout and exits 0, or prints every error
/// on stderr and exits 1. Usage errors exit 2.
public enum CheckConfigCommand {
  static let usage = """
    usage: infrahoused check-config [--config PATH] [--drop-in-dir DIR]
      --config PATH       the main file (default \(ConfigLoader.defaultPath))
      --drop-in-dir DIR   the drop-in directory (default: conf.d next to the main file)

    """

  /// Runs the check and returns the exit code (0 valid, 1 invalid, 2 usage).
  public static func run(arguments: [String]) -> Int32 {
    var path = ConfigLoader.defaultPath
    var dropIns: String?
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      func value() -> String? {
        index += 1
        return index < arguments.count ? arguments[index] : nil
      }
      switch argument {
      case "--config", "-c":
        guard let given = value() else { return usageError("\(argument) needs a path") }
        path = given
      case "--drop-in-dir":
        guard let given = value() else { return usageError("--drop-in-dir needs a directory") }
        dropIns = given
      case "--help", "-h":
        FileDescriptorIO.writeAll(Array(usage.utf8), to: 1)
        return 0
      default:
        if argument.hasPrefix("--config=") {
          path = String(argument.dropFirst("--config=".count))
        } else if argument.hasPrefix("--drop-in-dir=") {
          dropIns = String(argument.dropFirst("--drop-in-dir=".count))
        } else {
          return usageError("unknown argument '\(argument)'")
        }
      }
      index += 1
    }
    switch ConfigLoader.load(file: path, dropInDirectory: dropIns) {
    case .success(let configuration):
      let dropInFiles = ConfigLoader.dropInFiles(
        in: dropIns ?? ConfigLoader.defaultDropInDirectory(for: path))
      var header = "# effective configuration: \(path)"
      if !dropInFiles.isEmpty { header += " + " + dropInFiles.joined(separator: ", ") }
      FileDescriptorIO.writeAll(Array((header + "\n" + configuration.renderTOML()).utf8), to: 1)
      return 0
    case .failure(let error):
      FileDescriptorIO.writeAll(Array((error.description + "\n").utf8), to: 2)
      return 1
    }
  }

  private static func usageError(_ message: String) -> Int32 {
    FileDescriptorIO.writeAll(Array("check-config: \(message)\n\(usage)".utf8), to: 2)
    return 2
  }
}
