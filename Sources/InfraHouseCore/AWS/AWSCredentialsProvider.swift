/// Something that can produce AWS credentials: the environment, a profile,
/// instance metadata, an assumed role...
public protocol AWSCredentialsProvider: Sendable {
  /// A short name for logs and `aws whoami`: `environment`, `imds`, `assume-role`...
  var name: String { get }
  /// Current credentials; throws ``AWSClientError/credentialsNotFound(_:)`` when this source has none.
  func credentials() async throws -> AWSCredentials
}

/// Fixed credentials.
public struct StaticCredentialsProvider: AWSCredentialsProvider {
  public let name: String
  let value: AWSCredentials

  public init(_ credentials: AWSCredentials, name: String = "static") {
    value = credentials
    self.name = name
  }

  public func credentials() async throws -> AWSCredentials { value }
}

/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and optionally `AWS_SESSION_TOKEN`.
public struct EnvironmentCredentialsProvider: AWSCredentialsProvider {
  public let name = "environment"
  let environment: [String: String]

  public init(environment: [String: String]) { self.environment = environment }

  public func credentials() async throws -> AWSCredentials {
    guard let id = environment["AWS_ACCESS_KEY_ID"], !id.isEmpty,
      let secret = environment["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty
    else {
      throw AWSClientError.credentialsNotFound("AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY not set")
    }
    let token = environment["AWS_SESSION_TOKEN"] ?? environment["AWS_SECURITY_TOKEN"]
    return AWSCredentials(
      accessKeyId: id, secretAccessKey: secret, sessionToken: token?.isEmpty == true ? nil : token,
      provider: name)
  }
}

/// Tries providers in order and uses the first that has credentials; remembers it.
public final class AWSCredentialsChain: AWSCredentialsProvider {
  public let providers: [any AWSCredentialsProvider]

  public init(_ providers: [any AWSCredentialsProvider]) { self.providers = providers }

  public var name: String { "chain" }

  public func credentials() async throws -> AWSCredentials {
    try await resolve().credentials
  }

  /// The credentials and the name of the provider that supplied them.
  public func resolve() async throws -> (credentials: AWSCredentials, provider: String) {
    var tried: [String] = []
    for provider in providers {
      do {
        var credentials = try await provider.credentials()
        if credentials.provider == nil { credentials.provider = provider.name }
        return (credentials, credentials.provider ?? provider.name)
      } catch let error as AWSClientError {
        if case .credentialsNotFound(let why) = error {
          tried.append("\(provider.name): \(why)")
          continue
        }
        throw error
      }
    }
    throw AWSClientError.credentialsNotFound(tried.joined(separator: "; "))
  }
}

/// A provider with no credentials, for clients that only make unsigned calls.
public struct AnonymousCredentialsProvider: AWSCredentialsProvider {
  public let name = "anonymous"
  public init() {}
  public func credentials() async throws -> AWSCredentials {
    throw AWSClientError.credentialsNotFound("anonymous client")
  }
}
