import CCurl
import Synchronization

/// The state of one transfer in flight: the easy handle, what has arrived so
/// far, and the continuation to resume. Only the driver thread touches the
/// mutable parts; `cancelled` is the one field other threads write.
final class CurlTransfer: @unchecked Sendable {
  let request: HTTPRequest
  let maxResponseSize: Int
  let continuation: CheckedContinuation<HTTPResponse, any Error>
  /// Set from any thread by Task cancellation; read by the progress callback.
  let cancelled = Atomic<Bool>(false)

  var handle: UnsafeMutableRawPointer?
  var headerList: UnsafeMutablePointer<curl_slist>?
  var body: [UInt8] = []
  var headers = HTTPHeaders()
  var exceededCap = false
  var finished = false
  let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)

  init(
    request: HTTPRequest, maxResponseSize: Int,
    continuation: CheckedContinuation<HTTPResponse, any Error>
  ) {
    self.request = request
    self.maxResponseSize = maxResponseSize
    self.continuation = continuation
    errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
  }

  deinit {
    errorBuffer.deallocate()
    if let headerList { curl_slist_free_all(headerList) }
  }

  /// Resumes the caller exactly once.
  func finish(_ result: Result<HTTPResponse, any Error>) {
    guard !finished else { return }
    finished = true
    continuation.resume(with: result)
  }

  /// Appends body bytes; false when the cap is exceeded (curl then aborts).
  func appendBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
    if body.count + bytes.count > maxResponseSize {
      exceededCap = true
      return false
    }
    body.append(contentsOf: bytes)
    return true
  }

  /// Handles one raw header line as libcurl delivers it.
  func appendHeaderLine(_ bytes: UnsafeRawBufferPointer) {
    // Work on bytes: this runs for every header line of every response.
    func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }
    var end = bytes.count
    while end > 0, isSpace(bytes[end - 1]) { end -= 1 }
    if end >= 5, bytes[0] == 0x48, bytes[1] == 0x54, bytes[2] == 0x54, bytes[3] == 0x50,
      bytes[4] == 0x2F
    {
      headers = HTTPHeaders()  // "HTTP/": a new response (after 100 Continue or a redirect)
      return
    }
    guard let colon = bytes[..<end].firstIndex(of: 0x3A) else { return }
    var start = colon + 1
    while start < end, isSpace(bytes[start]) { start += 1 }
    let name = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[..<colon]), as: UTF8.self)
    let value = String(
      decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    headers.add(name, value)
  }
}

extension Substring {
  func trimmingSpaces() -> String {
    var s = self[...]
    while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
    while let l = s.last, l == " " || l == "\t" { s.removeLast() }
    return String(s)
  }
}

// C callbacks: userdata is an unretained CurlTransfer (the driver keeps it alive).

let curlWriteCallback:
  @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    data, size, count, userdata in
    guard let data, let userdata else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    let n = size * count
    return transfer.appendBody(UnsafeRawBufferPointer(start: data, count: n)) ? n : 0
  }

let curlHeaderCallback:
  @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    data, size, count, userdata in
    guard let data, let userdata else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    let n = size * count
    transfer.appendHeaderLine(UnsafeRawBufferPointer(start: data, count: n))
    return n
  }

/// Returning non-zero aborts the transfer with CURLE_ABORTED_BY_CALLBACK.
let curlProgressCallback:
  @convention(c) (UnsafeMutableRawPointer?, curl_off_t, curl_off_t, curl_off_t, curl_off_t) -> Int32 =
    {
      userdata, _, _, _, _ in
      guard let userdata else { return 0 }
      let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
      return transfer.cancelled.load(ordering: .relaxed) ? 1 : 0
    }
