import Foundation
import GlossCore

/// The changes an import makes, collected over a read view of the project (a transaction,
/// or HEAD for `--dry-run`) and written only where something really changes, so importing
/// the same data again is a no-op.
final class ImportStage {
  private let readCodebook: () throws -> Codebook
  private let readDocument: (String) throws -> String?
  private let readAnnotations: (String, String) throws -> [Assignment]?
  private let readAllIDs: () throws -> Set<String>
  let settings: Settings
  /// Who imports, and how a lead brings in this importer's documents (for the message
  /// when a coder's import would add one).
  let importer: String
  let leadImportHint: String

  private(set) var codebook: Codebook
  private(set) var createdCodes: [Code] = []
  private(set) var newDocuments: [(id: String, text: String)] = []
  private var documents: [String: String] = [:]
  /// An annotation file touched, with whether it changed, and the ids and keys of its
  /// records so that each add is a lookup: a source with 40,000 codings scanned its records
  /// for each one (and copied them), minutes instead of seconds.
  private struct File {
    var coder: String
    var doc: String
    var records: [Assignment]
    var changed: Bool
    var ids: Set<String>
    var keys: Set<Assignment.Key>

    init(coder: String, doc: String, records: [Assignment], changed: Bool) {
      (self.coder, self.doc, self.records, self.changed) = (coder, doc, records, changed)
      ids = Set(records.map(\.id))
      keys = Set(records.map(\.key))
    }
  }
  /// Annotation files touched, keyed by `coder/doc`.
  private var files: [String: File] = [:]
  private var fileOrder: [String] = []
  private var knownIDs: Set<String>?

  init(transaction: Transaction, importer: String, leadImportHint: String) throws {
    self.importer = importer
    self.leadImportHint = leadImportHint
    settings = try transaction.settings()
    codebook = try transaction.codebook()
    readCodebook = { try transaction.codebook() }
    readDocument = { id in
      try transaction.file(Layout.document(id)).map { String(decoding: $0, as: UTF8.self) }
    }
    readAnnotations = { try transaction.annotations(coder: $0, doc: $1) }
    readAllIDs = { Set(try transaction.snapshot.assignments().map(\.assignment.id)) }
  }

  init(snapshot: Snapshot, importer: String, leadImportHint: String) throws {
    self.importer = importer
    self.leadImportHint = leadImportHint
    settings = try snapshot.settings()
    codebook = try snapshot.codebook()
    readCodebook = { try snapshot.codebook() }
    readDocument = { try snapshot.documentText($0)?.string }
    readAnnotations = { try snapshot.annotations(coder: $0, doc: $1) }
    readAllIDs = { Set(try snapshot.assignments().map(\.assignment.id)) }
  }

  var isLead: (String) -> Bool { { [settings] in settings.leads.contains($0) } }

  /// Refuses writing `target`'s folder as `importer` (DESIGN §6): coders write only their
  /// own folder; `consensus` only leads.
  func checkWritable(_ target: String, importer: String) throws {
    if target == Identifier.consensus {
      guard isLead(importer) else { throw GlossError.leadsOnly(action: .writeConsensus, coder: importer) }
      return
    }
    guard target == importer else {
      throw GlossError.notYourAnnotations(importer: importer, target: target)
    }
  }

  // MARK: Documents

  enum DocumentStatus { case added, unchanged }

  /// Adds a document, or confirms the project already holds exactly this text. Only a
  /// lead's import adds documents (DESIGN §6); a coder's is refused with the lead's command.
  func document(_ id: String, text: String, source: String) throws -> DocumentStatus {
    try Identifier.requireDocument(id)
    if let staged = documents[id] {
      guard staged == text else {
        throw GlossError.documentGivenTwiceDiffering(source: source, id: id)
      }
      return .unchanged
    }
    if let existing = try readDocument(id) {
      guard existing == text else {
        throw GlossError.documentDiffers(source: source, id: id)
      }
      documents[id] = text
      return .unchanged
    }
    guard isLead(importer) else {
      throw GlossError.documentNeedsLead(document: id, coder: importer, leads: settings.leads, howTo: leadImportHint)
    }
    documents[id] = text
    newDocuments.append((id, text))
    return .added
  }

  func documentText(_ id: String) throws -> String? {
    if let staged = documents[id] { return staged }
    return try readDocument(id)
  }

  // MARK: Codes

  /// The code with this name (ignoring case) or id, created when missing: its id is the
  /// slug of the name, made unique; names with no Latin letters get `code-<hash>`.
  func code(named name: String, parent: String? = nil, description: String? = nil, color: String? = nil)
    throws -> Code
  {
    let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !trimmed.isEmpty, !trimmed.contains(where: \.isNewline) else {
      throw GlossError.invalidArgument(argument: "code name", message: "a code needs a one-line name")
    }
    if let found = codebook.codes.first(where: { $0.name.lowercased() == trimmed.lowercased() }) {
      return found
    }
    if let found = codebook.code(trimmed) { return found }
    return try createCode(named: trimmed, parent: parent, description: description, color: color)
  }

