import Foundation
import GitKit

/// What `gloss reconcile` found and decided.
public struct ReconcileReport: Sendable {
  /// The commit made, nil for a dry run or when consensus already said everything.
  public var commit: CommitResult?
  /// Consensus records written by this run (agreements and taken spans).
  public var written: [LocatedAssignment] = []
  /// Spans every selected coder assigned identically (same code, start and end).
  public var agreed: [LocatedAssignment] = []
  /// Coders' assignments the others did not make, with the lead's decision so far.
  public var disagreements: [ReconcileItem] = []
}

/// A coder's assignment that the other coders did not make identically.
public struct ReconcileItem: Sendable, Equatable {
  public enum Decision: String, Sendable { case taken, dropped, open }
  public let assignment: LocatedAssignment
  public let decision: Decision
}

extension Project {
  /// Where a lead's decisions on a document are recorded, one Markdown line each, so they
  /// are reviewable, merge like any text and survive reruns.
  public static func decisionsPath(doc: String) -> String { "\(decisionsFolder)/\(doc).md" }

  /// Ids a lead decided to leave out of consensus, from `- dropped ID` lines of the memo.
  static func droppedIDs(in memo: String) -> Set<String> {
    var ids = Set<String>()
    for line in memo.split(separator: "\n") where line.hasPrefix("- dropped ") {
      if let id = line.dropFirst(10).split(separator: " ").first { ids.insert(String(id)) }
    }
    return ids
  }
}

