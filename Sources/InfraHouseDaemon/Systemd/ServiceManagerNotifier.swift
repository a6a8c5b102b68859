import CSystemd

/// Talks to the service manager through libsystemd's `sd_notify`:
/// readiness, reloads, stopping, status lines and watchdog keep-alives.
///
/// Without `NOTIFY_SOCKET` every call is a silent no-op (libsystemd returns 0).
public struct ServiceManagerNotifier: Sendable {
  public init() {}

  /// Sends a raw notification (`KEY=value` lines). Returns libsystemd's result.
  @discardableResult
  public func send(_ state: String) -> Int32 {
    sd_notify(0, state)
  }

  /// `READY=1` with a status line.
  public func ready(status: String) { send("READY=1\nSTATUS=\(Self.oneLine(status))") }

  /// `RELOADING=1` with `MONOTONIC_USEC=` (systemd 253+ uses it; 252 ignores it).
  public func reloading() {
    send(
      "RELOADING=1\nMONOTONIC_USEC=\(POSIX.monotonicMicroseconds())\nSTATUS=Reloading configuration"
    )
  }

  /// `STOPPING=1`.
  public func stopping() { send("STOPPING=1\nSTATUS=Stopping") }

  /// `STATUS=` only.
  public func status(_ text: String) { send("STATUS=\(Self.oneLine(text))") }

  /// `WATCHDOG=1`.
  public func watchdogPing() { send("WATCHDOG=1") }

  /// The watchdog interval systemd asked for (`WATCHDOG_USEC`, checked against
  /// `WATCHDOG_PID` by libsystemd), or nil when the watchdog is off.
  public func watchdogInterval() -> Duration? {
    var usec: UInt64 = 0
    guard sd_watchdog_enabled(0, &usec) > 0, usec > 0 else { return nil }
    return .microseconds(Int64(usec))
  }

  static func oneLine(_ text: String) -> String {
    String(text.map { $0.isNewline ? " " : $0 })
  }
}
