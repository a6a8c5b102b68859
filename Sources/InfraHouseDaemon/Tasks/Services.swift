import InfraHouseConfig
import InfraHouseCore

/// Builds the library objects the tasks share from the configuration: one AWS
/// session (lazy: no call until a task needs AWS) and the GitHub clients.
enum Services {
  /// The session for `[aws]`.
  static func awsSession(_ section: AWSSection, logger: Logger) -> AWSSession {
    AWSSession(
      .init(
        region: section.region, roleArn: section.roleArn, sessionName: "infrahoused",
        profile: section.profile, endpointURL: section.endpointURL),
      logger: logger.with("component", "aws"))
  }

  /// The token source `[runners]` names.
  static func gitHubCredentials(
    _ section: RunnersSection, aws: AWSSession, transport: GitHubTransport
  ) throws
    -> any GitHubTokenSource
  {
    switch section.auth {
    case .tokenFile(let path): return try StaticGitHubToken.file(path)
    case .tokenEnvironment(let name): return try StaticGitHubToken.environment(name)
    case .tokenSecret(let name): return SecretGitHubToken(secret: Secret(name: name, session: aws))
    case .app(let appID, let keyFile, let installationID):
      guard let pem = FileReader.read(keyFile) else {
        throw GitHubCredentialsError(
          description: "cannot read the GitHub App private key file \(keyFile)")
      }
      return try GitHubAppTokens(
        appID: appID, privateKeyPEM: pem, organization: section.org, installationID: installationID,
        transport: transport)
    }
  }

  /// The runners of `[runners]`'s scope.
  static func gitHubActions(_ section: RunnersSection, aws: AWSSession) throws -> GitHubActions {
    let transport = GitHubTransport(baseURL: section.apiURL, http: .shared)
    let credentials = try gitHubCredentials(section, aws: aws, transport: transport)
    let scope: RunnerScope =
      section.repo.map { .repository(owner: section.org, name: $0) } ?? .organization(section.org)
    return GitHubActions(
      client: GitHubClient(transport: transport, credentials: credentials), scope: scope)
  }

  /// The deregistration policy of `[runners]`.
  static func policy(_ section: RunnersSection) -> DeregistrationPolicy {
    DeregistrationPolicy(
      requiredLabels: section.labels, namePrefix: section.namePrefix,
      offlineGrace: section.offlineGrace,
      idleEnabled: section.idle, idleGrace: section.idleGrace, minIdle: section.minIdle,
      maxDeregistrations: section.maxDeregistrations)
  }

  /// The housekeeper `[runners]` describes; `dryRun` overrides the config's.
  static func housekeeper(
    _ configuration: DaemonConfiguration, dryRun: Bool? = nil, keepHistory: Bool = true,
    logger: Logger
  ) throws -> RunnerHousekeeper {
    let section = configuration.runners
    let aws = awsSession(configuration.aws, logger: logger)
    return RunnerHousekeeper(
      actions: try gitHubActions(section, aws: aws), policy: policy(section),
      instances: EC2InstanceStateLookup(session: aws),
      stateFile: keepHistory ? configuration.daemon.stateDirectory + "/runners.json" : nil,
      dryRun: dryRun ?? section.dryRun, concurrency: section.concurrency, logger: logger)
  }
}

/// The `[runners]` task: one housekeeping sweep per run (exclusive: only the
/// fleet lock's holder deregisters runners).
///
/// The housekeeper (and so a GitHub App's cached installation token) is built
/// once per configuration; a setup error (an unreadable token file) fails
/// every run with that error until a reload fixes it.
struct RunnersJob: PeriodicJob {
  let housekeeper: Result<RunnerHousekeeper, any Error>
  let timeout: Duration

  init(configuration: DaemonConfiguration, logger: Logger) {
    housekeeper = Result {
      try Services.housekeeper(configuration, logger: logger.with("task", "runners"))
    }
    timeout = configuration.runners.schedule.timeout
  }

  func run(_ context: JobContext) async throws {
    _ = try await housekeeper.get().sweep(deadline: ContinuousClock.now + timeout)
  }
}
