import Foundation
import InfraHouseCore
import Testing

/// ``OrchestratorSSMTransport``: its curl command line run for real (locally,
/// as SSM runs it on the instance) against the loopback server, and its SSM
/// path through moto.
@Suite struct OrchestratorSSMTransportTests {
  let port = Int(Loopback.base.split(separator: ":").last ?? "") ?? 0

  @Test func keepsTheBodyAndStatusOfAFailedCall() async throws {
    let transport = OrchestratorSSMTransport(runner: LocalShellCommandRunner(), apiPort: port)
    let key = "ssm-\(UInt32.random(in: 0...UInt32.max))"
    let failed = try await transport.get(
      "/flaky?key=\(key)&fail=1&status=500&code=Boom",
      on: RaftPeerEndpoint(host: "10.0.0.9", instanceID: "i-1"))
    #expect(failed.status == 500)
    #expect(failed.bodyText.contains(#""message": "try again""#))
    let ok = try await transport.get(
      "/flaky?key=\(key)&fail=1", on: RaftPeerEndpoint(host: "10.0.0.9", instanceID: "i-1"))
    #expect(ok.status == 200)
    #expect(ok.bodyText == #"{"hit": 2}"#)
  }

  @Test func aRefusedConnectionIsUnreachableWithCurlsMessage() async throws {
    let transport = OrchestratorSSMTransport(runner: LocalShellCommandRunner(), apiPort: 1)
    do {
      _ = try await transport.get(
        "/api/raft-state", on: RaftPeerEndpoint(host: "h", instanceID: "i-1"))
      Issue.record("a refused connection answered")
    } catch let RaftBackendError.unreachable(peer, reason) {
      #expect(peer == "h (i-1)")
      #expect(reason.contains("Failed to connect"))
    }
  }

  @Test func needsAnInstanceID() async throws {
    let transport = OrchestratorSSMTransport(runner: LocalShellCommandRunner(), apiPort: port)
    await #expect(throws: RaftBackendError.self) {
      _ = try await transport.get("/echo", on: RaftPeerEndpoint(host: "127.0.0.1"))
    }
  }

  @Test func quotesThePathForTheShell() {
    let transport = OrchestratorSSMTransport(
      runner: LocalShellCommandRunner(), apiPort: 3000, callTimeout: .seconds(4))
    #expect(
      transport.command(for: "/api/raft-add-peer/10.0.0.5:10008")
        == #"curl -sS -m 4 -w '\n%{http_code}' 'http://127.0.0.1:3000/api/raft-add-peer/10.0.0.5:10008'"#
    )
    #expect(
      transport.command(for: "/x';rm -rf /'").hasSuffix(
        #"'http://127.0.0.1:3000/x'\'';rm -rf /'\'''"#))
  }

  /// moto's SendCommand runs nothing and reports Success with empty output:
  /// the transport must call that unreachable, not an empty success.
  @Test func throughMotoSSMAnEmptyOutputIsUnreachable() async throws {
    let asg = RaftASGTool()
    let prefix = "127.\(Int.random(in: 100...250)).\(Int.random(in: 1...250))"
    let instance = try #require(try asg("setup", prefix, "1").first)
    let transport = OrchestratorSSMTransport(
      runner: SSMRemoteCommandRunner(
        session: MotoFixture.shared.session(), pollInterval: .milliseconds(50)),
      callTimeout: .seconds(2))
    do {
      _ = try await transport.get(
        "/api/raft-state", on: RaftPeerEndpoint(host: instance.ip ?? "", instanceID: instance.id))
      Issue.record("an empty SSM output was taken as an answer")
    } catch let RaftBackendError.unreachable(peer, reason) {
      #expect(peer.contains(instance.id))
      #expect(reason == "curl exited 0")
    }
  }
}
