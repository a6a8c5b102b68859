import Testing

@testable import InfraHouseConfig

@Test func InfraHouseConfigBuilds() {}
