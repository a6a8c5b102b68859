/// The daemon's whole typed configuration: what `/etc/infrahoused/infrahoused.toml`
/// plus the drop-ins in `conf.d/` decode into.
///
/// Every section is optional in the file; a missing section takes the defaults
/// shown here. A task section whose `enabled` is false is kept (so `check-config`
/// still validates it) but not scheduled.
public struct DaemonConfiguration: Sendable, Equatable {
  /// `[daemon]`: process-wide settings.
  public var daemon: DaemonSection
  /// `[aws]`: region, role and endpoint overrides for every AWS call.
  public var aws: AWSSection
  /// `[lock]`: the fleet lock that gates exclusive tasks.
  public var lock: LockSection
  /// `[runners]`: GitHub Actions runner housekeeping.
  public var runners: RunnersSection
  /// `[raft]`: Raft heartbeats and membership reconcile.
  public var raft: RaftSection
  /// `[[command]]`: periodic commands, the scheduler's generic task.
  public var commands: [CommandTask]

  public init(
    daemon: DaemonSection = .init(), aws: AWSSection = .init(), lock: LockSection = .init(),
    runners: RunnersSection = .init(), raft: RaftSection = .init(), commands: [CommandTask] = []
  ) {
    self.daemon = daemon
    self.aws = aws
    self.lock = lock
    self.runners = runners
    self.raft = raft
    self.commands = commands
  }
}

/// Log levels, in the order of swift-log; each maps onto a syslog priority.
public enum LogLevel: String, Sendable, CaseIterable, Comparable {
  case trace, debug, info, notice, warning, error, critical

  /// The syslog priority journald and `<N>` prefixes use.
  public var syslogPriority: Int {
    switch self {
    case .trace, .debug: 7
    case .info: 6
    case .notice: 5
    case .warning: 4
    case .error: 3
    case .critical: 2
    }
  }

  private var rank: Int { Self.allCases.firstIndex(of: self)! }
  public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rank < rhs.rank }
}

/// When and how a periodic task runs. Shared by every task section.
public struct TaskSchedule: Sendable, Equatable {
  /// Time between the start of one run and the start of the next (`interval`).
  public var interval: Duration
  /// A random delay in `0...jitter` added to each wait (`jitter`).
  public var jitter: Duration
  /// A run still going after this long is cancelled (`timeout`).
  public var timeout: Duration
  /// The longest wait after consecutive failures (`backoff_max`); the wait
  /// doubles from `interval` after each failure up to this cap.
  public var backoffCap: Duration

  public init(interval: Duration, jitter: Duration = .zero, timeout: Duration, backoffCap: Duration)
  {
    self.interval = interval
    self.jitter = jitter
    self.timeout = timeout
    self.backoffCap = backoffCap
  }
}

/// `[daemon]`
public struct DaemonSection: Sendable, Equatable {
  /// `log_level`, default `info`.
  public var logLevel: LogLevel = .info
  /// `state_directory`, default `/var/lib/infrahoused` (systemd's `StateDirectory=`).
  public var stateDirectory: String = "/var/lib/infrahoused"
  /// `runtime_directory`, default `/run/infrahoused`: holds `control.sock`.
  public var runtimeDirectory: String = "/run/infrahoused"
  /// `stop_timeout`, default 20 s: how long running tasks get to finish on stop.
  public var stopTimeout: Duration = .seconds(20)
  public init() {}
}

/// `[aws]`
public struct AWSSection: Sendable, Equatable {
  /// `region`; unset means the AWS chain (env, profile, instance metadata).
  public var region: String?
  /// `role_arn`: a role assumed for every call.
  public var roleArn: String?
  /// `endpoint_url`: one endpoint for every service (moto, a VPC endpoint).
  public var endpointURL: String?
  /// `profile`: a named profile of the shared config files.
  public var profile: String?
  public init() {}
}

/// `[lock]`
public struct LockSection: Sendable, Equatable {
  /// `enabled`, default false: without the lock no exclusive task runs.
  public var enabled: Bool = false
  /// `table`: the DynamoDB table (required when enabled).
  public var table: String = ""
  /// `name`, default `infrahoused`: the lock's partition-key value.
  public var name: String = "infrahoused"
  /// `partition_key`, default `ResourceId` (infrahouse-core's).
  public var partitionKey: String = "ResourceId"
  /// `lease`, default 30 s; must be at least 4 heartbeats (self-fencing is at lease - 2 heartbeats).
  public var lease: Duration = .seconds(30)
  /// `heartbeat`, default 5 s: the renewal interval.
  public var heartbeat: Duration = .seconds(5)
  /// `poll`, default 2 s: how often a standby tries to acquire.
  public var poll: Duration = .seconds(2)
  public init() {}
}

