import InfraHouseTOML

/// The schema: which sections and keys exist, their types, defaults and the rules between them.
extension ConfigurationDecoder {
  static let sectionNames = ["daemon", "aws", "lock", "runners", "raft", "command"]
  static let scheduleKeys = ["interval", "jitter", "timeout", "backoff_max"]
  static let daemonKeys = ["log_level", "state_directory", "runtime_directory", "stop_timeout"]
  static let awsKeys = ["region", "role_arn", "endpoint_url", "profile"]
  static let lockKeys = ["enabled", "table", "name", "partition_key", "lease", "heartbeat", "poll"]
  static let runnersKeys =
    ["enabled"] + scheduleKeys + [
      "api_url", "org", "repo", "token_file", "token_env", "token_secret", "app_id",
      "app_private_key_file",
      "installation_id", "labels", "name_prefix", "offline_grace", "idle", "idle_grace", "min_idle",
      "max_deregistrations", "concurrency", "dry_run",
    ]
  static let raftKeys =
    ["enabled"] + scheduleKeys + [
      "backend", "transport", "asg", "api_port", "raft_port", "call_timeout", "reconcile",
      "dry_run", "min_size",
    ]
  static let commandKeys = ["name", "argv", "exclusive", "enabled"] + scheduleKeys
  /// Task names the built-in sections use; commands cannot take them.
  static let reservedTaskNames: Set<String> = ["runners", "raft", "lock"]

  /// Decodes every layer into one configuration; problems land in `diagnostics`.
  mutating func decodeConfiguration() -> DaemonConfiguration {
    var sections: [String: LayeredTable] = [:]
    for name in Self.sectionNames { sections[name] = LayeredTable(name: "[\(name)]") }
    for (index, layer) in layers.enumerated() {
      for entry in layer.root.entries {
        guard Self.sectionNames.contains(entry.key) else {
          let kind =
            entry.value.tableValue != nil
            ? "section [\(entry.key)]" : "top-level key '\(entry.key)'"
          let hint =
            KeySuggestion.closest(to: entry.key, in: Self.sectionNames).map {
              "; did you mean '\($0)'?"
            }
            ?? "; the sections are "
            + Self.sectionNames.map { $0 == "command" ? "[[command]]" : "[\($0)]" }.joined(
              separator: ", ")
          report("unknown \(kind)" + hint, layer: index, at: entry.keyPosition)
          continue
        }
        if entry.key == "command" { continue }
        guard let table = entry.value.tableValue else {
          report(
            "'\(entry.key)' must be a table: write a [\(entry.key)] section, found \(entry.value.typeName)",
            layer: index, at: entry.keyPosition)
          continue
        }
        sections[entry.key]!.pieces.append((index, table, entry.value.position))
      }
    }
    var configuration = DaemonConfiguration()
    configuration.daemon = decodeDaemon(sections["daemon"]!)
    configuration.aws = decodeAWS(sections["aws"]!)
    configuration.lock = decodeLock(sections["lock"]!)
    configuration.runners = decodeRunners(sections["runners"]!)
    configuration.raft = decodeRaft(sections["raft"]!, lock: configuration.lock)
    configuration.commands = commandTables().compactMap {
      decodeCommand($0, lock: configuration.lock)
    }
    return configuration
  }

  // MARK: Sections

  mutating func decodeDaemon(_ table: LayeredTable) -> DaemonSection {
    rejectUnknownKeys(in: table, allowed: Self.daemonKeys)
    var section = DaemonSection()
    section.logLevel = enumeration("log_level", in: table, as: LogLevel.self) ?? section.logLevel
    section.stateDirectory = absolutePath("state_directory", in: table) ?? section.stateDirectory
    section.runtimeDirectory =
      absolutePath("runtime_directory", in: table) ?? section.runtimeDirectory
    section.stopTimeout = positiveDuration("stop_timeout", in: table) ?? section.stopTimeout
    return section
  }

  mutating func decodeAWS(_ table: LayeredTable) -> AWSSection {
    rejectUnknownKeys(in: table, allowed: Self.awsKeys)
    var section = AWSSection()
    section.region = string("region", in: table)
    section.roleArn = string("role_arn", in: table)
    if let arn = section.roleArn, !arn.hasPrefix("arn:"), let located = table.lookup("role_arn") {
      report("'role_arn' in [aws] must be an ARN (arn:aws:iam::ACCOUNT:role/NAME)", at: located)
    }
    section.endpointURL = httpURL("endpoint_url", in: table)
    section.profile = string("profile", in: table)
    return section
  }

