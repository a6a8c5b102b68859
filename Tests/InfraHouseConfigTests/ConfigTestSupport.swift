import Foundation
import InfraHouseConfig
import Testing

/// Decodes in-memory files (main first); nil and a recorded issue on failure.
func decode(_ files: [(String, String)], sourceLocation: SourceLocation = #_sourceLocation)
  -> DaemonConfiguration?
{
  switch ConfigLoader.load(sources: files.map { ($0.0, Array($0.1.utf8)) }) {
  case .success(let configuration): return configuration
  case .failure(let error):
    Issue.record("unexpected configuration error:\n\(error)", sourceLocation: sourceLocation)
    return nil
  }
}

func decode(_ text: String, sourceLocation: SourceLocation = #_sourceLocation)
  -> DaemonConfiguration?
{
  decode([("main.toml", text)], sourceLocation: sourceLocation)
}

/// The diagnostics for in-memory files; [] and a recorded issue if they decode.
func diagnostics(_ files: [(String, String)], sourceLocation: SourceLocation = #_sourceLocation)
  -> [ConfigurationDiagnostic]
{
  switch ConfigLoader.load(sources: files.map { ($0.0, Array($0.1.utf8)) }) {
  case .success(let configuration):
    Issue.record("expected errors, decoded \(configuration)", sourceLocation: sourceLocation)
    return []
  case .failure(let error): return error.diagnostics
  }
}

func diagnostics(_ text: String, sourceLocation: SourceLocation = #_sourceLocation)
  -> [ConfigurationDiagnostic]
{
  diagnostics([("main.toml", text)], sourceLocation: sourceLocation)
}

/// A fresh directory under the temporary directory, removed by the caller.
func makeTemporaryDirectory() throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent(
    "ihconfig-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

/// The repository's annotated sample, `etc/infrahoused.toml`.
let samplePath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent()
  .deletingLastPathComponent().appendingPathComponent("etc/infrahoused.toml").path
