import CSystemd
import InfraHouseCore

#if canImport(Glibc)
  import Glibc
#endif

/// Sends entries to journald natively with `sd_journal_sendv`, so each one
/// keeps its priority, code location and metadata as fields: `PRIORITY`,
/// `SYSLOG_IDENTIFIER`, `CODE_FILE`, `CODE_LINE`, `CODE_FUNC`, `MESSAGE`, and
/// one upper-case field per metadata key (`task` becomes `TASK=`).
public struct JournalLogSink: LogSink {
  /// journald's `SYSLOG_IDENTIFIER`.
  public let identifier: String

  public init(identifier: String) {
    self.identifier = identifier
  }

  public func emit(_ entry: LogEntry) {
    let fields = Self.fields(for: entry, identifier: identifier)
    var pointers: [UnsafeMutablePointer<CChar>] = fields.map { strdup($0)! }
    defer { pointers.forEach { free($0) } }
    var vectors = pointers.map { iovec(iov_base: UnsafeMutableRawPointer($0), iov_len: strlen($0)) }
    _ = vectors.withUnsafeMutableBufferPointer { buffer in
      sd_journal_sendv(buffer.baseAddress, Int32(buffer.count))
    }
    pointers.removeAll()
  }

  /// The journal fields for `entry`, in the order they are sent.
  public static func fields(for entry: LogEntry, identifier: String) -> [String] {
    var fields = [
      "MESSAGE=\(entry.message.replacingNewlines())",
      "PRIORITY=\(entry.level.syslogPriority)",
      "SYSLOG_IDENTIFIER=\(identifier)",
      "CODE_FILE=\(entry.fileID)",
      "CODE_LINE=\(entry.line)",
      "CODE_FUNC=\(entry.function)",
    ]
    for key in entry.metadata.keys.sorted() {
      let name = fieldName(key)
      guard !name.isEmpty else { continue }
      fields.append("\(name)=\(entry.metadata[key]!.replacingNewlines())")
    }
    return fields
  }

  /// A metadata key as a journal field name: upper-case letters, digits and
  /// underscores, not starting with a digit or underscore (journald rejects those).
  public static func fieldName(_ key: String) -> String {
    var name = ""
    for scalar in key.unicodeScalars {
      switch scalar {
      case "a"..."z": name.unicodeScalars.append(Unicode.Scalar(scalar.value - 32)!)
      case "A"..."Z", "0"..."9": name.unicodeScalars.append(scalar)
      default: name += "_"
      }
    }
    while let first = name.first, first == "_" || first.isNumber { name.removeFirst() }
    let reserved: Set<String> = [
      "MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER", "CODE_FILE", "CODE_LINE", "CODE_FUNC",
    ]
    return reserved.contains(name) ? "META_" + name : String(name.prefix(64))
  }
}

/// Chooses where log entries go, the way systemd services are expected to:
/// journald when stderr is connected to it, stderr otherwise.
public enum LogDestination {
  /// True when `JOURNAL_STREAM` names the device and inode of fd 2.
  public static func stderrIsJournal() -> Bool {
    guard let value = POSIX.environment("JOURNAL_STREAM") else { return false }
    let parts = value.split(separator: ":")
    guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else {
      return false
    }
    var info = stat()
    guard fstat(2, &info) == 0 else { return false }
    return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
  }

  /// The sink for this process.
  public static func automatic(identifier: String) -> any LogSink {
    stderrIsJournal() ? JournalLogSink(identifier: identifier) : StderrLogSink()
  }
}
