import Foundation
import InfraHouseConfig
import Testing

/// Files, drop-ins, defaults, rendering and `check-config`.
@Suite struct ConfigLoaderTests {
  @Test func emptyFileGivesTheDefaults() {
    #expect(decode("") == DaemonConfiguration())
    #expect(decode("# nothing\n[daemon]\n[aws]\n") == DaemonConfiguration())
  }

  @Test func sampleConfigurationLoadsWithEveryKeyDecoded() {
    guard
      case .success(let configuration) = ConfigLoader.load(
        file: samplePath, dropInDirectory: "/nonexistent")
    else {
      Issue.record(
        "the sample does not load: \(ConfigLoader.load(file: samplePath, dropInDirectory: "/nonexistent"))"
      )
      return
    }
    #expect(configuration.lock.enabled && configuration.lock.table == "infrahouse-locks")
    #expect(configuration.runners.auth == .tokenSecret("github-token-infrahouse"))
    #expect(configuration.runners.labels == ["self-hosted", "linux"])
    #expect(configuration.raft.reconcile)
    #expect(configuration.commands.map(\.name) == ["puppet-apply", "backup"])
    #expect(configuration.commands[1].schedule.backoffCap == .seconds(36000))
    #expect(configuration.commands[1].schedule.timeout == .seconds(45 * 60))
  }

