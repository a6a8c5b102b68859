/// One parsed `~/.aws/config` or `~/.aws/credentials` file.
///
/// Profiles are `[default]` / `[profile NAME]` in the config file and
/// `[NAME]` in the credentials file; `[sso-session NAME]` sections are kept
/// apart. Nested sub-sections (`s3 =` followed by indented lines) are kept
/// as `parent.key`. Parsing is pure: read the file elsewhere.
public struct AWSConfigFile: Sendable, Equatable {
  /// Profile name -> key -> value.
  public var profiles: [String: [String: String]]
  /// `[sso-session NAME]` sections.
  public var ssoSessions: [String: [String: String]]

  public init(
    profiles: [String: [String: String]] = [:], ssoSessions: [String: [String: String]] = [:]
  ) {
    self.profiles = profiles
    self.ssoSessions = ssoSessions
  }

  /// Parses `text`; `credentialsFile` selects the `[NAME]` profile syntax.
  public static func parse(_ text: String, credentialsFile: Bool = false) -> AWSConfigFile {
    var file = AWSConfigFile()
    enum Target {
      case profile(String)
      case sso(String)
      case ignored
    }
    var target = Target.ignored
    var parent: String?
    for rawLine in text.split(
      omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
    {
      let indented = rawLine.first == " " || rawLine.first == "\t"
      let line = rawLine.trimmingSpaces()
      if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
      if line.hasPrefix("[") {
        parent = nil
        guard line.hasSuffix("]") else {
          target = .ignored
          continue
        }
        let header = line.dropFirst().dropLast().trimmingSpaces()
        if credentialsFile {
          target = .profile(header)
        } else if header == "default" {
          target = .profile("default")
        } else if header.hasPrefix("profile ") {
          target = .profile(header.dropFirst("profile ".count).trimmingSpaces())
        } else if header.hasPrefix("sso-session ") {
          target = .sso(header.dropFirst("sso-session ".count).trimmingSpaces())
        } else {
          target = .ignored
        }
        if case .profile(let name) = target, file.profiles[name] == nil {
          file.profiles[name] = [:]
        }
        if case .sso(let name) = target, file.ssoSessions[name] == nil {
          file.ssoSessions[name] = [:]
        }
        continue
      }
      guard let eq = line.firstIndex(of: "=") else { continue }
      var key = line[..<eq].trimmingSpaces().lowercased()
      let value = stripInlineComment(line[line.index(after: eq)...].trimmingSpaces())
      if indented, let parent {
        key = "\(parent).\(key)"
      } else if value.isEmpty {
        parent = key
        continue
      } else {
        parent = nil
      }
      switch target {
      case .profile(let name): file.profiles[name, default: [:]][key] = value
      case .sso(let name): file.ssoSessions[name, default: [:]][key] = value
      case .ignored: break
      }
    }
    return file
  }

  /// ` # comment` after a value is a comment; a `#` inside a value is not.
  private static func stripInlineComment(_ value: String) -> String {
    for marker in [" #", " ;", "\t#", "\t;"] {
      if let r = value.range(ofText: marker) { return value[..<r.lowerBound].trimmingSpaces() }
    }
    return value
  }

  /// Overlays `other` (the credentials file wins over the config file).
  public func merging(_ other: AWSConfigFile) -> AWSConfigFile {
    var out = self
    for (name, keys) in other.profiles {
      out.profiles[name, default: [:]].merge(keys) { _, new in new }
    }
    for (name, keys) in other.ssoSessions {
      out.ssoSessions[name, default: [:]].merge(keys) { _, new in new }
    }
    return out
  }

  /// The named profile, if present.
  public func profile(_ name: String) -> AWSProfile? {
    profiles[name].map {
      AWSProfile(name: name, values: $0, ssoSession: $0["sso_session"].flatMap { ssoSessions[$0] })
    }
  }
}

/// A profile's settings with typed accessors for the keys we use.
public struct AWSProfile: Sendable, Equatable {
  public var name: String
  /// Every key of the profile, lower-cased.
  public var values: [String: String]
  /// The `[sso-session]` section the profile names, if any.
  public var ssoSessionValues: [String: String]?

  public init(name: String, values: [String: String], ssoSession: [String: String]? = nil) {
    self.name = name
    self.values = values
    self.ssoSessionValues = ssoSession
  }

  public var region: String? { values["region"] }
  public var accessKeyId: String? { values["aws_access_key_id"] }
  public var secretAccessKey: String? { values["aws_secret_access_key"] }
  public var sessionToken: String? { values["aws_session_token"] ?? values["aws_security_token"] }
  public var roleArn: String? { values["role_arn"] }
  public var sourceProfile: String? { values["source_profile"] }
  /// `Environment`, `Ec2InstanceMetadata` or `EcsContainer`.
  public var credentialSource: String? { values["credential_source"] }
  public var externalId: String? { values["external_id"] }
  public var roleSessionName: String? { values["role_session_name"] }
  public var durationSeconds: Int? { values["duration_seconds"].flatMap { Int($0) } }
  public var webIdentityTokenFile: String? { values["web_identity_token_file"] }
  public var endpointURL: String? { values["endpoint_url"] }
  public var ssoSession: String? { values["sso_session"] }
  public var ssoAccountId: String? { values["sso_account_id"] }
  public var ssoRoleName: String? { values["sso_role_name"] }
  /// From the profile, else from its `[sso-session]`.
  public var ssoRegion: String? { values["sso_region"] ?? ssoSessionValues?["sso_region"] }
  public var ssoStartURL: String? { values["sso_start_url"] ?? ssoSessionValues?["sso_start_url"] }
  public var ssoRegistrationScopes: String? {
    values["sso_registration_scopes"] ?? ssoSessionValues?["sso_registration_scopes"]
  }
}
