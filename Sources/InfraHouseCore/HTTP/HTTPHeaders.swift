/// An ordered list of HTTP header fields with case-insensitive lookup.
///
/// `headers["content-type"]` returns the first value; `values(for: "link")`
/// returns every value of a repeated header in the order received.
public struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
  /// The fields in order, names as given.
  public private(set) var fields: [(name: String, value: String)]

  public init() { fields = [] }

  public init(_ fields: [(String, String)]) {
    self.fields = fields.map { (name: $0.0, value: $0.1) }
  }

  public init(dictionaryLiteral elements: (String, String)...) {
    self.init(elements)
  }

  /// The first value of `name`, compared case-insensitively; setting replaces every value.
  public subscript(name: String) -> String? {
    get {
      fields.first { Self.sameName($0.name, name) }?.value
    }
    set {
      remove(name)
      if let newValue { fields.append((name: name, value: newValue)) }
    }
  }

  /// Every value of `name`, in the order received.
  public func values(for name: String) -> [String] {
    fields.filter { Self.sameName($0.name, name) }.map(\.value)
  }

  /// Appends a field, keeping any earlier one of the same name.
  public mutating func add(_ name: String, _ value: String) {
    fields.append((name: name, value: value))
  }

  /// Removes every field called `name`.
  public mutating func remove(_ name: String) {
    fields.removeAll { Self.sameName($0.name, name) }
  }

  public var count: Int { fields.count }

  public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
    fields.makeIterator()
  }

  public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
    lhs.fields.count == rhs.fields.count
      && zip(lhs.fields, rhs.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
  }

  /// ASCII case-insensitive equality without allocating (header names are ASCII).
  static func sameName(_ a: String, _ b: String) -> Bool {
    var i = a.utf8.makeIterator()
    var j = b.utf8.makeIterator()
    while true {
      switch (i.next(), j.next()) {
      case (nil, nil): return true
      case (let x?, let y?):
        if x != y && (x | 0x20) != (y | 0x20) { return false }
        if x != y && !((x | 0x20) >= 0x61 && (x | 0x20) <= 0x7A) { return false }
      default: return false
      }
    }
  }
}
