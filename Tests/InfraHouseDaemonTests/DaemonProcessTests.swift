import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

let baseConfig = """
  [daemon]
  log_level = "debug"
  runtime_directory = "@DIR@/run"
  state_directory = "@DIR@/state"
  stop_timeout = "3s"

  [[command]]
  name = "tick"
  argv = ["/bin/true"]
  interval = "200ms"
  timeout = "5s"

  """

/// The real executable, with a unix datagram socket as NOTIFY_SOCKET.
@Suite(.serialized) struct DaemonProcessTests {
  @Test func readyThenWatchdogAtHalfTheIntervalThenStoppingOnSIGTERM() async throws {
    let daemon = try DaemonUnderTest(config: baseConfig, watchdogMicroseconds: 600_000)
    #expect(await waitUntil { daemon.notify.states.first == "READY=1" })
    #expect(await waitUntil { daemon.notify.states.filter { $0 == "WATCHDOG=1" }.count >= 4 })
    let pings = daemon.notify.messages.filter { $0.text.hasPrefix("WATCHDOG=1") }.map(\.at)
    for (a, b) in zip(pings, pings.dropFirst()) {
      // Half of 600 ms is 300 ms; a gap near the full interval would let systemd kill us.
      #expect(b - a < .milliseconds(550))
    }
    #expect(daemon.notify.messages.first?.text.contains("STATUS=") == true)
    daemon.signal(SIGTERM)
    #expect(await daemon.waitForExit(seconds: 10) == 0)
    #expect(daemon.notify.states.last == "STOPPING=1")
    #expect(daemon.log.contains("stopped cleanly"))
  }

  @Test func sighupReloadsAValidConfigAndKeepsTheOldOneOnAnInvalidOne() async throws {
    let daemon = try DaemonUnderTest(config: baseConfig)
    #expect(await waitUntil { daemon.notify.states.contains("READY=1") })
    #expect(
      await waitUntil {
        await daemon.cli(["status", "--socket", daemon.socketPath]).1.contains("tick")
      })

    try daemon.rewriteConfig(
      baseConfig + """
        [[command]]
        name = "tock"
        argv = ["/bin/true"]
        interval = "1s"

        """)
    daemon.signal(SIGHUP)
    #expect(await waitUntil { daemon.notify.states.filter { $0 == "READY=1" }.count == 2 })
    let afterReload = daemon.notify.states.suffix(2)
    #expect(Array(afterReload) == ["RELOADING=1", "READY=1"])
    #expect(
      await waitUntil {
        await daemon.cli(["status", "--socket", daemon.socketPath]).1.contains("tock")
      })
    #expect(daemon.notify.messages.contains { $0.text.contains("MONOTONIC_USEC=") })

    // An invalid file: the error names file:line:column, the old tasks keep running.
    try daemon.rewriteConfig(
      baseConfig + "\n[[command]]\nname = \"bad\"\nargv = [\"/bin/true\"]\ninterval = \"soon\"\n")
    daemon.signal(SIGHUP)
    #expect(await waitUntil { daemon.notify.states.filter { $0 == "READY=1" }.count == 3 })
    #expect(await waitUntil { daemon.log.contains("reload rejected") })
    #expect(daemon.log.contains("infrahoused.toml:"))
    let status = await daemon.cli(["status", "--socket", daemon.socketPath]).1
    #expect(status.contains("tock"))
    #expect(!status.contains("bad"))

    // `infrahoused reload` waits for the result and fails with the error.
    let (code, _, err) = await daemon.cli(["reload", "--socket", daemon.socketPath])
    #expect(code == 1)
    #expect(err.contains("infrahoused.toml:"))
    daemon.signal(SIGTERM)
    #expect(await daemon.waitForExit(seconds: 10) == 0)
  }

  @Test func controlReloadAppliesAndStatusShowsTheNewTask() async throws {
    let daemon = try DaemonUnderTest(config: baseConfig)
    #expect(await waitUntil { daemon.notify.states.contains("READY=1") })
    try daemon.rewriteConfig(
      baseConfig.replacingOccurrences(of: "name = \"tick\"", with: "name = \"renamed\""))
    let (code, out, _) = await daemon.cli(["reload", "--socket", daemon.socketPath])
    #expect(code == 0)
    #expect(out.contains("reloaded"))
    let status = await daemon.cli(["status", "--socket", daemon.socketPath]).1
    #expect(status.contains("renamed"))
    #expect(status.contains("state: running"))
    daemon.signal(SIGINT)
    #expect(await daemon.waitForExit(seconds: 10) == 0)
  }

  @Test func watchdogPingsStopWhileTheSchedulerIsWedged() async throws {
    let daemon = try DaemonUnderTest(
      config: baseConfig, watchdogMicroseconds: 400_000,
      environment: ["INFRAHOUSED_DEBUG_COMMANDS": "1"])
    #expect(await waitUntil { daemon.notify.states.filter { $0 == "WATCHDOG=1" }.count >= 2 })
    let (code, _, _) = await daemon.cli(["status", "--socket", daemon.socketPath])
    #expect(code == 0)
    _ = await offPool { ControlRequest.send("debug-wedge 2", to: daemon.socketPath) }
    try await Task.sleep(for: .milliseconds(300))
    let before = daemon.notify.states.filter { $0 == "WATCHDOG=1" }.count
    try await Task.sleep(for: .milliseconds(1200))
    let during = daemon.notify.states.filter { $0 == "WATCHDOG=1" }.count
    // No ping for 1.2 s, three times the interval systemd would allow.
    #expect(during == before)
    // Once the scheduler answers again, pings resume.
    #expect(
      await waitUntil(5) { daemon.notify.states.filter { $0 == "WATCHDOG=1" }.count > during })
    daemon.signal(SIGTERM)
    #expect(await daemon.waitForExit(seconds: 10) == 0)
  }

  @Test func anInvalidConfigAtStartExitsOneWithFileLineColumn() async throws {
    let daemon = try DaemonUnderTest(config: "[daemon]\nlog_level = \"loud\"\n")
    #expect(await daemon.waitForExit(seconds: 10) == 1)
    #expect(daemon.log.contains("infrahoused.toml:2:"))
    #expect(!daemon.notify.states.contains("READY=1"))
  }

  @Test func withoutNotifySocketTheDaemonRunsSilently() async throws {
    let dir = makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try baseConfig.replacingOccurrences(of: "@DIR@", with: dir).write(
      toFile: dir + "/c.toml", atomically: true, encoding: .utf8)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: daemonBinary)
    process.arguments = ["--config", dir + "/c.toml"]
    var env = ProcessInfo.processInfo.environment
    env.removeValue(forKey: "NOTIFY_SOCKET")
    process.environment = env
    process.standardError = FileHandle.nullDevice
    try process.run()
    #expect(await waitUntil { FileManager.default.fileExists(atPath: dir + "/run/control.sock") })
    kill(process.processIdentifier, SIGTERM)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
  }
}

