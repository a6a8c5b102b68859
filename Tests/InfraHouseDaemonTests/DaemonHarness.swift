import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// The package root, found from this file's path.
let packageRoot: String = {
  var url = URL(fileURLWithPath: #filePath)
  for _ in 0..<3 { url.deleteLastPathComponent() }
  return url.path
}()

/// The built executable under test.
let daemonBinary = packageRoot + "/.build/debug/infrahoused"

/// A fresh temporary directory (short, so unix socket paths fit).
func makeTemporaryDirectory() -> String {
  var template = Array("/tmp/ihd-XXXXXX".utf8CString)
  let path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
  return path
}

/// A mutex-protected value that closures can share.
final class Locked<Value: Sendable>: Sendable {
  private let mutex: Mutex<Value>
  init(_ value: Value) { mutex = Mutex(value) }
  func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
}

/// A unix datagram socket standing in for systemd's notify socket: records
/// every message with the monotonic time it arrived.
final class NotifySocket: Sendable {
  let path: String
  private let fd: Int32
  private let received = Locked<[Message]>([])
  typealias Message = (at: ContinuousClock.Instant, text: String)

  init(directory: String) {
    path = directory + "/notify.sock"
    let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
    self.fd = fd
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
      let bytes = Array(path.utf8)
      raw.copyBytes(from: bytes)
      raw[bytes.count] = 0
    }
    _ = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
      }
    }
    var tv = timeval(tv_sec: 0, tv_usec: 100_000)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    let received = self.received
    Thread.detachNewThread {
      var buffer = [UInt8](repeating: 0, count: 8192)
      while true {
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n > 0 {
          let text = String(decoding: buffer[0..<n], as: UTF8.self)
          received.withLock { $0.append((ContinuousClock.now, text)) }
        } else if n < 0 && errno != EAGAIN && errno != EINTR {
          return
        }
      }
    }
  }

  /// Every message so far.
  var messages: [(at: ContinuousClock.Instant, text: String)] { received.withLock { $0 } }

  /// The messages' first lines' keys in order, e.g. `["READY=1", "WATCHDOG=1", ...]`.
  var states: [String] {
    messages.map { $0.text.split(separator: "\n").first.map(String.init) ?? "" }
  }

  func close() {
    shutdown(fd, Int32(SHUT_RDWR))
    Glibc.close(fd)
  }
}

/// A daemon process under test, with its config in a temp directory.
final class DaemonUnderTest: @unchecked Sendable {
  let directory: String
  let configPath: String
  let process = Process()
  let notify: NotifySocket
  let stderrPipe = Pipe()
  private let stderrText = Locked<String>("")

  init(config: String, watchdogMicroseconds: Int? = nil, environment extra: [String: String] = [:])
    throws
  {
    directory = makeTemporaryDirectory()
    configPath = directory + "/infrahoused.toml"
    try FileManager.default.createDirectory(
      atPath: directory + "/conf.d", withIntermediateDirectories: true)
    try config.replacingOccurrences(of: "@DIR@", with: directory).write(
      toFile: configPath, atomically: true, encoding: .utf8)
    notify = NotifySocket(directory: directory)
    process.executableURL = URL(fileURLWithPath: daemonBinary)
    process.arguments = ["run", "--config", configPath]
    var env = ProcessInfo.processInfo.environment
    env["NOTIFY_SOCKET"] = notify.path
    env.removeValue(forKey: "JOURNAL_STREAM")
    env.removeValue(forKey: "WATCHDOG_PID")
    if let watchdogMicroseconds {
      env["WATCHDOG_USEC"] = String(watchdogMicroseconds)
    } else {
      env.removeValue(forKey: "WATCHDOG_USEC")
    }
    for (k, v) in extra { env[k] = v }
    process.environment = env
    process.standardError = stderrPipe
    process.standardOutput = FileHandle.nullDevice
    let text = stderrText
    stderrPipe.fileHandleForReading.readabilityHandler = { handle in
      let data = handle.availableData
      if !data.isEmpty { text.withLock { $0 += String(decoding: data, as: UTF8.self) } }
    }
    try process.run()
  }

  var socketPath: String { directory + "/run/control.sock" }
  var log: String { stderrText.withLock { $0 } }

  func rewriteConfig(_ config: String) throws {
    try config.replacingOccurrences(of: "@DIR@", with: directory).write(
      toFile: configPath, atomically: true, encoding: .utf8)
  }

  func signal(_ number: Int32) { kill(process.processIdentifier, number) }

  /// Waits for exit and returns the status, or nil on timeout (then kills it).
  func waitForExit(seconds: Double) async -> Int32? {
    let process = self.process
    guard await waitUntil(seconds, { !process.isRunning }) else {
      kill(process.processIdentifier, SIGKILL)
      await offPool { process.waitUntilExit() }
      return nil
    }
    return process.terminationStatus
  }

  /// Runs `infrahoused ARGS` to completion: (exit code, stdout, stderr).
  func cli(_ arguments: [String]) async -> (Int32, String, String) {
    await runCLI(arguments)
  }

  deinit {
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    notify.close()
    try? FileManager.default.removeItem(atPath: directory)
  }
}

/// Runs blocking work on a dispatch thread, so it never starves Swift concurrency's
/// cooperative pool (two threads on a two-core machine) that other tests need.
func offPool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
  await withCheckedContinuation { continuation in
    DispatchQueue.global().async { continuation.resume(returning: body()) }
  }
}

/// Runs the executable with `arguments` and optional stdin: (exit code, stdout, stderr).
func runCLI(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) async
  -> (
    Int32, String, String
  )
{
  await offPool { runCLIBlocking(arguments, stdin: stdin, environment: environment) }
}

func runCLIBlocking(_ arguments: [String], stdin: String?, environment: [String: String]) -> (
  Int32, String, String
) {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: daemonBinary)
  process.arguments = arguments
  var env = ProcessInfo.processInfo.environment
  for (k, v) in environment { env[k] = v }
  process.environment = env
  let out = Pipe()
  let err = Pipe()
  let input = Pipe()
  process.standardOutput = out
  process.standardError = err
  process.standardInput = input
  try! process.run()
  if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
  try? input.fileHandleForWriting.close()
  let o = out.fileHandleForReading.readDataToEndOfFile()
  let e = err.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return (
    process.terminationStatus, String(decoding: o, as: UTF8.self),
    String(decoding: e, as: UTF8.self)
  )
}

/// Polls `condition` every 10 ms until it holds or `seconds` pass.
func waitUntil(_ seconds: Double = 15, _ condition: () async -> Bool) async -> Bool {
  let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
  while ContinuousClock.now < deadline {
    if await condition() { return true }
    try? await Task.sleep(for: .milliseconds(10))
  }
  return await condition()
}
