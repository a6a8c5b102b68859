/// A TOML syntax or semantic error, with the place it was found.
///
/// `description` renders like a compiler diagnostic:
///
///     infrahoused.toml:12:9: error: duplicate key 'interval' (first defined at 8:1)
///     interval = "5m"
///     ^
public struct TOMLError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The file name given to the parser.
  public var file: String
  /// 1-based line.
  public var line: Int
  /// 1-based column in UTF-8 bytes.
  public var column: Int
  /// What is wrong, in one lower-case sentence.
  public var message: String
  /// The text of the offending line, without its line ending.
  public var sourceLine: String

  /// Creates an error.
  public init(file: String, line: Int, column: Int, message: String, sourceLine: String) {
    self.file = file
    self.line = line
    self.column = column
    self.message = message
    self.sourceLine = sourceLine
  }

  /// `file:line:column: error: message`, the source line and a caret under the column.
  public var description: String {
    TOMLDiagnosticRendering.render(
      file: file, line: line, column: column, severity: "error", message: message,
      sourceLine: sourceLine)
  }
}

/// Renders compiler-style diagnostics; shared with the configuration decoder.
public enum TOMLDiagnosticRendering {
  /// `file:line:column: severity: message`, then the source line and a caret
  /// line aligned under `column` (tabs in the source are kept so the caret lines up).
  public static func render(
    file: String, line: Int, column: Int, severity: String, message: String, sourceLine: String
  ) -> String {
    var text = "\(file):\(line):\(column): \(severity): \(message)"
    guard line > 0 else { return text }
    let printable = sanitized(sourceLine)
    text += "\n" + printable + "\n" + caretPrefix(sourceLine, column: column) + "^"
    return text
  }

  /// The source line with control characters (other than tab) shown as U+FFFD,
  /// so a terminal never receives raw escapes from a hostile file.
  static func sanitized(_ line: String) -> String {
    var scalars = String.UnicodeScalarView()
    for scalar in line.unicodeScalars {
      if (scalar.value < 0x20 && scalar != "\t") || scalar.value == 0x7F {
        scalars.append("\u{FFFD}")
      } else {
        scalars.append(scalar)
      }
    }
    return String(scalars)
  }

  private static func caretPrefix(_ line: String, column: Int) -> String {
    var prefix = ""
    var bytes = 0
    for scalar in line.unicodeScalars {
      if bytes >= column - 1 { break }
      prefix += scalar == "\t" ? "\t" : " "
      bytes += String(scalar).utf8.count
    }
    if bytes < column - 1 { prefix += String(repeating: " ", count: column - 1 - bytes) }
    return prefix
  }
}
