import Dispatch
import Foundation
import Synchronization

@testable import InfraHouseCore

/// Short leases so the integration tests run in seconds, yet long enough that a
/// loaded two-core machine (every suite running at once) does not self-fence:
/// lease 6 s, heartbeat 1 s (request timeout 0.8 s), poll 0.3 s.
func testLeaseConfiguration(
  _ name: String, partitionKey: String = "ResourceId", lease: Duration = .seconds(6)
) throws -> LeaseConfiguration {
  try LeaseConfiguration(
    name: name, lease: lease, heartbeat: .seconds(1), poll: .milliseconds(300),
    pollJitter: .milliseconds(100), schema: LockTableSchema(partitionKey: partitionKey))
}

/// A fresh lock table on the lock tests' moto server.
func newLockTable(partitionKey: String = "ResourceId") async throws -> DynamoDBTable {
  let table = DynamoDBTable(
    name: "lock-\(UUID().uuidString.prefix(8))", session: await LockMotoServer.ready().session())
  try await table.create(partitionKey: partitionKey)
  return table
}

/// The lock tests' own moto_server (`Tests/Support/moto_fixture.py
/// --serialized`): signature checking on, and one request at a time, because
/// moto's `TransactWriteItems` rollback restores a whole-table snapshot and so
/// erases writes other threads committed meanwhile (docs/lock-service.md).
/// Separate from `MotoFixture`, so the other AWS tests' load does not stretch
/// the leases. Started once; stops with the test process.
struct LockMotoServer: Sendable {
  let endpoint: String
  let accessKeyId: String
  let secretAccessKey: String

  nonisolated(unsafe) private static var keepAlive: ScriptServer?

  static let shared: LockMotoServer = {
    do {
      let server = try ScriptServer(script: "moto_fixture.py", arguments: ["--serialized"])
      keepAlive = server
      let json = try JSONValue.parse(server.handshake)
      return LockMotoServer(
        endpoint: json["endpoint"]!.stringValue!, accessKeyId: json["access_key_id"]!.stringValue!,
        secretAccessKey: json["secret_access_key"]!.stringValue!)
    } catch {
      fatalError("serialized moto fixture: \(error)")
    }
  }()

  /// The test user's keys, the region and the endpoint; nothing else.
  var environment: [String: String] {
    [
      "AWS_ACCESS_KEY_ID": accessKeyId, "AWS_SECRET_ACCESS_KEY": secretAccessKey,
      "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": endpoint, "HOME": "/nonexistent",
      "AWS_EC2_METADATA_DISABLED": "true",
    ]
  }

  /// A session signing with the test user's key.
  func session() -> AWSSession {
    AWSSession(
      .init(
        region: "us-east-1", sessionName: "lock-tests", endpointURL: endpoint,
        retryPolicy: AWSRetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(20))),
      environment: environment)
  }

  /// Started off the cooperative pool (the first use blocks while moto starts).
  static func ready() async -> LockMotoServer {
    await withCheckedContinuation { continuation in
      DispatchQueue.global().async { continuation.resume(returning: shared) }
    }
  }
}

/// Collects log entries in memory.
final class MemoryLogSink: LogSink, Sendable {
  private let entries = Mutex<[LogEntry]>([])
  func emit(_ entry: LogEntry) { entries.withLock { $0.append(entry) } }
  var all: [LogEntry] { entries.withLock { $0 } }
}

/// Polls `condition` every 20 ms until it holds or `seconds` pass.
func eventually(_ seconds: Double = 15, _ condition: () async throws -> Bool) async rethrows
  -> Bool
{
  let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
  while ContinuousClock.now < deadline {
    if try await condition() { return true }
    try? await Task.sleep(for: .milliseconds(20))
  }
  return try await condition()
}

/// Python infrahouse-core's `DynamoDBTable.lock` in a child process, against moto:
/// prints `acquired`, holds until a line on stdin (or `holdSeconds`), then
/// `released`; prints `timeout` and exits 3 when the lock was busy for `timeout`.
final class PythonLockClient: @unchecked Sendable {
  static let script = """
    import sys, time, boto3
    from infrahouse_core.aws.dynamodb import DynamoDBTable
    table, name, hold, timeout, ttl = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5])
    t = DynamoDBTable(table, region="us-east-1", session=boto3.Session(region_name="us-east-1"))
    try:
        with t.lock(name, timeout=timeout, ttl=ttl):
            print("acquired", flush=True)
            if hold == "stdin":
                sys.stdin.readline()
            else:
                time.sleep(float(hold))
        print("released", flush=True)
    except RuntimeError:
        print("timeout", flush=True)
        sys.exit(3)
    """
  let process = Process()
  private let input = Pipe()
  private let output = Pipe()
  private let text = SharedText()

  init(table: String, name: String, hold: String = "stdin", timeout: Double, ttl: Int = 300) throws
  {
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [
      "python3", "-c", Self.script, table, name, hold, String(timeout), String(ttl),
    ]
    var env = ProcessInfo.processInfo.environment
    for (k, v) in LockMotoServer.shared.environment { env[k] = v }
    process.environment = env
    process.standardInput = input
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    let text = self.text
    output.fileHandleForReading.readabilityHandler = { handle in
      let data = handle.availableData
      if !data.isEmpty { text.append(String(decoding: data, as: UTF8.self)) }
    }
    try process.run()
  }

  var printed: String { text.value }
  var lines: [String] { printed.split(separator: "\n").map(String.init) }

  /// Lets it leave the `with` block (releasing the lock).
  func release() { input.fileHandleForWriting.write(Data("go\n".utf8)) }

  /// Waits (off the cooperative pool) for it to exit and returns its status.
  func exitStatus() async -> Int32 {
    let process = self.process
    return await withCheckedContinuation { continuation in
      DispatchQueue.global().async {
        process.waitUntilExit()
        continuation.resume(returning: process.terminationStatus)
      }
    }
  }

  deinit { if process.isRunning { process.terminate() } }
}

/// Text appended from one thread and read from another.
final class SharedText: Sendable {
  private let text = Mutex<String>("")
  func append(_ more: String) { text.withLock { $0 += more } }
  var value: String { text.withLock { $0 } }
}
