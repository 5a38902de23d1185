import Foundation
import GlossCore

/// The text of an OpenDocument text (.odt): `content.xml`'s body paragraphs and headings in
/// order, with ODF's white-space rules (runs of spaces collapse; `text:s`, `text:tab` and
/// `text:line-break` are the spaces, tabs and line breaks that count). Footnotes, comments,
/// tracked deletions and index templates are not text.
enum OpenDocument {
  static let textNamespace = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
  static let tableNamespace = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
  static let officeNamespace = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
  static let mimeType = "application/vnd.oasis.opendocument.text"

  static func text(_ data: Data, file: String, limits: SafeArchive.Limits) throws -> String {
    let archive = try SafeArchive(data, file: file, kind: ".odt", limits: limits)
    if let mime = try archive.data("mimetype"), let type = String(data: mime, encoding: .utf8),
      type.trimmingCharacters(in: .whitespacesAndNewlines) != mimeType
    {
      throw GlossError.invalidInput(
        file: file, line: nil, message: "is \(type.prefix(80)), not an OpenDocument text (.odt)")
    }
    let reader = BodyReader()
    try reader.parse(try archive.required("content.xml"), file: file, part: "content.xml")
    return reader.collector.text
  }

  private final class BodyReader: XMLStream {
    var collector = ParagraphCollector()
    private var inBody = false
    private var skipping: Int?
    private var levels: [Int?] = []
    /// Whether the last character written may absorb following white space (ODF §6.1.2).
    private var spaceBefore = true

    override func start(_ name: String, namespace: String, attributes: [String: String]) {
      guard skipping == nil else { return }
      if namespace == OpenDocument.officeNamespace {
        switch name {
        case "text": inBody = true
        case "annotation", "annotation-end": skipping = depth
        default: break
        }
        return
      }
      guard inBody else { return }
      if namespace == OpenDocument.tableNamespace {
        switch name {
        case "table": collector.startTable()
        case "table-row": collector.startRow()
        case "table-cell": collector.startCell()
        case "covered-table-cell": skipping = depth
        default: break
        }
        return
      }
      guard namespace == OpenDocument.textNamespace else { return }
      switch name {
      case "note", "tracked-changes", "sequence-decls", "variable-decls", "user-field-decls":
        skipping = depth
      case _ where name.hasSuffix("-source"):
        skipping = depth  // index templates (table-of-content-source…), not text
      case "p", "h":
        collector.startParagraph()
        levels.append(name == "h" ? Int(attributes["outline-level"] ?? "1") ?? 1 : nil)
        spaceBefore = true
      case "s":
        collector.append(String(repeating: " ", count: max(1, min(Int(attributes["c"] ?? "1") ?? 1, 1000))))
        spaceBefore = false
      case "tab":
        collector.append("\t")
        spaceBefore = false
      case "line-break":
        collector.append("\n")
        spaceBefore = true
      default: break
      }
    }

    override func end(_ name: String, namespace: String) {
      if let start = skipping {
        if depth < start { skipping = nil }
        return
      }
      if namespace == OpenDocument.officeNamespace, name == "text" { inBody = false }
      guard inBody else { return }
      if namespace == OpenDocument.tableNamespace {
        switch name {
        case "table": collector.endTable()
        case "table-row": collector.endRow()
        case "table-cell": collector.endCell()
        default: break
        }
        return
      }
      guard namespace == OpenDocument.textNamespace, name == "p" || name == "h" else { return }
      let level = levels.popLast() ?? nil
      collector.endParagraph(prefix: level.map { String(repeating: "#", count: max(1, min($0, 6))) + " " } ?? "")
      spaceBefore = true
    }

    override func text(_ string: String) {
      guard skipping == nil, inBody, collector.isInParagraph else { return }
      var out = ""
      for character in string {
        if character == " " || character == "\t" || character == "\n" || character == "\r" || character == "\r\n" {
          if !spaceBefore { out.append(" ") }
          spaceBefore = true
        } else {
          out.append(character)
          spaceBefore = false
        }
      }
      collector.append(out)
    }
  }
}
