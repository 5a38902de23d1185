import Foundation
import GlossCore
import ZIPFoundation

/// What `gloss import qdpx` found and did.
public struct QDPXImportReport: Sendable {
  public var projectName: String
  /// The User whose codings were imported, and the folder they went to.
  public var user: String?
  public var coder: String
  public var textSources: Int
  /// Sources that are not plain text (or whose text is outside the archive), skipped.
  public var skippedSources: [String]
  public var documentsAdded: [String]
  public var codesCreated: [Code]
  public var assignmentsAdded: Int
  public var assignmentsPresent: Int
  /// Codings of other users, by their coder name: import them as that coder.
  public var otherUsers: [String: Int]
  /// The project's leads (gloss.yaml), one of whom imports consensus codings.
  public var leads: [String] = []

  /// Who runs the import of `other`'s codings: that coder, or a lead for consensus (which
  /// is not a coder).
  public func importer(for other: String) -> String {
    other == Identifier.consensus ? (leads.first ?? "LEAD") : other
  }
}

/// A REFI-QDA project read from a `.qdpx` archive, before it meets a Gloss project.
struct QDPXProject {
  struct User {
    var guid: String
    var name: String
    var coder: String
  }
  struct CodeEntry {
    var guid: String
    var name: String
    var parent: String?
    var description: String?
    var color: String?
  }
  struct Selection {
    var guid: String?
    var start: Int
    var end: Int
    var memo: String?
    var user: String?
    var code: String
    var line: Int
  }
  struct Source {
    var name: String
    var text: String
    var selections: [Selection]
  }

  var name = ""
  var users: [User] = []
  var codes: [CodeEntry] = []
  var sources: [Source] = []
  var skipped: [String] = []

