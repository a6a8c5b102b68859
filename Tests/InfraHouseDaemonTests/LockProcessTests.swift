import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `infrahoused lock run|status` processes contending through moto_server
/// (signature checking on), with recorders that append to a shared file.
@Suite struct LockProcessTests {
  /// A table, a config file and a recorder file in a fresh directory.
  struct Setup {
    let moto: LockMoto
    let directory: String
    let configPath: String
    let recorder: RecorderFile
    let table: String

    init(extraConfig: String = "") async throws {
      moto = await LockMoto.shared()
      directory = makeTemporaryDirectory()
      table = "locks-" + String(UUID().uuidString.prefix(8))
      await moto.createTable(table)
      configPath = directory + "/infrahoused.toml"
      try moto.config(directory: directory, table: table, extra: extraConfig).write(
        toFile: configPath, atomically: true, encoding: .utf8)
      recorder = RecorderFile(path: directory + "/record.txt")
    }

    func run(_ name: String, wait: String, _ command: [String]) throws -> LockRunProcess {
      try LockRunProcess(
        name: name, wait: wait, configPath: configPath, environment: moto.environment,
        command: command)
    }

    func status(_ name: String) async -> (Int32, String, String) {
      await runCLI(
        ["lock", "status", name, "--config", configPath], environment: moto.environment)
    }
  }

  /// `start F` / `end F` lines must come in pairs with strictly growing fences:
  /// two overlapping holders would interleave them.
  static func expectSerialized(_ recorder: RecorderFile, runs: Int) {
    let lines = recorder.lines
    #expect(lines.count == runs * 2, "\(lines)")
    var last: UInt64 = 0
    for pair in stride(from: 0, to: lines.count - 1, by: 2) {
      let start = lines[pair].split(separator: " ")
      let end = lines[pair + 1].split(separator: " ")
      #expect(start.first == "start" && end.first == "end", "\(lines)")
      let fence = UInt64(start.last ?? "") ?? 0
      #expect(UInt64(end.last ?? "") == fence, "\(lines)")
      #expect(fence > last, "fences must grow: \(lines)")
      last = fence
    }
  }

  @Test(arguments: [2, 5])
  func contendersNeverHoldAtOnceAndFencesGrow(contenders: Int) async throws {
    let setup = try await Setup()
    var processes: [LockRunProcess] = []
    for _ in 0..<contenders {
      processes.append(try setup.run("batch", wait: "60s", setup.recorder.startEnd(sleep: "0.4")))
    }
    for p in processes {
      #expect(await p.exitStatus() == 0, "\(p.log)")
    }
    Self.expectSerialized(setup.recorder, runs: contenders)
    let fences = setup.recorder.fences("start")
    #expect(Set(fences).count == contenders)
    let (code, out, _) = await setup.status("batch")
    #expect(code == 0)
    #expect(out.contains("state: free (released)"))
    #expect(out.contains("fence counter: \(fences.max() ?? 0)"))
  }

  @Test func theCommandsExitStatusAndTheBusyExitCode() async throws {
    let setup = try await Setup()
    let holder = try setup.run("busy", wait: "10s", setup.recorder.ticker())
    #expect(await waitUntil(15) { !setup.recorder.fences("tick").isEmpty })
    let (code, out, _) = await setup.status("busy")

    #expect(code == 0)
    #expect(out.contains("state: held"))
    let fence = try #require(setup.recorder.fences("tick").first)
    #expect(out.contains("fence: \(fence)\n"))
    #expect(out.contains("holder: "))

    let busy = try setup.run("busy", wait: "1s", ["/bin/true"])
    #expect(await busy.exitStatus() == 75)
    #expect(busy.log.contains("not acquired within 1s"))

    kill(holder.pid, SIGTERM)  // forwarded to the command, then the lock is released
    #expect(await holder.exitStatus() == 128 + SIGTERM)
    let after = try setup.run("busy", wait: "10s", ["/bin/sh", "-c", "exit 7"])
    #expect(await after.exitStatus() == 7)
    #expect(after.log.contains("acquired the lock with fence"))
    #expect(!after.log.contains("acquired the lock with fence \(fence) "))
  }

  @Test func killNineOfTheHolderThenTakeoverWithinALeaseAndAPoll() async throws {
    let setup = try await Setup()
    let holder = try setup.run("crash", wait: "10s", setup.recorder.ticker())
    #expect(await waitUntil(15) { !setup.recorder.fences("tick").isEmpty })
    let old = try #require(setup.recorder.fences("tick").first)
    let standby = try setup.run("crash", wait: "60s", setup.recorder.ticker())
    try await Task.sleep(for: .seconds(1))  // the standby is polling
    #expect(setup.recorder.fences("tick").allSatisfy { $0 == old })

    // The host "crashes": the lock process and its command die at once.
    let killedAt = ContinuousClock.now
    kill(holder.pid, SIGKILL)
    if let pid = setup.recorder.pid(fence: old) { kill(-pid, SIGKILL) }
    #expect(await waitUntil(30) { setup.recorder.fences("tick").contains { $0 > old } })
    let takeover = ContinuousClock.now - killedAt
    // lease 5 s + one poll (0.3 s + up to 0.15 s jitter), plus request latency.
    #expect(takeover < .milliseconds(5_000 + 450 + 1_500), "took \(takeover)")
    let ticks = setup.recorder.fences("tick")
    let firstNew = ticks.firstIndex { $0 > old } ?? ticks.count
    #expect(ticks[firstNew...].allSatisfy { $0 > old }, "never the old fence after the new one")
    kill(standby.pid, SIGTERM)
    #expect(await standby.exitStatus() == 128 + SIGTERM)
  }

