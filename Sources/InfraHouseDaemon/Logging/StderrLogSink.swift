import InfraHouseCore

#if canImport(Glibc)
  import Glibc
#endif

/// Writes one line per entry to stderr with a single `write(2)`.
///
/// On a terminal the line is plain and readable (time, level, message,
/// `key=value` metadata). Otherwise it starts with the `<N>` syslog priority
/// prefix that journald and syslog-style collectors understand (sd-daemon(3)).
public struct StderrLogSink: LogSink {
  /// Whether to format for a person at a terminal.
  public let interactive: Bool

  public init(interactive: Bool = isatty(2) == 1) {
    self.interactive = interactive
  }

  public func emit(_ entry: LogEntry) {
    POSIX.writeAll(2, format(entry))
  }

  /// The line written for `entry`, newline included.
  public func format(_ entry: LogEntry) -> String {
    var line = ""
    if interactive {
      line += POSIX.timestamp() + " " + entry.level.rawValue.uppercased() + " "
    } else {
      line += "<\(entry.level.syslogPriority)>"
    }
    line += entry.message.replacingNewlines()
    for key in entry.metadata.keys.sorted() {
      line += " \(key)=\(Self.quoted(entry.metadata[key]!))"
    }
    line += "\n"
    return line
  }

  static func quoted(_ value: String) -> String {
    if !value.isEmpty,
      !value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline })
    {
      return value
    }
    var out = "\""
    for c in value {
      switch c {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      default: out.append(c)
      }
    }
    return out + "\""
  }
}

extension String {
  /// One physical line: embedded newlines become `\n` escapes.
  func replacingNewlines() -> String {
    guard contains(where: \.isNewline) else { return self }
    var out = ""
    for c in self {
      if c.isNewline { out += "\\n" } else { out.append(c) }
    }
    return out
  }
}
