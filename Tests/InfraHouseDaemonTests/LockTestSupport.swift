import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// moto_server for the lock's process tests (`Tests/Support/moto_fixture.py
/// --serialized`): signature checking on, and one request at a time, because
/// moto's `TransactWriteItems` rollback restores a whole-table snapshot and so
/// erases writes other requests committed meanwhile (seen here as two holders
/// given the same fence). It stops when the test process exits.
struct LockMoto: Sendable {
  let endpoint: String
  let accessKeyId: String
  let secretAccessKey: String

  private static let started = Mutex<LockMoto?>(nil)
  nonisolated(unsafe) private static var keepAlive: Process?
  nonisolated(unsafe) private static var keepAliveInput: Pipe?

  /// The shared server (started off the cooperative pool on first use).
  static func shared() async -> LockMoto {
    await offPool {
      started.withLock { slot in
        if let slot { return slot }
        let moto = start()
        slot = moto
        return moto
      }
    }
  }

  private static func start() -> LockMoto {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [
      "python3", packageRoot + "/Tests/Support/moto_fixture.py", "--serialized",
    ]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try! process.run()
    keepAlive = process
    keepAliveInput = input
    var line = Data()
    while true {
      let byte = output.fileHandleForReading.readData(ofLength: 1)
      if byte.isEmpty || byte == Data("\n".utf8) { break }
      line.append(byte)
    }
    let json = try! JSONSerialization.jsonObject(with: line) as! [String: Any]
    return LockMoto(
      endpoint: json["endpoint"] as! String, accessKeyId: json["access_key_id"] as! String,
      secretAccessKey: json["secret_access_key"] as! String)
  }

  /// The environment a lock process needs: the test user's keys, no instance metadata.
  var environment: [String: String] {
    [
      "AWS_ACCESS_KEY_ID": accessKeyId, "AWS_SECRET_ACCESS_KEY": secretAccessKey,
      "AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true", "HOME": "/nonexistent",
    ]
  }

  /// Creates a lock table with a `ResourceId` string key (through the CLI's own
  /// Python peer, boto3, so the test does not depend on the code under test).
  func createTable(_ name: String) async {
    let script = """
      import boto3, sys
      c = boto3.client("dynamodb", endpoint_url=sys.argv[1], region_name="us-east-1")
      c.create_table(TableName=sys.argv[2], BillingMode="PAY_PER_REQUEST",
          KeySchema=[{"AttributeName": "ResourceId", "KeyType": "HASH"}],
          AttributeDefinitions=[{"AttributeName": "ResourceId", "AttributeType": "S"}])
      """
    let (status, _, err) = await runTool(
      ["python3", "-c", script, endpoint, name], environment: environment)
    precondition(status == 0, "create table: \(err)")
  }

  /// A config with the lock table and short leases: lease 5 s, heartbeat 1 s
  /// (so a loaded two-core machine does not self-fence), poll 0.3 s.
  func config(directory: String, table: String, extra: String = "") -> String {
    """
    [daemon]
    log_level = "info"
    runtime_directory = "\(directory)/run"
    state_directory = "\(directory)/state"
    stop_timeout = "5s"

    [aws]
    region = "us-east-1"
    endpoint_url = "\(endpoint)"

    [lock]
    enabled = true
    table = "\(table)"
    lease = "5s"
    heartbeat = "1s"
    poll = "300ms"
    \(extra)
    """
  }
}

/// Runs a program to completion off the cooperative pool: (status, stdout, stderr).
func runTool(_ argv: [String], environment: [String: String] = [:]) async -> (Int32, String, String)
{
  await offPool {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = argv
    var env = ProcessInfo.processInfo.environment
    for (k, v) in environment { env[k] = v }
    process.environment = env
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try! process.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (
      process.terminationStatus, String(decoding: o, as: UTF8.self),
      String(decoding: e, as: UTF8.self)
    )
  }
}

/// One `infrahoused lock run` process with its stderr collected.
final class LockRunProcess: @unchecked Sendable {
  let process = Process()
  private let errors = Pipe()
  private let text = Locked<String>("")

  init(
    name: String, wait: String, configPath: String, environment: [String: String],
    command: [String]
  ) throws {
    process.executableURL = URL(fileURLWithPath: daemonBinary)
    process.arguments =
      ["lock", "run", name, "--wait", wait, "--config", configPath, "--"] + command
    var env = ProcessInfo.processInfo.environment
    env.removeValue(forKey: "JOURNAL_STREAM")
    for (k, v) in environment { env[k] = v }
    process.environment = env
    process.standardOutput = FileHandle.nullDevice
    process.standardError = errors
    let text = self.text
    errors.fileHandleForReading.readabilityHandler = { handle in
      let data = handle.availableData
      if !data.isEmpty { text.withLock { $0 += String(decoding: data, as: UTF8.self) } }
    }
    try process.run()
  }

  var pid: pid_t { process.processIdentifier }
  var log: String { text.withLock { $0 } }

  /// Waits off the pool for the exit; returns the status, or nil after `seconds` (then kills it).
  func exitStatus(within seconds: Double = 60) async -> Int32? {
    let process = self.process
    guard await waitUntil(seconds, { !process.isRunning }) else {
      kill(process.processIdentifier, SIGKILL)
      await offPool { process.waitUntilExit() }
      return nil
    }
    await offPool { process.waitUntilExit() }
    return process.terminationStatus
  }

  deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
}

/// A recorder's shared file: lines such as `start 3`, `tick 3`, `end 3`, `pid 1234`.
struct RecorderFile {
  let path: String

  var lines: [String] {
    ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(
      String.init)
  }

  /// The fences of lines starting with `word`, in file order.
  func fences(_ word: String) -> [UInt64] {
    lines.compactMap { line in
      let parts = line.split(separator: " ")
      guard parts.count == 2, parts[0] == word else { return nil }
      return UInt64(parts[1])
    }
  }

  /// A recorder command: `start FENCE`, sleep, `end FENCE`.
  func startEnd(sleep: String) -> [String] {
    [
      "/bin/sh", "-c",
      "echo \"start $INFRAHOUSE_LOCK_FENCE\" >> \(path); sleep \(sleep); echo \"end $INFRAHOUSE_LOCK_FENCE\" >> \(path)",
    ]
  }

  /// The pid (also its process group) of the recorder that ran under `fence`.
  func pid(fence: UInt64) -> pid_t? {
    for line in lines {
      let parts = line.split(separator: " ")
      if parts.count == 3, parts[0] == "pid", UInt64(parts[1]) == fence { return pid_t(parts[2]) }
    }
    return nil
  }

  /// A recorder command that writes `pid FENCE PID`, then `tick FENCE` every 100 ms forever.
  func ticker() -> [String] {
    [
      "/bin/sh", "-c",
      "echo \"pid $INFRAHOUSE_LOCK_FENCE $$\" >> \(path); while :; do echo \"tick $INFRAHOUSE_LOCK_FENCE\" >> \(path); sleep 0.1; done",
    ]
  }
}