  /// Reads and checks everything: paths, sizes, XML, positions, code references.
  init(url: URL, file: String, limits: REFIQDA.Limits) throws {
    func fail(_ line: Int?, _ message: String, in name: String = file) -> GlossError {
      GlossError.invalidInput(file: name, line: line, message: message)
    }
    let archive: Archive
    do {
      archive = try Archive(url: url, accessMode: .read)
    } catch {
      throw fail(nil, "is not a .qdpx file (not a readable zip archive)")
    }
    var entries: [String: Entry] = [:]
    var count = 0
    var total: UInt64 = 0
    for entry in archive {
      count += 1
      guard count <= limits.maxEntries else { throw fail(nil, "has more than \(limits.maxEntries) entries; refused") }
      let path = entry.path.replacingOccurrences(of: "\\", with: "/")
      let parts = path.split(separator: "/", omittingEmptySubsequences: false)
      if path.hasPrefix("/") || parts.contains("..") || path.contains(":")
        || path.unicodeScalars.contains(where: { $0.value < 0x20 })
      {
        throw fail(nil, "has an unsafe entry name \"\(entry.path)\" (absolute or climbing out with ..); refused")
      }
      guard entry.type != .symlink else { throw fail(nil, "has a symbolic link entry \"\(entry.path)\"; refused") }
      guard entry.type == .file else { continue }
      if entry.uncompressedSize > limits.maxEntryBytes {
        throw fail(
          nil, "entry \"\(path)\" is \(entry.uncompressedSize) bytes, over the \(limits.maxEntryBytes)-byte limit")
      }
      total += entry.uncompressedSize
      if total > limits.maxTotalBytes {
        throw fail(nil, "unpacks to more than \(limits.maxTotalBytes) bytes; refused")
      }
      entries[path] = entry
    }
    func read(_ path: String) throws -> Data {
      guard let entry = entries[path] else { throw fail(nil, "has no entry \"\(path)\"") }
      var data = Data()
      do {
        _ = try archive.extract(entry, skipCRC32: false) { chunk in
          data.append(chunk)
          if UInt64(data.count) > limits.maxEntryBytes { throw CocoaError(.fileReadTooLarge) }
        }
      } catch let error as CocoaError where error.code == .fileReadTooLarge {
        throw fail(nil, "entry \"\(path)\" unpacks to more than \(limits.maxEntryBytes) bytes; refused")
      } catch {
        throw fail(nil, "entry \"\(path)\" cannot be unpacked (\(error))")
      }
      return data
    }
    let qdeCandidates = entries.keys.filter { !$0.contains("/") && $0.lowercased().hasSuffix(".qde") }.sorted()
    guard let qdePath = qdeCandidates.first(where: { $0.lowercased() == "project.qde" }) ?? qdeCandidates.first
    else { throw fail(nil, "has no project.qde: not a REFI-QDA project") }
    let qdeName = "\(file):\(qdePath)"
    let root = try XMLTree.parse(try read(qdePath), file: qdeName)
    guard root.name == "Project", root.namespace == REFIQDA.projectNamespace else {
      throw fail(
        root.line, "the root is <\(root.name)>, not a REFI-QDA <Project> (\(REFIQDA.projectNamespace))", in: qdeName)
    }
    name = root.attributes["name"] ?? ""

    // Users: a coder name for each, their own name when it is a valid coder id.
    for user in root.first("Users")?.all("User") ?? [] {
      guard let guid = REFIQDA.canonicalGUID(user.attributes["guid"]) else {
        throw fail(user.line, "a User has no valid guid", in: qdeName)
      }
      let display = user.attributes["name"] ?? user.attributes["id"] ?? guid
      let candidates = [user.attributes["name"], user.attributes["id"]].compactMap { $0 }
      let coder =
        candidates.first(where: Identifier.isCoder)
        ?? candidates.map { Identifier.slug($0, allowDots: false) }.first(where: Identifier.isCoder)
        ?? "user-" + String(guid.prefix(8))
      users.append(User(guid: guid, name: display, coder: coder))
    }

    // Codes, parents before children.
    var codeGUIDs: Set<String> = []
    func visit(_ element: XMLItem, parent: String?, depth: Int) throws {
      guard let guid = REFIQDA.canonicalGUID(element.attributes["guid"]) else {
        throw fail(element.line, "a Code has no valid guid", in: qdeName)
      }
      guard let codeName = element.attributes["name"], !codeName.trimmingCharacters(in: .whitespaces).isEmpty else {
        throw fail(element.line, "a Code has no name", in: qdeName)
      }
      guard codeGUIDs.insert(guid).inserted else {
        throw fail(element.line, "code guid \(guid) is used twice", in: qdeName)
      }
      var color = element.attributes["color"]?.trimmingCharacters(in: .whitespaces)
      if let value = color, value.count == 4, value.hasPrefix("#") {
        color = "#" + value.dropFirst().map { "\($0)\($0)" }.joined()
      }
      if let value = color, !Code.isColor(value) { color = nil }
      let description = element.first("Description")?.text
      codes.append(
        CodeEntry(
          guid: guid, name: codeName.replacingOccurrences(of: "\n", with: " "), parent: parent,
          description: description.flatMap { $0.isEmpty ? nil : $0 }, color: color?.lowercased()))
      for child in element.all("Code") { try visit(child, parent: guid, depth: depth + 1) }
    }
    for code in root.first("CodeBook")?.first("Codes")?.all("Code") ?? [] {
      try visit(code, parent: nil, depth: 0)
    }

    // Notes, for NoteRefs from selections and codings.
    var notes: [String: String] = [:]
    for note in root.first("Notes")?.all("Note") ?? [] {
      guard let guid = REFIQDA.canonicalGUID(note.attributes["guid"]) else { continue }
      if let content = note.first("PlainTextContent")?.text {
        notes[guid] = content
      } else if let path = note.attributes["plainTextPath"], path.hasPrefix("internal://") {
        let inner = "sources/" + path.dropFirst("internal://".count)
        if entries[inner] != nil { notes[guid] = String(decoding: try read(inner), as: UTF8.self) }
      }
    }
    func noteTexts(_ element: XMLItem) -> [String] {
      element.all("NoteRef").compactMap { REFIQDA.canonicalGUID($0.attributes["targetGUID"]).flatMap { notes[$0] } }
    }

    for source in root.first("Sources")?.children ?? [] {
      let label = source.attributes["name"] ?? source.attributes["guid"] ?? "?"
      guard source.name == "TextSource" else {
        skipped.append("\(source.name) \"\(label)\"")
        continue
      }
      let raw: String
      if let content = source.first("PlainTextContent") {
        raw = content.text
      } else if let path = source.attributes["plainTextPath"], path.hasPrefix("internal://") {
        let inner = "sources/" + path.dropFirst("internal://".count)
        let data = try read(inner)
        guard let string = String(validating: [UInt8](data), as: UTF8.self), !data.contains(0) else {
          throw fail(nil, "\(inner) is not UTF-8 text")
        }
        raw = string
      } else {
        skipped.append("TextSource \"\(label)\" (its text is outside the archive)")
        continue
      }
      let mapped = TextMapping(raw)
      guard TextNormalizer.isNormalized(mapped.text) else {
        throw fail(
          source.line, "the text of source \"\(label)\" cannot be normalized to NFC position by position", in: qdeName)
      }
      var selections: [Selection] = []
      func codings(of element: XMLItem, start: Int, end: Int, memo: String?, user: String?, selectionGUID: String?)
        throws
      {
        for coding in element.all("Coding") {
          guard let target = REFIQDA.canonicalGUID(coding.first("CodeRef")?.attributes["targetGUID"]),
            codeGUIDs.contains(target)
          else {
            let shown = coding.first("CodeRef")?.attributes["targetGUID"] ?? "none"
            throw fail(coding.line, "a Coding in source \"\(label)\" refers to an unknown code (\(shown))", in: qdeName)
          }
          let extra = noteTexts(coding)
          let text = ([memo].compactMap { $0 } + extra).joined(separator: "\n\n")
          selections.append(
            Selection(
              guid: REFIQDA.canonicalGUID(coding.attributes["guid"]) ?? selectionGUID,
              start: mapped.offset(start), end: mapped.offset(end), memo: text.isEmpty ? nil : text,
              user: REFIQDA.canonicalGUID(coding.attributes["creatingUser"]) ?? user, code: target,
              line: coding.line))
        }
      }
      for selection in source.all("PlainTextSelection") {
        guard let start = Int(selection.attributes["startPosition"]?.trimmingCharacters(in: .whitespaces) ?? ""),
          let end = Int(selection.attributes["endPosition"]?.trimmingCharacters(in: .whitespaces) ?? "")
        else {
          throw fail(
            selection.line, "a PlainTextSelection in \"\(label)\" needs integer startPosition and endPosition",
            in: qdeName)
        }
        guard 0 <= start, start < end, end <= mapped.originalLength else {
          throw fail(
            selection.line,
            "selection \(start)-\(end) in source \"\(label)\" is beyond its text (\(mapped.originalLength) characters)",
            in: qdeName)
        }
        let memo = ([selection.first("Description")?.text].compactMap { $0 } + noteTexts(selection))
          .filter { !$0.isEmpty }.joined(separator: "\n\n")
        try codings(
          of: selection, start: start, end: end, memo: memo.isEmpty ? nil : memo,
          user: REFIQDA.canonicalGUID(selection.attributes["creatingUser"]),
          selectionGUID: REFIQDA.canonicalGUID(selection.attributes["guid"]))
      }
      // Codings on the source itself code the whole text.
      if mapped.originalLength > 0 {
        try codings(of: source, start: 0, end: mapped.originalLength, memo: nil, user: nil, selectionGUID: nil)
      }
      guard !mapped.text.isEmpty else {
        skipped.append("TextSource \"\(label)\" (empty)")
        continue
      }
      sources.append(Source(name: label, text: mapped.text, selections: selections))
    }
  }
}

