import Foundation
import GitKit

/// How to settle conflicts in `gloss merge`.
public struct MergeChoices: Sendable {
  /// Selectors (record id, id prefix or path) with the side to take for them.
  public var picks: [(selector: String, side: MergeSide)]
  /// The side for every conflict no pick names; nil reports them instead.
  public var prefer: MergeSide?

  public init(picks: [(selector: String, side: MergeSide)] = [], prefer: MergeSide? = nil) {
    self.picks = picks
    self.prefer = prefer
  }

  func side(for conflict: MergeConflict) -> MergeSide? {
    picks.first { conflict.matches($0.selector) }?.side ?? prefer
  }
}

/// What `gloss merge` did.
public struct MergeReport: Sendable {
  public enum Outcome: Sendable, Equatable {
    /// Their commit is already part of ours.
    case upToDate
    case fastForward(CommitID)
    case merged(CommitID)
    /// Nothing was written: these conflicts need a decision.
    case conflicts
  }

  public var outcome: Outcome
  public var conflicts: [MergeConflict] = []
  public var notes: [String] = []
  /// Assignments whose `exact` still does not match the merged text after re-anchoring
  /// (none unless a record came from neither side's text); `gloss validate` lists them too.
  public var staleAnchors: [LocatedAssignment] = []
  /// Spans the merge re-anchored because their side's text of the document differs from the
  /// merged text (issue 8); those marked for review carry the reason.
  public var reanchored: [MergedAnchor] = []
  /// Assignment changes the merge brought into our branch.
  public var changes: [AssignmentChange] = []
  /// The branch tip a fast-forward started from.
  var base: Oid?
}

extension Project {
  /// Stages the merge of `theirs` into the transaction's tip.
  fileprivate func mergeChange(
    theirs: Oid, name: String, coder: String, choices: MergeChoices, into transaction: Transaction
  ) throws -> Change<MergeReport> {
    let ours = transaction.snapshot.commit
    if let ours, try repository.isAncestor(theirs, of: ours) {
      return .unchanged(MergeReport(outcome: .upToDate))
    }
    let oursTree = transaction.snapshot.tree
    let theirsTree = try repository.commit(theirs).tree
    let behind = try ours.map { try repository.isAncestor($0, of: theirs) } ?? true
    if behind {
      for change in try repository.changedFiles(from: oursTree, to: theirsTree) {
        if let blob = change.newBlob {
          transaction.write(change.path, try repository.blob(blob))
        } else {
          try transaction.remove(change.path)
        }
      }
      transaction.fastForwardTarget = theirs
      var report = MergeReport(outcome: .fastForward(CommitID(theirs)))
      report.base = ours
      return .commit(summary: "fast-forward", value: report)
    }
    guard let ours, let oursTree else { return .unchanged(MergeReport(outcome: .upToDate)) }
    let branch = try repository.headBranch() ?? "HEAD"
    let branchName = branch.hasPrefix("refs/heads/") ? String(branch.dropFirst(11)) : branch
    guard let base = try repository.mergeBase(ours, theirs) else {
      throw GlossError.unrelatedHistories(theirs: theirs.short, branch: branch)
    }
    let baseTree = try repository.commit(base).tree
    let mine = Dictionary(
      try repository.changedFiles(from: baseTree, to: oursTree).map { ($0.path, $0) },
      uniquingKeysWith: { a, _ in a })
    let other = try repository.changedFiles(from: baseTree, to: theirsTree)
    var report = MergeReport(outcome: .conflicts)
    var updates: [TreeUpdate] = []
    for change in other {
      guard let ourChange = mine[change.path] else {
        if let blob = change.newBlob {
          updates.append(.write(path: change.path, contents: try repository.blob(blob)))
        } else {
          updates.append(.remove(path: change.path))
        }
        continue
      }
      if ourChange.newBlob == change.newBlob { continue }
      let result = try FileMerge.merge(
        path: change.path, base: try change.oldBlob.map(repository.blob),
        ours: try ourChange.newBlob.map(repository.blob),
        theirs: try change.newBlob.map(repository.blob), choose: choices.side(for:))
      report.conflicts += result.conflicts
      report.notes += result.notes
      let current = try ourChange.newBlob.map(repository.blob)
      if result.contents != current {
        if let contents = result.contents {
          updates.append(.write(path: change.path, contents: contents))
        } else {
          updates.append(.remove(path: change.path))
        }
      }
    }
    for pick in choices.picks where !report.conflicts.contains(where: { $0.matches(pick.selector) }) {
      if !report.notes.contains(where: { $0.contains(pick.selector) }) {
        report.notes.append("--\(pick.side.rawValue) \(pick.selector) named no conflict")
      }
    }
    guard report.conflicts.isEmpty else { return .unchanged(report) }
    var tree = try repository.tree(applying: updates, to: oursTree)
    let touchedDocs = Set((Array(mine.keys) + other.map(\.path)).compactMap(Layout.parseDocumentPath))
    var anchoring = MergeAnchoring(repository: repository)
    let anchored = try anchoring.reanchor(tree: tree, sides: [oursTree, theirsTree], docs: touchedDocs)
    if !anchored.updates.isEmpty {
      let rewritten = Set(anchored.updates.map(\.path))
      updates = updates.filter { !rewritten.contains($0.path) } + anchored.updates
      tree = try repository.tree(applying: anchored.updates, to: tree)
    }
    report.reanchored = anchored.spans
    report.staleAnchors = try staleAnchors(in: tree, docs: touchedDocs)
    report.notes += try unknownCodes(in: tree, paths: Set(mine.keys).union(other.map(\.path)))
    for update in updates {
      switch update {
      case .write(let path, let contents): transaction.write(path, contents)
      case .remove(let path): try transaction.remove(path)
      }
    }
    transaction.otherParents = [theirs]
    report.outcome = .merged(CommitID(theirs))
    return .commit(summary: "gloss: \(coder) merges \(name) into \(branchName)", value: report)
  }

