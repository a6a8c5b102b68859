/// The shared config and credentials files as the environment locates them:
/// `AWS_CONFIG_FILE` (default `~/.aws/config`) overlaid with
/// `AWS_SHARED_CREDENTIALS_FILE` (default `~/.aws/credentials`), and the
/// profile chosen by `AWS_PROFILE` (else `AWS_DEFAULT_PROFILE`, else `default`).
public struct AWSSharedConfig: Sendable, Equatable {
  public var file: AWSConfigFile
  public var profileName: String

  public init(file: AWSConfigFile, profileName: String) {
    self.file = file
    self.profileName = profileName
  }

  /// Reads the files named by `environment`; missing files count as empty.
  public static func load(environment: [String: String], profile: String? = nil) -> AWSSharedConfig
  {
    let home = environment["HOME"] ?? "/root"
    let configPath = expand(environment["AWS_CONFIG_FILE"] ?? "~/.aws/config", home: home)
    let credentialsPath = expand(
      environment["AWS_SHARED_CREDENTIALS_FILE"] ?? "~/.aws/credentials", home: home)
    let config = AWSConfigFile.parse(readText(configPath) ?? "")
    let credentials = AWSConfigFile.parse(readText(credentialsPath) ?? "", credentialsFile: true)
    let name =
      profile ?? environment["AWS_PROFILE"] ?? environment["AWS_DEFAULT_PROFILE"] ?? "default"
    return AWSSharedConfig(file: config.merging(credentials), profileName: name)
  }

  /// The selected profile, if the files define it.
  public var profile: AWSProfile? { file.profile(profileName) }

  static func expand(_ path: String, home: String) -> String {
    path.hasPrefix("~/") ? home + path.dropFirst(1) : path
  }

  static func readText(_ path: String) -> String? {
    FileReader.read(path, limit: 16 << 20).map { String(decoding: $0, as: UTF8.self) }
  }
}