/// Sends a raw request line to the control socket.
enum ControlRequest {
  static func send(_ line: String, to path: String) -> String {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
      let bytes = Array(path.utf8)
      raw.copyBytes(from: bytes)
      raw[bytes.count] = 0
    }
    let rc = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
      }
    }
    guard rc == 0 else { return "" }
    let bytes = Array((line + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    var out = [UInt8](repeating: 0, count: 4096)
    let n = out.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    return n > 0 ? String(decoding: out[0..<n], as: UTF8.self) : ""
  }
}

@Suite struct CommandLineTests {
  @Test func helpVersionAndUsageErrors() async {
    let (helpCode, help, _) = await runCLI(["--help"])
    #expect(helpCode == 0)
    #expect(help.contains("check-config"))
    let (versionCode, version, _) = await runCLI(["--version"])
    #expect(versionCode == 0)
    #expect(version.hasPrefix("infrahoused "))
    let (badCode, _, badErr) = await runCLI(["frobnicate"])
    #expect(badCode == 2)
    #expect(badErr.contains("unknown command 'frobnicate'"))
    let (missingCode, _, missingErr) = await runCLI(["run", "--config"])
    #expect(missingCode == 2)
    #expect(missingErr.contains("--config needs a value"))
    let (extraCode, _, _) = await runCLI(["status", "--bogus", "x"])
    #expect(extraCode == 2)
  }

  @Test func statusWithoutADaemonSaysSo() async {
    let (code, _, err) = await runCLI(["status", "--socket", "/tmp/nonexistent-infrahoused.sock"])
    #expect(code == 1)
    #expect(err.contains("is infrahoused running?"))
  }

  @Test func commandsGetTheDaemonsEnvironmentLessItsOwnTuning() async throws {
    let daemon = try DaemonUnderTest(
      config: """
        [daemon]
        runtime_directory = "@DIR@/run"
        state_directory = "@DIR@/state"
        stop_timeout = "3s"

        [[command]]
        name = "envdump"
        argv = ["/bin/sh", "-c", "env > @DIR@/env.txt.tmp && mv @DIR@/env.txt.tmp @DIR@/env.txt"]
        interval = "1h"
        timeout = "5s"

        """,
      environment: ["GNUTLS_NO_IMPLICIT_INIT": "1", "OPERATOR_MARK": "kept"])
    let path = daemon.directory + "/env.txt"
    #expect(await waitUntil { FileManager.default.fileExists(atPath: path) })
    let lines = (try? String(contentsOfFile: path, encoding: .utf8))?.split(separator: "\n") ?? []
    #expect(lines.contains("INFRAHOUSE_TASK=envdump"))
    #expect(lines.contains("OPERATOR_MARK=kept"), "the daemon's environment is passed on")
    #expect(
      !lines.contains { $0.hasPrefix("GNUTLS_NO_IMPLICIT_INIT=") },
      "the unit's GnuTLS setting is the daemon's, not its commands'")
    daemon.signal(SIGTERM)
    #expect(await daemon.waitForExit(seconds: 10) == 0)
  }
}
