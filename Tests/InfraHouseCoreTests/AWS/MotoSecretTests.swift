import Foundation
import Testing

@testable import InfraHouseCore

@Suite struct MotoSecretTests {
  let moto = MotoFixture.shared

  @Test func ensurePresentCreatesThenUpdates() async throws {
    let secret = Secret(name: "s-\(UUID().uuidString.prefix(8))", session: moto.session())
    #expect(try await !secret.exists())
    try await secret.ensurePresent("first")
    #expect(try await secret.exists())
    #expect(try await secret.value() == "first")
    try await secret.ensurePresent("second")
    #expect(try await secret.value() == "second")
    try await secret.ensurePresent("second")
    #expect(try await secret.value() == "second")
    try await secret.ensureAbsent()
    #expect(try await !secret.exists())
    try await secret.ensureAbsent()  // idempotent
    try await secret.delete()
  }

  @Test func binaryValue() async throws {
    let secret = Secret(name: "b-\(UUID().uuidString.prefix(8))", session: moto.session())
    try await secret.ensurePresent(binary: [0, 1, 2, 250])
    #expect(try await secret.binaryValue() == [0, 1, 2, 250])
    #expect(try await secret.value() == nil)
    try await secret.delete()
  }

  @Test func missingSecretValueIsANotFoundError() async throws {
    let secret = Secret(name: "missing-\(UUID().uuidString.prefix(8))", session: moto.session())
    let error = await #expect(throws: AWSError.self) { _ = try await secret.value() }
    #expect(error?.code == "ResourceNotFoundException")
    #expect(error?.service == "secretsmanager")
    #expect(error?.operation == "GetSecretValue")
  }

  @Test func secretThroughAnAssumedRole() async throws {
    let name = "r-\(UUID().uuidString.prefix(8))"
    try await Secret(name: name, session: moto.session()).ensurePresent("shared")
    let other = Secret(name: name, session: moto.session(roleArn: moto.roleArn))
    #expect(try await other.value() == "shared")
    try await other.delete()
  }
}