extension Session {
  /// Reconciles coders' work on `docs` into `annotations/consensus/` in one commit: spans
  /// all `coders` assigned identically are written with their ids as `sources`; each other
  /// span is a disagreement the lead settles with `take` (into consensus) or `drop`
  /// (recorded in `memos/reconcile/<doc>.md`). Only leads may do this (DESIGN §6).
  ///
  /// A `strategy` first decides the open disagreements it can (from a dry run) and adds
  /// them to `take` and `drop`, so the records and the memo are those of deciding by hand.
  public func reconcile(
    docs: [String], coders: [String], take: [String], drop: [String],
    strategy: ReconcileStrategy? = nil, dryRun: Bool = false
  ) throws -> ReconcileReport {
    if let strategy {
      if case .takeAll(let from) = strategy, !coders.contains(from) {
        throw GlossError.invalidArgument(argument: "--take-all", message: "\(from) is not one of --coders")
      }
      let preview = try reconcile(docs: docs, coders: coders, take: take, drop: drop, dryRun: true)
      let decided = preview.decisions(strategy, coders: coders)
      return try reconcile(
        docs: docs, coders: coders, take: take + decided.take, drop: drop + decided.drop, dryRun: dryRun)
    }
    let lead = coder
    try project.requireLead(lead, for: .reconcile)
    guard coders.count >= 2 else {
      throw GlossError.invalidArgument(argument: "--coders", message: "name at least two coders")
    }
    if coders.contains(Identifier.consensus) {
      throw GlossError.invalidArgument(
        argument: "--coders", message: "reconcile coders' work, not consensus")
    }
    // Handles and unique prefixes stand for the coders' full ids, as everywhere.
    let head = try project.snapshot()
    let named = Set(coders)
    let take = try take.map { try head.findAssignment($0, coders: named).assignment.id }
    let drop = try drop.map { try head.findAssignment($0, coders: named).assignment.id }
    let stage = { (transaction: Transaction) throws -> (summary: String, report: ReconcileReport) in
      var report = ReconcileReport()
      var decisionsUsed = Set<String>()
      for doc in docs {
        _ = try transaction.snapshot.requireDocument(doc)
        let memoPath = Project.decisionsPath(doc: doc)
        var memo =
          try transaction.file(memoPath).map { String(decoding: $0, as: UTF8.self) }
          ?? "# Reconciliation of \(doc)\n\nDecisions by the leads, one line per coder's assignment.\n\n"
        let memoBefore = memo
        let dropped = Project.droppedIDs(in: memo).union(drop)
        func log(_ verb: String, _ item: LocatedAssignment) {
          let a = item.assignment
          memo +=
            "- \(verb) \(a.id) by \(lead): \(item.coder) \(a.code) \(a.start)-\(a.end) "
            + "\"\(a.exact.replacingOccurrences(of: "\n", with: " "))\"\n"
        }
        var byCoder: [String: [Assignment]] = [:]
        for coder in coders {
          guard let records = try transaction.annotations(coder: coder, doc: doc) else {
            throw GlossError.invalidArgument(
              argument: "--coders", message: "\(coder) has not coded \(doc) (no annotation file)")
          }
          byCoder[coder] = records
        }
        var consensus = try transaction.annotations(coder: Identifier.consensus, doc: doc) ?? []
        let before = consensus
        let sourced = Set(consensus.flatMap { $0.sources ?? [] })
        func addToConsensus(_ record: Assignment, sources: [String]) {
          if let index = consensus.firstIndex(where: { $0.key == record.key }) {
            let merged = Array(Set(consensus[index].sources ?? []).union(sources))
            consensus[index].sources = merged.sorted()
          } else {
            consensus.append(
              Assignment(
                id: AssignmentID.make(), code: record.code, start: record.start, end: record.end,
                exact: record.exact, sources: sources.sorted()))
          }
        }
        var keysByCoder: [String: Set<Assignment.Key>] = [:]
        for (coder, records) in byCoder { keysByCoder[coder] = Set(records.map(\.key)) }
        let first = coders[0]
        var agreedKeys = Set<Assignment.Key>()
        for record in byCoder[first] ?? []
        where coders.allSatisfy({ keysByCoder[$0]?.contains(record.key) ?? false }) {
          agreedKeys.insert(record.key)
          let sources = coders.compactMap { coder in
            byCoder[coder]?.first { $0.key == record.key }?.id
          }
          addToConsensus(record, sources: sources)
          report.agreed.append(LocatedAssignment(coder: first, doc: doc, assignment: record))
        }
        for coder in coders {
          for record in byCoder[coder] ?? [] where !agreedKeys.contains(record.key) {
            let located = LocatedAssignment(coder: coder, doc: doc, assignment: record)
            let decision: ReconcileItem.Decision
            if take.contains(record.id) {
              addToConsensus(record, sources: [record.id])
              decisionsUsed.insert(record.id)
              if !sourced.contains(record.id) { log("taken", located) }
              decision = .taken
            } else if sourced.contains(record.id) {
              decision = .taken
            } else if dropped.contains(record.id) {
              if drop.contains(record.id) {
                decisionsUsed.insert(record.id)
                if !Project.droppedIDs(in: memoBefore).contains(record.id) { log("dropped", located) }
              }
              decision = .dropped
            } else {
              decision = .open
            }
            report.disagreements.append(ReconcileItem(assignment: located, decision: decision))
          }
        }
        consensus.sort(by: Assignment.canonicalOrder)
        let existed = try transaction.annotations(coder: Identifier.consensus, doc: doc) != nil
        if consensus != before || !existed {
          transaction.setAnnotations(consensus, coder: Identifier.consensus, doc: doc)
          let old = Set(before.map(\.id))
          let changed = consensus.filter { record in
            !old.contains(record.id) || before.contains { $0.id == record.id && $0 != record }
          }
          report.written += changed.map { LocatedAssignment(coder: Identifier.consensus, doc: doc, assignment: $0) }
        }
        if memo != memoBefore { transaction.write(memoPath, Data(memo.utf8)) }
      }
      for id in take + drop where !decisionsUsed.contains(id) {
        throw GlossError.invalidArgument(
          argument: id, message: "is not an open disagreement on \(docs.joined(separator: ", "))")
      }
      let summary =
        "gloss: \(lead) reconciles \(coders.joined(separator: ", ")) on \(docs.joined(separator: ", "))"
      return (summary, report)
    }
    if dryRun {
      return try stage(Transaction(snapshot: try project.snapshot(), coder: lead)).report
    }
    // With nothing staged (consensus already holds every agreement and decision) no
    // commit is made: only the listing is news.
    var (result, report) = try commit { transaction in
      let (summary, report) = try stage(transaction)
      return .commit(summary: summary, value: report)
    }
    report.commit = result
    return report
  }
}
