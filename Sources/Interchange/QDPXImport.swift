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
  /// Assignments added per coder folder (more than one with `--all`).
  public var byCoder: [String: Int] = [:]
  /// How positions were read in sources where the ways of counting differ.
  public var positions: [(source: String, reading: PositionReading, reason: String)] = []
  /// Notes on text selections without a code (annotations), not imported: `"source" start-end`.
  public var annotations: [String] = []
  /// Codings whose selection covers no whole character of the stored text (inside a CRLF
  /// or a surrogate pair), not imported: `"source" start-end`.
  public var unreadable: [String] = []
  /// Codings whose selection lies outside its text as counted (past its end, negative, or
  /// ending before it starts), not imported: `"source" start-end (why)`.
  public var outsideText: [String] = []

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
    /// The User's `id` attribute (NVivo and MAXQDA give initials or logins there).
    var id: String?
    var coder: String
  }
  struct CodeEntry {
    var guid: String
    var name: String
    /// The name to give a new code: the name, with its parent's name added when the file
    /// uses the name more than once (Gloss code names are unique).
    var distinctName: String
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
    /// How positions were counted, and why; nil when every reading gives the same.
    var positions: PositionReport?
  }
  struct PositionReport: Sendable {
    var source: String
    var reading: PositionReading
    var reason: String
  }

  var name = ""
  var origin = ""
  var users: [User] = []
  var codes: [CodeEntry] = []
  var sources: [Source] = []
  var skipped: [String] = []
  /// Notes on a text selection without a code (QualCoder annotations, NVivo annotations).
  var annotations: [String] = []
  /// Codings whose selection is empty once mapped to the stored text.
  var unreadable: [String] = []
  /// Codings whose selection lies outside the text (or is empty) as counted.
  var outsideText: [String] = []

  /// Reads and checks everything: paths, sizes, XML, positions, code references.
  /// `positions` overrides the detected reading of selection positions.
  init(url: URL, file: String, limits: REFIQDA.Limits, positions: PositionReading? = nil) throws {
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
    let lowercased = Dictionary(entries.keys.map { ($0.lowercased(), $0) }, uniquingKeysWith: { a, b in min(a, b) })
    /// The archive entry a `plainTextPath` names: `internal://X` or a bare relative path
    /// (qc 1.3.2), under `sources/` in any letter case (NVivo for Windows writes `Sources/`).
    /// Nil for texts outside the archive (`absolute://`, `relative://`, `file:`).
    func entryPath(_ reference: String) -> String? {
      var path = reference.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\\", with: "/")
      if path.lowercased().hasPrefix("internal://") {
        path = String(path.dropFirst("internal://".count))
      } else if path.contains("://") || path.lowercased().hasPrefix("file:") || path.hasPrefix("/") {
        return nil
      }
      while path.hasPrefix("./") { path = String(path.dropFirst(2)) }
      for candidate in ["sources/" + path, path] {
        if entries[candidate] != nil { return candidate }
        if let found = lowercased[candidate.lowercased()] { return found }
      }
      return nil
    }
    func read(_ path: String) throws -> Data {
      guard let entry = entries[path] else { throw fail(nil, "has no entry \"\(path)\"") }
      var data = Data()
      data.reserveCapacity(Int(entry.uncompressedSize))
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
    func readText(_ path: String) throws -> String {
      let data = try read(path)
      guard !data.contains(0), let string = String(validating: [UInt8](data), as: UTF8.self) else {
        throw fail(nil, "\(path) is not UTF-8 text")
      }
      return string
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
    origin = root.attributes["origin"] ?? ""

    // Users: a coder name for each, their own name when it is a valid coder id.
    for user in root.first("Users")?.all("User") ?? [] {
      guard let guid = REFIQDA.canonicalGUID(user.attributes["guid"]) else {
        throw fail(user.line, "a User has no valid guid", in: qdeName)
      }
      let display = user.attributes["name"] ?? user.attributes["id"] ?? guid
      let candidates = [user.attributes["name"], user.attributes["id"]].compactMap { $0 }
      let coder =
        candidates.first(where: Identifier.isCoder)
        ?? candidates.map { Identifier.readableSlug($0, allowDots: false) }.first(where: Identifier.isCoder)
        ?? "user-" + String(guid.prefix(8))
      users.append(User(guid: guid, name: display, id: user.attributes["id"], coder: coder))
    }

    codes = try REFIQDA.readCodes(root.first("CodeBook")?.first("Codes"), file: qdeName)
    let codeGUIDs = Set(codes.map(\.guid))

    // Notes, for NoteRefs from selections and codings; notes that carry a selection of
    // their own are annotations (QualCoder writes them so).
    var notes: [String: String] = [:]
    var noteSelections: [String: [(start: String, end: String)]] = [:]
    for note in root.first("Notes")?.all("Note") ?? [] {
      guard let guid = REFIQDA.canonicalGUID(note.attributes["guid"]) else { continue }
      if let content = note.first("PlainTextContent")?.text {
        notes[guid] = content
      } else if let path = note.attributes["plainTextPath"].flatMap(entryPath) {
        notes[guid] = String(decoding: try read(path), as: UTF8.self)
      }
      let selections = note.all("PlainTextSelection").map {
        ($0.attributes["startPosition"] ?? "?", $0.attributes["endPosition"] ?? "?")
      }
      if !selections.isEmpty { noteSelections[guid] = selections }
    }
    func noteTexts(_ element: XMLItem) -> [String] {
      element.all("NoteRef").compactMap { REFIQDA.canonicalGUID($0.attributes["targetGUID"]).flatMap { notes[$0] } }
    }

    struct RawSelection {
      var start: Int
      var end: Int
      var memo: String?
      var user: String?
      var guid: String?
      var element: XMLItem
    }
    for source in root.first("Sources")?.children ?? [] {
      // qc 1.3.2 writes no name: the text's file name is the best one.
      let fileName = source.attributes["plainTextPath"]?.replacingOccurrences(of: "\\", with: "/")
        .split(separator: "/").last.map(String.init)
      let label = source.attributes["name"] ?? fileName ?? source.attributes["guid"] ?? "?"
      let codingCount = source.all("PlainTextSelection").reduce(source.all("Coding").count) {
        $0 + $1.all("Coding").count
      }
      let lost = codingCount > 0 ? "; \(codingCount) codings not imported" : ""
      guard source.name == "TextSource" else {
        let selections = source.children.filter { $0.name.hasSuffix("Selection") }
        let count = selections.reduce(source.all("Coding").count) { $0 + $1.all("Coding").count }
        skipped.append("\(source.name) \"\(label)\"" + (count > 0 ? " (\(count) codings not imported)" : ""))
        continue
      }
      let raw: String
      if let content = source.first("PlainTextContent") {
        raw = content.text
      } else if let reference = source.attributes["plainTextPath"] {
        guard let path = entryPath(reference) else {
          skipped.append("TextSource \"\(label)\" (its text \(reference) is not in the archive\(lost))")
          continue
        }
        raw = try readText(path)
      } else {
        skipped.append("TextSource \"\(label)\" (no text\(lost))")
        continue
      }
      let mapped = TextMapping(raw)
      guard TextNormalizer.isNormalized(mapped.text) else {
        throw fail(
          source.line, "the text of source \"\(label)\" cannot be normalized to NFC position by position", in: qdeName)
      }
      var rawSelections: [RawSelection] = []
      for selection in source.all("PlainTextSelection") {
        guard let start = Int(selection.attributes["startPosition"]?.trimmingCharacters(in: .whitespaces) ?? ""),
          let end = Int(selection.attributes["endPosition"]?.trimmingCharacters(in: .whitespaces) ?? "")
        else {
          throw fail(
            selection.line, "a PlainTextSelection in \"\(label)\" needs integer startPosition and endPosition",
            in: qdeName)
        }
        let memo = ([selection.first("Description")?.text].compactMap { $0 } + noteTexts(selection))
          .filter { !$0.isEmpty }.joined(separator: "\n\n")
        if selection.all("Coding").isEmpty && !memo.isEmpty {
          annotations.append("\"\(label)\" \(start)-\(end)")
        }
        rawSelections.append(
          RawSelection(
            start: start, end: end, memo: memo.isEmpty ? nil : memo,
            user: REFIQDA.canonicalGUID(selection.attributes["creatingUser"]),
            guid: REFIQDA.canonicalGUID(selection.attributes["guid"]), element: selection))
      }
      for reference in source.all("NoteRef") {
        guard let guid = REFIQDA.canonicalGUID(reference.attributes["targetGUID"]) else { continue }
        for (start, end) in noteSelections[guid] ?? [] { annotations.append("\"\(label)\" \(start)-\(end)") }
      }
      // How the producer counted: as asked, else the reading that puts selections on words.
      let reading: PositionReading
      var report: PositionReport?
      if let positions {
        reading = positions
        report = PositionReport(source: label, reading: positions, reason: "as asked with --positions")
      } else {
        let choice = PositionDetector.choose(
          mapped, selections: rawSelections.map { ($0.start, $0.end) }, origin: origin)
        reading = choice.reading
        if mapped.distinctReadings.count > 1 {
          let who = origin.isEmpty ? "" : "\(origin) export; "
          report = PositionReport(
            source: label, reading: reading,
            reason: rawSelections.isEmpty
              ? "\(who)no selections to check"
              : "\(who)\(choice.onBoundaries) of \(choice.ends) selection ends on word boundaries")
        }
      }
      let length = mapped.length(reading)
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
          guard mapped.offset(start, reading) < mapped.offset(end, reading) else {
            unreadable.append("\"\(label)\" \(start)-\(end)")
            continue
          }
          selections.append(
            Selection(
              guid: REFIQDA.canonicalGUID(coding.attributes["guid"]) ?? selectionGUID,
              start: mapped.offset(start, reading), end: mapped.offset(end, reading),
              memo: text.isEmpty ? nil : text,
              user: REFIQDA.canonicalGUID(coding.attributes["creatingUser"]) ?? user, code: target,
              line: coding.line))
        }
      }
      for selection in rawSelections {
        // A selection no reading of the text can hold is named in the report, one line per
        // coding, and the rest of the file comes in (DESIGN §8: nothing dropped in silence).
        guard 0 <= selection.start, selection.start < selection.end, selection.end <= length else {
          let why =
            selection.start >= selection.end
            ? "ends before it starts"
            : "beyond the text's \(length) characters, counted as \(reading.rawValue)"
          for _ in selection.element.all("Coding") {
            outsideText.append("\"\(label)\" \(selection.start)-\(selection.end) (\(why))")
          }
          continue
        }
        try codings(
          of: selection.element, start: selection.start, end: selection.end, memo: selection.memo,
          user: selection.user, selectionGUID: selection.guid)
      }
      // Codings on the source itself code the whole text.
      if length > 0 {
        try codings(of: source, start: 0, end: length, memo: nil, user: nil, selectionGUID: nil)
      }
      guard !mapped.text.isEmpty else {
        skipped.append("TextSource \"\(label)\" (empty\(lost))")
        continue
      }
      sources.append(Source(name: label, text: mapped.text, selections: selections, positions: report))
    }
  }
}