  /// Assignments on `docs` whose `exact` no longer matches the merged text.
  func staleAnchors(in tree: Oid, docs: Set<String>) throws -> [LocatedAssignment] {
    var stale: [LocatedAssignment] = []
    for doc in docs.sorted() {
      guard let data = try repository.file(at: Layout.document(doc), inTree: tree),
        let string = String(validating: [UInt8](data), as: UTF8.self)
      else { continue }
      let text = DocumentText(string)
      for coder in try repository.entries(inFolder: "annotations", ofTree: tree) where coder.kind == .tree {
        let path = Layout.annotation(coder: coder.name, doc: doc)
        guard let file = try repository.file(at: path, inTree: tree) else { continue }
        for record in try Snapshot.decodeAnnotations(file, path: path)
        where record.end > text.length || text.slice(record.start, record.end) != record.exact {
          stale.append(LocatedAssignment(coder: coder.name, doc: doc, assignment: record))
        }
      }
    }
    return stale
  }

  /// Notes for merged assignments whose code the merged codebook no longer has.
  func unknownCodes(in tree: Oid, paths: Set<String>) throws -> [String] {
    let book = try repository.file(at: Codebook.path, inTree: tree).map { try Codebook.decode($0) }
    guard let book else { return [] }
    let known = Set(book.codes.map(\.id))
    var notes: [String] = []
    for path in paths.sorted() where Layout.parseAnnotationPath(path) != nil {
      guard let file = try repository.file(at: path, inTree: tree) else { continue }
      let missing = Set(try Snapshot.decodeAnnotations(file, path: path).map(\.code)).subtracting(known)
      for code in missing.sorted() {
        notes.append("\(path): uses code '\(code)', which the merged codebook no longer has")
      }
    }
    return notes
  }
}

extension Session {
  /// Merges `revision` into the current branch in process: fast-forward when possible,
  /// else a three-way merge per path (annotation files and the codebook record by record,
  /// other files line by line) committed with both parents, through the session's commit
  /// engine like every other write. With unsettled conflicts nothing is written and the
  /// report lists them. A branch whose gloss.yaml has a newer format is refused.
  public func merge(
    _ revision: String, label: String? = nil, choices: MergeChoices = .init()
  ) throws -> MergeReport {
    let theirs: Oid
    do {
      theirs = try repository.resolveCommit(revision)
    } catch is GitError {
      throw GlossError.unknownRevision(revision)
    }
    // Settings.decode refuses an unknown (newer) format version.
    if let data = try Snapshot(repository: repository, commit: theirs).file(Settings.path) {
      _ = try Settings.decode(data)
    }
    let name = label ?? revision
    let (result, report) = try commit { transaction in
      try project.mergeChange(theirs: theirs, name: name, coder: coder, choices: choices, into: transaction)
    }
    guard let result else { return report }
    var merged = report
    let ours = try repository.commit(result.oid).parents.first
    if case .fastForward = report.outcome {
      merged.changes = try project.changes(
        from: try Snapshot(repository: repository, commit: report.base),
        to: try Snapshot(repository: repository, commit: result.oid))
    } else {
      merged.outcome = .merged(result.commit)
      merged.changes = try project.changes(
        from: try Snapshot(repository: repository, commit: ours),
        to: try Snapshot(repository: repository, commit: result.oid))
    }
    return merged
  }
}
