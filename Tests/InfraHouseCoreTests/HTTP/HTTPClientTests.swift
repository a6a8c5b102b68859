import Foundation
import Testing

@testable import InfraHouseCore

@Suite struct HTTPClientTests {
  struct Echo: Decodable {
    let method: String
    let path: String
    let headers: [[String]]
    let body: String
    let client_port: Int

    func header(_ name: String) -> String? {
      headers.first { $0[0].lowercased() == name.lowercased() }?[1]
    }
  }

  func echo(_ response: HTTPResponse) throws -> Echo {
    try JSONDecoder().decode(Echo.self, from: Data(response.body))
  }

  @Test func sendsMethodHeadersAndBody() async throws {
    let client = HTTPClient()
    let request = HTTPRequest(
      method: "PUT", url: "\(Loopback.base)/echo?a=1",
      headers: ["X-Test": "yes", "Content-Type": "text/plain"],
      body: Array("hello".utf8))
    let response = try await client.execute(request)
    #expect(response.status == 200)
    let e = try echo(response)
    #expect(e.method == "PUT")
    #expect(e.path == "/echo?a=1")
    #expect(e.header("x-test") == "yes")
    #expect(e.header("content-type") == "text/plain")
    #expect(e.header("expect") == nil)
    #expect(Data(base64Encoded: e.body) == Data("hello".utf8))
    #expect(response.headers["CONTENT-TYPE"] == "application/json")
    #expect(response.headers.values(for: "link") == ["<a>; rel=next", "<b>; rel=last"])
  }

  @Test func postWithoutContentTypeSendsNoFormDefault() async throws {
    let client = HTTPClient()
    let response = try await client.execute(
      HTTPRequest(method: "POST", url: "\(Loopback.base)/echo", body: Array("{}".utf8)))
    let e = try echo(response)
    #expect(e.method == "POST")
    #expect(e.header("content-type") == nil)
    #expect(e.header("user-agent")?.hasPrefix("infrahoused/") == true)
  }

  @Test func deleteAndHead() async throws {
    let client = HTTPClient()
    let deleted = try echo(
      try await client.execute(HTTPRequest(method: "DELETE", url: "\(Loopback.base)/echo")))
    #expect(deleted.method == "DELETE")
    let head = try await client.execute(HTTPRequest(method: "HEAD", url: "\(Loopback.base)/echo"))
    #expect(head.status == 200)
    #expect(head.body.isEmpty)
  }

  @Test func reusesTheConnectionAcrossRequests() async throws {
    let client = HTTPClient()
    var ports = Set<Int>()
    for _ in 0..<20 {
      ports.insert(
        try echo(try await client.execute(HTTPRequest(url: "\(Loopback.base)/echo"))).client_port)
    }
    #expect(ports.count == 1)
  }

