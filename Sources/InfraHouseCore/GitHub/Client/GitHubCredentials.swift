#if canImport(Glibc)
  import Glibc
#endif

/// Supplies the bearer token for GitHub API calls.
public protocol GitHubTokenSource: Sendable {
  /// A currently valid token.
  func token() async throws -> String
  /// Called after a 401: the next ``token()`` must not return the same cached token.
  func invalidate() async
  /// Where the token comes from, for logs ("token file /etc/...", "GitHub App 123").
  var origin: String { get }
}

/// Why no token could be had. Names the source, never the token.
public struct GitHubCredentialsError: Error, Sendable, CustomStringConvertible {
  public let description: String
  public init(description: String) { self.description = description }
}

/// A fixed token, read once from a file, an environment variable or a literal.
public struct StaticGitHubToken: GitHubTokenSource {
  private let value: String
  public let origin: String

  public init(token: String, origin: String = "a literal token") {
    value = token
    self.origin = origin
  }

  /// The first line of `path`, trimmed.
  public static func file(_ path: String) throws -> StaticGitHubToken {
    guard let bytes = FileReader.read(path) else {
      throw GitHubCredentialsError(description: "cannot read the GitHub token file \(path)")
    }
    let token =
      String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline).first
      .map { String($0.filter { !$0.isWhitespace }) } ?? ""
    guard !token.isEmpty else {
      throw GitHubCredentialsError(description: "the GitHub token file \(path) is empty")
    }
    return StaticGitHubToken(token: token, origin: "token file \(path)")
  }

  /// The environment variable `name`.
  public static func environment(_ name: String) throws -> StaticGitHubToken {
    guard let raw = getenv(name), case let token = String(cString: raw), !token.isEmpty else {
      throw GitHubCredentialsError(
        description: "the environment variable \(name) (GitHub token) is not set")
    }
    return StaticGitHubToken(token: token, origin: "environment variable \(name)")
  }

  public func token() async throws -> String { value }
  public func invalidate() async {}
}

/// Wall-clock seconds since the Unix epoch.
public func wallClockSeconds() -> Int64 {
  var ts = timespec()
  clock_gettime(CLOCK_REALTIME, &ts)
  return Int64(ts.tv_sec)
}
