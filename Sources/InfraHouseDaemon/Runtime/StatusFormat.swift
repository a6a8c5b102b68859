/// Renders durations and the task table for `infrahoused status`.
enum StatusFormat {
  /// `1h2m3s`, `4m5s`, `6s`, `250ms`.
  static func duration(_ d: Duration) -> String {
    let ms = Scheduler.milliseconds(d)
    if ms < 0 { return "-" + duration(.milliseconds(-ms)) }
    if ms < 1000 { return "\(ms)ms" }
    let total = ms / 1000
    let h = total / 3600
    let m = (total % 3600) / 60
    let s = total % 60
    if h > 0 { return "\(h)h\(m)m\(s)s" }
    if m > 0 { return "\(m)m\(s)s" }
    return "\(s)s"
  }

  static func table(_ jobs: [JobStatus], now: ContinuousClock.Instant) -> String {
    var rows = [["TASK", "KIND", "STATE", "RUNS", "LAST", "TOOK", "LAST START", "NEXT RUN"]]
    for job in jobs {
      let last = job.lastOutcome.map { outcome -> String in
        switch outcome {
        case .failed(let m): "failed: \(m)"
        case .cancelled(let why): "cancelled: \(why)"
        default: outcome.word
        }
      }
      rows.append([
        job.name,
        job.exclusive ? "exclusive" : "local",
        job.running ? "running" : "waiting",
        String(job.runs),
        last ?? "-",
        job.lastDuration.map(duration) ?? "-",
        job.lastStart.map { duration(now - $0) + " ago" } ?? "-",
        job.nextRun.map { "in " + duration($0 - now) } ?? (job.running ? "after this run" : "-"),
      ])
    }
    var widths = [Int](repeating: 0, count: rows[0].count)
    for row in rows {
      for (i, cell) in row.enumerated() where i < row.count - 1 {
        widths[i] = max(widths[i], cell.count)
      }
    }
    var out = ""
    for row in rows {
      var line = ""
      for (i, cell) in row.enumerated() {
        line += cell
        if i < row.count - 1 { line += String(repeating: " ", count: widths[i] - cell.count + 2) }
      }
      out += line + "\n"
    }
    return out
  }
}
