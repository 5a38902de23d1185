import Foundation
import GitKit

/// What `gloss doc update` did (or, dry, would do) to a document and its spans.
public struct DocumentUpdateReport: Sendable {
  public let doc: String
  /// What normalization changed in the new file (as `doc add` says it).
  public let normalization: [String]
  public let oldLength: Int
  public let newLength: Int
  /// Code points of the old text the new one keeps.
  public let kept: Int
  /// Every span of every coder (consensus included), in listing order.
  public let spans: [LocatedSpan]
  /// The commit; nil for a dry run.
  public let commit: CommitResult?

  public struct LocatedSpan: Sendable {
    public let coder: String
    public let span: AnchoredSpan
  }

  public func count(_ outcome: AnchorOutcome) -> Int {
    spans.reduce(0) { $0 + ($1.span.outcome == outcome ? 1 : 0) }
  }

  /// The spans this update marked for review.
  public var marked: [LocatedAssignment] {
    spans.filter { $0.span.outcome == .review }.map {
      LocatedAssignment(coder: $0.coder, doc: doc, assignment: $0.span.after)
    }
  }
}

extension Session {
  /// Replaces a document's text and re-anchors every coder's spans on it in one commit
  /// (DESIGN §5). Changing another coder's (or consensus) spans is a lead's job, as
  /// `gloss validate --range` requires; a coder whose update moves only their own spans
  /// (or none) may run it. With `dryRun` nothing is written.
  public func updateDocument(_ input: DocumentInput, dryRun: Bool = false)
    throws -> DocumentUpdateReport
  {
    let normalized = try TextNormalizer.normalize(input.data, file: input.source)
    guard !normalized.text.isEmpty else {
      throw GlossError.invalidInput(file: input.source, line: nil, message: "is empty")
    }
    let newText = DocumentText(normalized.text)
    func plan(
      document: DocumentText, files: [(coder: String, doc: String)],
      read: (String) throws -> [Assignment]?, settings: Settings
    ) throws -> (report: [DocumentUpdateReport.LocatedSpan], changed: [(String, [Assignment])], kept: Int) {
      let mapper = SpanMapper(old: document, new: newText)
      var spans: [DocumentUpdateReport.LocatedSpan] = []
      var changed: [(String, [Assignment])] = []
      for file in files where file.doc == input.id {
        let records = try read(file.coder) ?? []
        let mapped = mapper.map(records)
        spans += mapped.map { DocumentUpdateReport.LocatedSpan(coder: file.coder, span: $0) }
        if mapped.contains(where: { $0.before != $0.after }) {
          changed.append((file.coder, mapped.map(\.after)))
        }
      }
      let others = changed.map(\.0).filter { $0 != coder }
      if !others.isEmpty, !settings.leads.contains(coder), !dryRun {
        throw GlossError.reanchorsOthers(doc: input.id, coders: others, leads: settings.leads)
      }
      spans.sort {
        LocatedAssignment.listingOrder(
          LocatedAssignment(coder: $0.coder, doc: input.id, assignment: $0.span.after),
          LocatedAssignment(coder: $1.coder, doc: input.id, assignment: $1.span.after))
      }
      return (spans, changed, mapper.diff.matched)
    }
    func report(
      old: DocumentText, _ planned: (report: [DocumentUpdateReport.LocatedSpan], kept: Int),
      commit: CommitResult?
    ) -> DocumentUpdateReport {
      DocumentUpdateReport(
        doc: input.id, normalization: normalized.changes, oldLength: old.length,
        newLength: newText.length, kept: planned.kept, spans: planned.report, commit: commit)
    }
    if dryRun {
      let snapshot = try project.snapshot(at: nil)
      let old = try snapshot.requireDocument(input.id)
      let planned = try plan(
        document: old, files: try snapshot.annotationFiles(),
        read: { try snapshot.annotations(coder: $0, doc: input.id) }, settings: try snapshot.settings())
      return report(old: old, (planned.report, planned.kept), commit: nil)
    }
    let (result, outcome) = try commit {
      transaction -> Change<(old: DocumentText, report: [DocumentUpdateReport.LocatedSpan], kept: Int)> in
      let old = try transaction.snapshot.requireDocument(input.id)
      let planned = try plan(
        document: old, files: try transaction.annotationFiles(),
        read: { try transaction.annotations(coder: $0, doc: input.id) },
        settings: try transaction.settings())
      if old.string != newText.string {
        transaction.write(Layout.document(input.id), Data(newText.string.utf8))
      } else if planned.changed.isEmpty {
        return .unchanged((old, planned.report, planned.kept))
      }
      for (owner, records) in planned.changed {
        transaction.setAnnotations(records, coder: owner, doc: input.id)
      }
      let moved = planned.report.filter { $0.span.outcome != .unchanged }.count
      let marked = planned.report.filter { $0.span.outcome == .review }.count
      return .commit(
        summary: "gloss: \(coder) updates \(input.id) (\(moved) span(s) re-anchored, \(marked) for review)",
        value: (old, planned.report, planned.kept))
    }
    guard let result else {
      throw GlossError.nothingToChange(.documentUnchanged(input.id))
    }
    return report(old: outcome.old, (outcome.report, outcome.kept), commit: result)
  }
}
