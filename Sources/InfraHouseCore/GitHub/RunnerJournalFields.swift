extension RunnerDecision {
  /// The decision's journald fields (issue 6): `runner_id`, `runner_name`,
  /// `reason`, and `action` (`deregister` or `keep`); the logger upper-cases keys.
  public var journalFields: [String: String] {
    var fields = ["runner_id": String(runner.id), "runner_name": runner.name]
    switch verdict {
    case .deregister(let reason):
      fields["action"] = "deregister"
      fields["reason"] = reason.code
      if case .orphaned(let instanceID, _) = reason { fields["instance_id"] = instanceID }
    case .keep(let why):
      fields["action"] = "keep"
      fields["reason"] = why.code
    }
    return fields
  }
}
