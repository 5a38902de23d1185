import Foundation
import GlossCore

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// A small element tree read with Foundation's XMLParser (SAX): namespaces resolved, no
/// DTDs or external entities, bounded depth and size, so hostile files fail cleanly.
struct XMLItem: Sendable {
  var name: String
  var namespace: String?
  var attributes: [String: String]
  var children: [XMLItem]
  var text: String
  var line: Int

  func all(_ name: String) -> [XMLItem] { children.filter { $0.name == name } }
  func first(_ name: String) -> XMLItem? { children.first { $0.name == name } }
}

enum XMLTree {
  static let maxDepth = 200

  /// Parses `data`; errors carry the file name and the parser's line.
  static func parse(_ data: Data, file: String) throws -> XMLItem {
    try refuseUnsafe(data, file: file)
    let parser = makeParser(data)
    let builder = Builder()
    parser.delegate = builder
    let ok = parser.parse()
    if let failure = builder.failure {
      throw GlossError.invalidInput(file: file, line: failure.line, message: failure.message)
    }
    guard ok, let root = builder.root else {
      let line = parser.lineNumber > 0 ? parser.lineNumber : nil
      let reason = parser.parserError.map { ($0 as NSError).localizedDescription } ?? "unknown error"
      throw GlossError.invalidInput(file: file, line: line, message: "is not well-formed XML (\(reason))")
    }
    return root
  }

  /// A namespace-aware parser of `data` that resolves no external entities. It reads `data`
  /// as a stream: given the whole of it at once (`XMLParser(data:)`), libxml2 refuses any
  /// part over 10 MB ("internal error"), such as the project.qde of a project with some
  /// 30,000 codings or a long transcript's document.xml.
  static func makeParser(_ data: Data) -> XMLParser {
    let parser = XMLParser(stream: InputStream(data: data))
    parser.shouldProcessNamespaces = true
    parser.shouldResolveExternalEntities = false
    return parser
  }

  /// Refuses what must never reach Foundation's XMLParser: bytes that are not UTF-8 (it traps
  /// on element names that are not, as in a damaged file; UTF-16 XML has NUL bytes and is
  /// refused the same way), and DTDs or entity declarations (no entity expansion, no external
  /// entities). Every XML reader here calls it first.
  static func refuseUnsafe(_ data: Data, file: String) throws {
    if data.contains(0)
      || !data.withUnsafeBytes({ String(validating: $0.bindMemory(to: UInt8.self), as: UTF8.self) != nil })
    {
      throw GlossError.invalidInput(file: file, line: nil, message: "is not UTF-8 XML; refused")
    }
    if data.range(of: Data("<!DOCTYPE".utf8)) != nil || data.range(of: Data("<!ENTITY".utf8)) != nil {
      throw GlossError.invalidInput(file: file, line: nil, message: "has a DOCTYPE or entity declarations; refused")
    }
  }

  private final class Builder: NSObject, XMLParserDelegate {
    var stack: [XMLItem] = []
    var root: XMLItem?
    var failure: (line: Int?, message: String)?

    func parser(
      _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
      qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]
    ) {
      guard stack.count < XMLTree.maxDepth else {
        failure = (parser.lineNumber, "elements nested deeper than \(XMLTree.maxDepth)")
        parser.abortParsing()
        return
      }
      stack.append(
        XMLItem(
          name: elementName, namespace: namespaceURI, attributes: attributeDict, children: [], text: "",
          line: parser.lineNumber))
    }

    func parser(
      _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?
    ) {
      guard let element = stack.popLast() else { return }
      if stack.isEmpty {
        root = element
      } else {
        stack[stack.count - 1].children.append(element)
      }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
      guard !stack.isEmpty else { return }
      stack[stack.count - 1].text += string
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
      guard !stack.isEmpty else { return }
      stack[stack.count - 1].text += String(decoding: CDATABlock, as: UTF8.self)
    }
  }
}

/// Writes XML text with escaping; attribute values keep line breaks and tabs as character
/// references so they survive attribute-value normalization.
struct XMLWriter {
  private(set) var text = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
  private var open: [String] = []

  mutating func start(_ name: String, _ attributes: [(String, String?)], empty: Bool = false) {
    text += String(repeating: "  ", count: open.count) + "<" + name
    for (key, value) in attributes {
      guard let value else { continue }
      text += " \(key)=\"\(Self.escape(value, attribute: true))\""
    }
    if empty {
      text += "/>\n"
    } else {
      text += ">\n"
      open.append(name)
    }
  }

  mutating func end() {
    guard let name = open.popLast() else { return }
    text += String(repeating: "  ", count: open.count) + "</\(name)>\n"
  }

  mutating func element(_ name: String, text value: String) {
    text +=
      String(repeating: "  ", count: open.count) + "<\(name)>" + Self.escape(value, attribute: false)
      + "</\(name)>\n"
  }

  /// Escapes markup characters; characters XML 1.0 cannot carry at all become U+FFFD.
  static func escape(_ value: String, attribute: Bool) -> String {
    var out = ""
    out.unicodeScalars.reserveCapacity(value.unicodeScalars.count)
    for scalar in value.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"" where attribute: out += "&quot;"
      case "\n" where attribute: out += "&#10;"
      case "\t" where attribute: out += "&#9;"
      case "\r": out += "&#13;"
      default:
        let v = scalar.value
        let allowed = v == 0x9 || v == 0xA || (v >= 0x20 && v <= 0xD7FF) || (v >= 0xE000 && v <= 0xFFFD) || v >= 0x10000
        out.unicodeScalars.append(allowed ? scalar : "\u{FFFD}")
      }
    }
    return out
  }
}
