import Foundation
import InfraHouseCore

/// Orchestrator nodes for the backend tests: `Tests/Standins/orchestrator_api.py`
/// processes (the pure branch's stand-in), each on its own loopback address
/// `127.A.B.n` and the SAME API port, as Orchestrator listens on every
/// instance, sharing one cluster state file. Each runs under an `sh` guard
/// that kills it when our end of the guard's stdin closes, so no node
/// outlives the test process even if it crashes.
final class OrchestratorStandinPeers: @unchecked Sendable {
  let prefix: String
  let apiPort: Int
  let oldErrors: Bool
  let directory: URL
  private let lock = NSLock()
  private var nodes: [String: Node] = [:]

  struct Node {
    let guardProcess: Process
    let stdin: Pipe
    let pid: pid_t
  }

  init(prefix: String? = nil, oldErrors: Bool = false) throws {
    self.prefix = prefix ?? "127.\(Int.random(in: 100...250)).\(Int.random(in: 1...250))"
    apiPort = Int.random(in: 20000...60000)
    self.oldErrors = oldErrors
    directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "infrahoused-orch-\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  }

  func host(_ n: Int) -> String { "\(prefix).\(n)" }
  func raftAddress(_ host: String) -> String { "\(host):10008" }

  /// Starts the node on `host`; `peers` seed the cluster file if it is new.
  func start(_ host: String, peers: [String]) throws {
    var args = [
      "--listen", "\(host):\(apiPort)", "--advertise", raftAddress(host),
      "--cluster", directory.appendingPathComponent("cluster.json").path,
      "--peers", peers.map(raftAddress).joined(separator: ","),
    ]
    if oldErrors { args.append("--old-errors") }
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("../../Standins/orchestrator_api.py").standardized.path
    let command = (["python3", script] + args).map { "'\($0)'" }.joined(separator: " ")
    let log = directory.appendingPathComponent("\(host).log").path
    // The guard: start the node, say its pid, wait for stdin to close, kill it.
    let process = Process()
    let stdin = Pipe()
    let stdout = Pipe()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = [
      "-c",
      "\(command) </dev/null >'\(log).out' 2>>'\(log)' & echo $!; read _; kill -9 $! 2>/dev/null",
    ]
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = FileHandle.nullDevice
    try process.run()
    let pidLine = Self.readLine(stdout.fileHandleForReading)
    guard let pid = pid_t(pidLine) else {
      throw OrchestratorStandinPeersError.didNotStart(host, pidLine)
    }
    lock.withLock { nodes[host] = Node(guardProcess: process, stdin: stdin, pid: pid) }
    // READY appears in the node's output file once it listens.
    let deadline = Date().addingTimeInterval(15)
    while Date() < deadline {
      if let text = try? String(contentsOfFile: "\(log).out", encoding: .utf8),
        text.hasPrefix("READY")
      {
        return
      }
      usleep(20_000)
    }
    throw OrchestratorStandinPeersError.didNotStart(host, "no READY line")
  }

  static func readLine(_ handle: FileHandle) -> String {
    var line = Data()
    while true {
      let byte = handle.readData(ofLength: 1)
      if byte.isEmpty || byte == Data([0x0A]) { break }
      line.append(byte)
    }
    return String(decoding: line, as: UTF8.self)
  }

  /// SIGKILLs the node on `host` (what a terminated instance looks like).
  func stop(_ host: String) {
    guard let node = lock.withLock({ nodes.removeValue(forKey: host) }) else { return }
    kill(node.pid, SIGCONT)
    kill(node.pid, SIGKILL)
    try? node.stdin.fileHandleForWriting.close()
    node.guardProcess.waitUntilExit()
  }

  func pause(_ host: String, resume: Bool = false) {
    guard let node = lock.withLock({ nodes[host] }) else { return }
    kill(node.pid, resume ? SIGCONT : SIGSTOP)
  }

  func shutdown() {
    let all = lock.withLock { nodes.keys.map { $0 } }
    for h in all {
      pause(h, resume: true)
      stop(h)
    }
    try? FileManager.default.removeItem(at: directory)
  }

  /// `POST /_control/health` on `host` (a stand-in control, not Orchestrator's).
  func setUnhealthy(_ host: String, _ unhealthy: Bool) throws {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
    p.arguments = [
      "-sf", "-X", "POST", "-d", #"{"unhealthy": \#(unhealthy)}"#,
      "http://\(host):\(apiPort)/_control/health",
    ]
    p.standardOutput = FileHandle.nullDevice
    try p.run()
    p.waitUntilExit()
  }

  func httpBackend(timeout: Duration = .seconds(2)) -> OrchestratorRaftBackend {
    OrchestratorRaftBackend(
      api: OrchestratorAPIClient(
        transport: OrchestratorHTTPTransport(
          http: HTTPClient(), apiPort: apiPort, callTimeout: timeout)))
  }

  /// The SSM transport with its curl run locally against the node's own address.
  func ssmBackend() -> OrchestratorRaftBackend {
    OrchestratorRaftBackend(
      api: OrchestratorAPIClient(
        transport: OrchestratorSSMTransport(
          runner: LocalShellCommandRunner(), apiPort: apiPort, apiHost: nil,
          callTimeout: .seconds(2))))
  }

  /// Waits until every host answers and agrees on one leader.
  func waitForLeader(_ hosts: [String], timeout: Duration = .seconds(15)) async throws -> String {
    let backend = httpBackend(timeout: .seconds(1))
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
      var leaders = Set<String>()
      for h in hosts {
        leaders.insert((try? await backend.report(from: RaftPeerEndpoint(host: h)))?.leader ?? "")
      }
      if leaders.count == 1, let l = leaders.first, !l.isEmpty { return l }
      try await Task.sleep(for: .milliseconds(100))
    }
    throw OrchestratorStandinPeersError.noLeader(hosts)
  }
}

enum OrchestratorStandinPeersError: Error {
  case noLeader([String])
  case didNotStart(String, String)
}
