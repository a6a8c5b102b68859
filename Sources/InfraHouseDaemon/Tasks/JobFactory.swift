import InfraHouseConfig
import InfraHouseCore

/// Turns the configuration into the scheduler's job list.
enum JobFactory {
    static func specs(for configuration: DaemonConfiguration, logger: Logger) -> [JobSpec] {
        var specs: [JobSpec] = []
        if configuration.runners.enabled {
            specs.append(
                JobSpec(
                    name: "runners", schedule: configuration.runners.schedule, exclusive: true,
                    fingerprint: String(describing: (configuration.runners, configuration.aws)),
                    job: RunnersJob(configuration: configuration, logger: logger)))
        }
        for command in configuration.commands {
            specs.append(
                JobSpec(
                    name: command.name, schedule: command.schedule, exclusive: command.exclusive,
                    fingerprint: String(describing: command), job: CommandJob(argv: command.argv)))
        }
        return specs
    }
}
