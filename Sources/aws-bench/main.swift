// The Swift side of bench/aws-getitem.sh: N DynamoDB GetItem calls through
// InfraHouseCore against the endpoint in AWS_ENDPOINT_URL, then one line of
// JSON with the process's CPU time and peak RSS (getrusage).
import InfraHouseCore

#if canImport(Glibc)
  import Glibc
#endif

func cpuSeconds() -> Double {
  var usage = rusage()
  getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
  return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
    + Double(usage.ru_stime.tv_sec)
    + Double(usage.ru_stime.tv_usec) / 1e6
}

func userAndSystemSeconds() -> (user: Double, system: Double) {
  var usage = rusage()
  getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
  return (
    Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6,
    Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
  )
}

func peakRSSKiB() -> Int {
  var usage = rusage()
  getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
  return usage.ru_maxrss
}

let environment = ProcessEnvironment.current()
let count = Int(environment["BENCH_CALLS"] ?? "") ?? 1000
let tableName = environment["BENCH_TABLE"] ?? "bench"
let table = DynamoDBTable(name: tableName, session: AWSSession(environment: environment))
let startCPU = cpuSeconds()
var found = 0
for _ in 0..<count {
  if try await table.getItem(key: ["pk": "bench-key"]) != nil { found += 1 }
}
let loopCPU = cpuSeconds() - startCPU
print(
  "{\"client\":\"swift\",\"calls\":\(count),\"found\":\(found),\"cpu_total_s\":\(cpuSeconds()),\"cpu_loop_s\":\(loopCPU),\"cpu_user_s\":\(userAndSystemSeconds().user),\"cpu_sys_s\":\(userAndSystemSeconds().system),\"peak_rss_kib\":\(peakRSSKiB())}"
)
