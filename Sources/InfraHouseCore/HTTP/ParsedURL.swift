/// The parts of an absolute `http(s)` URL that signing and routing need.
public struct ParsedURL: Sendable, Equatable {
  /// `http` or `https`, lower-cased.
  public var scheme: String
  /// The host name or address, without brackets for IPv6.
  public var host: String
  /// The explicit port, if any.
  public var port: Int?
  /// The path as written (still percent-encoded), `/` when empty.
  public var path: String
  /// The query as written, without `?`; empty when absent.
  public var query: String

  /// Parses `string`; nil unless it is `scheme://host[:port][/path][?query]`.
  public init?(_ string: String) {
    guard let colon = string.firstIndex(of: ":"), string[colon...].hasPrefix("://") else {
      return nil
    }
    scheme = string[..<colon].lowercased()
    guard scheme == "http" || scheme == "https" else { return nil }
    var rest = string[string.index(colon, offsetBy: 3)...]
    if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
    let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
    var authority = rest[..<authorityEnd]
    if let at = authority.lastIndex(of: "@") {
      authority = authority[authority.index(after: at)...]
    }
    let tail = rest[authorityEnd...]
    if authority.hasPrefix("[") {
      guard let close = authority.firstIndex(of: "]") else { return nil }
      host = String(authority[authority.index(after: authority.startIndex)..<close])
      let after = authority[authority.index(after: close)...]
      if after.hasPrefix(":") {
        guard let p = Int(after.dropFirst()) else { return nil }
        port = p
      } else {
        port = nil
      }
    } else if let colon = authority.lastIndex(of: ":") {
      host = String(authority[..<colon])
      guard let p = Int(authority[authority.index(after: colon)...]) else { return nil }
      port = p
    } else {
      host = String(authority)
      port = nil
    }
    guard !host.isEmpty else { return nil }
    if let q = tail.firstIndex(of: "?") {
      path = String(tail[..<q])
      query = String(tail[tail.index(after: q)...])
    } else {
      path = String(tail)
      query = ""
    }
    if path.isEmpty { path = "/" }
  }

  /// The `Host` header value: the host, plus `:port` unless it is the scheme's default.
  public var hostHeader: String {
    let h = host.contains(":") ? "[\(host)]" : host
    guard let port, !(scheme == "http" && port == 80), !(scheme == "https" && port == 443) else {
      return h
    }
    return "\(h):\(port)"
  }
}