extension REFIQDA {
  /// The codes of a `<Codes>` element, parents before children, with names made distinct
  /// where the file repeats one under different parents (NVivo does; QualCoder lets a code
  /// share its category's name): `Emotion` under `Positive` becomes `Emotion (Positive)`.
  static func readCodes(_ element: XMLItem?, file: String) throws -> [QDPXProject.CodeEntry] {
    var codes: [QDPXProject.CodeEntry] = []
    var seen: Set<String> = []
    func visit(_ element: XMLItem, parent: String?) throws {
      func fail(_ message: String) -> GlossError {
        GlossError.invalidInput(file: file, line: element.line, message: message)
      }
      guard let guid = canonicalGUID(element.attributes["guid"]) else { throw fail("a Code has no valid guid") }
      guard let codeName = element.attributes["name"], !codeName.trimmingCharacters(in: .whitespaces).isEmpty else {
        throw fail("a Code has no name")
      }
      guard seen.insert(guid).inserted else { throw fail("code guid \(guid) is used twice") }
      var color = element.attributes["color"]?.trimmingCharacters(in: .whitespaces)
      if let value = color, value.count == 4, value.hasPrefix("#") {
        color = "#" + value.dropFirst().map { "\($0)\($0)" }.joined()
      }
      if let value = color, !Code.isColor(value) { color = nil }
      let description = element.first("Description")?.text
      let name = codeName.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ")
        .trimmingCharacters(in: .whitespaces)
      codes.append(
        QDPXProject.CodeEntry(
          guid: guid, name: name, distinctName: name, parent: parent,
          description: description.flatMap { $0.isEmpty ? nil : $0 }, color: color?.lowercased()))
      for child in element.all("Code") { try visit(child, parent: guid) }
    }
    for code in element?.all("Code") ?? [] { try visit(code, parent: nil) }
    let counts = Dictionary(codes.map { ($0.name.lowercased(), 1) }, uniquingKeysWith: +)
    let names = Dictionary(codes.map { ($0.guid, $0.name) }, uniquingKeysWith: { a, _ in a })
    for index in codes.indices where counts[codes[index].name.lowercased(), default: 0] > 1 {
      if let parent = codes[index].parent.flatMap({ names[$0] }) {
        codes[index].distinctName = "\(codes[index].name) (\(parent))"
      }
    }
    return codes
  }
}

