#if canImport(Glibc)
  import Glibc
#endif

/// A moment in wall-clock (UTC) time: seconds since the Unix epoch.
///
/// The shipped targets link the standard library alone (see `Package.swift`), so
/// this stands where Foundation's `Date` would: credential expirations, SigV4's
/// request date, the clock-skew correction. Intervals are plain seconds
/// (`Double`), as AWS's clock arithmetic is.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// Seconds since 1970-01-01T00:00:00Z, with a fraction.
  public var secondsSince1970: Double

  public init(secondsSince1970: Double) {
    self.secondsSince1970 = secondsSince1970
  }

  /// The system's wall clock (`CLOCK_REALTIME`) now.
  public static func now() -> Timestamp {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Timestamp(secondsSince1970: Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9)
  }

  /// This moment moved by `seconds` (negative: earlier).
  public func adding(seconds: Double) -> Timestamp {
    Timestamp(secondsSince1970: secondsSince1970 + seconds)
  }

  /// The seconds from `other` to this moment (negative when `other` is later).
  public func seconds(since other: Timestamp) -> Double {
    secondsSince1970 - other.secondsSince1970
  }

  /// Whole seconds since the epoch, rounded down (what DynamoDB TTLs and JWTs hold).
  public var epochSeconds: Int64 { Int64(secondsSince1970.rounded(.down)) }

  public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
    lhs.secondsSince1970 < rhs.secondsSince1970
  }

  /// `2015-08-30T12:36:00Z`
  public var description: String { AWSDateFormat.iso8601(self) }
}
