import Testing
@testable import InfraHouseDaemon

@Test func InfraHouseDaemonBuilds() {}
