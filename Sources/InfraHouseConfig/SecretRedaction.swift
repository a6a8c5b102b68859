/// Keeps secrets out of diagnostics: the configuration holds no secrets by design
/// (`token_file`, `token_env` and `token_secret` name where a token is), but an operator
/// may paste one into a misspelt or unknown key, and diagnostics echo the source line.
enum SecretRedaction {
  /// Keys that name where a secret is, not the secret itself.
  static let references: Set<String> = [
    "token_file", "token_env", "token_secret", "app_private_key_file",
  ]
  static let markers = [
    "token", "secret", "password", "passwd", "credential", "private", "apikey", "api_key",
  ]

  /// `line` with the value after `=` replaced by `<redacted>` when its key looks like a secret.
  static func redact(_ line: String) -> String {
    guard let equals = line.firstIndex(of: "=") else { return line }
    let key = line[..<equals].trimmingWhitespace().lowercased()
    let bare =
      key.split(separator: ".").last.map(String.init)?.trimmingCharacters(quotes: true) ?? key
    guard !references.contains(bare), markers.contains(where: { bare.contains($0) }) else {
      return line
    }
    return String(line[...equals]) + " <redacted>"
  }
}

extension Substring {
  fileprivate func trimmingWhitespace() -> String {
    String(
      drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" })
        .reversed())
  }
}

extension String {
  fileprivate func trimmingCharacters(quotes: Bool) -> String {
    var text = Substring(self).trimmingWhitespace()
    if quotes, text.count >= 2, let first = text.first, first == "\"" || first == "'",
      text.last == first
    {
      text = String(text.dropFirst().dropLast())
    }
    return text
  }
}
