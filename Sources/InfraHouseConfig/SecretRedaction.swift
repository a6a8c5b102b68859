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
    guard !references.contains(bare),
      markers.contains(where: { bare.utf8.contains(subsequence: $0.utf8) })
    else {
      return line
    }
    return String(line[...equals]) + " <redacted>"
  }
}

extension String.UTF8View {
  /// Whether `needle` occurs in these bytes (what `String.contains(_:)` from
  /// `_StringProcessing` does, which the shipped targets do not import).
  fileprivate func contains(subsequence needle: String.UTF8View) -> Bool {
    let haystack = Array(self)
    let pattern = Array(needle)
    guard pattern.count <= haystack.count else { return false }
    if pattern.isEmpty { return true }
    for start in 0...(haystack.count - pattern.count)
    where haystack[start..<(start + pattern.count)].elementsEqual(pattern) {
      return true
    }
    return false
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