  mutating func decodeLock(_ table: LayeredTable) -> LockSection {
    rejectUnknownKeys(in: table, allowed: Self.lockKeys)
    var section = LockSection()
    section.enabled = bool("enabled", in: table) ?? section.enabled
    section.table = string("table", in: table) ?? section.table
    section.name = string("name", in: table) ?? section.name
    section.partitionKey = string("partition_key", in: table) ?? section.partitionKey
    let lease = positiveDuration("lease", in: table)
    let heartbeat = positiveDuration("heartbeat", in: table)
    section.lease = lease ?? section.lease
    section.heartbeat = heartbeat ?? section.heartbeat
    section.poll = positiveDuration("poll", in: table) ?? section.poll
    if section.enabled && table.lookup("table") == nil {
      reportMissing("table", in: table, reason: "the DynamoDB table; required when enabled = true")
    }
    if lease != nil || table.lookup("lease") == nil,
      heartbeat != nil || table.lookup("heartbeat") == nil,
      DurationSyntax.milliseconds(section.lease) < 4
        * DurationSyntax.milliseconds(section.heartbeat)
    {
      let message =
        "lock lease \(DurationSyntax.render(section.lease)) must be at least 4 heartbeats (heartbeat = \(DurationSyntax.render(section.heartbeat))): the holder fences itself at lease - 2 heartbeats, so it must be able to miss a renewal and still hold one heartbeat of margin"
      if let located = table.lookup("lease") ?? table.lookup("heartbeat") {
        report(message, at: located)
      } else {
        reportMissing("lease", in: table, reason: message)
      }
    }
    return section
  }

  mutating func decodeRunners(_ table: LayeredTable) -> RunnersSection {
    rejectUnknownKeys(in: table, allowed: Self.runnersKeys)
    var section = RunnersSection()
    section.enabled = bool("enabled", in: table) ?? section.enabled
    section.schedule = schedule(in: table, defaults: section.schedule)
    section.apiURL = httpURL("api_url", in: table) ?? section.apiURL
    section.org = string("org", in: table) ?? section.org
    section.repo = string("repo", in: table)
    section.auth = gitHubAuth(in: table) ?? section.auth
    section.labels = stringArray("labels", in: table) ?? section.labels
    section.namePrefix = string("name_prefix", in: table)
    section.offlineGrace = positiveDuration("offline_grace", in: table) ?? section.offlineGrace
    section.idle = bool("idle", in: table) ?? section.idle
    section.idleGrace = positiveDuration("idle_grace", in: table) ?? section.idleGrace
    section.minIdle = integer("min_idle", in: table, range: 0...100_000) ?? section.minIdle
    section.maxDeregistrations =
      integer("max_deregistrations", in: table, range: 0...100_000) ?? section.maxDeregistrations
    section.concurrency = integer("concurrency", in: table, range: 1...64) ?? section.concurrency
    section.dryRun = bool("dry_run", in: table) ?? section.dryRun
    if section.enabled && table.lookup("org") == nil {
      reportMissing(
        "org", in: table, reason: "the GitHub organization; required when enabled = true")
    }
    return section
  }

  /// Exactly one of `token_file`, `token_env`, `token_secret`, `app_id` (with `app_private_key_file`).
  mutating func gitHubAuth(in table: LayeredTable) -> GitHubAuth? {
    let methods = ["token_file", "token_env", "token_secret", "app_id"].filter {
      table.lookup($0) != nil
    }
    if methods.count > 1, let second = table.lookup(methods[1]) {
      report(
        "choose one GitHub authentication in [runners]: \(methods.map { "'\($0)'" }.joined(separator: " and ")) are both set",
        at: second)
      return nil
    }
    for dependent in ["app_private_key_file", "installation_id"] where methods != ["app_id"] {
      if let located = table.lookup(dependent) {
        report("'\(dependent)' in [runners] only applies with 'app_id'", at: located)
      }
    }
    switch methods.first {
    case "token_file": return string("token_file", in: table).map(GitHubAuth.tokenFile)
    case "token_env": return string("token_env", in: table).map(GitHubAuth.tokenEnvironment)
    case "token_secret": return string("token_secret", in: table).map(GitHubAuth.tokenSecret)
    case "app_id":
      let appID = identifier("app_id", in: table)
      let installation = identifier("installation_id", in: table)
      guard table.lookup("app_private_key_file") != nil else {
        reportMissing(
          "app_private_key_file", in: table,
          reason: "the GitHub App's PEM key; required with app_id")
        return nil
      }
      guard let appID, let keyFile = string("app_private_key_file", in: table) else { return nil }
      return .app(appID: appID, privateKeyFile: keyFile, installationID: installation)
    default:
      return nil
    }
  }

