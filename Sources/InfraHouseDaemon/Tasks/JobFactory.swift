import InfraHouseConfig

/// Turns the configuration into the scheduler's job list.
enum JobFactory {
  static func specs(for configuration: DaemonConfiguration) -> [JobSpec] {
    var specs: [JobSpec] = []
    for command in configuration.commands {
      specs.append(
        JobSpec(
          name: command.name, schedule: command.schedule, exclusive: command.exclusive,
          fingerprint: String(describing: command), job: CommandJob(argv: command.argv)))
    }
    return specs
  }
}
