/// Picks the URL for a service call, first match wins: an explicit override
/// (the daemon's `[aws] endpoint_url`), `AWS_ENDPOINT_URL_<SERVICE>`,
/// `AWS_ENDPOINT_URL`, the profile's `endpoint_url`, then the partition's
/// default `https://<service>.<region>.<domain>`.
public struct AWSEndpointResolver: Sendable, Equatable {
  public var override: String?
  public var environment: [String: String]
  public var profileEndpoint: String?

  public init(
    override: String? = nil, environment: [String: String] = [:], profileEndpoint: String? = nil
  ) {
    self.override = override
    self.environment = environment
    self.profileEndpoint = profileEndpoint
  }

  /// The endpoint URL (no trailing slash).
  public func endpoint(for service: AWSService, region: String) -> String {
    let candidates = [
      override, environment["AWS_ENDPOINT_URL_\(service.environmentName)"],
      environment["AWS_ENDPOINT_URL"],
      profileEndpoint,
    ]
    if environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"]?.lowercased() != "true" || override != nil
    {
      for case let url? in candidates where !url.isEmpty {
        return url.hasSuffix("/") ? String(url.dropLast()) : url
      }
    }
    let partition = AWSPartition(region: region)
    if service.id == "iam" {
      return
        "https://\(partition == .aws ? "iam.amazonaws.com" : "iam.\(region).\(partition.dnsSuffix)")"
    }
    return "https://\(service.id).\(region).\(partition.dnsSuffix)"
  }
}

/// The AWS partitions we can address.
public enum AWSPartition: String, Sendable, Equatable {
  case aws
  case awsCN = "aws-cn"
  case awsUSGov = "aws-us-gov"

  /// The partition a region belongs to.
  public init(region: String) {
    if region.hasPrefix("cn-") {
      self = .awsCN
    } else if region.hasPrefix("us-gov-") {
      self = .awsUSGov
    } else {
      self = .aws
    }
  }

  /// `amazonaws.com` or `amazonaws.com.cn`.
  public var dnsSuffix: String { self == .awsCN ? "amazonaws.com.cn" : "amazonaws.com" }
}
