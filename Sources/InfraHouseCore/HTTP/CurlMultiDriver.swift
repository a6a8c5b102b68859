import CCurl
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// One thread that drives a libcurl multi handle: it adds submitted
/// transfers, runs them all concurrently, keeps connections (and DNS) alive
/// in the multi's cache for reuse, and resumes each caller when its transfer ends.
final class CurlMultiDriver: @unchecked Sendable {
  private struct Inbox {
    var submitted: [CurlTransfer] = []
    var cancelled: [CurlTransfer] = []
    var shuttingDown = false
    var threadStarted = false
  }

  private static let globalInit: Bool = {
    curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
  }()

  private let configuration: HTTPClient.Configuration
  private let multi: UnsafeMutableRawPointer
  private let inbox = Mutex(Inbox())
  // Driver-thread state.
  private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]
  private var idleHandles: [UnsafeMutableRawPointer] = []

  init(configuration: HTTPClient.Configuration) {
    _ = Self.globalInit
    self.configuration = configuration
    multi = curl_multi_init()!
    _ = ih_curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, configuration.maxIdleConnections)
  }

  deinit {
    // The thread cleans up the multi handle when it ends; without a thread, we do.
    if !inbox.withLock({ $0.threadStarted }) { curl_multi_cleanup(multi) }
  }

  /// Starts the driver thread; it holds a reference to the driver until it ends.
  private func startThread() {
    var thread = pthread_t()
    let context = Unmanaged.passRetained(self).toOpaque()
    let rc = pthread_create(
      &thread, nil,
      { context in
        let driver = Unmanaged<CurlMultiDriver>.fromOpaque(context!).takeRetainedValue()
        driver.run()
        return nil
      }, context)
    precondition(rc == 0, "pthread_create failed: \(rc)")
    pthread_detach(thread)
  }

  /// Hands a transfer to the driver thread.
  func submit(_ transfer: CurlTransfer) {
    let (accepted, mustStart) = inbox.withLock { inbox -> (Bool, Bool) in
      guard !inbox.shuttingDown else { return (false, false) }
      inbox.submitted.append(transfer)
      defer { inbox.threadStarted = true }
      return (true, !inbox.threadStarted)
    }
    if mustStart { startThread() }  // lazily: a client that never sends costs no thread
    if accepted {
      curl_multi_wakeup(multi)
    } else {
      transfer.finish(.failure(HTTPClientError.shutDown))
    }
  }

  /// Asks the driver thread to abort a transfer now.
  func cancel(_ transfer: CurlTransfer) {
    transfer.cancelled.store(true, ordering: .relaxed)
    inbox.withLock { $0.cancelled.append(transfer) }
    curl_multi_wakeup(multi)
  }

  /// Fails every transfer still in flight and ends the thread.
  func shutdown() {
    inbox.withLock { $0.shuttingDown = true }
    curl_multi_wakeup(multi)
  }

  private func run() {
    while true {
      let (submitted, cancelled, stop) = inbox.withLock { inbox in
        defer {
          inbox.submitted.removeAll()
          inbox.cancelled.removeAll()
        }
        return (inbox.submitted, inbox.cancelled, inbox.shuttingDown)
      }
      for transfer in submitted { start(transfer) }
      for transfer in cancelled {
        if let handle = transfer.handle, active[handle] != nil {
          complete(handle: handle, result: CURLE_ABORTED_BY_CALLBACK)
        } else {
          transfer.finish(.failure(HTTPClientError.cancelled))
        }
      }
      if stop {
        for handle in Array(active.keys) {
          active[handle]?.finish(.failure(HTTPClientError.shutDown))
          release(handle: handle)
        }
        let late = inbox.withLock { inbox in
          defer { inbox.submitted.removeAll() }
          return inbox.submitted
        }
        for transfer in late { transfer.finish(.failure(HTTPClientError.shutDown)) }
        for handle in idleHandles { curl_easy_cleanup(handle) }
        idleHandles.removeAll()
        curl_multi_cleanup(multi)
        return
      }
      var running: Int32 = 0
      curl_multi_perform(multi, &running)
      var queued: Int32 = 0
      while let message = curl_multi_info_read(multi, &queued) {
        guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle else {
          continue
        }
        complete(handle: handle, result: message.pointee.data.result)
      }
      curl_multi_poll(multi, nil, 0, active.isEmpty ? 10_000 : 1_000, nil)
    }
  }

  private func start(_ transfer: CurlTransfer) {
    if transfer.cancelled.load(ordering: .relaxed) {
      transfer.finish(.failure(HTTPClientError.cancelled))
      return
    }
    let handle: UnsafeMutableRawPointer
    if let reused = idleHandles.popLast() {
      curl_easy_reset(reused)
      handle = reused
    } else if let fresh = curl_easy_init() {
      handle = fresh
    } else {
      transfer.finish(.failure(HTTPClientError.invalidRequest("curl_easy_init failed")))
      return
    }
    transfer.handle = handle
    if let problem = configure(handle, for: transfer) {
      transfer.handle = nil
      idleHandles.append(handle)
      transfer.finish(.failure(problem))
      return
    }
    active[handle] = transfer
    let rc = curl_multi_add_handle(multi, handle)
    if rc != CURLM_OK {
      active[handle] = nil
      transfer.handle = nil
      idleHandles.append(handle)
      transfer.finish(
        .failure(
          HTTPClientError.curl(code: Int(rc.rawValue), message: "curl_multi_add_handle failed")))
    }
  }

  /// Sets every option of one transfer; returns an error if one is refused.
  private func configure(_ h: UnsafeMutableRawPointer, for transfer: CurlTransfer)
    -> HTTPClientError?
  {
    let request = transfer.request
    let context = Unmanaged.passUnretained(transfer).toOpaque()
    var failed: CURLcode = CURLE_OK
    func check(_ rc: CURLcode) { if rc != CURLE_OK && failed == CURLE_OK { failed = rc } }

    check(request.url.withCString { ih_curl_easy_setopt_ptr(h, CURLOPT_URL, $0) })
    check(ih_curl_easy_setopt_ptr(h, CURLOPT_PROTOCOLS_STR, "http,https"))
    check(ih_curl_easy_setopt_long(h, CURLOPT_NOSIGNAL, 1))
    check(ih_curl_easy_setopt_long(h, CURLOPT_SSL_VERIFYPEER, 1))
    check(ih_curl_easy_setopt_long(h, CURLOPT_SSL_VERIFYHOST, 2))
    check(ih_curl_easy_setopt_long(h, CURLOPT_TCP_NODELAY, 1))
    check(
      ih_curl_easy_setopt_long(
        h, CURLOPT_CONNECTTIMEOUT_MS, configuration.connectTimeout.milliseconds))
    check(
      ih_curl_easy_setopt_long(
        h, CURLOPT_TIMEOUT_MS, (request.timeout ?? configuration.timeout).milliseconds))
    check(
      ih_curl_easy_setopt_off(
        h, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(configuration.maxResponseSize)))
    check(
      ih_curl_easy_setopt_long(h, CURLOPT_FOLLOWLOCATION, configuration.followRedirects ? 1 : 0))
    check(ih_curl_easy_setopt_ptr(h, CURLOPT_ERRORBUFFER, transfer.errorBuffer))
    check(ih_curl_easy_setopt_ptr(h, CURLOPT_PRIVATE, context))
    check(ih_curl_easy_setopt_write(h, CURLOPT_WRITEFUNCTION, curlWriteCallback))
    check(ih_curl_easy_setopt_ptr(h, CURLOPT_WRITEDATA, context))
    check(ih_curl_easy_setopt_write(h, CURLOPT_HEADERFUNCTION, curlHeaderCallback))
    check(ih_curl_easy_setopt_ptr(h, CURLOPT_HEADERDATA, context))
    check(ih_curl_easy_setopt_xfer(h, curlProgressCallback))
    check(ih_curl_easy_setopt_ptr(h, CURLOPT_XFERINFODATA, context))
    check(ih_curl_easy_setopt_long(h, CURLOPT_NOPROGRESS, 0))
    check(ih_curl_easy_setopt_ptr(h, CURLOPT_USERAGENT, configuration.userAgent))

    let method = request.method.uppercased()
    switch method {
    case "GET": check(ih_curl_easy_setopt_long(h, CURLOPT_HTTPGET, 1))
    case "HEAD": check(ih_curl_easy_setopt_long(h, CURLOPT_NOBODY, 1))
    default:
      if !request.body.isEmpty || ["POST", "PUT", "PATCH"].contains(method) {
        check(
          ih_curl_easy_setopt_off(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)))
        check(
          request.body.withUnsafeBytes {
            ih_curl_easy_setopt_ptr(
              h, CURLOPT_COPYPOSTFIELDS, $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1))
          })
      }
      if method != "POST" { check(ih_curl_easy_setopt_ptr(h, CURLOPT_CUSTOMREQUEST, method)) }
    }

    var list: UnsafeMutablePointer<curl_slist>?
    for field in request.headers {
      list = curl_slist_append(list, "\(field.name): \(field.value)")
    }
    if request.headers["expect"] == nil { list = curl_slist_append(list, "Expect:") }
    if !request.body.isEmpty || method == "POST", request.headers["content-type"] == nil {
      list = curl_slist_append(list, "Content-Type:")  // no form-urlencoded default
    }
    transfer.headerList = list
    check(ih_curl_easy_setopt_ptr(h, CURLOPT_HTTPHEADER, list))

    if failed != CURLE_OK {
      return .invalidRequest(String(cString: curl_easy_strerror(failed)))
    }
    return nil
  }

  private func complete(handle: UnsafeMutableRawPointer, result: CURLcode) {
    guard let transfer = active[handle] else { return }
    var status = 0
    if result == CURLE_OK {
      var code: Int = 0
      _ = ih_curl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code)
      status = code
    }
    let message = String(cString: transfer.errorBuffer)
    release(handle: handle)
    switch result {
    case CURLE_OK:
      let response = HTTPResponse(status: status, headers: transfer.headers, body: transfer.body)
      transfer.finish(.success(response))
    case CURLE_ABORTED_BY_CALLBACK:
      transfer.finish(.failure(HTTPClientError.cancelled))
    case CURLE_OPERATION_TIMEDOUT:
      transfer.finish(.failure(HTTPClientError.timeout))
    case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
      transfer.finish(
        .failure(
          HTTPClientError.connectFailed(
            message.isEmpty ? String(cString: curl_easy_strerror(result)) : message)))
    case CURLE_FILESIZE_EXCEEDED:
      transfer.finish(.failure(HTTPClientError.responseTooLarge(limit: transfer.maxResponseSize)))
    case CURLE_WRITE_ERROR where transfer.exceededCap:
      transfer.finish(.failure(HTTPClientError.responseTooLarge(limit: transfer.maxResponseSize)))
    default:
      let text = message.isEmpty ? String(cString: curl_easy_strerror(result)) : message
      transfer.finish(.failure(HTTPClientError.curl(code: Int(result.rawValue), message: text)))
    }
  }

  /// Detaches a handle from the multi and keeps it for the next transfer.
  private func release(handle: UnsafeMutableRawPointer) {
    curl_multi_remove_handle(multi, handle)
    if let transfer = active.removeValue(forKey: handle) {
      transfer.handle = nil
    }
    if idleHandles.count < configuration.maxIdleConnections {
      idleHandles.append(handle)
    } else {
      curl_easy_cleanup(handle)
    }
  }
}

extension Duration {
  /// Whole milliseconds, at least 1 for any positive duration.
  var milliseconds: Int {
    let (seconds, attoseconds) = components
    let ms = seconds * 1000 + attoseconds / 1_000_000_000_000_000
    return ms == 0 && attoseconds > 0 ? 1 : Int(ms)
  }
}
