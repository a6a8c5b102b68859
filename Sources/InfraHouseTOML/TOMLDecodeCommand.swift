#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `infrahoused toml-decode`: toml-test's decoder interface.
///
/// Reads a TOML document from stdin. On success writes its tagged JSON
/// (``TOMLTaggedJSON``) to stdout and returns 0; on invalid TOML writes the
/// error to stderr and returns 1.
public enum TOMLDecodeCommand {
  /// Reads stdin, writes the result, returns the exit code.
  public static func run() -> Int32 {
    guard let input = FileDescriptorIO.readAll(from: 0) else {
      FileDescriptorIO.writeAll(Array("toml-decode: cannot read stdin\n".utf8), to: 2)
      return 2
    }
    do throws(TOMLError) {
      let table = try TOMLParser.parse(bytes: input, file: "<stdin>")
      var output = TOMLTaggedJSON.encode(table)
      output.append(UInt8(ascii: "\n"))
      return FileDescriptorIO.writeAll(output, to: 1) ? 0 : 2
    } catch {
      FileDescriptorIO.writeAll(Array((error.description + "\n").utf8), to: 2)
      return 1
    }
  }
}

/// Whole-file reads and writes on raw descriptors with `read(2)`/`write(2)` (no stdio buffering).
public enum FileDescriptorIO {
  /// Every byte until end of file, or nil on a read error.
  public static func readAll(from descriptor: Int32) -> [UInt8]? {
    var data: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
      let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
      if count == 0 { return data }
      if count < 0 {
        if errno == EINTR { continue }
        return nil
      }
      data.append(contentsOf: chunk[0..<count])
    }
  }

  /// Writes all of `bytes`; false on an error.
  @discardableResult
  public static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
    bytes.withUnsafeBytes { buffer in
      var offset = 0
      while offset < buffer.count {
        let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          return false
        }
        offset += written
      }
      return true
    }
  }

  /// The contents of the file at `path`, or nil if it cannot be opened or read.
  public static func readFile(_ path: String) -> [UInt8]? {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    return readAll(from: descriptor)
  }
}
