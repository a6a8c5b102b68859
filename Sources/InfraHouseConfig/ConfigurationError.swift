import InfraHouseTOML

/// One problem found in a configuration file, with its place.
///
/// `description` renders like a compiler diagnostic:
///
///     /etc/infrahoused/infrahoused.toml:12:9: error: unknown key 'intervall' in [runners]; did you mean 'interval'?
///     intervall = "5m"
///     ^
public struct ConfigurationDiagnostic: Sendable, Equatable, CustomStringConvertible {
  /// The file the problem is in.
  public var file: String
  /// 1-based line, or 0 when the problem has no place in the file (an unreadable file).
  public var line: Int
  /// 1-based column in UTF-8 bytes (0 with `line` 0).
  public var column: Int
  /// What is wrong.
  public var message: String
  /// The offending source line ("" when `line` is 0).
  public var sourceLine: String

  /// Creates a diagnostic.
  public init(file: String, line: Int, column: Int, message: String, sourceLine: String = "") {
    self.file = file
    self.line = line
    self.column = column
    self.message = message
    // The echoed line never shows the value of a secret-looking key.
    self.sourceLine = SecretRedaction.redact(sourceLine)
  }

  /// A parse error of the TOML layer.
  public init(_ error: TOMLError) {
    self.init(
      file: error.file, line: error.line, column: error.column, message: error.message,
      sourceLine: error.sourceLine)
  }

  /// `file:line:column: error: message`, the source line and a caret.
  public var description: String {
    guard line > 0 else { return "\(file): error: \(message)" }
    return TOMLDiagnosticRendering.render(
      file: file, line: line, column: column, severity: "error", message: message,
      sourceLine: sourceLine)
  }
}

/// Every problem found in a configuration (main file and drop-ins).
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The problems, in file order and then in source order.
  public var diagnostics: [ConfigurationDiagnostic]

  /// Creates an error from its diagnostics.
  public init(diagnostics: [ConfigurationDiagnostic]) {
    self.diagnostics = diagnostics
  }

  /// Each diagnostic, then a count line.
  public var description: String {
    let count = diagnostics.count
    return diagnostics.map(\.description).joined(separator: "\n")
      + "\n\(count) error\(count == 1 ? "" : "s") in the configuration"
  }
}
