/// What the client needs to know about one AWS service.
public struct AWSService: Sendable, Hashable {
  /// Our id and the endpoint prefix: `dynamodb`, `sts`, `ec2`...
  public var id: String
  /// The SigV4 service name.
  public var signingName: String
  /// The suffix of `AWS_ENDPOINT_URL_<NAME>`.
  public var environmentName: String
  public var wireProtocol: AWSProtocol

  public init(id: String, signingName: String, environmentName: String, wireProtocol: AWSProtocol) {
    self.id = id
    self.signingName = signingName
    self.environmentName = environmentName
    self.wireProtocol = wireProtocol
  }

  public func hash(into hasher: inout Hasher) { hasher.combine(id) }
  public static func == (a: AWSService, b: AWSService) -> Bool { a.id == b.id }

  public static let sts = AWSService(
    id: "sts", signingName: "sts", environmentName: "STS",
    wireProtocol: .query(apiVersion: "2011-06-15"))
  public static let dynamodb = AWSService(
    id: "dynamodb", signingName: "dynamodb", environmentName: "DYNAMODB",
    wireProtocol: .json(version: "1.0", targetPrefix: "DynamoDB_20120810"))
  public static let ssm = AWSService(
    id: "ssm", signingName: "ssm", environmentName: "SSM",
    wireProtocol: .json(version: "1.1", targetPrefix: "AmazonSSM"))
  public static let secretsManager = AWSService(
    id: "secretsmanager", signingName: "secretsmanager", environmentName: "SECRETS_MANAGER",
    wireProtocol: .json(version: "1.1", targetPrefix: "secretsmanager"))
  public static let ec2 = AWSService(
    id: "ec2", signingName: "ec2", environmentName: "EC2",
    wireProtocol: .query(apiVersion: "2016-11-15"))
  public static let autoScaling = AWSService(
    id: "autoscaling", signingName: "autoscaling", environmentName: "AUTO_SCALING",
    wireProtocol: .query(apiVersion: "2011-01-01"))
  public static let iam = AWSService(
    id: "iam", signingName: "iam", environmentName: "IAM",
    wireProtocol: .query(apiVersion: "2010-05-08"))
}
