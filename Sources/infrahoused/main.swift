import InfraHouseDaemon

// Thin entry point: everything lives in InfraHouseDaemon.CommandLine. A
// synchronous main that parks itself (see runBlockingMain for why not `await`).
let arguments = Array(CommandLine.arguments.dropFirst())
runBlockingMain { await CommandLineInterface.main(arguments) }
