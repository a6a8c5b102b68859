import InfraHouseTOML

extension DaemonConfiguration {
  /// The effective configuration as TOML: every key with its value after defaults and
  /// drop-ins. Parsing and decoding the result gives back an equal configuration.
  public func renderTOML() -> String {
    var out = TOMLTextWriter()
    out.section("daemon")
    out.line("log_level", string: daemon.logLevel.rawValue)
    out.line("state_directory", string: daemon.stateDirectory)
    out.line("runtime_directory", string: daemon.runtimeDirectory)
    out.line("stop_timeout", duration: daemon.stopTimeout)

    out.section("aws")
    out.optional("region", aws.region)
    out.optional("role_arn", aws.roleArn)
    out.optional("endpoint_url", aws.endpointURL)
    out.optional("profile", aws.profile)

    out.section("lock")
    out.line("enabled", bool: lock.enabled)
    out.optional("table", lock.table.isEmpty ? nil : lock.table)
    out.line("name", string: lock.name)
    out.line("partition_key", string: lock.partitionKey)
    out.line("lease", duration: lock.lease)
    out.line("heartbeat", duration: lock.heartbeat)
    out.line("poll", duration: lock.poll)

    out.section("runners")
    out.line("enabled", bool: runners.enabled)
    out.schedule(runners.schedule)
    out.line("api_url", string: runners.apiURL)
    out.optional("org", runners.org.isEmpty ? nil : runners.org)
    out.optional("repo", runners.repo)
    switch runners.auth {
    case .tokenFile(let path): out.line("token_file", string: path)
    case .tokenEnvironment(let name): out.line("token_env", string: name)
    case .tokenSecret(let secret): out.line("token_secret", string: secret)
    case .app(let appID, let keyFile, let installation):
      out.line("app_id", string: appID)
      out.line("app_private_key_file", string: keyFile)
      out.optional("installation_id", installation)
    }
    out.line("labels", strings: runners.labels)
    out.optional("name_prefix", runners.namePrefix)
    out.line("offline_grace", duration: runners.offlineGrace)
    out.line("idle", bool: runners.idle)
    out.line("idle_grace", duration: runners.idleGrace)
    out.line("min_idle", integer: runners.minIdle)
    out.line("max_deregistrations", integer: runners.maxDeregistrations)
    out.line("concurrency", integer: runners.concurrency)
    out.line("dry_run", bool: runners.dryRun)

    out.section("raft")
    out.line("enabled", bool: raft.enabled)
    out.schedule(raft.schedule)
    out.line("backend", string: raft.backend.rawValue)
    out.line("transport", string: raft.transport.rawValue)
    out.optional("asg", raft.autoScalingGroup.isEmpty ? nil : raft.autoScalingGroup)
    out.line("api_port", integer: raft.apiPort)
    out.line("raft_port", integer: raft.raftPort)
    out.line("call_timeout", duration: raft.callTimeout)
    out.line("reconcile", bool: raft.reconcile)
    out.line("dry_run", bool: raft.dryRun)
    out.line("min_size", integer: raft.minSize)

    for command in commands {
      out.text += "\n[[command]]\n"
      out.line("name", string: command.name)
      out.line("argv", strings: command.argv)
      out.line("enabled", bool: command.enabled)
      out.line("exclusive", bool: command.exclusive)
      out.schedule(command.schedule)
    }
    return out.text
  }
}

/// Builds TOML text line by line.
private struct TOMLTextWriter {
  var text = ""

  mutating func section(_ name: String) {
    text += (text.isEmpty ? "" : "\n") + "[\(name)]\n"
  }

  mutating func line(_ key: String, string value: String) {
    text += "\(key) = \(TOMLStringLiteral.basic(value))\n"
  }

  mutating func line(_ key: String, bool value: Bool) { text += "\(key) = \(value)\n" }

  mutating func line(_ key: String, integer value: Int) { text += "\(key) = \(value)\n" }

  mutating func line(_ key: String, duration value: Duration) {
    line(key, string: DurationSyntax.render(value))
  }

  mutating func line(_ key: String, strings values: [String]) {
    text += "\(key) = [" + values.map(TOMLStringLiteral.basic).joined(separator: ", ") + "]\n"
  }

  /// A key that is unset is written as a comment, so the output still names it.
  mutating func optional(_ key: String, _ value: String?) {
    if let value { line(key, string: value) } else { text += "# \(key) is not set\n" }
  }

  mutating func schedule(_ schedule: TaskSchedule) {
    line("interval", duration: schedule.interval)
    line("jitter", duration: schedule.jitter)
    line("timeout", duration: schedule.timeout)
    line("backoff_max", duration: schedule.backoffCap)
  }
}
