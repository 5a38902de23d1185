import Foundation
import GitKit

extension Project {
  /// Checks who wrote what in the commits of `base..tip` (DESIGN §6): a commit touching
  /// `annotations/X/` comes from coder X (its `Gloss-Coder` trailer, or an author e-mail
  /// listed for X in gloss.yaml) or from a lead; only leads touch `annotations/consensus/`
  /// and `gloss.yaml`; a merge commit adds or changes no record that is not already so in
  /// one of its parents. Rules are read from each commit's parent, so a commit cannot
  /// grant itself rights.
  public func checkAuthorship(from base: Oid?, to tip: Oid) throws -> [Finding] {
    var findings: [Finding] = []
    for id in try repository.walk(from: tip, hiding: base, oldestFirst: true) {
      let info = try repository.commit(id)
      let rulesCommit = info.parents.first ?? id
      let settings = try Snapshot(repository: repository, commit: rulesCommit).settings()
      let parentTree = try info.parents.first.map { try repository.commit($0).tree }
      if info.parents.count > 1 {
        findings += try checkMerge(info)
        continue
      }
      let author = Self.commitCoder(info, settings: settings)
      let isLead = author.map { settings.leads.contains($0) } ?? false
      let changed = try repository.changedFiles(from: parentTree, to: info.tree)
      for change in changed {
        if change.path == Settings.path, !isLead, info.parents.count == 1 {
          findings.append(
            Finding(
              .error, change.path, "changed by \(author ?? "an unknown author"), who is not a lead", commit: id.hex))
        }
        guard let parts = Layout.parseAnnotationPath(change.path) else { continue }
        let allowed: Bool
        if parts.coder == Identifier.consensus {
          allowed = isLead
        } else {
          allowed = author == parts.coder || isLead
        }
        if !allowed {
          let who = author.map { "coder \($0)" } ?? "an author with no Gloss-Coder trailer (\(info.author.email))"
          let rule =
            parts.coder == Identifier.consensus
            ? "only leads write consensus" : "only \(parts.coder) (or a lead) writes it"
          findings.append(Finding(.error, change.path, "changed by \(who); \(rule)", commit: id.hex))
        }
      }
    }
    return findings
  }

  /// The coder a commit speaks for: its last `Gloss-Coder` trailer if that coder's listed
  /// e-mails (when any) include the author's, else the coder whose e-mails list the author.
  static func commitCoder(_ info: CommitInfo, settings: Settings) -> String? {
    let email = info.author.email.lowercased()
    if let trailer = info.trailers("Gloss-Coder").last {
      guard let emails = settings.coders[trailer], !emails.isEmpty else { return trailer }
      if emails.contains(where: { $0.lowercased() == email }) { return trailer }
      return nil
    }
    return settings.coders.first { _, emails in emails.contains { $0.lowercased() == email } }?.key
  }

  /// A merge commit may only combine its parents' records, never author its own; re-anchoring
  /// a parent's record to the merged text (DESIGN §5) is checked by redoing it.
  private func checkMerge(_ info: CommitInfo) throws -> [Finding] {
    var findings: [Finding] = []
    let parentTrees = try info.parents.map { try repository.commit($0).tree }
    guard let first = parentTrees.first else { return [] }
    for change in try repository.changedFiles(from: first, to: info.tree, under: ["annotations"]) {
      guard Layout.parseAnnotationPath(change.path) != nil else { continue }
      var known: Set<Assignment> = []
      var everywhere: Set<Assignment>?
      for tree in parentTrees {
        let records = Set(
          try repository.file(at: change.path, inTree: tree).map {
            try Snapshot.decodeAnnotations($0, path: change.path)
          } ?? [])
        known.formUnion(records)
        everywhere = everywhere.map { $0.intersection(records) } ?? records
      }
      let merged = Set(
        try repository.file(at: change.path, inTree: info.tree).map {
          try Snapshot.decodeAnnotations($0, path: change.path)
        } ?? [])
      var anchoring = MergeAnchoring(repository: repository)
      for record in merged where !known.contains(record) {
        // A parent's record re-anchored to the merged text, exactly as `gloss merge` does it.
        if try anchoring.isReanchored(record, path: change.path, merge: info.tree, parents: parentTrees) {
          continue
        }
        findings.append(
          Finding(
            .error, change.path, "merge commit authors assignment \(record.id) found in neither parent",
            commit: info.id.hex))
      }
      for record in (everywhere ?? []).subtracting(merged) {
        findings.append(
          Finding(
            .error, change.path, "merge commit drops assignment \(record.id) that every parent keeps",
            commit: info.id.hex))
      }
    }
    return findings
  }
}
