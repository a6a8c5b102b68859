#if canImport(Glibc)
  import Glibc
#endif

/// The identity a lease holder writes into the lock item's `owner`:
/// `<instance id or hostname>:<pid>:<random hex>`. The instance id comes from
/// instance metadata when it answers quickly; the random part tells two runs
/// of the same pid apart (a container restart, pid reuse).
public enum LockHostIdentity {
  /// Makes an identity. `instanceMetadata` is asked for the instance id with
  /// `metadataTimeout`, unless nil or `AWS_EC2_METADATA_DISABLED=true` in `environment`.
  public static func make(
    instanceMetadata: InstanceMetadataClient?, environment: [String: String],
    metadataTimeout: Duration = .milliseconds(500)
  ) async -> String {
    var host: String?
    if let instanceMetadata, environment["AWS_EC2_METADATA_DISABLED"]?.lowercased() != "true" {
      host = try? await withTimeout(metadataTimeout) {
        try await instanceMetadata.get("/latest/meta-data/instance-id")
      }
      if let h = host, h.isEmpty || h.contains(where: { $0 == ":" || $0.isWhitespace }) {
        host = nil
      }
    }
    return compose(
      host: host ?? hostname(), pid: Int(getpid()), random: UInt32.random(in: .min ... .max))
  }

  /// `host:pid:random` with the random part as 8 hex digits.
  public static func compose(host: String, pid: Int, random: UInt32) -> String {
    let hex = String(random, radix: 16)
    return "\(host):\(pid):" + String(repeating: "0", count: 8 - hex.count) + hex
  }

  /// The host name, or `localhost` when it cannot be read.
  public static func hostname() -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
    let name = String(
      decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return name.isEmpty ? "localhost" : name
  }
}
