import InfraHouseTOML

/// Typed reads from layered tables; each problem becomes a diagnostic and decoding goes on,
/// so that one run reports every error.
struct ConfigurationDecoder {
  let layers: [ConfigurationLayer]
  private(set) var diagnostics: [ConfigurationDiagnostic] = []

  /// The diagnostics in file order (main file first), then line and column.
  var sortedDiagnostics: [ConfigurationDiagnostic] {
    let order = Dictionary(
      layers.enumerated().map { ($1.file, $0) }, uniquingKeysWith: { first, _ in first })
    return diagnostics.enumerated().sorted { left, right in
      let l = (order[left.element.file] ?? -1, left.element.line, left.element.column, left.offset)
      let r = (
        order[right.element.file] ?? -1, right.element.line, right.element.column, right.offset
      )
      return l < r
    }.map(\.element)
  }

  init(layers: [ConfigurationLayer]) {
    self.layers = layers
  }

  // MARK: Reporting

  mutating func report(_ message: String, layer: Int, at position: TOMLPosition) {
    let source = layers[layer]
    let diagnostic = ConfigurationDiagnostic(
      file: source.file, line: position.line, column: position.column, message: message,
      sourceLine: source.sourceLine(position.line))
    // A value read by two rules is reported once.
    guard !diagnostics.contains(diagnostic) else { return }
    diagnostics.append(diagnostic)
  }

  mutating func report(_ message: String, at located: LocatedValue) {
    report(message, layer: located.layer, at: located.value.position)
  }

  /// A required key is missing: reported at the last header of the table.
  mutating func reportMissing(_ key: String, in table: LayeredTable, reason: String) {
    if let last = table.pieces.last {
      report(
        "missing required key '\(key)' in \(table.name) (\(reason))", layer: last.layer,
        at: last.position)
    } else {
      diagnostics.append(
        ConfigurationDiagnostic(
          file: layers.first?.file ?? "<config>", line: 0, column: 0,
          message: "missing required key '\(key)' in \(table.name) (\(reason))"))
    }
  }

  /// Reports keys of `table` outside `allowed`, with a suggestion.
  mutating func rejectUnknownKeys(in table: LayeredTable, allowed: [String]) {
    for piece in table.pieces {
      for entry in piece.table.entries where !allowed.contains(entry.key) {
        report(
          "unknown key '\(entry.key)' in \(table.name)"
            + KeySuggestion.hint(for: entry.key, in: allowed),
          layer: piece.layer, at: entry.keyPosition)
      }
    }
  }

  // MARK: Typed values

  mutating func typeMismatch(
    _ key: String, in table: LayeredTable, expected: String, found: LocatedValue
  ) {
    report(
      "'\(key)' in \(table.name) must be \(expected), found \(found.value.typeName)", at: found)
  }

  mutating func string(_ key: String, in table: LayeredTable, nonEmpty: Bool = true) -> String? {
    guard let located = table.lookup(key) else { return nil }
    guard let text = located.value.stringValue else {
      typeMismatch(key, in: table, expected: "a string", found: located)
      return nil
    }
    if nonEmpty && text.isEmpty {
      report("'\(key)' in \(table.name) must not be empty", at: located)
      return nil
    }
    return text
  }

  mutating func bool(_ key: String, in table: LayeredTable) -> Bool? {
    guard let located = table.lookup(key) else { return nil }
    guard let flag = located.value.booleanValue else {
      typeMismatch(key, in: table, expected: "true or false", found: located)
      return nil
    }
    return flag
  }

  mutating func integer(_ key: String, in table: LayeredTable, range: ClosedRange<Int>) -> Int? {
    guard let located = table.lookup(key) else { return nil }
    guard let number = located.value.integerValue else {
      typeMismatch(key, in: table, expected: "an integer", found: located)
      return nil
    }
    guard number >= Int64(range.lowerBound), number <= Int64(range.upperBound) else {
      report(
        "'\(key)' in \(table.name) must be between \(range.lowerBound) and \(range.upperBound), found \(number)",
        at: located)
      return nil
    }
    return Int(number)
  }

  mutating func duration(_ key: String, in table: LayeredTable) -> Duration? {
    guard let located = table.lookup(key) else { return nil }
    guard let text = located.value.stringValue else {
      if located.value.integerValue != nil || located.value.floatValue != nil {
        report(
          "'\(key)' in \(table.name) is a duration: write it as a string with a unit, e.g. \"30s\", \"5m\", \"1h30m\", \"250ms\"",
          at: located)
      } else {
        typeMismatch(key, in: table, expected: "a duration string such as \"30s\"", found: located)
      }
      return nil
    }
    guard let duration = DurationSyntax.parse(text) else {
      report(
        "invalid duration \(TOMLStringLiteral.basic(text)) for '\(key)' in \(table.name); use digits and units h, m, s, ms from largest to smallest, e.g. \"1h30m\", \"250ms\"",
        at: located)
      return nil
    }
    return duration
  }

  mutating func enumeration<Value: RawRepresentable & CaseIterable>(
    _ key: String, in table: LayeredTable, as type: Value.Type
  ) -> Value? where Value.RawValue == String {
    guard let located = table.lookup(key) else { return nil }
    guard let text = located.value.stringValue else {
      typeMismatch(key, in: table, expected: "a string", found: located)
      return nil
    }
    guard let value = Value(rawValue: text) else {
      let names = Value.allCases.map(\.rawValue)
      report(
        "invalid value \(TOMLStringLiteral.basic(text)) for '\(key)' in \(table.name); expected one of \(names.joined(separator: ", "))"
          + KeySuggestion.hint(for: text, in: names),
        at: located)
      return nil
    }
    return value
  }

  mutating func stringArray(_ key: String, in table: LayeredTable) -> [String]? {
    guard let located = table.lookup(key) else { return nil }
    guard let items = located.value.arrayValue else {
      typeMismatch(key, in: table, expected: "an array of strings", found: located)
      return nil
    }
    var strings: [String] = []
    for item in items {
      guard let text = item.stringValue else {
        report(
          "'\(key)' in \(table.name) must contain only strings, found \(item.typeName)",
          layer: located.layer, at: item.position)
        return nil
      }
      strings.append(text)
    }
    return strings
  }
}
