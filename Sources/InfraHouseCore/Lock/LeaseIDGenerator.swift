/// Makes lease ids and poll jitter from a seeded SplitMix64 stream, so the lease
/// state machine stays deterministic: the owner seeds it from the system's random
/// source, tests seed it with a constant.
public struct LeaseRandomSource: Sendable, Hashable, RandomNumberGenerator {
  private var state: UInt64
  private var counter: UInt64 = 0

  public init(seed: UInt64) { self.state = seed }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A fresh lease id: a sequence number (unique within this process) and 64
  /// random bits (unique across hosts and restarts).
  public mutating func makeLeaseID() -> String {
    counter += 1
    let random = String(next(), radix: 16)
    return String(counter, radix: 16) + "-" + String(repeating: "0", count: 16 - random.count)
      + random
  }
}