  @Test func concurrentRequestsAllComplete() async throws {
    let client = HTTPClient()
    let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
      for _ in 0..<16 {
        group.addTask {
          try await client.execute(HTTPRequest(url: "\(Loopback.base)/slow?ms=50")).status
        }
      }
      return try await group.reduce(into: [Int]()) { $0.append($1) }
    }
    #expect(statuses == Array(repeating: 200, count: 16))
  }

  @Test func totalTimeoutFails() async throws {
    let client = HTTPClient(configuration: .init(timeout: .milliseconds(200)))
    await #expect(throws: HTTPClientError.timeout) {
      _ = try await client.execute(HTTPRequest(url: "\(Loopback.base)/slow?ms=3000"))
    }
    // A per-request timeout overrides the client's.
    let ok = try await client.execute(
      HTTPRequest(url: "\(Loopback.base)/slow?ms=400", timeout: .seconds(5)))
    #expect(ok.status == 200)
  }

  @Test func connectFailureIsReported() async throws {
    // Nothing listens on port 1 of loopback.
    let client = HTTPClient()
    let error = await #expect(throws: HTTPClientError.self) {
      _ = try await client.execute(HTTPRequest(url: "http://127.0.0.1:1/"))
    }
    if case .connectFailed = error {
    } else {
      Issue.record("expected connectFailed, got \(String(describing: error))")
    }
    #expect(error?.isTransient == true)
  }

  @Test func responseSizeCapWithAndWithoutContentLength() async throws {
    let client = HTTPClient(configuration: .init(maxResponseSize: 1000))
    let small = try await client.execute(HTTPRequest(url: "\(Loopback.base)/bytes?n=1000"))
    #expect(small.body.count == 1000)
    await #expect(throws: HTTPClientError.responseTooLarge(limit: 1000)) {
      _ = try await client.execute(HTTPRequest(url: "\(Loopback.base)/bytes?n=1001"))
    }
    await #expect(throws: HTTPClientError.responseTooLarge(limit: 1000)) {
      _ = try await client.execute(HTTPRequest(url: "\(Loopback.base)/bytes?n=50000&chunked=1"))
    }
    let chunked = try await client.execute(
      HTTPRequest(url: "\(Loopback.base)/bytes?n=900&chunked=1"))
    #expect(chunked.body.count == 900)
  }

  @Test func cancellationAbortsAStalledTransfer() async throws {
    let client = HTTPClient()
    let task = Task { try await client.execute(HTTPRequest(url: "\(Loopback.base)/stall")) }
    try await Task.sleep(for: .milliseconds(300))
    task.cancel()
    let result = await task.result
    #expect(throws: HTTPClientError.cancelled) { try result.get() }
    // Had the transfer not been aborted, the stalled server would end it
    // with a partial-file error after 30 s instead.
    // The client still works afterwards.
    #expect(try await client.execute(HTTPRequest(url: "\(Loopback.base)/echo")).status == 200)
  }

  @Test func cancelledBeforeStartThrowsCancelled() async throws {
    let client = HTTPClient()
    let task = Task {
      withUnsafeCurrentTask { $0?.cancel() }
      return try await client.execute(HTTPRequest(url: "\(Loopback.base)/echo"))
    }
    let result = await task.result
    #expect(throws: (any Error).self) { try result.get() }
  }

  @Test func unsupportedSchemeIsRefused() async throws {
    let client = HTTPClient()
    await #expect(throws: HTTPClientError.self) {
      _ = try await client.execute(HTTPRequest(url: "file:///etc/passwd"))
    }
  }

  @Test func headerNamesCompareCaseInsensitively() {
    var h: HTTPHeaders = ["Content-Type": "a", "X-Amz-Date": "b"]
    #expect(h["content-type"] == "a")
    #expect(h["X-AMZ-DATE"] == "b")
    #expect(h["x-amz-dat"] == nil)
    #expect(h["content-typf"] == nil)
    #expect(HTTPHeaders.sameName("a@", "a`") == false)
    h["CONTENT-TYPE"] = "c"
    #expect(h.values(for: "content-type") == ["c"])
    h.add("content-type", "d")
    #expect(h.values(for: "Content-Type") == ["c", "d"])
    h.remove("content-TYPE")
    #expect(h.count == 1)
  }

  @Test func clientsCanBeCreatedUsedAndDropped() async throws {
    for i in 0..<30 {
      let client = HTTPClient()
      if i.isMultiple(of: 2) {  // half never send: they must not start a thread or leak
        #expect(try await client.execute(HTTPRequest(url: "\(Loopback.base)/echo")).status == 200)
      }
    }
  }

  @Test func tlsPeersAreVerified() async throws {
    // The TLS listener's certificate is self-signed: a verifying client must refuse it.
    let error = await #expect(throws: HTTPClientError.self) {
      _ = try await HTTPClient().execute(HTTPRequest(url: "\(Loopback.tlsBase)/echo"))
    }
    guard case .curl(let code, let message) = error else {
      Issue.record("expected a TLS verification error, got \(String(describing: error))")
      return
    }
    #expect(code == 60)  // CURLE_PEER_FAILED_VERIFICATION
    #expect(message.contains("certificate"))
  }
}
