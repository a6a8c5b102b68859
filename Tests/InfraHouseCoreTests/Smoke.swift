import Testing
@testable import InfraHouseCore

@Test func InfraHouseCoreBuilds() {}
