import Foundation
import InfraHouseCore

/// Real etcd members (Debian's `/usr/bin/etcd`) on loopback addresses for the tests.
///
/// Every member listens on its own 127.x.y.z address with the same client and
/// peer ports, as members on separate instances would. Each etcd runs under a
/// small `sh` guard that kills it when our end of the guard's stdin closes, so
/// no member outlives the test process, even when a test crashes.
final class EtcdTestCluster: @unchecked Sendable {
  let clientPort: Int
  let peerPort: Int
  let token: String
  let dataRoot: URL
  private let lock = NSLock()
  private var members: [String: Member] = [:]

  struct Member {
    let guardProcess: Process
    let stdin: Pipe
    let pid: pid_t
  }

  /// `prefix` is the first three octets of the members' addresses (`127.42.7`);
  /// by default a random one, so clusters of concurrent tests never meet.
  init(prefix: String? = nil, clientPort: Int? = nil, peerPort: Int? = nil) throws {
    self.prefix = prefix ?? "127.\(Int.random(in: 100...250)).\(Int.random(in: 1...250))"
    let base = Int.random(in: 20000...29000) * 2
    self.clientPort = clientPort ?? base
    self.peerPort = peerPort ?? base + 1
    token = "t-\(UInt32.random(in: 0...UInt32.max))"
    dataRoot = FileManager.default.temporaryDirectory.appendingPathComponent(
      "infrahoused-etcd-\(token)")
    try FileManager.default.createDirectory(at: dataRoot, withIntermediateDirectories: true)
  }

  let prefix: String

  /// The address of member number `n` (1-based): `prefix.n`.
  func host(_ n: Int) -> String { "\(prefix).\(n)" }
  func peerAddress(_ host: String) -> String { "\(host):\(peerPort)" }
  func peerURL(_ host: String) -> String { "http://\(host):\(peerPort)" }
  func memberName(_ host: String) -> String { "m-" + host.replacingOccurrences(of: ".", with: "-") }

  /// Starts a new cluster of `hosts` and waits until they have a leader.
  func bootstrap(_ hosts: [String]) async throws {
    for h in hosts { try start(h, cluster: hosts, state: "new") }
    try await waitForLeader(hosts)
  }

  /// Starts the member on `host`. `cluster` lists every member's host
  /// (including this one) for `--initial-cluster`; ignored by etcd when the
  /// data directory already holds a member.
  func start(_ host: String, cluster: [String], state: String) throws {
    let initial = cluster.map { "\(memberName($0))=\(peerURL($0))" }.joined(separator: ",")
    let dataDir = dataRoot.appendingPathComponent(host).path
    let log = dataRoot.appendingPathComponent("\(host).log").path
    let args = [
      "/usr/bin/etcd", "--name", memberName(host), "--data-dir", dataDir,
      "--listen-peer-urls", peerURL(host), "--initial-advertise-peer-urls", peerURL(host),
      "--listen-client-urls", "http://\(host):\(clientPort)",
      "--advertise-client-urls", "http://\(host):\(clientPort)",
      "--initial-cluster", initial, "--initial-cluster-state", state,
      "--initial-cluster-token", token, "--heartbeat-interval", "100",
      "--election-timeout", "1000",
    ]
    let quoted = args.map { "'\($0)'" }.joined(separator: " ")
    // The guard: start etcd, say its pid, wait for stdin to close, kill it.
    let script = "\(quoted) </dev/null >>'\(log)' 2>&1 & echo $!; read _; kill -9 $! 2>/dev/null"
    let process = Process()
    let stdin = Pipe()
    let stdout = Pipe()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", script]
    process.standardInput = stdin
    process.standardOutput = stdout
    try process.run()
    var line = Data()
    while true {
      let byte = stdout.fileHandleForReading.readData(ofLength: 1)
      if byte.isEmpty || byte == Data([0x0A]) { break }
      line.append(byte)
    }
    guard let pid = pid_t(String(decoding: line, as: UTF8.self)) else {
      throw EtcdTestClusterError.noPid(host)
    }
    lock.withLock { members[host] = Member(guardProcess: process, stdin: stdin, pid: pid) }
  }

