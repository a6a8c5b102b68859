/// Helpers for the address strings Raft peers exchange: `host:port`,
/// `[v6]:port`, and URLs such as etcd's `http://host:port` (``RaftPeerAddress`` parses hosts).
public enum RaftAddress {
  /// `host:port`, bracketing an IPv6 host.
  public static func join(host: String, port: Int) -> String {
    host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
  }

  /// The `host:port` part of a URL (`http://10.0.0.1:2380/` -> `10.0.0.1:2380`);
  /// a string without a scheme is returned without any trailing path.
  public static func hostPort(ofURL url: String) -> String {
    var rest = Substring(url)
    if let scheme = rest.range(ofText: "://") { rest = rest[scheme.upperBound...] }
    if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
    return String(rest)
  }
}
