import Foundation
import GlossCore

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// A streaming (SAX) reader for word-processor XML, where text and elements interleave
/// (`Hello <span>big</span> world`), which `XMLTree` does not keep. Subclasses override
/// `start`, `end` and `text`. Like `XMLTree` it refuses DTDs and entity declarations before
/// parsing (no entity expansion, no external entities) and bounds the nesting depth.
class XMLStream: NSObject, XMLParserDelegate {
  static let maxDepth = 400

  private(set) var depth = 0
  private var failure: (line: Int, message: String)?

  /// An element opened; `attributes` are keyed by local name (prefixes dropped).
  func start(_ name: String, namespace: String, attributes: [String: String]) {}
  func end(_ name: String, namespace: String) {}
  func text(_ string: String) {}

  /// Parses `data` (a part named `part` inside `file`) into this handler.
  func parse(_ data: Data, file: String, part: String) throws {
    let name = "\(file):\(part)"
    try XMLTree.refuseUnsafe(data, file: name)
    let parser = XMLTree.makeParser(data)
    parser.delegate = self
    let ok = parser.parse()
    if let failure {
      throw GlossError.invalidInput(file: name, line: failure.line, message: failure.message)
    }
    guard ok else {
      let line = parser.lineNumber > 0 ? parser.lineNumber : nil
      let reason = parser.parserError.map { ($0 as NSError).localizedDescription } ?? "unknown error"
      throw GlossError.invalidInput(file: name, line: line, message: "is not well-formed XML (\(reason))")
    }
  }

  func parser(
    _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
    qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]
  ) {
    depth += 1
    guard depth <= Self.maxDepth else {
      if failure == nil { failure = (parser.lineNumber, "elements nested deeper than \(Self.maxDepth)") }
      parser.abortParsing()
      return
    }
    var attributes: [String: String] = [:]
    for (key, value) in attributeDict {
      attributes[key.split(separator: ":").last.map(String.init) ?? key] = value
    }
    start(elementName, namespace: namespaceURI ?? "", attributes: attributes)
  }

  func parser(
    _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?
  ) {
    depth -= 1
    end(elementName, namespace: namespaceURI ?? "")
  }

  func parser(_ parser: XMLParser, foundCharacters string: String) { text(string) }

  /// libxml2 may report an error and still finish (a mismatched end tag): it is an error.
  func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
    guard failure == nil else { return }
    let reason = (parseError as NSError).localizedDescription
    failure = (parser.lineNumber, "is not well-formed XML (\(reason))")
  }

  func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
    text(String(decoding: CDATABlock, as: UTF8.self))
  }
}

/// Collects paragraphs from a word-processor document: paragraphs nested in paragraphs
/// (text boxes) come out as paragraphs of their own, and a table row becomes one paragraph
/// with its cells separated by tabs (a cell's paragraphs joined by spaces).
struct ParagraphCollector {
  private(set) var paragraphs: [String] = []
  private var open: [String] = []
  /// Open tables, innermost last: finished rows, and the row and cell being read.
  private var tables: [(rows: [String], row: [String], cell: [String])] = []

  var isInParagraph: Bool { !open.isEmpty }

  mutating func startParagraph() { open.append("") }

  /// Adds text to the innermost open paragraph (outside one, text is not transcript text).
  mutating func append(_ text: String) {
    guard !open.isEmpty else { return }
    open[open.count - 1] += text
  }

  /// The text of the innermost open paragraph so far.
  var current: String { open.last ?? "" }

  /// Closes the innermost paragraph; `prefix` (a heading's `# `) goes before non-empty text.
  mutating func endParagraph(prefix: String = "") {
    guard let text = open.popLast() else { return }
    let trimmed = Self.trim(text)
    guard !trimmed.isEmpty else { return }
    if !tables.isEmpty {
      tables[tables.count - 1].cell.append(trimmed)
    } else {
      paragraphs.append(prefix + trimmed)
    }
  }

  mutating func startTable() { tables.append(([], [], [])) }
  mutating func startRow() {
    guard !tables.isEmpty else { return }
    tables[tables.count - 1].row = []
  }
  mutating func startCell() {
    guard !tables.isEmpty else { return }
    tables[tables.count - 1].cell = []
  }

  mutating func endCell() {
    guard !tables.isEmpty else { return }
    let cell = tables[tables.count - 1].cell.joined(separator: " ")
    tables[tables.count - 1].row.append(cell.replacingOccurrences(of: "\n", with: " "))
    tables[tables.count - 1].cell = []
  }

  mutating func endRow() {
    guard !tables.isEmpty else { return }
    let row = tables[tables.count - 1].row
    tables[tables.count - 1].row = []
    var cells = row
    while let last = cells.last, last.isEmpty { cells.removeLast() }
    if !cells.isEmpty { tables[tables.count - 1].rows.append(cells.joined(separator: "\t")) }
  }

  mutating func endTable() {
    guard let table = tables.popLast() else { return }
    if tables.isEmpty {
      paragraphs.append(contentsOf: table.rows)
    } else if !table.rows.isEmpty {
      // A table inside a cell: its rows become part of that cell's text.
      tables[tables.count - 1].cell.append(table.rows.joined(separator: " "))
    }
  }

  /// The document text: paragraphs separated by a blank line, ending in a line break.
  var text: String { paragraphs.isEmpty ? "" : paragraphs.joined(separator: "\n\n") + "\n" }

  /// Without leading or trailing whitespace, and without blank lines inside, which would
  /// split one paragraph of the source into several (`--para` counts blank-line runs).
  static func trim(_ text: String) -> String {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
      String(line.reversed().drop(while: { $0 == " " || $0 == "\t" || $0 == "\r" }).reversed())
    }
    return lines.filter { !$0.allSatisfy(\.isWhitespace) }.joined(separator: "\n")
      .trimmingCharacters(in: .whitespacesAndNewlines)
  }
}
