import Foundation
import GitKit

/// What `gloss undo` took back.
public struct UndoOutcome: Sendable {
  public let result: CommitResult
  /// The commit undone and its summary.
  public let undone: String
  public let summary: String
  public let paths: [String]
}

extension Project {
  /// The body line that marks an undo commit, as `git revert` writes "This reverts commit".
  static let undoMarker = "This undoes commit "

  /// Undoing a `code add` must not leave assignments (anyone's, made since) on a code that
  /// is gone: `validate` would reject the commit.
  fileprivate static func checkCodesStillUsed(in transaction: Transaction, undoing target: CommitInfo) throws {
    let before = Set(try transaction.snapshot.codebook().codes.map(\.id))
    let removed = before.subtracting(try transaction.codebook().codes.map(\.id))
    guard !removed.isEmpty else { return }
    for (coder, doc) in try transaction.annotationFiles() {
      if let used = try transaction.annotations(coder: coder, doc: doc)?.first(where: { removed.contains($0.code) }) {
        throw GlossError.cannotUndo(
          commit: target.id.short, summary: target.summary, blocker: .codeUsed(code: used.code, coder: coder, doc: doc))
      }
    }
  }
}

extension Session {
  /// Reverts the coder's own last gloss commit on the current branch as a new commit (the
  /// same commit engine and trailer as every change). Earlier undos and the commits they
  /// undid are skipped, so repeated undos go further back. Refused when a file it would
  /// restore was changed since by a later commit (another coder's, a lead's doc update or
  /// a merge): undoing would silently drop that change.
  public func undoLast() throws -> UndoOutcome {
    let (result, outcome) = try commit {
      transaction -> Change<(undone: String, summary: String, paths: [String])> in
      guard let tip = transaction.snapshot.commit, let tipTree = transaction.snapshot.tree else {
        throw GlossError.nothingToChange(.nothingToUndo)
      }
      var skipped = Set<String>()
      var later: [CommitInfo] = []
      var target: CommitInfo?
      for id in try repository.walk(from: tip, firstParentOnly: true) {
        let info = try repository.commit(id)
        let own = info.parents.count == 1 && info.trailers("Gloss-Coder").last == coder
        if own, !skipped.contains(id.hex) {
          if let line = info.message.split(separator: "\n").first(where: { $0.hasPrefix(Project.undoMarker) }) {
            skipped.insert(
              String(line.dropFirst(Project.undoMarker.count)).trimmingCharacters(in: .punctuationCharacters))
          } else {
            target = info
            break
          }
        }
        later.append(info)
      }
      guard let target, let parent = target.parents.first else {
        throw GlossError.nothingToChange(.noCommitToUndo(coder: coder))
      }
      let changes = try repository.changedFiles(from: try repository.commit(parent).tree, to: target.tree)
      for change in changes {
        let current = try repository.entry(at: change.path, inTree: tipTree)?.id
        guard current == change.newBlob else {
          let culprit = try later.first { info in
            let base = try info.parents.first.map { try repository.commit($0).tree }
            return try repository.changedFiles(from: base, to: info.tree, under: [change.path])
              .contains { $0.path == change.path }
          }
          throw GlossError.cannotUndo(
            commit: target.id.short, summary: target.summary,
            blocker: .changedSince(
              path: change.path, coder: culprit.map { $0.trailers("Gloss-Coder").last ?? $0.author.name },
              commit: culprit?.id.short))
        }
        if let old = change.oldBlob {
          transaction.write(change.path, try repository.blob(old))
        } else {
          try transaction.remove(change.path)
        }
      }
      try Project.checkCodesStillUsed(in: transaction, undoing: target)
      let what = target.summary.hasPrefix("gloss: ") ? String(target.summary.dropFirst(7)) : target.summary
      return .commit(
        summary: "gloss: \(coder) undoes \"\(what)\"\n\n\(Project.undoMarker)\(target.id.hex).",
        value: (target.id.short, target.summary, changes.map(\.path)))
    }
    return UndoOutcome(
      result: try Project.committed(result), undone: outcome.undone, summary: outcome.summary, paths: outcome.paths)
  }
}
