import Foundation
import GitKit

/// What `gloss validate` looks at.
public enum ValidationTarget: Sendable {
  /// The work tree (HEAD in a bare repository).
  case current
  case revision(String)
  /// `A..B`: authorship of every commit in the range, and the files at B. The rules in
  /// force are `rulesFrom`'s (else A's; with neither, the root commit reached by first
  /// parents from B defines them): a commit built on that commit is judged by its first
  /// parent's gloss.yaml, a root or a commit built on other history by its. With `newTo`
  /// (a remote's name), commits the remote already has (its remote-tracking branches) are
  /// left out, and with no base its HEAD branch holds the rules in force, as the pre-push
  /// hook wants for a new branch.
  case range(String, rulesFrom: String? = nil, newTo: String? = nil)
  case staged
}

extension Project {
  /// Validates the project as `target` names it.
  public func validate(_ target: ValidationTarget, progress: ((Int, Int) -> Void)? = nil) throws
    -> [Finding]
  {
    let validator = Validator(progress: progress)
    switch target {
    case .current:
      if let root = repository.workdir { return validator.validate(.workTree(at: root)) }
      return try validate(.revision("HEAD"), progress: progress)
    case .staged:
      guard !repository.isBare else {
        throw GlossError.needsWorkTree(option: "--staged")
      }
      return validator.validate(try .index(of: repository))
    case .revision(let revision):
      let snapshot = try self.snapshot(at: revision)
      guard let tree = snapshot.tree else { return [] }
      return validator.validate(try .tree(tree, in: repository, label: revision))
    case .range(let range, let rulesFrom, let remote):
      let parts = try RevisionRange.parse(range, option: "--range")
      let tip = try resolve(parts.tip)
      let base = try parts.base.map(resolve)
      let remoteHead = try remote.flatMap { try repository.referenceTarget("refs/remotes/\($0)/HEAD") }
      let rules = try rulesFrom.map(resolve) ?? base ?? remoteHead
      let commits = try newCommits(
        from: tip, hiding: base.map { [$0] } ?? [], references: remote.map { ["refs/remotes/\($0)/*"] } ?? [])
      // With no trusted base, the root the tip's first parents lead to defines the rules,
      // and any other root in the range is judged by them.
      let anchor = rules == nil ? try firstParentRoot(of: tip) : nil
      let tree = try repository.commit(tip).tree
      // The history is walked on a repository handle of its own while the tip's whole tree
      // is checked here: both are mostly reading blobs, and the tree check alone does not
      // keep two cores busy. Findings come in the same order as one after the other.
      let walker = try repository.reopened()
      let history = Pending { () -> [Result<[Finding], Error>] in
        var check = HistoryCheck(repository: walker, validator: validator, authority: rules, anchor: anchor)
        return [Result { try check.check(commits, tips: [tip]) }]
      }
      let whole = Result { validator.validate(try .tree(tree, in: repository, label: parts.tip)) }
      let walked = try history.wait().first?.get() ?? []
      return try walked + whole.get()
    }
  }

  /// The commits reachable from `tip` and not from `hiding` (or any reference), parents
  /// first; missing history is an error that names the commit.
  func newCommits(from tip: Oid, hiding: [Oid], references: [String]) throws -> [Oid] {
    do {
      return try repository.newCommits(from: [tip], hiding: hiding, hidingReferences: references)
    } catch let error as GitError {
      if let (commit, parent) = try repository.missingParent(from: [tip]) {
        throw GlossError.historyMissing(commit: commit.hex, parent: parent.hex, shallow: repository.isShallow)
      }
      throw error
    }
  }

  /// The root commit reached from `tip` by first parents: where the project began.
  func firstParentRoot(of tip: Oid) throws -> Oid {
    var current = tip
    while let parent = try repository.commit(current).parents.first { current = parent }
    return current
  }

  private func resolve(_ revision: String) throws -> Oid {
    guard let commit = try snapshot(at: revision).commit else { throw GlossError.unknownRevision(revision) }
    return commit
  }
}

extension Session {
  /// Rewrites what can be fixed mechanically at HEAD (record order and canonical bytes of
  /// annotation files, the codebook's canonical form, done marks emptied) in one commit;
  /// returns the paths.
  public func fixFormat() throws -> (result: CommitResult, fixed: [String]) {
    let (result, fixed) = try commit { transaction -> Change<[String]> in
      var fixed: [String] = []
      if let data = try transaction.file(Codebook.path) {
        let book = try Codebook.decode(data)
        if book.encode() != data {
          transaction.setCodebook(book)
          fixed.append(Codebook.path)
        }
      }
      for (fileCoder, doc) in try transaction.annotationFiles() {
        let path = Layout.annotation(coder: fileCoder, doc: doc)
        guard let data = try transaction.file(path) else { continue }
        let records = try Snapshot.decodeAnnotations(data, path: path)
        var kept: [Assignment.Key: Assignment] = [:]
        for record in records {
          if let other = kept[record.key], other.id.utf8.lexicographicallyPrecedes(record.id.utf8) { continue }
          kept[record.key] = record
        }
        let canonical = AnnotationFormat.encode(Array(kept.values))
        if canonical != data {
          transaction.write(path, canonical)
          fixed.append(path)
        }
      }
      // A done mark is empty: whatever a hand put in it goes.
      for path in try transaction.snapshot.doneMarkPaths() where try transaction.file(path)?.isEmpty == false {
        transaction.write(path, Data())
        fixed.append(path)
      }
      guard !fixed.isEmpty else { return .unchanged(fixed) }
      return .commit(summary: "gloss: \(coder) rewrites \(fixed.count) file(s) in canonical form", value: fixed)
    }
    guard let result else { throw GlossError.nothingToChange(.nothingToFix) }
    return (result, fixed)
  }
}
