/// Role session names for CloudTrail, generated from the calling code.
public enum AWSSessionName {
  /// `infrahoused.<Module>.<File>.<function>` from `#fileID` and `#function`,
  /// sanitised to STS's alphabet `[A-Za-z0-9_+=,.@-]` and 2 to 64 characters.
  public static func generate(fileID: String, function: String) -> String {
    var file = fileID
    if file.hasSuffix(".swift") { file.removeLast(6) }
    let fn = function.split(separator: "(").first.map(String.init) ?? function
    return sanitize("infrahoused.\(file.replacingSlashes()).\(fn)")
  }

  /// Replaces characters STS refuses with `-` and fits the length to 2...64.
  public static func sanitize(_ name: String) -> String {
    var out = String(
      name.unicodeScalars.map { s -> Character in
        let ok =
          (s >= "a" && s <= "z") || (s >= "A" && s <= "Z") || (s >= "0" && s <= "9")
          || "_+=,.@-".unicodeScalars.contains(s)
        return ok ? Character(s) : "-"
      })
    if out.count > 64 { out = String(out.prefix(64)) }
    while out.count < 2 { out.append("-") }
    return out
  }
}

extension String {
  fileprivate func replacingSlashes() -> String { String(map { $0 == "/" ? "." : $0 }) }
}
