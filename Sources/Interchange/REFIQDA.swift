import Foundation
import GlossCore
import ZIPFoundation

/// REFI-QDA (QDA-XML 1.0) names, GUIDs and limits shared by export and import.
public enum REFIQDA {
  public static let projectNamespace = "urn:QDA-XML:project:1.0"
  public static let codebookNamespace = "urn:QDA-XML:codebook:1.0"

  /// Stable GUIDs, so exporting the same project twice gives the same file and importing
  /// it back finds the same things.
  static func userGUID(_ coder: String) -> String { StableID.make("refi-user", [coder]) }
  static func codeGUID(_ id: String) -> String { StableID.make("refi-code", [id]) }
  static func sourceGUID(_ doc: String) -> String { StableID.make("refi-source", [doc]) }
  static func selectionGUID(_ assignment: String) -> String { StableID.make("refi-selection", [assignment]) }

  /// A GUID in canonical form (lowercase, no braces), or nil when it is not one.
  static func canonicalGUID(_ raw: String?) -> String? {
    guard var value = raw?.trimmingCharacters(in: .whitespaces).lowercased() else { return nil }
    if value.hasPrefix("{") && value.hasSuffix("}") { value = String(value.dropFirst().dropLast()) }
    return AssignmentID.isValid(value) ? value : nil
  }

  /// How much an imported archive may hold, so a zip bomb fails instead of filling memory.
  public struct Limits: Sendable {
    public var maxEntryBytes: UInt64
    public var maxTotalBytes: UInt64
    public var maxEntries: Int

    public init(maxEntryBytes: UInt64, maxTotalBytes: UInt64, maxEntries: Int) {
      self.maxEntryBytes = maxEntryBytes
      self.maxTotalBytes = maxTotalBytes
      self.maxEntries = maxEntries
    }

    public static let standard = Limits(
      maxEntryBytes: 64 << 20, maxTotalBytes: 512 << 20, maxEntries: 10_000)
  }
}

extension Project {
  /// The codebook as a REFI-QDA `.qdc` file: codes nested by parent, with colors and
  /// descriptions. Fails when there are no codes (the schema needs at least one).
  public func exportQDC(at revision: String? = nil) throws -> Data {
    let book = try snapshot(at: revision).codebook()
    guard !book.codes.isEmpty else {
      throw GlossError.nothingToChange(.emptyCodebook)
    }
    var xml = XMLWriter()
    xml.start("CodeBook", [("xmlns", REFIQDA.codebookNamespace), ("origin", "Gloss")])
    Self.writeCodes(book, into: &xml)
    xml.end()
    return Data(xml.text.utf8)
  }

  /// The project as a REFI-QDA `.qdpx` archive: `project.qde` (coders as Users, the
  /// codebook, one TextSource per document with one PlainTextSelection per assignment,
  /// memos as the selection's Description) and `sources/<guid>.txt` for each text. Only the
  /// coders `policy` lets the viewer see are exported.
  public func exportQDPX(at revision: String? = nil, to url: URL, policy: Policy) throws {
    let snapshot = try snapshot(at: revision)
    let settings = try snapshot.settings()
    let book = try snapshot.codebook()
    let docs = try snapshot.documentIDs()
    let visible = policy.visibleCoders
    let assignments = try snapshot.assignments(coders: visible)
    let coders = Set(assignments.map(\.coder)).union(try snapshot.annotationFiles(coders: visible).map(\.coder))
      .sorted()
    var xml = XMLWriter()
    xml.start(
      "Project",
      [
        ("xmlns", REFIQDA.projectNamespace), ("name", settings.name.isEmpty ? "Gloss project" : settings.name),
        ("origin", "Gloss"),
      ])
    if !coders.isEmpty {
      xml.start("Users", [])
      for coder in coders {
        xml.start("User", [("guid", REFIQDA.userGUID(coder)), ("name", coder), ("id", coder)], empty: true)
      }
      xml.end()
    }
    if !book.codes.isEmpty {
      xml.start("CodeBook", [])
      Self.writeCodes(book, into: &xml)
      xml.end()
    }
    var texts: [(path: String, data: Data)] = []
    if !docs.isEmpty {
      xml.start("Sources", [])
      let byDoc = Dictionary(grouping: assignments, by: \.doc)
      for doc in docs {
        let guid = REFIQDA.sourceGUID(doc)
        let text = try snapshot.requireDocument(doc)
        texts.append(("sources/\(guid).txt", Data(text.string.utf8)))
        xml.start("TextSource", [("guid", guid), ("name", doc), ("plainTextPath", "internal://\(guid).txt")])
        for item in byDoc[doc] ?? [] {
          let record = item.assignment
          let user = REFIQDA.userGUID(item.coder)
          xml.start(
            "PlainTextSelection",
            [
              ("guid", REFIQDA.selectionGUID(record.id)), ("name", record.exact.excerpt()),
              ("startPosition", String(record.start)), ("endPosition", String(record.end)),
              ("creatingUser", user),
            ])
          if let memo = record.memo, !memo.isEmpty { xml.element("Description", text: memo) }
          xml.start("Coding", [("guid", record.id), ("creatingUser", user)])
          xml.start("CodeRef", [("targetGUID", REFIQDA.codeGUID(record.code))], empty: true)
          xml.end()
          xml.end()
        }
        xml.end()
      }
      xml.end()
    }
    xml.end()
    try writeArchive([("project.qde", Data(xml.text.utf8))] + texts, to: url)
  }

  static func writeCodes(_ book: Codebook, into xml: inout XMLWriter) {
    xml.start("Codes", [])
    func visit(_ code: Code, depth: Int) {
      let color = code.color.flatMap { Code.isColor($0) ? $0 : nil }
      let children = book.children(of: code.id)
      let hasBody = !(code.description ?? "").isEmpty || (!children.isEmpty && depth < 64)
      xml.start(
        "Code",
        [("guid", REFIQDA.codeGUID(code.id)), ("name", code.name), ("isCodable", "true"), ("color", color)],
        empty: !hasBody)
      guard hasBody else { return }
      if let description = code.description, !description.isEmpty {
        xml.element("Description", text: description)
      }
      if depth < 64 { for child in children { visit(child, depth: depth + 1) } }
      xml.end()
    }
    let ids = Set(book.codes.map(\.id))
    for code in book.codes where code.parent == nil || !ids.contains(code.parent ?? "") {
      visit(code, depth: 0)
    }
    xml.end()
  }

  /// Writes a zip next to `url` and moves it into place, so a failure (or a kill) leaves no
  /// half file.
  func writeArchive(_ entries: [(path: String, data: Data)], to url: URL) throws {
    try writeOutputFile(url.path) { temporary in
      try Self.writeZip(entries, to: URL(fileURLWithPath: temporary), label: url.path)
    }
  }

  private static func writeZip(_ entries: [(path: String, data: Data)], to temporary: URL, label: String) throws {
    do {
      let archive = try Archive(url: temporary, accessMode: .create)
      for (path, data) in entries {
        try archive.addEntry(
          with: path, type: .file, uncompressedSize: Int64(data.count),
          modificationDate: Date(timeIntervalSince1970: 315_532_800), compressionMethod: .deflate
        ) { position, size in
          data.subdata(in: Int(position)..<Int(position) + size)
        }
      }
    } catch {
      throw GlossError.invalidArgument(argument: label, message: "cannot write the archive: \(error)")
    }
  }
}
