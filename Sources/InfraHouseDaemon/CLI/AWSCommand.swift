import InfraHouseConfig
import InfraHouseCore

/// `infrahoused aws whoami [--role-arn ARN] [--region R] [--config PATH]`:
/// the account, the ARN and which provider supplied the credentials.
enum AWSCommand {
  static func run(_ arguments: [String]) async throws -> Int32 {
    guard arguments.first == "whoami" else { throw UsageError("aws needs a subcommand: whoami") }
    var roleArn: String?
    var region: String?
    var configPath: String?
    var iterator = arguments.dropFirst().makeIterator()
    while let argument = iterator.next() {
      guard let value = iterator.next() else { throw UsageError("\(argument) needs a value") }
      switch argument {
      case "--role-arn": roleArn = value
      case "--region": region = value
      case "--config": configPath = value
      default: throw UsageError("unexpected argument '\(argument)' for aws whoami")
      }
    }
    var section = AWSSection()
    if let configPath {
      guard let configuration = ConfigFiles.loadReportingErrors(configPath) else { return 1 }
      section = configuration.aws
    }
    let me = try await awsWhoAmI(
      roleArn: roleArn ?? section.roleArn, region: region ?? section.region,
      endpoint: section.endpointURL,
      profile: section.profile)
    POSIX.writeAll(
      1,
      "account:  \(me.account)\narn:      \(me.arn)\nprovider: \(me.provider)\nregion:   \(me.region)\n"
    )
    return 0
  }
}