extension Session {
  /// Imports a REFI-QDA project in one commit: its text sources as documents (other kinds
  /// are reported and skipped), its codes (matched by GUID, then by name and parent, else
  /// created), and the codings of one user as the importer's assignments. Other users'
  /// codings are counted: each coder imports their own (DESIGN §6), and re-running adds
  /// nothing new. With `all` (leads only), every User's codings go to that coder's folder in
  /// the same commit; `map` names the coder of Users whose name is not a coder id.
  public func importQDPX(
    _ url: URL, source: String, user: String? = nil, all: Bool = false, map: [String: String] = [:],
    positions: PositionReading? = nil, dryRun: Bool = false, limits: REFIQDA.Limits = .standard
  ) throws -> (report: QDPXImportReport, commit: CommitResult?) {
    let project = try QDPXProject(url: url, file: source, limits: limits, positions: positions)
    // Which User's codings are ours.
    var chosen: QDPXProject.User?
    if let user {
      guard
        let match = project.users.first(where: {
          $0.guid == REFIQDA.canonicalGUID(user) || $0.name == user || $0.id == user || $0.coder == user
        })
      else {
        throw GlossError.invalidArgument(
          argument: "--user \(user)",
          message: "no such User in \(source) (users: \(project.users.map(\.label).joined(separator: ", ")))")
      }
      chosen = match
    } else if !all {
      chosen = project.users.first { $0.coder == coder }
    }
    let target = chosen?.coder == Identifier.consensus ? Identifier.consensus : coder
    let (commit, report) = try runImport(
      leadImportHint: "gloss import qdpx FILE", dryRun: dryRun
    ) { stage in
      var report = QDPXImportReport(
        projectName: project.name, user: chosen?.name, coder: target, textSources: project.sources.count,
        skippedSources: project.skipped, documentsAdded: [], codesCreated: [], assignmentsAdded: 0,
        assignmentsPresent: 0, otherUsers: [:])
      report.leads = stage.settings.leads
      report.positions = project.sources.compactMap(\.positions).map { ($0.source, $0.reading, $0.reason) }
      report.annotations = project.annotations
      report.unreadable = project.unreadable
      report.outsideText = project.outsideText
      // Whose folder each User's codings go to.
      var userCoder = Dictionary(project.users.map { ($0.guid, $0.coder) }, uniquingKeysWith: { a, _ in a })
      if all {
        guard stage.isLead(coder) else { throw GlossError.leadsOnly(action: .importAll, coder: coder) }
        userCoder = try Self.coders(for: project.users, map: map, settings: stage.settings, source: source)
      } else {
        try stage.checkWritable(target, importer: coder)
      }
      let codeID = try stage.codes(project.codes)
      var used: Set<String> = []
      for textSource in project.sources {
        let base = try stage.documentID(forSource: textSource.name)
        var doc = base
        var suffix = 2
        while used.contains(doc) {
          doc = "\(base)-\(suffix)"
          suffix += 1
        }
        used.insert(doc)
        if try stage.document(doc, text: textSource.text, source: "\(source): source \"\(textSource.name)\"")
          == .added
        {
          report.documentsAdded.append(doc)
        }
        let text = DocumentText(textSource.text)
        for selection in textSource.selections {
          let owner: String
          if all {
            owner = selection.user.flatMap { userCoder[$0] } ?? coder
          } else {
            let theirs = selection.user.flatMap { userCoder[$0] }
            guard theirs == nil || theirs == chosen?.coder || (chosen == nil && theirs == coder) else {
              report.otherUsers[theirs ?? "?", default: 0] += 1
              continue
            }
            owner = target
          }
          guard let code = codeID[selection.code], selection.start < selection.end else { continue }
          let id =
            selection.guid
            ?? StableID.assignment(
              source: "qdpx", coder: owner, doc: doc, code: code, start: selection.start, end: selection.end)
          let record = Assignment(
            id: id, code: code, start: selection.start, end: selection.end,
            exact: text.slice(selection.start, selection.end), memo: selection.memo)
          switch try stage.add(record, coder: owner, doc: doc) {
          case .added:
            report.assignmentsAdded += 1
            report.byCoder[owner, default: 0] += 1
          case .present: report.assignmentsPresent += 1
          }
        }
      }
      report.codesCreated = stage.createdCodes
      let label = project.name.isEmpty ? (source as NSString).lastPathComponent : project.name
      let whose = all ? "every user's" : ""
      return (
        "gloss: \(coder) imports \(report.assignmentsAdded) \(whose)\(whose.isEmpty ? "" : " ")assignments "
          + "from REFI-QDA project '\(label)'",
        report
      )
    }
    return (report, commit)
  }