  mutating func decodeRaft(_ table: LayeredTable, lock: LockSection) -> RaftSection {
    rejectUnknownKeys(in: table, allowed: Self.raftKeys)
    var section = RaftSection()
    section.enabled = bool("enabled", in: table) ?? section.enabled
    section.schedule = schedule(in: table, defaults: section.schedule)
    section.backend = enumeration("backend", in: table, as: RaftBackendKind.self) ?? section.backend
    section.transport =
      enumeration("transport", in: table, as: RaftTransport.self) ?? section.transport
    section.autoScalingGroup = string("asg", in: table) ?? section.autoScalingGroup
    section.apiPort = integer("api_port", in: table, range: 1...65535) ?? section.apiPort
    section.raftPort = integer("raft_port", in: table, range: 1...65535) ?? section.raftPort
    section.callTimeout = positiveDuration("call_timeout", in: table) ?? section.callTimeout
    section.reconcile = bool("reconcile", in: table) ?? section.reconcile
    section.dryRun = bool("dry_run", in: table) ?? section.dryRun
    section.minSize = integer("min_size", in: table, range: 1...1000) ?? section.minSize
    if section.enabled && table.lookup("asg") == nil {
      reportMissing(
        "asg", in: table,
        reason: "the Auto Scaling Group of the peers; required when enabled = true")
    }
    if section.transport == .ssm && section.backend == .etcd,
      let located = table.lookup("transport")
    {
      report("transport = \"ssm\" is only supported with backend = \"orchestrator\"", at: located)
    }
    if section.callTimeout > section.schedule.timeout,
      let located = table.lookup("call_timeout") ?? table.lookup("timeout")
    {
      report(
        "call_timeout (\(DurationSyntax.render(section.callTimeout))) must not exceed the task timeout (\(DurationSyntax.render(section.schedule.timeout)))",
        at: located)
    }
    if section.enabled && section.reconcile && !lock.enabled,
      let located = table.lookup("reconcile")
    {
      report(
        "reconcile = true needs the fleet lock: enable [lock] (reconcile runs on the lock holder only)",
        at: located)
    }
    return section
  }

  // MARK: Commands

  /// The `[[command]]` entries of every layer, merged by name: a later layer's entry
  /// with a known name overrides that command's keys, a new name adds a command.
  mutating func commandTables() -> [LayeredTable] {
    var result: [LayeredTable] = []
    var indexByName: [String: Int] = [:]
    for (index, layer) in layers.enumerated() {
      guard let entry = layer.root[entry: "command"] else { continue }
      guard let items = entry.value.arrayValue else {
        report(
          "'command' must be an array of tables: write each command as a [[command]] section, found \(entry.value.typeName)",
          layer: index, at: entry.keyPosition)
        continue
      }
      var seen: [String: TOMLPosition] = [:]
      for (offset, item) in items.enumerated() {
        guard let table = item.tableValue else {
          report(
            "each 'command' must be a table, found \(item.typeName)", layer: index,
            at: item.position)
          continue
        }
        guard let nameValue = table["name"] else {
          report(
            "[[command]] number \(offset + 1) in this file has no 'name' (a unique task name, e.g. name = \"backup\")",
            layer: index, at: item.position)
          continue
        }
        guard let name = nameValue.stringValue else {
          report(
            "'name' in [[command]] must be a string, found \(nameValue.typeName)", layer: index,
            at: nameValue.position)
          continue
        }
        guard !name.isEmpty, name.utf8.allSatisfy({ $0.isTaskNameCharacter }) else {
          report(
            "invalid command name \(TOMLStringLiteral.basic(name)): use letters, digits, '.', '_' and '-'",
            layer: index, at: nameValue.position)
          continue
        }
        if Self.reservedTaskNames.contains(name) {
          report(
            "command name '\(name)' is taken by the built-in [\(name)] task; task names must be unique",
            layer: index, at: nameValue.position)
          continue
        }
        if let first = seen[name] {
          report(
            "duplicate command name '\(name)' (first defined at \(first)); task names must be unique",
            layer: index, at: nameValue.position)
          continue
        }
        seen[name] = nameValue.position
        if let existing = indexByName[name] {
          result[existing].pieces.append((index, table, item.position))
        } else {
          indexByName[name] = result.count
          result.append(
            LayeredTable(name: "[[command]] '\(name)'", pieces: [(index, table, item.position)]))
        }
      }
    }
    return result
  }