  /// Creates a code: its name made unique (a clash gets its parent's name, then a number),
  /// its id the readable slug of the name, made unique; names with no Latin letters get
  /// `code-<hash>`.
  func createCode(named name: String, parent: String?, description: String?, color: String?) throws -> Code {
    var trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !trimmed.isEmpty, !trimmed.contains(where: \.isNewline) else {
      throw GlossError.invalidArgument(argument: "code name", message: "a code needs a one-line name")
    }
    func taken(_ candidate: String) -> Bool {
      codebook.codes.contains { $0.name.lowercased() == candidate.lowercased() }
    }
    if taken(trimmed), let parentName = parent.flatMap({ codebook.code($0)?.name }) {
      trimmed = "\(trimmed) (\(parentName))"
    }
    let plain = trimmed
    var number = 2
    while taken(trimmed) {
      trimmed = "\(plain) \(number)"
      number += 1
    }
    var base = Identifier.readableSlug(trimmed)
    if base.isEmpty || !Identifier.isCode(base) {
      base = "code-" + String(SHA1.hex(Array(trimmed.utf8)).prefix(8))
    }
    var id = base
    var suffix = 2
    while codebook.code(id) != nil {
      id = String(base.prefix(60)) + "-\(suffix)"
      suffix += 1
    }
    let created = Code(id: id, name: trimmed, parent: parent, description: description, color: color)
    codebook.upsert(created)
    createdCodes.append(created)
    return created
  }

  /// Changes a code created by this import (its parent is known only later).
  func updateCreated(_ code: Code) {
    guard createdCodes.contains(where: { $0.id == code.id }) else { return }
    createdCodes.removeAll { $0.id == code.id }
    createdCodes.append(code)
    codebook.upsert(code)
  }

  // MARK: Assignments

  enum AddStatus { case added, present }

  /// Adds a record to a coder's file unless one with its id, or with its (code, start, end),
  /// is there already. Ids already used elsewhere in the project are refused.
  func add(_ record: Assignment, coder: String, doc: String) throws -> AddStatus {
    let key = "\(coder)/\(doc)"
    try touch(coder: coder, doc: doc)
    if let file = files[key], file.ids.contains(record.id) || file.keys.contains(record.key) { return .present }
    if knownIDs == nil { knownIDs = try readAllIDs() }
    if knownIDs?.contains(record.id) == true {
      throw GlossError.assignmentIDTaken(record.id)
    }
    knownIDs?.insert(record.id)
    files[key]?.records.append(record)
    files[key]?.ids.insert(record.id)
    files[key]?.keys.insert(record.key)
    files[key]?.changed = true
    return .added
  }

  /// Makes sure the coder's file for `doc` exists (the document is on the coder's list).
  func touch(coder: String, doc: String) throws {
    let key = "\(coder)/\(doc)"
    if files[key] != nil { return }
    let existing = try readAnnotations(coder, doc)
    files[key] = File(coder: coder, doc: doc, records: existing ?? [], changed: existing == nil)
    fileOrder.append(key)
  }

  /// Writes what changed into the transaction.
  func apply(to transaction: Transaction) {
    if !createdCodes.isEmpty { transaction.setCodebook(codebook) }
    for (id, text) in newDocuments { transaction.write(Layout.document(id), Data(text.utf8)) }
    for key in fileOrder {
      guard let file = files[key], file.changed else { continue }
      transaction.setAnnotations(file.records, coder: file.coder, doc: file.doc)
    }
  }
}

extension Session {
  /// Runs an import: on a transaction (one commit), or read-only on HEAD for a dry run.
  /// Returns nil when nothing was written (dry run, or everything already there).
  /// `body` returns the commit summary and its report; `leadImportHint` is the command a
  /// lead runs to add the documents a coder's import would need.
  func runImport<Report>(
    leadImportHint: String = "", dryRun: Bool,
    _ body: (ImportStage) throws -> (summary: String, report: Report)
  ) throws -> (commit: CommitResult?, report: Report) {
    if dryRun {
      return (
        nil,
        try body(try ImportStage(snapshot: try project.snapshot(), importer: coder, leadImportHint: leadImportHint))
          .report
      )
    }
    let (result, report) = try commit { transaction in
      let stage = try ImportStage(transaction: transaction, importer: coder, leadImportHint: leadImportHint)
      let (summary, report) = try body(stage)
      stage.apply(to: transaction)
      return .commit(summary: summary, value: report)
    }
    return (result, report)
  }
}
