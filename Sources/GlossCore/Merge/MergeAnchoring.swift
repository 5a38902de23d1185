import Foundation
import GitKit

/// A span a merge re-anchored, with where it lives.
public struct MergedAnchor: Sendable {
  public let coder: String
  public let doc: String
  public let span: AnchoredSpan
}

/// Re-anchoring after a merge (DESIGN §5): a record whose span comes from a side whose text of
/// the document differs from the merged text is mapped through the diff from that side's text
/// (for a side that did not touch the document, the blob at the merge base) to the merged
/// one; a record that did not match its side's text is looked up by its quote. The git merge
/// driver sees one file at a time and cannot do this; `gloss merge` does, and `gloss
/// validate` reports what a plain `git merge` left.
struct MergeAnchoring {
  let repository: Repository
  private var mappers: [String: SpanMapper] = [:]

  init(repository: Repository) {
    self.repository = repository
  }

  /// The text of `doc` in `tree`, nil when absent or not text.
  func text(_ doc: String, in tree: Oid) throws -> DocumentText? {
    guard let data = try repository.file(at: Layout.document(doc), inTree: tree),
      let string = String(validating: [UInt8](data), as: UTF8.self)
    else { return nil }
    return DocumentText(string)
  }

  /// A mapper from one text to another, built once per pair.
  mutating func mapper(from old: DocumentText, to new: DocumentText) -> SpanMapper {
    let key = "\(old.string.hashValue):\(old.length)->\(new.string.hashValue):\(new.length)"
    if let cached = mappers[key], cached.old.string == old.string, cached.new.string == new.string {
      return cached
    }
    let mapper = SpanMapper(old: old, new: new)
    mappers[key] = mapper
    return mapper
  }

  /// The anchor fields a merge may change on its own.
  static func sameAnchor(_ a: Assignment, _ b: Assignment) -> Bool {
    a.start == b.start && a.end == b.end && a.exact == b.exact
  }

  /// Re-anchors the annotation files of `docs` in the merged `tree`; returns the rewritten
  /// files and every span that changed.
  mutating func reanchor(tree: Oid, sides: [Oid], docs: Set<String>) throws
    -> (updates: [TreeUpdate], spans: [MergedAnchor])
  {
    var updates: [TreeUpdate] = []
    var spans: [MergedAnchor] = []
    for doc in docs.sorted() {
      guard let merged = try text(doc, in: tree) else { continue }
      let sideTexts = try sides.map { try text(doc, in: $0) }
      guard sideTexts.contains(where: { $0?.string != merged.string }) else { continue }
      for folder in try repository.entries(inFolder: "annotations", ofTree: tree) where folder.kind == .tree {
        let path = Layout.annotation(coder: folder.name, doc: doc)
        guard let file = try repository.file(at: path, inTree: tree) else { continue }
        let records = try Snapshot.decodeAnnotations(file, path: path)
        let sideRecords = try sides.map { side in
          Dictionary(
            try
              (repository.file(at: path, inTree: side).map { try Snapshot.decodeAnnotations($0, path: path) }
              ?? []).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        }
        var results: [AnchoredSpan] = []
        for record in records {
          // The side the span came from, and so the text it was made against.
          let origin = sides.indices.first { index in
            sideRecords[index][record.id].map { Self.sameAnchor($0, record) } ?? false
          }
          guard let origin, let old = sideTexts[origin], old.string != merged.string else {
            results.append(AnchoredSpan(before: record, after: record, outcome: .unchanged))
            continue
          }
          results.append(mapper(from: old, to: merged).map(record))
        }
        SpanMapper.separate(&results, in: merged)
        let changed = results.filter { $0.before != $0.after }
        guard !changed.isEmpty else { continue }
        updates.append(.write(path: path, contents: AnnotationFormat.encode(results.map(\.after))))
        spans += changed.map { MergedAnchor(coder: folder.name, doc: doc, span: $0) }
      }
    }
    return (updates, spans)
  }

  /// Whether `record`, found in neither parent of a merge, is one of the parents' records
  /// re-anchored by the merge exactly as `reanchor` does it (for `gloss validate`).
  mutating func isReanchored(_ record: Assignment, path: String, merge: Oid, parents: [Oid]) throws -> Bool {
    guard let parts = Layout.parseAnnotationPath(path), let merged = try text(parts.doc, in: merge) else {
      return false
    }
    for parent in parents {
      guard let data = try repository.file(at: path, inTree: parent),
        let before = try Snapshot.decodeAnnotations(data, path: path).first(where: { $0.id == record.id }),
        before.code == record.code, before.memo == record.memo, before.sources == record.sources,
        let old = try text(parts.doc, in: parent), old.string != merged.string
      else { continue }
      if mapper(from: old, to: merged).map(before).after == record { return true }
    }
    return false
  }
}