  @Test func aHolderStoppedPastItsLeaseFindsItselfFencedOnContinue() async throws {
    let setup = try await Setup()
    let holder = try setup.run("frozen", wait: "10s", setup.recorder.ticker())
    #expect(await waitUntil(15) { !setup.recorder.fences("tick").isEmpty })
    let old = try #require(setup.recorder.fences("tick").first)
    let standby = try setup.run("frozen", wait: "60s", setup.recorder.ticker())
    let command = try #require(setup.recorder.pid(fence: old))

    // Freeze the whole holder (a paused VM): the lock process and its command.
    kill(holder.pid, SIGSTOP)
    kill(-command, SIGSTOP)
    #expect(await waitUntil(30) { setup.recorder.fences("tick").contains { $0 > old } })
    let linesWhenTakenOver = setup.recorder.lines.count
    let oldTicks = setup.recorder.fences("tick").filter { $0 == old }.count
    let new = try #require(setup.recorder.fences("tick").last)

    // Continue the lock process first: it must find the lease gone (self-fenced)
    // and have sent its command SIGTERM before that command runs again.
    kill(holder.pid, SIGCONT)
    #expect(await waitUntil(10) { holder.log.contains("lost the lock") })
    kill(-command, SIGCONT)
    #expect(await holder.exitStatus(within: 20) == 128 + SIGTERM)
    #expect(holder.log.contains("self-fenced"))
    #expect(setup.recorder.fences("tick").filter { $0 == old }.count == oldTicks)
    #expect(setup.recorder.lines.count >= linesWhenTakenOver)
    // The frozen holder wrote nothing to the table on continue: the standby still holds.
    let (_, out, _) = await setup.status("frozen")
    #expect(out.contains("fence: \(new)\n"))
    #expect(out.contains("state: held"))
    kill(standby.pid, SIGTERM)
    _ = await standby.exitStatus()
  }

  @Test func aCleanReleaseIsTakenOverWithinAboutTwoSeconds() async throws {
    let setup = try await Setup()
    let first = try setup.run("handover", wait: "10s", setup.recorder.startEnd(sleep: "1.5"))
    #expect(await waitUntil(15) { setup.recorder.fences("start").count == 1 })
    let second = try setup.run("handover", wait: "30s", setup.recorder.startEnd(sleep: "0"))
    #expect(await waitUntil(15) { setup.recorder.fences("end").count == 1 })
    let endedAt = ContinuousClock.now
    #expect(await waitUntil(15) { setup.recorder.fences("start").count == 2 })
    let handover = ContinuousClock.now - endedAt
    #expect(handover < .seconds(2), "took \(handover)")
    #expect(await first.exitStatus() == 0)
    #expect(await second.exitStatus() == 0)
    Self.expectSerialized(setup.recorder, runs: 2)
  }

  @Test func pythonInfraHouseCoreAndLockRunExcludeEachOther() async throws {
    let setup = try await Setup()
    let python = """
      import sys, time, boto3
      from infrahouse_core.aws.dynamodb import DynamoDBTable
      t = DynamoDBTable(sys.argv[1], region="us-east-1", session=boto3.Session(region_name="us-east-1"))
      try:
          with t.lock("mixed", timeout=float(sys.argv[2]), ttl=300):
              open(sys.argv[3], "a").write("start py\\n")
              time.sleep(float(sys.argv[4]))
              open(sys.argv[3], "a").write("end py\\n")
      except RuntimeError:
          sys.exit(3)
      """
    var env = setup.moto.environment
    env["AWS_ENDPOINT_URL"] = setup.moto.endpoint
    // Python holds for 3 s; lock run started meanwhile must wait for it.
    let holdingPython = Task {
      await runTool(
        ["python3", "-c", python, setup.table, "10", setup.recorder.path, "3"], environment: env)
    }
    #expect(await waitUntil(20) { setup.recorder.lines.first == "start py" })
    let ours = try setup.run("mixed", wait: "30s", setup.recorder.startEnd(sleep: "8"))
    #expect(await waitUntil(20) { setup.recorder.lines.count >= 3 })
    #expect(Array(setup.recorder.lines.prefix(2)) == ["start py", "end py"])
    #expect(await holdingPython.value.0 == 0)
    // While we hold, a Python client times out.
    let blocked = await runTool(
      ["python3", "-c", python, setup.table, "1.5", setup.recorder.path, "0"], environment: env)
    #expect(blocked.0 == 3)
    #expect(await ours.exitStatus() == 0)
    // After our release, Python gets in at once.
    let after = await runTool(
      ["python3", "-c", python, setup.table, "5", setup.recorder.path, "0"], environment: env)
    #expect(after.0 == 0)
    #expect(
      setup.recorder.lines == ["start py", "end py", "start 1", "end 1", "start py", "end py"])
  }
}
