import Foundation
import GlossCore

/// The text of a Word (.docx, Office Open XML) document: the main part's paragraphs in
/// order, headings marked `#` as in Markdown, tables one row per paragraph. Deleted tracked
/// changes, field codes, and the duplicate fallback copies of text boxes are not text;
/// headers, footers, footnotes and comments are left out.
enum WordDocument {
  static let mainNamespaces: Set<String> = [
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
  ]
  static let compatibilityNamespace = "http://schemas.openxmlformats.org/markup-compatibility/2006"

  static func text(_ data: Data, file: String, limits: SafeArchive.Limits) throws -> String {
    let archive = try SafeArchive(data, file: file, kind: ".docx", limits: limits)
    let main = try relationshipTarget(in: archive, part: "", type: "officeDocument") ?? "word/document.xml"
    let styles = try relationshipTarget(in: archive, part: main, type: "styles")
    var headingStyles: [String: Int] = [:]
    if let styles, let data = try archive.data(styles) {
      let reader = StyleReader()
      try reader.parse(data, file: file, part: styles)
      headingStyles = reader.levels
    }
    let reader = BodyReader(headingStyles: headingStyles)
    try reader.parse(try archive.required(main), file: file, part: main)
    return reader.collector.text
  }

  /// The target of the first relationship of `type` from `part` ("" for the package), as a
  /// name inside the archive.
  static func relationshipTarget(in archive: SafeArchive, part: String, type: String) throws -> String? {
    let folder = (part as NSString).deletingLastPathComponent
    let rels = (folder.isEmpty ? "" : folder + "/") + "_rels/" + (part as NSString).lastPathComponent + ".rels"
    guard let data = try archive.data(rels) else { return nil }
    let reader = RelationshipReader(type: type)
    try reader.parse(data, file: archive.file, part: rels)
    return reader.target.flatMap { SafeArchive.resolve($0, from: part.isEmpty ? "x" : part) }
  }

  private final class RelationshipReader: XMLStream {
    let type: String
    var target: String?
    init(type: String) { self.type = type }

    override func start(_ name: String, namespace: String, attributes: [String: String]) {
      guard name == "Relationship", target == nil, attributes["TargetMode"] != "External",
        let kind = attributes["Type"], kind.hasSuffix("/" + type)
      else { return }
      target = attributes["Target"]
    }
  }

  /// Paragraph styles that are headings ("heading 1", or an outline level), by style id.
  private final class StyleReader: XMLStream {
    var levels: [String: Int] = [:]
    private var style: String?

    override func start(_ name: String, namespace: String, attributes: [String: String]) {
      guard WordDocument.mainNamespaces.contains(namespace) else { return }
      switch name {
      case "style": style = attributes["type"] == "paragraph" ? attributes["styleId"] : nil
      case "name":
        if let style, let value = attributes["val"]?.lowercased(), value.hasPrefix("heading "),
          let level = Int(value.dropFirst(8)), (1...9).contains(level)
        {
          levels[style] = level
        }
      case "outlineLvl":
        if let style, let level = attributes["val"].flatMap(Int.init), (0..<9).contains(level) {
          levels[style] = level + 1
        }
      default: break
      }
    }

    override func end(_ name: String, namespace: String) {
      if name == "style" { style = nil }
    }
  }

  private final class BodyReader: XMLStream {
    let headingStyles: [String: Int]
    var collector = ParagraphCollector()
    /// Depth of the element that started a skipped subtree, if any.
    private var skipping: Int?
    private var inText = false
    private var runs = 0
    private var levels: [Int?] = []

    init(headingStyles: [String: Int]) { self.headingStyles = headingStyles }

    override func start(_ name: String, namespace: String, attributes: [String: String]) {
      guard skipping == nil else { return }
      if namespace == WordDocument.compatibilityNamespace, name == "Fallback" {
        skipping = depth
        return
      }
      guard WordDocument.mainNamespaces.contains(namespace) else { return }
      switch name {
      case "del", "moveFrom", "delText", "instrText", "pPrChange", "rPrChange", "footnoteReference":
        skipping = depth
      case "p":
        collector.startParagraph()
        levels.append(nil)
      case "pStyle":
        if let style = attributes["val"], let level = headingStyles[style], !levels.isEmpty {
          levels[levels.count - 1] = level
        }
      case "outlineLvl":
        if let level = attributes["val"].flatMap(Int.init), (0..<9).contains(level), !levels.isEmpty {
          levels[levels.count - 1] = level + 1
        }
      case "r": runs += 1
      case "t": inText = true
      case "tab" where runs > 0, "ptab" where runs > 0: collector.append("\t")
      case "br" where runs > 0, "cr" where runs > 0: collector.append("\n")
      case "noBreakHyphen" where runs > 0: collector.append("-")
      case "tbl": collector.startTable()
      case "tr": collector.startRow()
      case "tc": collector.startCell()
      default: break
      }
    }

    override func end(_ name: String, namespace: String) {
      if let start = skipping {
        if depth < start { skipping = nil }
        return
      }
      guard WordDocument.mainNamespaces.contains(namespace) else { return }
      switch name {
      case "p":
        let level = levels.popLast() ?? nil
        collector.endParagraph(prefix: level.map { String(repeating: "#", count: min($0, 6)) + " " } ?? "")
      case "r": runs -= 1
      case "t": inText = false
      case "tbl": collector.endTable()
      case "tr": collector.endRow()
      case "tc": collector.endCell()
      default: break
      }
    }

    override func text(_ string: String) {
      if skipping == nil, inText { collector.append(string) }
    }
  }
}
