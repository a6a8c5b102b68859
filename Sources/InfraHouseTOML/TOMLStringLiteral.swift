/// Writes TOML basic string literals (for renderers that produce TOML text).
public enum TOMLStringLiteral {
  /// `text` as a TOML basic string: quoted, with `"`, `\` and control characters escaped.
  public static func basic(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      case "\u{08}": out += "\\b"
      case "\u{0C}": out += "\\f"
      default:
        if scalar.value < 0x20 || scalar.value == 0x7F {
          let digits = String(scalar.value, radix: 16, uppercase: true)
          out += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }

  /// `key` bare when it can be (`A-Za-z0-9_-`), quoted otherwise.
  public static func key(_ key: String) -> String {
    if !key.isEmpty && key.utf8.allSatisfy(\.isBareKeyCharacter) { return key }
    return basic(key)
  }
}
