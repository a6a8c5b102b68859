/// Parses an RFC 8288 `Link` header as GitHub sends it:
/// `<https://api.github.com/...&page=2>; rel="next", <...&page=5>; rel="last"`.
///
/// Returns each relation type with its URL; a link whose `rel` lists several
/// types (`rel="next last"`) appears under each. Malformed parts are skipped.
public func parseLinkHeader(_ header: String) -> [String: String] {
  var links: [String: String] = [:]
  var rest = Substring(header)
  while let open = rest.firstIndex(of: "<") {
    guard let close = rest[open...].firstIndex(of: ">") else { break }
    let url = String(rest[rest.index(after: open)..<close])
    // Parameters run until the next "<" that follows a comma.
    var paramsEnd = rest.endIndex
    var i = rest.index(after: close)
    var inQuotes = false
    while i < rest.endIndex {
      let c = rest[i]
      if c == "\"" { inQuotes.toggle() }
      if c == "<", !inQuotes {
        paramsEnd = i
        break
      }
      i = rest.index(after: i)
    }
    for param in rest[rest.index(after: close)..<paramsEnd].split(separator: ";") {
      let parts = param.split(separator: "=", maxSplits: 1)
      guard parts.count == 2 else { continue }
      let key = parts[0].trimmingSpacesAndCommas().lowercased()
      guard key == "rel" else { continue }
      var value = parts[1].trimmingSpacesAndCommas()
      if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
        value = value.dropFirst().dropLast()
      }
      for rel in value.split(separator: " ") where links[String(rel)] == nil {
        links[String(rel).lowercased()] = url
      }
    }
    rest = rest[paramsEnd...]
  }
  return links
}

extension Substring {
  fileprivate func trimmingSpacesAndCommas() -> Substring {
    var s = self
    while let f = s.first, f == " " || f == "," || f == "\t" { s = s.dropFirst() }
    while let l = s.last, l == " " || l == "," || l == "\t" { s = s.dropLast() }
    return s
  }
}
