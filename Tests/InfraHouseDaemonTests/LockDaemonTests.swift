import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Two daemons with `[lock] enabled` and one exclusive `[[command]]`: only the
/// lease holder runs it, and it moves to the other daemon when the holder stops.
@Suite struct LockDaemonTests {
  @Test func onlyTheHolderRunsExclusiveTasksAndTheyMoveOnStop() async throws {
    let moto = await LockMoto.shared()
    let table = "locks-" + String(UUID().uuidString.prefix(8))
    await moto.createTable(table)
    let shared = makeTemporaryDirectory()
    let record = RecorderFile(path: shared + "/runs.txt")
    func config(_ id: String) -> String {
      moto.config(
        directory: "@DIR@", table: table,
        extra: """

          [[command]]
          name = "exclusive-job"
          argv = ["/bin/sh", "-c", "echo \\"run $INFRAHOUSE_LOCK_FENCE \(id)\\" >> \(record.path)"]
          interval = "200ms"
          exclusive = true
          """)
    }
    func runs(_ id: String) -> [UInt64] {
      record.lines.compactMap { line in
        let parts = line.split(separator: " ")
        return parts.count == 3 && parts[2] == id ? UInt64(parts[1]) : nil
      }
    }

    let a = try DaemonUnderTest(config: config("A"), environment: moto.environment)
    #expect(await waitUntil(10) { a.notify.states.contains("READY=1") })
    #expect(await waitUntil(20) { !runs("A").isEmpty })
    let fenceA = try #require(runs("A").first)
    let statusA = await a.cli(["status", "--socket", a.socketPath]).1
    #expect(statusA.contains("lock state: held, fence \(fenceA)"), "\(statusA)")
    #expect(
      await waitUntil(5) {
        a.notify.messages.contains { $0.text.contains("lock infrahoused: held, fence \(fenceA)") }
      })

    let b = try DaemonUnderTest(config: config("B"), environment: moto.environment)
    #expect(await waitUntil(10) { b.notify.states.contains("READY=1") })
    try await Task.sleep(for: .seconds(2))
    #expect(runs("B").isEmpty, "the standby must not run the exclusive task")
    let statusB = await b.cli(["status", "--socket", b.socketPath]).1
    #expect(statusB.contains("lock state: standby, holder "), "\(statusB)")
    #expect(statusB.contains("exclusive-job"))

    a.signal(SIGTERM)
    #expect(await a.waitForExit(seconds: 15) == 0)
    #expect(a.log.contains("lease_event=released"))
    let aRunsAtStop = runs("A").count
    #expect(await waitUntil(15) { !runs("B").isEmpty })
    #expect(Set(runs("A")) == [fenceA])
    #expect(Set(runs("B")).count == 1)
    #expect((runs("B").first ?? 0) > fenceA)
    #expect(runs("A").count == aRunsAtStop)
    // B's runs all come after A's last one.
    let lines = record.lines
    let lastA = lines.lastIndex { $0.hasSuffix(" A") } ?? -1
    let firstB = lines.firstIndex { $0.hasSuffix(" B") } ?? lines.count
    #expect(lastA < firstB)

    b.signal(SIGTERM)
    #expect(await b.waitForExit(seconds: 15) == 0)
  }

  @Test func anExclusiveRunIsCancelledTheMomentTheLeaseIsLost() async throws {
    let moto = await LockMoto.shared()
    let table = "locks-" + String(UUID().uuidString.prefix(8))
    await moto.createTable(table)
    let shared = makeTemporaryDirectory()
    let record = RecorderFile(path: shared + "/runs.txt")
    let config = moto.config(
      directory: "@DIR@", table: table,
      extra: """

        [[command]]
        name = "long-job"
        argv = ["/bin/sh", "-c", "echo \\"start $INFRAHOUSE_LOCK_FENCE\\" >> \(record.path); sleep 30; echo \\"end $INFRAHOUSE_LOCK_FENCE\\" >> \(record.path)"]
        interval = "200ms"
        timeout = "60s"
        exclusive = true
        """)
    let daemon = try DaemonUnderTest(config: config, environment: moto.environment)
    #expect(await waitUntil(20) { !record.fences("start").isEmpty })

    // Another client overwrites the lock item: the next renewal's condition fails.
    let steal = """
      import boto3, sys
      boto3.client("dynamodb", endpoint_url=sys.argv[1], region_name="us-east-1").put_item(
          TableName=sys.argv[2], Item={"ResourceId": {"S": "infrahoused"}, "owner": {"S": "thief:1:1"},
          "lease_id": {"S": "1-00000000000000ff"}, "lease_ms": {"N": "5000"}, "fence": {"N": "99"},
          "expires_at": {"N": "0"}})
      """
    let (status, _, err) = await runTool(
      ["python3", "-c", steal, moto.endpoint, table], environment: moto.environment)
    #expect(status == 0, "\(err)")
    #expect(await waitUntil(10) { daemon.log.contains("fleet lock lost") }, "\(daemon.log)")
    #expect(daemon.log.contains("now held by thief:1:1"))
    #expect(await waitUntil(5) { daemon.log.contains("lease_event=lost") })
    var report = ""
    #expect(
      await waitUntil(10) {
        report = await daemon.cli(["status", "--socket", daemon.socketPath]).1
        return report.contains("lock state: standby, holder thief:1:1 (fence 99)")
      }, "\(report)")
    #expect(report.contains("cancelled: fleet lock lost"))
    #expect(record.fences("end").isEmpty, "the run was cancelled, its command got SIGTERM")
    daemon.signal(SIGTERM)
    #expect(await daemon.waitForExit(seconds: 15) == 0)
  }
}
