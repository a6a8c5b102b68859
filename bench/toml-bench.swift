// Parser throughput benchmark; built by bench/toml-bench.sh with
// `swiftc -O -wmo -parse-as-library` over Sources/InfraHouseTOML/*.swift and this file.
// usage: toml-bench FILE...   prints, per file: size, best and median time per parse, MB/s.

@main
struct TOMLBench {
    static func main() {
        for path in CommandLine.arguments.dropFirst() {
            guard let bytes = FileDescriptorIO.readFile(path) else {
                print("cannot read \(path)")
                continue
            }
            let clock = ContinuousClock()
            // Warm up, and check the input parses.
            do throws(TOMLError) {
                _ = try TOMLParser.parse(bytes: bytes, file: path)
            } catch {
                print("\(path): \(error)")
                continue
            }
            var samples: [Duration] = []
            let budget = clock.now.advanced(by: .seconds(2))
            while samples.count < 5 || (clock.now < budget && samples.count < 100_000) {
                let start = clock.now
                let table = try? TOMLParser.parse(bytes: bytes, file: path)
                samples.append(clock.now - start)
                precondition(table != nil)
            }
            samples.sort()
            let best = seconds(samples[0])
            let median = seconds(samples[samples.count / 2])
            let megabytes = Double(bytes.count) / 1_000_000
            print(
                "swift \(path) bytes=\(bytes.count) runs=\(samples.count) best_us=\(format(best * 1e6)) median_us=\(format(median * 1e6)) mb_per_s=\(format(megabytes / median))"
            )
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        let (whole, fraction) = duration.components
        return Double(whole) + Double(fraction) / 1e18
    }

    static func format(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return String(rounded)
    }
}