/// A source text put into stored form (no BOM, LF, NFC) with a map from the source's code
/// point positions to positions in the stored text, so selections keep pointing at the
/// same characters. Positions inside a changed character map to its start.
struct TextMapping {
  let text: String
  let originalLength: Int
  private let map: [Int]

  init(_ raw: String) {
    var scalars = Substring(raw).unicodeScalars[...]
    var bom = 0
    if scalars.first == "\u{FEFF}" {
      scalars = scalars.dropFirst()
      bom = 1
    }
    var out = String.UnicodeScalarView()
    var map: [Int] = []
    var position = 0
    for character in String(String.UnicodeScalarView(scalars)) {
      let original = character.unicodeScalars.count
      let stored: String
      if character == "\r\n" || character == "\r" {
        stored = "\n"
      } else {
        stored = String(character).precomposedStringWithCanonicalMapping
      }
      for _ in 0..<original { map.append(position) }
      out.append(contentsOf: stored.unicodeScalars)
      position += stored.unicodeScalars.count
    }
    map.append(position)
    text = String(out)
    originalLength = map.count - 1
    self.map = map
    _ = bom
  }

  func offset(_ original: Int) -> Int { map[max(0, min(original, map.count - 1))] }
}

extension Session {
  /// Imports a REFI-QDA project in one commit: its text sources as documents (other kinds
  /// are reported and skipped), its codes (matched by GUID or name, else created), and
  /// the codings of one user as the importer's assignments. Other users' codings are
  /// counted: each coder imports their own (DESIGN §6), and re-running adds nothing new.
  public func importQDPX(
    _ url: URL, source: String, user: String? = nil, dryRun: Bool = false,
    limits: REFIQDA.Limits = .standard
  ) throws -> (report: QDPXImportReport, commit: CommitResult?) {
    let project = try QDPXProject(url: url, file: source, limits: limits)
    // Which User's codings are ours.
    let chosen: QDPXProject.User?
    if let user {
      guard
        let match = project.users.first(where: {
          $0.guid == REFIQDA.canonicalGUID(user) || $0.name == user || $0.coder == user
        })
      else {
        throw GlossError.invalidArgument(
          argument: "--user \(user)",
          message: "no such User in \(source) (users: \(project.users.map(\.name).joined(separator: ", ")))")
      }
      chosen = match
    } else {
      chosen = project.users.first { $0.coder == coder }
    }
    let target = chosen?.coder == Identifier.consensus ? Identifier.consensus : coder
    let userCoder = Dictionary(project.users.map { ($0.guid, $0.coder) }, uniquingKeysWith: { a, _ in a })
    let (commit, report) = try runImport(
      leadImportHint: "gloss import qdpx FILE", dryRun: dryRun
    ) { stage in
      var report = QDPXImportReport(
        projectName: project.name, user: chosen?.name, coder: target, textSources: project.sources.count,
        skippedSources: project.skipped, documentsAdded: [], codesCreated: [], assignmentsAdded: 0,
        assignmentsPresent: 0, otherUsers: [:])
      report.leads = stage.settings.leads
      try stage.checkWritable(target, importer: coder)
      // Codes: an existing code with this GUID (a Gloss export) or name, else a new one.
      let existingByGUID = Dictionary(
        stage.codebook.codes.map { (REFIQDA.codeGUID($0.id), $0) }, uniquingKeysWith: { a, _ in a })
      var codeID: [String: String] = [:]
      for entry in project.codes {
        if let found = existingByGUID[entry.guid] {
          codeID[entry.guid] = found.id
          continue
        }
        let code = try stage.code(
          named: entry.name, parent: entry.parent.flatMap { codeID[$0] }, description: entry.description,
          color: entry.color)
        codeID[entry.guid] = code.id
      }
      var used: Set<String> = []
      for textSource in project.sources {
        var doc =
          Identifier.isDocument(textSource.name)
          ? textSource.name : Identifier.documentID(fromFileName: textSource.name)
        if !Identifier.isDocument(doc) { doc = "source-" + String(SHA1.hex(Array(textSource.name.utf8)).prefix(8)) }
        var unique = doc
        var suffix = 2
        while used.contains(unique) {
          unique = "\(doc)-\(suffix)"
          suffix += 1
        }
        used.insert(unique)
        if try stage.document(unique, text: textSource.text, source: "\(source): source \"\(textSource.name)\"")
          == .added
        {
          report.documentsAdded.append(unique)
        }
        let text = DocumentText(textSource.text)
        for selection in textSource.selections {
          let owner = selection.user.flatMap { userCoder[$0] }
          let mine = owner == nil || owner == chosen?.coder || (chosen == nil && owner == coder)
          guard mine else {
            report.otherUsers[owner ?? "?", default: 0] += 1
            continue
          }
          guard let code = codeID[selection.code], selection.start < selection.end else { continue }
          let id =
            selection.guid
            ?? StableID.assignment(
              source: "qdpx", coder: target, doc: unique, code: code, start: selection.start, end: selection.end)
          let record = Assignment(
            id: id, code: code, start: selection.start, end: selection.end,
            exact: text.slice(selection.start, selection.end), memo: selection.memo)
          switch try stage.add(record, coder: target, doc: unique) {
          case .added: report.assignmentsAdded += 1
          case .present: report.assignmentsPresent += 1
          }
        }
      }
      report.codesCreated = stage.createdCodes
      let label = project.name.isEmpty ? (source as NSString).lastPathComponent : project.name
      return ("gloss: \(coder) imports \(report.assignmentsAdded) assignments from REFI-QDA project '\(label)'", report)
    }
    return (report, commit)
  }
}