  /// The coder of each User for `--all`: `map` by name or id, else the User's own name when
  /// it is a coder of the project. A User that is neither is an error naming the `--map` to give.
  static func coders(
    for users: [QDPXProject.User], map: [String: String], settings: Settings, source: String
  ) throws -> [String: String] {
    let known = knownCoders(settings)
    var result: [String: String] = [:]
    var missing: [String] = []
    for user in users {
      if let mapped = map[user.name] ?? user.id.flatMap({ map[$0] }) ?? map[user.guid] {
        try Identifier.requireCoder(mapped, kind: "--map coder")
        guard known.contains(mapped) else {
          throw GlossError.invalidArgument(
            argument: "--map", message: "\(mapped) is not a coder of this project (gloss coder add \(mapped) first)")
        }
        result[user.guid] = mapped
      } else if known.contains(user.coder) {
        result[user.guid] = user.coder
      } else {
        missing.append(user.name)
      }
    }
    guard missing.isEmpty else {
      throw GlossError.invalidArgument(
        argument: "--all",
        message: "\(source): users \(missing.map { "\"\($0)\"" }.joined(separator: ", ")) are not coders of this "
          + "project; name their coders with --map \"\(missing[0])=CODER\"")
    }
    return result
  }
}

extension Session {
  /// Whose folders an `--all` import may write: the project's coders and leads, and consensus.
  static func knownCoders(_ settings: Settings) -> Set<String> {
    Set(settings.coders.keys).union(settings.leads).union([Identifier.consensus])
  }
}

