/// The region chain: the argument, `AWS_REGION`, `AWS_DEFAULT_REGION`, the
/// profile's `region`, then instance metadata (`placement/region`).
public struct AWSRegionResolver: Sendable {
  public var argument: String?
  public var environment: [String: String]
  public var profileRegion: String?
  public var instanceMetadata: InstanceMetadataClient?

  public init(
    argument: String?, environment: [String: String], profileRegion: String?,
    instanceMetadata: InstanceMetadataClient?
  ) {
    self.argument = argument
    self.environment = environment
    self.profileRegion = profileRegion
    self.instanceMetadata = instanceMetadata
  }

  /// The first region the chain yields, without asking instance metadata.
  public var configuredRegion: String? {
    for case let r? in [
      argument, environment["AWS_REGION"], environment["AWS_DEFAULT_REGION"], profileRegion,
    ]
    where !r.isEmpty {
      return r
    }
    return nil
  }

  /// The region, asking instance metadata last; throws ``AWSClientError/regionNotFound``.
  public func resolve() async throws -> String {
    if let r = configuredRegion { return r }
    if let imds = instanceMetadata,
      environment["AWS_EC2_METADATA_DISABLED"]?.lowercased() != "true",
      let r = try? await imds.get("/latest/meta-data/placement/region"), !r.isEmpty
    {
      return r
    }
    throw AWSClientError.regionNotFound
  }
}
