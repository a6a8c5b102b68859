import Synchronization

/// Credentials, region and endpoint configuration shared by service clients:
/// the Swift form of infrahouse-core's `get_session`.
///
/// Constructing a session makes no call. The region and the credentials
/// are resolved on first use; service clients are made on first use and
/// reused for the session's lifetime. With `roleArn`, calls use that role's
/// credentials, assumed (with a session name generated from the calling
/// file and function unless one is given) and refreshed before they expire.
public final class AWSSession: Sendable {
  /// Settings for ``AWSSession``; every field is optional.
  public struct Options: Sendable {
    public var region: String?
    public var roleArn: String?
    public var sessionName: String?
    public var profile: String?
    /// One endpoint for every service (the daemon's `[aws] endpoint_url`).
    public var endpointURL: String?
    public var retryPolicy: AWSRetryPolicy
    /// Overrides the whole credentials chain (tests, static keys).
    public var credentialsProvider: (any AWSCredentialsProvider)?
    /// The IMDS endpoint (default: `AWS_EC2_METADATA_SERVICE_ENDPOINT` or 169.254.169.254).
    public var instanceMetadataEndpoint: String?

    public init(
      region: String? = nil, roleArn: String? = nil, sessionName: String? = nil,
      profile: String? = nil,
      endpointURL: String? = nil, retryPolicy: AWSRetryPolicy = .init(),
      credentialsProvider: (any AWSCredentialsProvider)? = nil,
      instanceMetadataEndpoint: String? = nil
    ) {
      self.region = region
      self.roleArn = roleArn
      self.sessionName = sessionName
      self.profile = profile
      self.endpointURL = endpointURL
      self.retryPolicy = retryPolicy
      self.credentialsProvider = credentialsProvider
      self.instanceMetadataEndpoint = instanceMetadataEndpoint
    }
  }

  public let options: Options
  /// The role session name used with `roleArn`.
  public let sessionName: String
  public let environment: [String: String]
  public let http: HTTPClient
  public let logger: Logger
  public let sharedConfig: AWSSharedConfig
  public let instanceMetadata: InstanceMetadataClient
  /// The credentials every client signs with (cached, refreshed).
  public let credentialsProvider: CachingCredentialsProvider
  /// The credentials before any `roleArn` is assumed.
  public let baseCredentialsProvider: any AWSCredentialsProvider
  public let endpoints: AWSEndpointResolver
  private let regionResolver: AWSRegionResolver
  private let state = Mutex<(region: String?, clients: [String: AWSClient])>((nil, [:]))

  public init(
    _ options: Options = .init(),
    environment: [String: String] = ProcessEnvironment.current(),
    httpClient: HTTPClient = .shared, logger: Logger = Logger(label: "aws"),
    fileID: String = #fileID,
    function: String = #function
  ) {
    self.options = options
    self.environment = environment
    self.http = httpClient
    self.logger = logger
    sessionName =
      options.sessionName.map(AWSSessionName.sanitize)
      ?? AWSSessionName.generate(fileID: fileID, function: function)
    sharedConfig = AWSSharedConfig.load(environment: environment, profile: options.profile)
    instanceMetadata = InstanceMetadataClient(
      endpoint: options.instanceMetadataEndpoint, environment: environment)
    let profile = sharedConfig.profile
    endpoints = AWSEndpointResolver(
      override: options.endpointURL, environment: environment, profileEndpoint: profile?.endpointURL
    )
    regionResolver = AWSRegionResolver(
      argument: options.region, environment: environment, profileRegion: profile?.region,
      instanceMetadata: instanceMetadata)

    // The STS client the credential providers use; it must not depend on `self`.
    let stsFactory = Self.stsFactory(
      regionResolver: regionResolver, endpoints: endpoints, http: httpClient,
      retryPolicy: options.retryPolicy, logger: logger)
    let base: any AWSCredentialsProvider =
      options.credentialsProvider
      ?? Self.defaultChain(
        environment: environment, sharedConfig: sharedConfig,
        explicitProfile: options.profile != nil,
        instanceMetadata: instanceMetadata, makeSTS: stsFactory)
    let cachedBase = CachingCredentialsProvider(base)
    baseCredentialsProvider = cachedBase
    if let roleArn = options.roleArn {
      credentialsProvider = CachingCredentialsProvider(
        AssumeRoleCredentialsProvider(
          roleArn: roleArn, sessionName: sessionName, source: cachedBase, makeSTS: stsFactory))
    } else {
      credentialsProvider = cachedBase
    }
  }

  /// The AWS CLI's order: environment, web identity, the shared files' profile, instance metadata.
  /// An explicitly chosen profile skips the environment's keys, as the CLI does.
  public static func defaultChain(
    environment: [String: String], sharedConfig: AWSSharedConfig, explicitProfile: Bool,
    instanceMetadata: InstanceMetadataClient, makeSTS: @escaping STSClientFactory
  ) -> AWSCredentialsChain {
    var providers: [any AWSCredentialsProvider] = []
    if !explicitProfile {
      providers.append(EnvironmentCredentialsProvider(environment: environment))
    }
    providers.append(WebIdentityCredentialsProvider(environment: environment, makeSTS: makeSTS))
    providers.append(
      ProfileCredentialsProvider(
        config: sharedConfig, environment: environment, instanceMetadata: instanceMetadata,
        makeSTS: makeSTS))
    providers.append(
      InstanceMetadataCredentialsProvider(client: instanceMetadata, environment: environment))
    return AWSCredentialsChain(providers)
  }

  static func stsFactory(
    regionResolver: AWSRegionResolver, endpoints: AWSEndpointResolver, http: HTTPClient,
    retryPolicy: AWSRetryPolicy, logger: Logger
  ) -> STSClientFactory {
    { credentials in
      let region = try await regionResolver.resolve()
      return STSClient(
        client: AWSClient(
          service: .sts, region: region, endpoint: endpoints.endpoint(for: .sts, region: region),
          credentialsProvider: credentials, httpClient: http, retryPolicy: retryPolicy,
          logger: logger))
    }
  }

  /// The session's region (resolved once).
  public func region() async throws -> String {
    if let r = state.withLock({ $0.region }) { return r }
    let r = try await regionResolver.resolve()
    state.withLock { $0.region = r }
    return r
  }

  /// Current credentials (the role's, with `roleArn`).
  public func credentials() async throws -> AWSCredentials {
    try await credentialsProvider.credentials()
  }

  /// The low-level client for `service`, made on first use and reused.
  public func client(_ service: AWSService) async throws -> AWSClient {
    if let c = state.withLock({ $0.clients[service.id] }) { return c }
    let region = try await region()
    return state.withLock { s in
      if let c = s.clients[service.id] { return c }
      let c = AWSClient(
        service: service, region: region,
        endpoint: endpoints.endpoint(for: service, region: region),
        credentialsProvider: credentialsProvider, httpClient: http,
        retryPolicy: options.retryPolicy,
        logger: logger)
      s.clients[service.id] = c
      return c
    }
  }

  public func sts() async throws -> STSClient { STSClient(client: try await client(.sts)) }
}
