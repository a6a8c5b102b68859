import InfraHouseConfig
import InfraHouseCore

/// Turns the configuration into the scheduler's job list.
enum JobFactory {
  static func specs(
    for configuration: DaemonConfiguration, gate: any ExclusiveGate, board: StatusBoard,
    logger: Logger
  ) -> [JobSpec] {
    var specs: [JobSpec] = []
    if configuration.raft.enabled {
      let heartbeat = Services.raftHeartbeat(
        configuration, gate: { await gate.admit() != nil }, logger: logger.with("task", "raft"))
      specs.append(
        JobSpec(
          name: "raft", schedule: configuration.raft.schedule, exclusive: false,
          fingerprint: String(describing: (configuration.raft, configuration.aws)),
          job: RaftJob(heartbeat: heartbeat, board: board)))
    } else {
      board.post("raft", nil)
    }
    if configuration.runners.enabled {
      specs.append(
        JobSpec(
          name: "runners", schedule: configuration.runners.schedule, exclusive: true,
          fingerprint: String(describing: (configuration.runners, configuration.aws)),
          job: RunnersJob(configuration: configuration, logger: logger)))
    }
    for command in configuration.commands where command.enabled {
      specs.append(
        JobSpec(
          name: command.name, schedule: command.schedule, exclusive: command.exclusive,
          fingerprint: String(describing: command), job: CommandJob(argv: command.argv)))
    }
    return specs
  }
}