extension QDPXProject.User {
  var label: String { id.map { $0 == name ? name : "\(name) (id \($0))" } ?? name }
}

extension ImportStage {
  /// Known document extensions that a source name drops: a qc or QualCoder re-export names
  /// the document `interview-34.txt`, and it is the same text as `interview-34`.
  static let textExtensions: Set<String> = [
    "txt", "text", "md", "markdown", "rtf", "doc", "docx", "odt", "htm", "html", "pdf", "srt", "vtt",
  ]

  /// The document id for a source name: an existing document of exactly that name, else the
  /// name without a known text extension when that is a valid id, else a file-name-made id.
  func documentID(forSource name: String) throws -> String {
    if Identifier.isDocument(name), try documentText(name) != nil { return name }
    var base = name
    if let dot = name.lastIndex(of: "."), dot != name.startIndex,
      Self.textExtensions.contains(name[name.index(after: dot)...].lowercased())
    {
      base = String(name[..<dot])
    }
    var doc = Identifier.isDocument(base) ? base : Identifier.documentID(fromFileName: name)
    if !Identifier.isDocument(doc) { doc = "source-" + String(SHA1.hex(Array(name.utf8)).prefix(8)) }
    return doc
  }

  /// Gloss code ids for REFI-QDA codes: an existing code with the GUID Gloss gives it (a
  /// Gloss export), else one with the same name (or distinct name) and parent, else a new
  /// code. Same-named codes under different parents stay different codes.
  func codes(_ entries: [QDPXProject.CodeEntry]) throws -> [String: String] {
    let byGUID = Dictionary(codebook.codes.map { (REFIQDA.codeGUID($0.id), $0) }, uniquingKeysWith: { a, _ in a })
    var codeID: [String: String] = [:]
    for entry in entries {
      if let found = byGUID[entry.guid] {
        codeID[entry.guid] = found.id
        continue
      }
      let parent = entry.parent.flatMap { codeID[$0] }
      let names = Set([entry.name.lowercased(), entry.distinctName.lowercased()])
      if let found = codebook.codes.first(where: { $0.parent == parent && names.contains($0.name.lowercased()) }) {
        codeID[entry.guid] = found.id
        continue
      }
      codeID[entry.guid] =
        try createCode(
          named: entry.distinctName, parent: parent, description: entry.description, color: entry.color
        ).id
    }
    return codeID
  }
}