  mutating func decodeCommand(_ table: LayeredTable, lock: LockSection) -> CommandTask? {
    rejectUnknownKeys(in: table, allowed: Self.commandKeys)
    guard let name = table.lookup("name")?.value.stringValue else { return nil }
    let enabled = bool("enabled", in: table) ?? true
    let exclusive = bool("exclusive", in: table) ?? false
    var argv: [String] = []
    if let located = table.lookup("argv") {
      if let items = stringArray("argv", in: table) {
        if items.isEmpty || items[0].isEmpty {
          report(
            "'argv' in \(table.name) must name a program: a non-empty array such as [\"/usr/bin/backup\", \"--quick\"]",
            at: located)
        } else {
          argv = items
        }
      }
    } else {
      reportMissing(
        "argv", in: table, reason: "the program and its arguments, e.g. [\"/usr/bin/backup\"]")
    }
    let interval = table.lookup("interval") == nil ? nil : positiveDuration("interval", in: table)
    if table.lookup("interval") == nil {
      reportMissing("interval", in: table, reason: "how often the command runs, e.g. \"5m\"")
    }
    let base = interval ?? .seconds(60)
    let defaults = TaskSchedule(interval: base, jitter: .zero, timeout: base, backoffCap: base * 10)
    let schedule = schedule(in: table, defaults: defaults)
    if exclusive && enabled && !lock.enabled, let located = table.lookup("exclusive") {
      report("exclusive = true needs the fleet lock: enable [lock]", at: located)
    }
    return CommandTask(
      name: name, argv: argv, exclusive: exclusive, schedule: schedule, enabled: enabled)
  }

  // MARK: Shared pieces

  /// `interval`, `jitter`, `timeout`, `backoff_max`, and the rules between them.
  mutating func schedule(in table: LayeredTable, defaults: TaskSchedule) -> TaskSchedule {
    var schedule = defaults
    schedule.interval = positiveDuration("interval", in: table) ?? schedule.interval
    if let jitter = duration("jitter", in: table) { schedule.jitter = jitter }
    schedule.timeout = positiveDuration("timeout", in: table) ?? schedule.timeout
    schedule.backoffCap = positiveDuration("backoff_max", in: table) ?? schedule.backoffCap
    if schedule.jitter >= schedule.interval,
      let located = table.lookup("jitter") ?? table.lookup("interval")
    {
      report(
        "jitter (\(DurationSyntax.render(schedule.jitter))) must be shorter than interval (\(DurationSyntax.render(schedule.interval))) in \(table.name)",
        at: located)
    }
    if schedule.backoffCap < schedule.interval,
      let located = table.lookup("backoff_max") ?? table.lookup("interval")
    {
      report(
        "backoff_max (\(DurationSyntax.render(schedule.backoffCap))) must be at least interval (\(DurationSyntax.render(schedule.interval))) in \(table.name)",
        at: located)
    }
    return schedule
  }

  mutating func positiveDuration(_ key: String, in table: LayeredTable) -> Duration? {
    guard let value = duration(key, in: table) else { return nil }
    guard value > .zero else {
      report("'\(key)' in \(table.name) must be longer than 0s", at: table.lookup(key)!)
      return nil
    }
    return value
  }

  mutating func absolutePath(_ key: String, in table: LayeredTable) -> String? {
    guard let path = string(key, in: table) else { return nil }
    guard path.hasPrefix("/") else {
      report("'\(key)' in \(table.name) must be an absolute path", at: table.lookup(key)!)
      return nil
    }
    return path
  }

  mutating func httpURL(_ key: String, in table: LayeredTable) -> String? {
    guard let url = string(key, in: table) else { return nil }
    guard url.hasPrefix("http://") || url.hasPrefix("https://"), url.count > 8 else {
      report("'\(key)' in \(table.name) must be an http:// or https:// URL", at: table.lookup(key)!)
      return nil
    }
    return url
  }

  /// A GitHub App or installation id, written as a string or an integer.
  mutating func identifier(_ key: String, in table: LayeredTable) -> String? {
    guard let located = table.lookup(key) else { return nil }
    if let number = located.value.integerValue, number > 0 { return String(number) }
    if let text = located.value.stringValue, !text.isEmpty,
      text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
    {
      return text
    }
    report("'\(key)' in \(table.name) must be a positive number (string or integer)", at: located)
    return nil
  }
}

extension UInt8 {
  fileprivate var isTaskNameCharacter: Bool {
    (self >= 0x30 && self <= 0x39) || (self | 0x20 >= 0x61 && self | 0x20 <= 0x7A) || self == 0x2D
      || self == 0x2E
      || self == 0x5F
  }
}
