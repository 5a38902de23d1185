import Foundation
import GitKit

/// A transcript to add: its id, its raw bytes and where they came from (for messages).
public struct DocumentInput: Sendable {
  public let id: String
  public let data: Data
  public let source: String

  public init(id: String, data: Data, source: String) {
    self.id = id
    self.data = data
    self.source = source
  }

  /// A transcript read from `file`: its id is `id`, or else derived from the file name
  /// (`raw/Interview 34.txt` → `Interview-34`), as `doc add` and the importers do.
  public init(file: String, data: Data, id: String? = nil) {
    self.init(
      id: id ?? Identifier.documentID(fromFileName: (file as NSString).lastPathComponent), data: data, source: file)
  }
}

extension DocumentInput {
  /// Refuses an invalid or repeated id before anything is read or written (`doc add` and
  /// the importers).
  public static func checkIDs(_ inputs: [DocumentInput]) throws {
    var seen: Set<String> = []
    for input in inputs {
      try Identifier.requireDocument(input.id)
      guard seen.insert(input.id).inserted else {
        throw GlossError.documentGivenTwice(id: input.id)
      }
    }
  }

  /// Documents named in a commit message: up to three ids, else how many.
  public static func messageList(_ ids: [String]) -> String {
    ids.count <= 3 ? ids.joined(separator: ", ") : "\(ids.count) documents"
  }
}

/// One row of `gloss doc list`.
public struct DocumentSummary: Sendable, Equatable {
  public let id: String
  public let length: Int
  public let paragraphs: Int
  /// Coders with an annotation file for the document.
  public let coders: [String]
  public let assignments: Int
  /// Those of `coders` who marked the document done (as the viewer may see), sorted.
  public let done: [String]
}

extension Project {
  /// Documents with their size and who is assigned them; the assignment counts are only of
  /// the coders `policy` lets the viewer see.
  public func documentSummaries(at snapshot: Snapshot, policy: Policy) throws -> [DocumentSummary] {
    var byDoc: [String: [String]] = [:]
    for (coder, doc) in try snapshot.annotationFiles() { byDoc[doc, default: []].append(coder) }
    // Each visible file read once, by the blob id its folder listing gave, on every core.
    var counts: [String: Int] = [:]
    try snapshot.forEachAnnotationFileCodes(coders: policy.visibleCoders) { _, doc, codes in
      counts[doc, default: 0] += codes.count
    }
    let marks = try snapshot.doneMarks().visible(to: policy)
    return try snapshot.documentIDs().map { id in
      let text = try snapshot.requireDocument(id)
      return DocumentSummary(
        id: id, length: text.length, paragraphs: text.paragraphs.count,
        coders: (byDoc[id] ?? []).sorted(), assignments: counts[id] ?? 0, done: marks.coders(document: id))
    }
  }
}

extension Session {
  /// Adds transcripts in one commit; returns what normalization changed for each.
  @discardableResult
  public func addDocuments(_ inputs: [DocumentInput]) throws
    -> (result: CommitResult, changes: [(id: String, changes: [String])])
  {
    try DocumentInput.checkIDs(inputs)
    var prepared: [(DocumentInput, TextNormalizer.Result)] = []
    for input in inputs {
      let normalized = try TextNormalizer.normalize(input.data, file: input.source)
      guard !normalized.text.isEmpty else {
        throw GlossError.invalidInput(file: input.source, line: nil, message: "is empty")
      }
      prepared.append((input, normalized))
    }
    let (result, _) = try commit { transaction -> Change<Void> in
      for (input, normalized) in prepared {
        let path = Layout.document(input.id)
        if try transaction.file(path) != nil {
          throw GlossError.documentExists(id: input.id)
        }
        transaction.write(path, Data(normalized.text.utf8))
      }
      return .commit(summary: "gloss: \(coder) adds \(DocumentInput.messageList(prepared.map(\.0.id)))", value: ())
    }
    return (try Project.committed(result), prepared.map { ($0.0.id, $0.1.changes) })
  }

  /// Puts documents on coders' lists by creating their empty annotation files.
  @discardableResult
  public func assignDocuments(_ docs: [String], to coders: [String]) throws
    -> (result: CommitResult, created: [String], existing: [String])
  {
    let (result, paths) = try commit {
      transaction -> Change<(created: [String], existing: [String])> in
      var created: [String] = []
      var existing: [String] = []
      for target in coders { try Identifier.requireCoder(target) }
      for doc in docs {
        _ = try transaction.snapshot.requireDocument(doc)
        for target in coders {
          let path = Layout.annotation(coder: target, doc: doc)
          if try transaction.file(path) != nil {
            existing.append(path)
          } else {
            transaction.write(path, Data())
            created.append(path)
          }
        }
      }
      guard !created.isEmpty else { return .unchanged((created, existing)) }
      let summary = "gloss: \(coder) assigns \(docs.joined(separator: ", ")) to \(coders.joined(separator: ", "))"
      return .commit(summary: summary, value: (created, existing))
    }
    guard let result else { throw GlossError.nothingToChange(.documentsAssignedAlready) }
    return (result, paths.created, paths.existing)
  }
}
