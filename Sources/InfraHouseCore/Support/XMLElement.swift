import CXML2

/// A parsed XML element: local name, text content and child elements.
///
/// Enough of XML for the AWS Query protocol's responses; parsed by libxml2
/// with network access and entity expansion off.
public struct XMLElement: Sendable, Equatable {
  /// The element's local name (namespace prefix dropped).
  public var name: String
  /// The concatenated text directly inside this element, untrimmed.
  public var text: String
  public var children: [XMLElement]

  public init(name: String, text: String = "", children: [XMLElement] = []) {
    self.name = name
    self.text = text
    self.children = children
  }

  /// The first child called `name`.
  public func child(_ name: String) -> XMLElement? { children.first { $0.name == name } }

  /// Every child called `name`.
  public func children(_ name: String) -> [XMLElement] { children.filter { $0.name == name } }

  /// Follows a path of child names: `root["GetCallerIdentityResult", "Arn"]`.
  public subscript(path: String...) -> XMLElement? {
    var node: XMLElement? = self
    for p in path { node = node?.child(p) }
    return node
  }

  /// The text of the first child called `name`.
  public func string(_ name: String) -> String? { child(name)?.text }

  /// The first element called `name` anywhere below (depth-first), or self.
  public func first(_ name: String) -> XMLElement? {
    if self.name == name { return self }
    for c in children {
      if let hit = c.first(name) { return hit }
    }
    return nil
  }

  /// Parses a document; nil if it is not well-formed XML.
  public static func parse(_ bytes: [UInt8]) -> XMLElement? {
    guard !bytes.isEmpty else { return nil }
    let options = Int32(
      XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
    let doc = bytes.withUnsafeBufferPointer { buffer in
      buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
        xmlReadMemory($0, Int32(buffer.count), "response.xml", nil, options)
      }
    }
    guard let doc else { return nil }
    defer { xmlFreeDoc(doc) }
    guard let root = xmlDocGetRootElement(doc) else { return nil }
    return convert(root, depth: 0)
  }

  private static func convert(_ node: xmlNodePtr, depth: Int) -> XMLElement {
    var element = XMLElement(name: String(cString: node.pointee.name))
    guard depth < 256 else { return element }
    var child = node.pointee.children
    while let c = child {
      switch c.pointee.type {
      case XML_ELEMENT_NODE: element.children.append(convert(c, depth: depth + 1))
      case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
        if let content = c.pointee.content { element.text += String(cString: content) }
      default: break
      }
      child = c.pointee.next
    }
    return element
  }
}
