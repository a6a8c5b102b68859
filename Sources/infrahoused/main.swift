import InfraHouseDaemon

// Thin entry point: everything lives in InfraHouseDaemon.CommandLine.
let code = await CommandLineInterface.main(Array(CommandLine.arguments.dropFirst()))
exitProcess(code)