  /// Starts a member on `host` the way a replacement instance's boot would
  /// (systemd's `Restart=on-failure`): it tries to join
  /// (`--initial-cluster-state existing`) from an empty data directory, and
  /// when etcd exits (as it does at once while the cluster has not added it)
  /// tries again after `retry`, until the member answers. A running member is
  /// never killed. `members` gives the current members' hosts.
  func joinWhenAdded(
    _ host: String, members: @escaping @Sendable () -> [String], retry: Duration = .seconds(1)
  ) -> Task<Void, Never> {
    Task {
      let probe = backend(timeout: .milliseconds(500))
      while !Task.isCancelled {
        if !isAlive(host) {
          kill(host)
          try? FileManager.default.removeItem(at: dataRoot.appendingPathComponent(host))
          try? start(host, cluster: members() + [host], state: "existing")
        }
        try? await Task.sleep(for: retry)
        if isAlive(host), (try? await probe.report(from: RaftPeerEndpoint(host: host))) != nil {
          return
        }
      }
    }
  }

  /// Whether the etcd process on `host` runs (not exited, not a zombie).
  func isAlive(_ host: String) -> Bool {
    guard let m = lock.withLock({ members[host] }) else { return false }
    guard let stat = try? String(contentsOfFile: "/proc/\(m.pid)/stat", encoding: .utf8),
      let close = stat.lastIndex(of: ")")
    else { return false }
    let state = stat[stat.index(close, offsetBy: 2)]
    return state != "Z" && state != "X"
  }

  /// SIGKILLs the member on `host` (its data directory stays).
  func kill(_ host: String) {
    guard let m = lock.withLock({ members.removeValue(forKey: host) }) else { return }
    Foundation.kill(m.pid, SIGKILL)
    try? m.stdin.fileHandleForWriting.close()
    m.guardProcess.waitUntilExit()
  }

  /// SIGSTOPs (`resume: false`) or SIGCONTs the member on `host`.
  func pause(_ host: String, resume: Bool = false) {
    guard let m = lock.withLock({ members[host] }) else { return }
    Foundation.kill(m.pid, resume ? SIGCONT : SIGSTOP)
  }

  /// Whether a member process was started on `host` and not killed.
  func isRunning(_ host: String) -> Bool { lock.withLock { members[host] != nil } }

  /// Kills every member and removes the data directories.
  func shutdown() {
    let all = lock.withLock { members.keys.map { $0 } }
    for h in all {
      pause(h, resume: true)
      kill(h)
    }
    try? FileManager.default.removeItem(at: dataRoot)
  }

  /// A backend talking to this cluster's ports.
  func backend(http: HTTPClient = HTTPClient(), timeout: Duration = .seconds(2)) -> EtcdRaftBackend
  {
    EtcdRaftBackend(
      gateway: EtcdGatewayClient(http: http, clientPort: clientPort, callTimeout: timeout),
      peerPort: peerPort)
  }

  /// Waits until every host in `hosts` answers status with the same leader.
  func waitForLeader(_ hosts: [String], timeout: Duration = .seconds(20)) async throws {
    let backend = backend(timeout: .seconds(1))
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
      var leaders = Set<String>()
      var ok = true
      for h in hosts {
        guard let r = try? await backend.report(from: RaftPeerEndpoint(host: h)), r.healthy else {
          ok = false
          break
        }
        leaders.insert(r.leader)
      }
      if ok && leaders.count == 1 { return }
      try await Task.sleep(for: .milliseconds(100))
    }
    throw EtcdTestClusterError.noLeader(hosts, logTail())
  }

  /// The last lines of every member's log, for failure messages.
  func logTail() -> String {
    let files = (try? FileManager.default.contentsOfDirectory(atPath: dataRoot.path)) ?? []
    return files.filter { $0.hasSuffix(".log") }.sorted().map { name in
      let text =
        (try? String(contentsOf: dataRoot.appendingPathComponent(name), encoding: .utf8)) ?? ""
      return "== \(name)\n" + text.split(separator: "\n").suffix(5).joined(separator: "\n")
    }.joined(separator: "\n")
  }
}

enum EtcdTestClusterError: Error {
  case noPid(String)
  case noLeader([String], String)
}

/// Runs `operation` again while etcd refuses it as 'unhealthy cluster' (HTTP 503),
/// which it does for 5 s after any member (re)connects, up to `limit`.
func retryingWhileUnhealthy<T>(
  limit: Duration = .seconds(15), _ operation: () async throws -> T
) async throws -> T {
  let deadline = ContinuousClock.now + limit
  while true {
    do {
      return try await operation()
    } catch RaftBackendError.rejected(_, 503, let message)
      where message.contains("unhealthy cluster") && ContinuousClock.now < deadline
    {
      try await Task.sleep(for: .milliseconds(250))
    }
  }
}