  @Test func sampleDocumentsEveryKeyOfTheSchema() throws {
    let text = try String(contentsOfFile: samplePath, encoding: .utf8)
    let sections: [(String, [String])] = [
      ("daemon", ["log_level", "state_directory", "runtime_directory", "stop_timeout"]),
      ("aws", ["region", "role_arn", "endpoint_url", "profile"]),
      ("lock", ["enabled", "table", "name", "partition_key", "lease", "heartbeat", "poll"]),
      (
        "runners",
        [
          "interval", "jitter", "timeout", "backoff_max", "api_url", "org", "repo", "token_file",
          "token_env", "token_secret", "app_id", "app_private_key_file", "installation_id",
          "labels",
          "name_prefix", "offline_grace", "idle", "idle_grace", "min_idle", "max_deregistrations",
          "concurrency",
          "dry_run",
        ]
      ),
      (
        "raft",
        [
          "backend", "transport", "asg", "api_port", "raft_port", "call_timeout", "reconcile",
          "min_size",
        ]
      ),
      ("command", ["name", "argv", "exclusive", "enabled"]),
    ]
    for (section, keys) in sections {
      #expect(text.contains("[\(section)]"), "section \(section)")
      for key in keys {
        #expect(
          text.contains("\n\(key) = ") || text.contains("\n# \(key) = "), "key \(section).\(key)")
      }
    }
  }

  @Test func renderedConfigurationParsesBackToTheSameConfiguration() {
    guard
      case .success(let configuration) = ConfigLoader.load(
        file: samplePath, dropInDirectory: "/nonexistent")
    else {
      Issue.record("sample does not load")
      return
    }
    let rendered = configuration.renderTOML()
    #expect(decode(rendered) == configuration)
    var custom = DaemonConfiguration()
    custom.aws.endpointURL = "http://127.0.0.1:5000"
    custom.runners.auth = .app(appID: "1", privateKeyFile: "/k \"q\".pem", installationID: nil)
    custom.runners.namePrefix = "tab\there"
    custom.lock.lease = .milliseconds(90_250)
    custom.commands = [
      CommandTask(
        name: "x", argv: ["/bin/echo", "ünï"],
        schedule: TaskSchedule(
          interval: .seconds(5400), timeout: .seconds(10), backoffCap: .seconds(6000)),
        enabled: false)
    ]
    #expect(decode(custom.renderTOML()) == custom)
  }

  @Test func dropInsOverrideKeysTableByTableInLexicalOrder() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let dropIns = directory.appendingPathComponent("conf.d")
    try FileManager.default.createDirectory(at: dropIns, withIntermediateDirectories: true)
    let main = directory.appendingPathComponent("infrahoused.toml")
    try """
    [lock]
    enabled = true
    table = "locks"
    lease = "30s"

    [[command]]
    name = "backup"
    argv = ["/usr/bin/backup"]
    interval = "1h"

    [[command]]
    name = "report"
    argv = ["/usr/bin/report"]
    interval = "1d"
    """.replacingOccurrences(of: "1d", with: "24h").write(
      to: main, atomically: true, encoding: .utf8)
    try "[lock]\nlease = \"45s\"\n".write(
      to: dropIns.appendingPathComponent("20-lease.toml"), atomically: true, encoding: .utf8)
    try "[lock]\nlease = \"40s\"\nheartbeat = \"10s\"\n".write(
      to: dropIns.appendingPathComponent("10-lock.toml"), atomically: true, encoding: .utf8)
    try
      "[[command]]\nname = \"backup\"\ninterval = \"2h\"\n\n[[command]]\nname = \"new\"\nargv = [\"/bin/new\"]\ninterval = \"5m\"\n"
      .write(
        to: dropIns.appendingPathComponent("30-commands.toml"), atomically: true, encoding: .utf8)
    try "[[command]]\nname = \"report\"\nenabled = false\n".write(
      to: dropIns.appendingPathComponent("40-off.toml"), atomically: true, encoding: .utf8)
    // Ignored: not *.toml, hidden, a directory.
    try "[lock]\nlease = \"1s\"\n".write(
      to: dropIns.appendingPathComponent("99-ignored.toml.bak"), atomically: true, encoding: .utf8)
    try "[lock]\nlease = \"1s\"\n".write(
      to: dropIns.appendingPathComponent(".hidden.toml"), atomically: true, encoding: .utf8)
    try FileManager.default.createDirectory(
      at: dropIns.appendingPathComponent("dir.toml"), withIntermediateDirectories: true)

    #expect(ConfigLoader.defaultDropInDirectory(for: main.path) == dropIns.path)
    #expect(
      ConfigLoader.dropInFiles(in: dropIns.path).map { ($0 as NSString).lastPathComponent } == [
        "10-lock.toml", "20-lease.toml", "30-commands.toml", "40-off.toml",
      ])
    guard
      case .success(let configuration) = ConfigLoader.load(file: main.path, dropInDirectory: nil)
    else {
      Issue.record("\(ConfigLoader.load(file: main.path, dropInDirectory: nil))")
      return
    }
    #expect(configuration.lock.table == "locks")
    #expect(configuration.lock.lease == .seconds(45))
    #expect(configuration.lock.heartbeat == .seconds(10))
    #expect(configuration.commands.map(\.name) == ["backup", "report", "new"])
    #expect(configuration.commands[0].schedule.interval == .seconds(7200))
    #expect(configuration.commands[0].argv == ["/usr/bin/backup"])
    #expect(configuration.commands[1].enabled == false)
    #expect(configuration.commands[2].argv == ["/bin/new"])
  }

  @Test func errorsInDropInsNameTheDropIn() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let main = directory.appendingPathComponent("infrahoused.toml")
    try "[lock]\nheartbeat = \"5s\"\n".write(to: main, atomically: true, encoding: .utf8)
    let dropIns = directory.appendingPathComponent("extra")
    try FileManager.default.createDirectory(at: dropIns, withIntermediateDirectories: true)
    try "[lock]\nlease = \"12s\"\n".write(
      to: dropIns.appendingPathComponent("50-x.toml"), atomically: true, encoding: .utf8)
    guard
      case .failure(let error) = ConfigLoader.load(file: main.path, dropInDirectory: dropIns.path)
    else {
      Issue.record("expected an error")
      return
    }
    #expect(error.diagnostics.count == 1)
    #expect(error.diagnostics[0].file == dropIns.appendingPathComponent("50-x.toml").path)
    #expect(error.diagnostics[0].line == 2 && error.diagnostics[0].column == 9)
  }

  @Test func missingMainFileIsAnError() {
    guard
      case .failure(let error) = ConfigLoader.load(
        file: "/nonexistent/infrahoused.toml", dropInDirectory: nil)
    else {
      Issue.record("expected an error")
      return
    }
    #expect(
      error.diagnostics.first?.message.hasPrefix("cannot read the configuration file") == true)
    #expect(
      error.description.hasPrefix(
        "/nonexistent/infrahoused.toml: error: cannot read the configuration file"))
  }

  @Test func checkConfigExitCodes() throws {
    #expect(
      CheckConfigCommand.run(arguments: ["--config", samplePath, "--drop-in-dir", "/nonexistent"])
        == 0)
    #expect(CheckConfigCommand.run(arguments: ["--config=/nonexistent/x.toml"]) == 1)
    #expect(CheckConfigCommand.run(arguments: ["--bogus"]) == 2)
    #expect(CheckConfigCommand.run(arguments: ["--config"]) == 2)
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let bad = directory.appendingPathComponent("bad.toml")
    try "[lock]\nenabled = true\n".write(to: bad, atomically: true, encoding: .utf8)
    #expect(CheckConfigCommand.run(arguments: ["--config", bad.path]) == 1)
  }
}

/// Durations and suggestions.
@Suite struct DurationSyntaxTests {
  @Test(
    arguments: [
      ("30s", 30_000), ("5m", 300_000), ("1h30m", 5_400_000), ("250ms", 250), ("1h", 3_600_000),
      ("0s", 0), ("1m30s500ms", 90_500), ("90s", 90_000), ("2h0m", 7_200_000),
    ] as [(String, Int64)])
  func valid(text: String, milliseconds: Int64) {
    #expect(DurationSyntax.parse(text) == .milliseconds(milliseconds))
  }

  @Test(arguments: [
    "", "30", "s", "5 m", "1m1h", "1s1s", "1.5s", "-1s", "1d", "10x", "1h 30m", "99999999999999h",
  ])
  func invalid(text: String) {
    #expect(DurationSyntax.parse(text) == nil)
  }

  @Test func renderIsCanonical() {
    #expect(DurationSyntax.render(.milliseconds(5_400_000)) == "1h30m")
    #expect(DurationSyntax.render(.milliseconds(90_500)) == "1m30s500ms")
    #expect(DurationSyntax.render(.zero) == "0s")
    #expect(DurationSyntax.render(.seconds(36000)) == "10h")
  }
}
