import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The GitHub stand-in (`Tests/Standins/github_api.py`) as a child process.
func gitHubStandin(runners: Int, token: String) throws -> LoopbackScript {
  try LoopbackScript(
    path: "/Tests/Standins/github_api.py",
    arguments: ["0", "--runners", String(runners), "--token", token])
}

/// `infrahoused runners ...` and `aws whoami` run as a user would, against real peers.
@Suite(.serialized) struct CommandLinePeerTests {
  func config(_ body: String) throws -> String {
    let dir = makeTemporaryDirectory()
    let path = dir + "/infrahoused.toml"
    try body.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test func runnersListStreamsEveryRunnerAsTextOrJSON() async throws {
    let standin = try await offPool {
      Result { try gitHubStandin(runners: 250, token: "cli-token") }
    }.get()
    let path = try config(
      "[runners]\napi_url = \"http://127.0.0.1:\(standin.port)\"\norg = \"acme\"\ntoken_env = \"CLI_GH_TOKEN\"\n"
    )
    let (code, out, _) = await runCLI(
      ["runners", "list", "--config", path], environment: ["CLI_GH_TOKEN": "cli-token"])
    #expect(code == 0)
    let lines = out.split(separator: "\n")
    #expect(lines.count == 251)
    #expect(lines.first == "ID\tNAME\tSTATUS\tBUSY\tLABELS")
    #expect(lines[1].hasPrefix("1\trunner-1\tonline\tfalse\tself-hosted,Linux,X64,instance_id:i-"))

    let (jsonCode, json, _) = await runCLI(
      [
        "runners", "list", "--json", "--label",
        "instance_id:i-\(String(repeating: "0", count: 16))7", "--config", path,
      ],
      environment: ["CLI_GH_TOKEN": "cli-token"])
    #expect(jsonCode == 0)
    let objects = json.split(separator: "\n").map {
      try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
    }
    #expect(objects.count == 1)
    #expect(objects.first??["id"] as? Int == 7)
    #expect(objects.first??["busy"] as? Bool == false)

    // A wrong token: exit 1, the call and GitHub's message, never the token.
    let (badCode, _, badErr) = await runCLI(
      ["runners", "list", "--config", path], environment: ["CLI_GH_TOKEN": "not-the-token"])
    #expect(badCode == 1)
    #expect(badErr.contains("GET /orgs/acme/actions/runners failed: HTTP 401: Bad credentials"))
    #expect(badErr.contains("request id"))
    #expect(!badErr.contains("not-the-token"))
  }

  @Test func runnersSweepOnlyRunsDryAndSaysWhy() async throws {
    let standin = try await offPool { Result { try gitHubStandin(runners: 3, token: "t") } }
      .get()
    let path = try config(
      "[runners]\napi_url = \"http://127.0.0.1:\(standin.port)\"\norg = \"acme\"\ntoken_env = \"CLI_GH_TOKEN\"\n"
        + "idle = true\nidle_grace = \"1s\"\nmin_idle = 0\n[aws]\nregion = \"us-east-1\"\n")
    let (code, out, _) = await runCLI(
      ["runners", "sweep", "--dry-run", "--config", path], environment: ["CLI_GH_TOKEN": "t"])
    #expect(code == 0)
    // A dry run keeps no history, so idle runners are seen for the first time: nothing to do yet.
    #expect(out.contains("3 runners listed, 3 in scope, 0 candidates"))
    let (realCode, _, realErr) = await runCLI(
      ["runners", "sweep", "--config", path], environment: ["CLI_GH_TOKEN": "t"])
    #expect(realCode == 2)
    #expect(realErr.contains("only runs with --dry-run"))
  }

  @Test func awsWhoAmIAgainstMoto() async throws {
    let moto = await LockMoto.shared()
    let path = try config("[aws]\nregion = \"us-east-1\"\nendpoint_url = \"\(moto.endpoint)\"\n")
    let (code, out, err) = await runCLI(
      ["aws", "whoami", "--config", path], environment: moto.environment)
    #expect(code == 0, "\(err)")
    #expect(out.contains("arn:aws:iam::"))
    #expect(out.contains("provider: environment"))
    // A wrong secret is refused by moto's signature check: exit 1, no secret in the message.
    var wrong = moto.environment
    wrong["AWS_SECRET_ACCESS_KEY"] = "wrong-secret-value"
    let (badCode, _, badErr) = await runCLI(
      ["aws", "whoami", "--config", path], environment: wrong)
    #expect(badCode == 1)
    #expect(badErr.contains("GetCallerIdentity"))
    #expect(!badErr.contains("wrong-secret-value"))
  }

  @Test func awsCallsGoThroughTheProxyOfTheEnvironmentUnlessNoProxySaysOtherwise() async throws {
    let moto = await LockMoto.shared()
    let log = makeTemporaryDirectory() + "/proxy.log"
    let proxy = try await offPool {
      Result { try LoopbackScript(path: "/Tests/Support/http_proxy.py", arguments: [log]) }
    }.get()
    let path = try config("[aws]\nregion = \"us-east-1\"\nendpoint_url = \"\(moto.endpoint)\"\n")
    var environment = moto.environment
    environment["http_proxy"] = "http://127.0.0.1:\(proxy.port)"
    environment["no_proxy"] = ""
    environment["NO_PROXY"] = ""
    let (code, out, err) = await runCLI(
      ["aws", "whoami", "--config", path], environment: environment)
    #expect(code == 0, "\(err)")
    #expect(out.contains("arn:aws:iam::"), "moto answered through the proxy")
    let seen = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
    #expect(seen == "POST \(moto.endpoint)/\n", "the signed call went through the proxy")

    environment["no_proxy"] = "127.0.0.1"
    let (direct, _, directErr) = await runCLI(
      ["aws", "whoami", "--config", path], environment: environment)
    #expect(direct == 0, "\(directErr)")
    let after = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
    #expect(after == seen, "no_proxy=127.0.0.1 bypasses the proxy")
  }
}

/// A Python helper of the test tree that prints "NAME PORT" and serves until killed.
final class LoopbackScript: @unchecked Sendable {
  let process = Process()
  let port: Int

  init(path: String, arguments: [String]) throws {
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", packageRoot + path] + arguments
    let out = Pipe()
    process.standardOutput = out
    try process.run()
    var line = Data()
    while !line.contains(UInt8(ascii: "\n")) {
      let chunk = out.fileHandleForReading.availableData
      if chunk.isEmpty { break }
      line.append(chunk)
    }
    let words = String(decoding: line, as: UTF8.self).split(whereSeparator: \.isWhitespace)
    port = words.count > 1 ? Int(words[1]) ?? 0 : 0
  }

  deinit {
    kill(process.processIdentifier, SIGKILL)
  }
}
