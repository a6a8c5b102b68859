import InfraHouseConfig
import Testing

/// Each kind of configuration error, with its file:line:column.
@Suite struct ConfigurationErrorTests {
  @Test func unknownKeySuggestsTheClosestKnownKey() {
    let found = diagnostics("[runners]\nintervall = \"5m\"\n")
    #expect(found.count == 1)
    #expect(
      found.first?.message == "unknown key 'intervall' in [runners]; did you mean 'interval'?")
    #expect(found.first.map { "\($0.file):\($0.line):\($0.column)" } == "main.toml:2:1")
    #expect(
      found.first?.description == """
        main.toml:2:1: error: unknown key 'intervall' in [runners]; did you mean 'interval'?
        intervall = "5m"
        ^
        """)
  }

  @Test func unknownKeyWithoutACloseMatchListsNothingMisleading() {
    let found = diagnostics("[lock]\ncolour = 1\n")
    #expect(found.first?.message == "unknown key 'colour' in [lock]")
  }

  @Test func unknownSectionAndTopLevelKey() {
    let found = diagnostics("[runers]\nx = 1\n")
    #expect(found.first?.message == "unknown section [runers]; did you mean 'runners'?")
    #expect(found.first.map { "\($0.line):\($0.column)" } == "1:2")
    let topLevel = diagnostics("verbose = true\n")
    #expect(
      topLevel.first?.message.hasPrefix(
        "unknown top-level key 'verbose'; the sections are [daemon]") == true)
    let notATable = diagnostics("lock = 1\n")
    #expect(
      notATable.first?.message == "'lock' must be a table: write a [lock] section, found integer")
  }

  @Test func wrongTypes() {
    let found = diagnostics(
      "[lock]\nenabled = \"yes\"\n[raft]\napi_port = \"3000\"\n[runners]\nlabels = [\"a\", 1]\n")
    #expect(
      found.map(\.message) == [
        "'enabled' in [lock] must be true or false, found string",
        "'api_port' in [raft] must be an integer, found string",
        "'labels' in [runners] must contain only strings, found integer",
      ])
    #expect(found.map(\.line) == [2, 4, 6])
    #expect(found.last?.column == 16)
  }

  @Test func durations() {
    let found = diagnostics(
      "[daemon]\nstop_timeout = 20\n[lock]\npoll = \"2 s\"\nheartbeat = \"0s\"\n")
    #expect(found.count == 3)
    #expect(found[0].message.contains("is a duration: write it as a string with a unit"))
    #expect(found[0].line == 2 && found[0].column == 16)
    #expect(found[1].message.hasPrefix("invalid duration \"2 s\" for 'poll' in [lock]"))
    #expect(found[2].message == "'heartbeat' in [lock] must be longer than 0s")
  }

  @Test func enumerationsSuggestAValue() {
    let found = diagnostics("[raft]\nbackend = \"etc\"\n[daemon]\nlog_level = \"verbose\"\n")
    #expect(
      found.map(\.message) == [
        "invalid value \"etc\" for 'backend' in [raft]; expected one of orchestrator, etcd; did you mean 'etcd'?",
        "invalid value \"verbose\" for 'log_level' in [daemon]; expected one of trace, debug, info, notice, warning, error, critical",
      ])
  }

  @Test func requiredKeysWhenASectionIsEnabled() {
    let found = diagnostics(
      "[lock]\nenabled = true\n\n[runners]\nenabled = true\n\n[raft]\nenabled = true\n")
    #expect(
      found.map(\.message) == [
        "missing required key 'table' in [lock] (the DynamoDB table; required when enabled = true)",
        "missing required key 'org' in [runners] (the GitHub organization; required when enabled = true)",
        "missing required key 'asg' in [raft] (the Auto Scaling Group of the peers; required when enabled = true)",
      ])
    #expect(found.map(\.line) == [1, 4, 7])
    // Disabled sections need none of them.
    #expect(decode("[lock]\nenabled = false\n[runners]\n[raft]\n") != nil)
  }

  @Test func lockLeaseMustCoverFourHeartbeats() {
    let found = diagnostics("[lock]\nlease = \"10s\"\nheartbeat = \"5s\"\n")
    #expect(found.count == 1)
    #expect(
      found.first?.message.hasPrefix(
        "lock lease 10s must be at least 4 heartbeats (heartbeat = 5s)") == true)
    #expect(found.first.map { "\($0.line):\($0.column)" } == "2:9")
    // The default lease (30s) against a long heartbeat is reported at the heartbeat.
    let heartbeatOnly = diagnostics("[lock]\nheartbeat = \"11s\"\n")
    #expect(heartbeatOnly.first.map { "\($0.line):\($0.column)" } == "2:13")
    #expect(diagnostics("[lock]\nlease = \"15s\"\nheartbeat = \"5s\"\n").count == 1)
    #expect(decode("[lock]\nlease = \"20s\"\nheartbeat = \"5s\"\n") != nil)
  }

  @Test func portsAndCounts() {
    let found = diagnostics(
      "[raft]\napi_port = 70000\nraft_port = 0\nmin_size = 0\n[runners]\nconcurrency = 100\n")
    #expect(
      found.map(\.message) == [
        "'api_port' in [raft] must be between 1 and 65535, found 70000",
        "'raft_port' in [raft] must be between 1 and 65535, found 0",
        "'min_size' in [raft] must be between 1 and 1000, found 0",
        "'concurrency' in [runners] must be between 1 and 64, found 100",
      ])
  }

  @Test func scheduleRules() {
    let found = diagnostics(
      "[runners]\ninterval = \"1m\"\njitter = \"1m\"\nbackoff_max = \"30s\"\n")
    #expect(
      found.map(\.message) == [
        "jitter (1m) must be shorter than interval (1m) in [runners]",
        "backoff_max (30s) must be at least interval (1m) in [runners]",
      ])
    #expect(found.map(\.line) == [3, 4])
  }

  @Test func commandRules() {
    let found = diagnostics(
      """
      [[command]]
      name = "backup"
      argv = []
      interval = "1h"

      [[command]]
      name = "backup"
      argv = ["/bin/true"]
      interval = "1h"

      [[command]]
      argv = ["/bin/true"]

      [[command]]
      name = "runners"

      [[command]]
      name = "bad name"

      [[command]]
      name = "solo"
      argv = ["/bin/true", 3]
      interval = "1h"
      exclusive = true
      """)
    #expect(
      found.map(\.message) == [
        "'argv' in [[command]] 'backup' must name a program: a non-empty array such as [\"/usr/bin/backup\", \"--quick\"]",
        "duplicate command name 'backup' (first defined at 2:8); task names must be unique",
        "[[command]] number 3 in this file has no 'name' (a unique task name, e.g. name = \"backup\")",
        "command name 'runners' is taken by the built-in [runners] task; task names must be unique",
        "invalid command name \"bad name\": use letters, digits, '.', '_' and '-'",
        "'argv' in [[command]] 'solo' must contain only strings, found integer",
        "exclusive = true needs the fleet lock: enable [lock]",
      ])
    #expect(found.map(\.line) == [3, 7, 11, 15, 18, 22, 24])
  }

  @Test func commandMissingArgvAndInterval() {
    let found = diagnostics("[[command]]\nname = \"x\"\n")
    #expect(
      found.map(\.message) == [
        "missing required key 'argv' in [[command]] 'x' (the program and its arguments, e.g. [\"/usr/bin/backup\"])",
        "missing required key 'interval' in [[command]] 'x' (how often the command runs, e.g. \"5m\")",
      ])
    #expect(found.allSatisfy { $0.line == 1 && $0.column == 1 })
    #expect(
      diagnostics("command = 1\n").first?.message.hasPrefix("'command' must be an array of tables")
        == true)
  }

  @Test func gitHubAuthentication() {
    let two = diagnostics("[runners]\ntoken_env = \"A\"\ntoken_file = \"/f\"\n")
    #expect(
      two.first?.message
        == "choose one GitHub authentication in [runners]: 'token_file' and 'token_env' are both set"
    )
    let app = diagnostics("[runners]\napp_id = 12\n")
    #expect(
      app.first?.message.hasPrefix("missing required key 'app_private_key_file' in [runners]")
        == true)
    let stray = diagnostics("[runners]\ninstallation_id = 7\n")
    #expect(stray.first?.message == "'installation_id' in [runners] only applies with 'app_id'")
    let configuration = decode(
      "[runners]\napp_id = 12\napp_private_key_file = \"/k.pem\"\ninstallation_id = \"34\"\n")
    #expect(
      configuration?.runners.auth
        == .app(appID: "12", privateKeyFile: "/k.pem", installationID: "34"))
    #expect(decode("[runners]\ntoken_file = \"/t\"\n")?.runners.auth == .tokenFile("/t"))
    #expect(decode("")?.runners.auth == .tokenEnvironment("GITHUB_TOKEN"))
  }

  @Test func crossSectionRules() {
    let found = diagnostics(
      "[raft]\nenabled = true\nasg = \"g\"\nreconcile = true\nbackend = \"etcd\"\ntransport = \"ssm\"\ncall_timeout = \"1m\"\n"
    )
    #expect(
      found.map(\.message) == [
        "reconcile = true needs the fleet lock: enable [lock] (reconcile runs on the lock holder only)",
        "transport = \"ssm\" is only supported with backend = \"orchestrator\"",
        "call_timeout (1m) must not exceed the task timeout (25s)",
      ])
  }

  @Test func pathsAndURLs() {
    let found = diagnostics(
      "[daemon]\nstate_directory = \"var/lib\"\n[aws]\nendpoint_url = \"localhost:5000\"\nrole_arn = \"role\"\n"
    )
    #expect(
      found.map(\.message) == [
        "'state_directory' in [daemon] must be an absolute path",
        "'endpoint_url' in [aws] must be an http:// or https:// URL",
        "'role_arn' in [aws] must be an ARN (arn:aws:iam::ACCOUNT:role/NAME)",
      ])
  }

  @Test func everyErrorOfEveryFileIsCollectedInFileOrder() {
    let found = diagnostics([
      ("main.toml", "[lock]\nlease = \"1s\"\n[daemon]\nlog_level = \"loud\"\n"),
      ("conf.d/10-a.toml", "[raft]\napi_port = -1\n"),
    ])
    #expect(found.map(\.file) == ["main.toml", "main.toml", "conf.d/10-a.toml"])
    #expect(found.map(\.line) == [2, 4, 2])
    let error = ConfigurationError(diagnostics: found)
    #expect(error.description.hasSuffix("\n3 errors in the configuration"))
  }

  @Test func syntaxErrorsOfEveryFileAreReportedWithTheirFile() {
    let found = diagnostics([
      ("main.toml", "[lock]\nlease = \"30s\"\nlease = \"1m\"\n"),
      ("conf.d/20-b.toml", "[raft\n"),
    ])
    #expect(found.map(\.file) == ["main.toml", "conf.d/20-b.toml"])
    #expect(found.first?.message == "duplicate key 'lease' (first defined at 2:1)")
    #expect(found.last.map { "\($0.line):\($0.column)" } == "1:6")
  }
}

/// Diagnostics never echo what looks like a secret.
@Suite struct SecretRedactionTests {
  @Test func unknownSecretLikeKeyIsReportedWithoutItsValue() {
    let found = diagnostics("[runners]\ngithub_token = \"ghp_SECRETVALUE\"\n")
    #expect(found.first?.message == "unknown key 'github_token' in [runners]")
    #expect(found.first?.sourceLine == "github_token = <redacted>")
    #expect(found.first?.description.contains("ghp_SECRETVALUE") == false)
  }

  @Test func syntaxErrorOnASecretLineIsRedactedToo() {
    let found = diagnostics("[aws]\nsecret_access_key = \"AKIA-SECRET\" x\n")
    #expect(found.first?.description.contains("AKIA-SECRET") == false)
  }

  @Test func referencesToSecretsAreShown() {
    let found = diagnostics("[runners]\ntoken_secret = 5\n")
    #expect(found.first?.sourceLine == "token_secret = 5")
  }
}
