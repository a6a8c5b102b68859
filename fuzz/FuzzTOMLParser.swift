// libFuzzer entry point for the TOML parser. Built by fuzz/run.sh with
// `swiftc -sanitize=fuzzer,address -parse-as-library` over Sources/InfraHouseTOML/*.swift
// (SwiftPM cannot link a fuzzer executable target, see FACTS.md).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTOMLParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let buffer = UnsafeBufferPointer(start: data, count: size)
    do throws(TOMLError) {
        let table = try TOMLParser.parse(utf8: buffer, file: "fuzz.toml")
        // Exercise the encoder on everything that parses.
        let json = TOMLTaggedJSON.encode(table)
        precondition(json.first == UInt8(ascii: "{") && json.last == UInt8(ascii: "}"))
    } catch {
        // Every error must point inside the input and render.
        precondition(error.line >= 1 && error.column >= 1, "bad position \(error.line):\(error.column)")
        precondition(!error.description.isEmpty)
    }
    return 0
}