/// How the runner task authenticates to GitHub.
public enum GitHubAuth: Sendable, Equatable {
  /// `token_file = "..."`
  case tokenFile(String)
  /// `token_env = "GITHUB_TOKEN"`
  case tokenEnvironment(String)
  /// `token_secret = "..."`: a Secrets Manager secret holding the token.
  case tokenSecret(String)
  /// `app_id`, `app_private_key_file`, optional `installation_id`.
  case app(appID: String, privateKeyFile: String, installationID: String?)
}

/// `[runners]`
public struct RunnersSection: Sendable, Equatable {
  public var enabled: Bool = false
  public var schedule = TaskSchedule(
    interval: .seconds(300), jitter: .seconds(30), timeout: .seconds(120),
    backoffCap: .seconds(1800))
  /// `api_url`, default `https://api.github.com`.
  public var apiURL: String = "https://api.github.com"
  /// `org` (required when enabled) and optional `repo`.
  public var org: String = ""
  public var repo: String?
  public var auth: GitHubAuth = .tokenEnvironment("GITHUB_TOKEN")
  /// Scope: `labels` (all must be present) and/or `name_prefix`.
  public var labels: [String] = []
  public var namePrefix: String?
  /// `offline_grace`, default 10 min.
  public var offlineGrace: Duration = .seconds(600)
  /// `idle` (opt-in), `idle_grace`, `min_idle`.
  public var idle: Bool = false
  public var idleGrace: Duration = .seconds(1800)
  public var minIdle: Int = 1
  /// `max_deregistrations`, default 50.
  public var maxDeregistrations: Int = 50
  /// `concurrency`, default 2.
  public var concurrency: Int = 2
  /// `dry_run`, default false.
  public var dryRun: Bool = false
  public init() {}
}

/// Which Raft implementation the peers run.
public enum RaftBackendKind: String, Sendable, Equatable, CaseIterable {
  case orchestrator, etcd
}

/// How the Orchestrator API is reached.
public enum RaftTransport: String, Sendable, Equatable, CaseIterable {
  case http, ssm
}

/// `[raft]`
public struct RaftSection: Sendable, Equatable {
  public var enabled: Bool = false
  public var schedule = TaskSchedule(
    interval: .seconds(30), jitter: .zero, timeout: .seconds(25), backoffCap: .seconds(300))
  public var backend: RaftBackendKind = .orchestrator
  public var transport: RaftTransport = .http
  /// `asg`: the Auto Scaling Group whose instances are the peers (required when enabled).
  public var autoScalingGroup: String = ""
  /// `api_port`, default 3000 (Orchestrator) — etcd uses its client port here.
  public var apiPort: Int = 3000
  /// `raft_port`, default 10008: the port in peer addresses.
  public var raftPort: Int = 10008
  /// `call_timeout`, default 5 s per API call.
  public var callTimeout: Duration = .seconds(5)
  /// `reconcile` (opt-in, exclusive), `dry_run`, `min_size` (default 3).
  public var reconcile: Bool = false
  public var dryRun: Bool = false
  public var minSize: Int = 3
  public init() {}
}

/// `[[command]]`: run a command periodically, optionally only on the lock holder.
public struct CommandTask: Sendable, Equatable {
  /// `name`: unique among tasks, used in logs (`TASK=`) and status.
  public var name: String
  /// `argv`: the program and its arguments; no shell is involved.
  public var argv: [String]
  /// `exclusive`, default false: run only while this host holds the fleet lock.
  public var exclusive: Bool
  /// `interval` (required), `jitter` (default 0), `timeout` (default: the interval),
  /// `backoff_max` (default: 10 x the interval).
  public var schedule: TaskSchedule
  /// `enabled`, default true: a drop-in can switch a command off by name.
  public var enabled: Bool

  public init(
    name: String, argv: [String], exclusive: Bool = false, schedule: TaskSchedule,
    enabled: Bool = true
  ) {
    self.name = name
    self.argv = argv
    self.exclusive = exclusive
    self.schedule = schedule
    self.enabled = enabled
  }
}
