@testable import InfraHouseCore

/// A small interpreter for the condition and update expressions the lease
/// emits, with DynamoDB's semantics, so the simulation can apply them to an
/// in-memory table. Supports `attribute_exists`, `attribute_not_exists`, `=`,
/// `<>`, `<`, `>`, `IN (...)`, `AND`, `OR` and parentheses; `SET a = v, ...`.
struct ConditionEvaluator {
  let names: [String: String]
  let values: LockItemAttributes
  let item: LockItemAttributes?

  private enum Token: Equatable {
    case word(String)
    case open, close, comma
    case op(String)
  }

  private var tokens: [Token] = []
  private var position = 0

  init(names: [String: String], values: LockItemAttributes, item: LockItemAttributes?) {
    self.names = names
    self.values = values
    self.item = item
  }

  private static func tokenize(_ s: String) -> [Token] {
    var out: [Token] = []
    var word = ""
    func flush() {
      if !word.isEmpty { out.append(.word(word)) }
      word = ""
    }
    var chars = Array(s)[...]
    while let c = chars.first {
      chars = chars.dropFirst()
      switch c {
      case " ": flush()
      case "(":
        flush()
        out.append(.open)
      case ")":
        flush()
        out.append(.close)
      case ",":
        flush()
        out.append(.comma)
      case "=":
        flush()
        out.append(.op("="))
      case "<", ">":
        flush()
        if chars.first == ">" || chars.first == "=" {
          out.append(.op(String(c) + String(chars.first!)))
          chars = chars.dropFirst()
        } else {
          out.append(.op(String(c)))
        }
      default: word.append(c)
      }
    }
    flush()
    return out
  }

  mutating func evaluate(_ expression: String) -> Bool {
    tokens = Self.tokenize(expression)
    position = 0
    let result = parseOr()
    precondition(position == tokens.count, "trailing tokens in \(expression)")
    return result
  }

  private mutating func next() -> Token {
    defer { position += 1 }
    return tokens[position]
  }
  private var peek: Token? { position < tokens.count ? tokens[position] : nil }

  private mutating func parseOr() -> Bool {
    var v = parseAnd()
    while peek == .word("OR") {
      position += 1
      let r = parseAnd()
      v = v || r
    }
    return v
  }

  private mutating func parseAnd() -> Bool {
    var v = parseFactor()
    while peek == .word("AND") {
      position += 1
      let r = parseFactor()
      v = v && r
    }
    return v
  }

  private func resolve(_ word: String) -> LockAttribute? {
    if word.hasPrefix("#") { return item?[names[word]!] }
    return values[word]!
  }

  private func compare(_ a: LockAttribute?, _ op: String, _ b: LockAttribute?) -> Bool {
    guard let a, let b else { return false }
    switch (a, b) {
    case (.string(let x), .string(let y)):
      switch op {
      case "=": return x == y
      case "<>": return x != y
      case "<": return x < y
      default: return x > y
      }
    case (.number, .number):
      let x = a.int64Value!
      let y = b.int64Value!
      switch op {
      case "=": return x == y
      case "<>": return x != y
      case "<": return x < y
      default: return x > y
      }
    default:
      preconditionFailure("type mismatch: moto answers 500 here")
    }
  }

  private mutating func parseFactor() -> Bool {
    let t = next()
    if t == .open {
      let v = parseOr()
      precondition(next() == .close)
      return v
    }
    guard case .word(let w) = t else { preconditionFailure("unexpected \(t)") }
    if w == "attribute_not_exists" || w == "attribute_exists" {
      precondition(next() == .open)
      guard case .word(let name) = next() else { preconditionFailure() }
      precondition(next() == .close)
      let exists = item?[names[name]!] != nil
      return w == "attribute_exists" ? exists : !exists
    }
    let left = resolve(w)
    let op = next()
    if op == .word("IN") {
      precondition(next() == .open)
      var any = false
      while true {
        guard case .word(let v) = next() else { preconditionFailure() }
        if compare(left, "=", resolve(v)) { any = true }
        let sep = next()
        if sep == .close { break }
        precondition(sep == .comma)
      }
      return any
    }
    guard case .op(let o) = op, case .word(let r) = next() else {
      preconditionFailure("bad comparison")
    }
    return compare(left, o, resolve(r))
  }

  /// Applies `SET #a = :v, #b = :w` to an item.
  static func applyUpdate(
    _ expression: String, names: [String: String], values: LockItemAttributes,
    to item: inout LockItemAttributes
  ) {
    let tokens = tokenize(expression)
    precondition(tokens.first == .word("SET"))
    var i = 1
    while i < tokens.count {
      guard case .word(let n) = tokens[i], tokens[i + 1] == .op("="),
        case .word(let v) = tokens[i + 2]
      else {
        preconditionFailure("bad update \(expression)")
      }
      item[names[n]!] = values[v]!
      i += 3
      if i < tokens.count {
        precondition(tokens[i] == .comma)
        i += 1
      }
    }
  }
}

/// An in-memory DynamoDB table that applies the lease's requests atomically.
struct SimulatedLockTable {
  var items: [String: LockItemAttributes] = [:]
  let schema: LockTableSchema

  func key(_ k: LockItemAttributes) -> String { k[schema.partitionKey]!.stringValue! }

  func check(_ w: LockWrite) -> Bool {
    let k: String
    switch w.operation {
    case .put(let item): k = key(item)
    case .update(let kk, _): k = key(kk)
    }
    var e = ConditionEvaluator(names: w.names, values: w.values, item: items[k])
    return e.evaluate(w.condition)
  }

  mutating func apply(_ w: LockWrite) {
    switch w.operation {
    case .put(let item): items[key(item)] = item
    case .update(let k, let expr):
      var item = items[key(k)] ?? k
      ConditionEvaluator.applyUpdate(expr, names: w.names, values: w.values, to: &item)
      items[key(k)] = item
    }
  }

  /// Performs a request; nil means success without data, `.some(nil...)` a read.
  mutating func perform(_ kind: LockRequest.Kind) -> Result<
    (LockItemAttributes?, LockItemAttributes?), LockRequestFailure
  > {
    switch kind {
    case .read(let lockKey, let counterKey):
      return .success((items[key(lockKey)], items[key(counterKey)]))
    case .acquire(let lock, let counter):
      guard check(lock), check(counter) else {
        let current = items[key(lock.putItem ?? [:])].flatMap {
          try? LockItem(attributes: $0, schema: schema)
        }
        return .failure(.conditionFailed(current: current))
      }
      apply(lock)
      apply(counter)
      return .success((nil, nil))
    case .renew(let w), .release(let w):
      guard check(w) else {
        let k: LockItemAttributes
        if case .update(let kk, _) = w.operation { k = kk } else { k = [:] }
        let current = items[key(k)].flatMap { try? LockItem(attributes: $0, schema: schema) }
        return .failure(.conditionFailed(current: current))
      }
      apply(w)
      return .success((nil, nil))
    }
  }
}
