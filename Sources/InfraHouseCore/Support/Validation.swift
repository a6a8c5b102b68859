/// Why a value failed validation: names the field and what was expected.
public struct ValidationError: Error, Sendable, Equatable, CustomStringConvertible {
  public var field: String
  public var value: String
  public var expected: String
  public var description: String { "invalid \(field) \"\(value)\": expected \(expected)" }
}

/// Input checks with clear messages, the Swift form of infrahouse-core's `validation.py`.
public enum Validation {
  /// `i-` followed by 8 or 17 lower-case hex digits.
  public static func instanceId(_ s: String) throws(ValidationError) {
    let hex = s.dropFirst(2)
    guard s.hasPrefix("i-"), hex.count == 8 || hex.count == 17, hex.allSatisfy(\.isLowerHexDigit)
    else {
      throw ValidationError(field: "instance id", value: s, expected: "i- and 8 or 17 hex digits")
    }
  }

  /// `arn:<partition>:iam::<12-digit account>:role/<path/name>`.
  public static func roleArn(_ s: String) throws(ValidationError) {
    let parts = s.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
    guard parts.count == 6, parts[0] == "arn",
      ["aws", "aws-cn", "aws-us-gov"].contains(String(parts[1])),
      parts[2] == "iam", parts[3].isEmpty, parts[4].count == 12,
      parts[4].allSatisfy(\.isASCIIDigit),
      parts[5].hasPrefix("role/"), parts[5].count > 5,
      parts[5].allSatisfy({ $0.isASCIIAlnum || "+=,.@_-/".contains($0) })
    else {
      throw ValidationError(
        field: "role ARN", value: s, expected: "arn:aws:iam::<12-digit account>:role/<name>")
    }
  }

  /// `us-east-1`, `cn-north-1`, `us-gov-west-1`, `eu-central-2`...
  public static func region(_ s: String) throws(ValidationError) {
    let parts = s.split(separator: "-", omittingEmptySubsequences: false)
    let ok =
      (3...4).contains(parts.count) && parts.allSatisfy({ !$0.isEmpty })
      && parts.dropLast().allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isLowercase } })
      && parts.last!.allSatisfy(\.isASCIIDigit)
    guard ok else {
      throw ValidationError(field: "region", value: s, expected: "a region such as us-east-1")
    }
  }

  /// A DNS name: labels of 1-63 letters, digits and inner hyphens, 253 characters at most, optional final dot.
  public static func dnsName(_ s: String) throws(ValidationError) {
    let name = s.hasSuffix(".") ? String(s.dropLast()) : s
    let labels = name.split(separator: ".", omittingEmptySubsequences: false)
    let ok =
      !name.isEmpty && name.count <= 253
      && labels.allSatisfy({ label in
        (1...63).contains(label.count) && label.first != "-" && label.last != "-"
          && label.allSatisfy { $0.isASCIIAlnum || $0 == "-" || $0 == "_" }
      })
    guard ok else {
      throw ValidationError(field: "DNS name", value: s, expected: "labels of 1-63 [a-z0-9-]")
    }
  }

  /// A Route 53 hosted zone id: `Z` followed by 1-31 upper-case letters and digits (`/hostedzone/` prefix allowed).
  public static func hostedZoneId(_ s: String) throws(ValidationError) {
    let id = s.hasPrefix("/hostedzone/") ? String(s.dropFirst("/hostedzone/".count)) : s
    guard id.hasPrefix("Z"), (2...32).contains(id.count),
      id.allSatisfy({ $0.isASCIIDigit || ($0.isASCII && $0.isUppercase) })
    else {
      throw ValidationError(
        field: "hosted zone id", value: s, expected: "Z followed by upper-case letters and digits")
    }
  }
}

extension Character {
  var isASCIIDigit: Bool { isASCII && isNumber }
  var isASCIIAlnum: Bool { isASCII && (isLetter || isNumber) }
  var isLowerHexDigit: Bool { isASCIIDigit || ("a"..."f").contains(self) }
}
