import Testing

@testable import InfraHouseTOML

@Test func InfraHouseTOMLBuilds() {}
