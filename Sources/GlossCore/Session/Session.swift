import Foundation
import GitKit

#if canImport(Glibc)
  import Glibc
#endif

/// What a commit body decided: record its staged changes as one commit, or write nothing.
/// Returning `.unchanged` is not an error; the caller says "nothing to change" if it wants.
public enum Change<Value> {
  case commit(summary: String, value: Value)
  case unchanged(Value)
}

/// The outcome of a mutating command.
public struct CommitResult: Sendable {
  /// The new commit, for git (GlossCore's own use).
  let oid: Oid
  public let message: String

  init(oid: Oid, message: String) {
    self.oid = oid
    self.message = message
  }

  public var commit: CommitID { CommitID(oid) }
}

/// An opened project, who is working in it, and its rules as of HEAD: what every command
/// needs, resolved once. All writes go through `commit(_:)`.
public final class Session {
  public let project: Project
  /// The resolved coder: `--as`, else `GLOSS_CODER`, else git config `gloss.coder`, else
  /// the slug of `user.name`.
  public let coder: String
  /// gloss.yaml at HEAD when the session opened (commit bodies read the transaction's own).
  public let settings: Settings

  public var isLead: Bool { settings.leads.contains(coder) }

  /// What this coder may read (blind coding), from the settings at HEAD.
  public var policy: Policy { Policy(settings: settings, viewer: coder) }

  public init(project: Project, coder: String, settings: Settings) {
    self.project = project
    self.coder = coder
    self.settings = settings
  }

  /// Opens the project containing `path` (the current folder when nil) as `explicit`
  /// (or the coder the environment and git configuration name).
  public static func open(at path: String?, coder explicit: String?) throws -> Session {
    let project = try Project.open(at: path)
    return try project.session(as: try project.coder(explicit: explicit))
  }

  var repository: Repository { project.repository }

  /// Runs `body` on a fresh transaction over the current branch tip and records what it
  /// staged as one commit (with a `Gloss-Coder` trailer) by a compare-and-swap on the
  /// branch. The engine owns everything around the body: the writer lock, reading the
  /// branch under it, retrying on a new tip with a new transaction (so a body never needs
  /// to reset what it captured), the dirty-path check, `preflight`, holding index.lock
  /// while the branch moves and the index and work tree follow, and a journal that lets
  /// the next command finish a sync a crash interrupted. Returns nil for the commit when
  /// the body answered `.unchanged` or staged nothing.
  public func commit<T>(_ body: (Transaction) throws -> Change<T>) throws -> (result: CommitResult?, value: T) {
    do {
      return try commitUnderLock(body)
    } catch let error as GitError where error.code == .locked && error.operation.hasSuffix("index.lock") {
      // Finishing a crashed command's sync needed index.lock, and git kept it.
      throw GlossError.lockHeld(file: repository.indexLockPath)
    }
  }

  private func commitUnderLock<T>(_ body: (Transaction) throws -> Change<T>) throws -> (result: CommitResult?, value: T)
  {
    try repository.withWriterLock {
      var attempt = 0
      var transient = 0
      var locked = 0
      while true {
        attempt += 1
        do {
          if let outcome = try attemptCommit(body) { return outcome }
        } catch let error as GitError where Self.isTransient(error) && transient < 5 {
          // `git gc` or `git repack` moving packs and pruning object folders under us:
          // look again, a bounded number of times.
          transient += 1
          repository.refreshObjects()
          usleep(50_000)
          continue
        } catch let error as GitError where error.code == .locked {
          // Someone holds the branch's lock file: git holds it for milliseconds.
          locked += 1
          guard locked < 10 else { throw try busyError() ?? error }
          usleep(50_000)
          continue
        }
        guard attempt < 100 else {
          throw try busyError() ?? .branchKeptMoving
        }
        usleep(UInt32.random(in: 1_000...20_000))
      }
    }
  }

  /// One read-stage-commit round; nil when the branch moved and the round must be redone.
  private func attemptCommit<T>(_ body: (Transaction) throws -> Change<T>) throws -> (result: CommitResult?, value: T)?
  {
    guard let branch = try repository.headBranch() else { throw GlossError.detachedHead }
    let parent = try repository.referenceTarget(branch)
    let snapshot = try project.snapshot(of: parent)
    let transaction = Transaction(snapshot: snapshot, coder: coder)
    let summary: String
    let value: T
    switch try body(transaction) {
    case .unchanged(let unchanged): return (nil, unchanged)
    case .commit(let text, let changed): (summary, value) = (text, changed)
    }
    let updates = transaction.updates
    if updates.isEmpty && transaction.otherParents.isEmpty && transaction.fastForwardTarget == nil {
      return (nil, value)
    }
    try preflight(updates, transaction)
    // Objects first: they are harmless if the commit never lands.
    let commit: Oid
    let message: String
    if let target = transaction.fastForwardTarget {
      (commit, message) = (target, summary)
    } else {
      message = "\(summary)\n\nGloss-Coder: \(coder)\n"
      let signature = repository.defaultSignature(fallbackName: coder, fallbackEmail: "\(coder)@gloss.invalid")
      commit = try Durability.writingObjectsTogether(in: repository) {
        let tree = try repository.tree(applying: updates, to: snapshot.tree)
        return try repository.createCommit(
          tree: tree, parents: (parent.map { [$0] } ?? []) + transaction.otherParents, message: message,
          author: signature)
      }
    }
    let lock = try lockIndex()
    defer { lock?.release() }
    // Under index.lock, which a `git commit` or `git checkout` needs too: the branch and
    // its tip must still be the ones the body read.
    guard try repository.headBranch() == branch, try repository.referenceTarget(branch) == parent else {
      return nil
    }
    let paths = updates.map(\.path)
    let dirty =
      try lock.map { try repository.pathsWithLocalChanges(paths, headTree: snapshot.tree, holding: $0) }
      ?? repository.pathsWithLocalChanges(paths, headTree: snapshot.tree)
    if !dirty.isEmpty { throw GlossError.uncommittedChanges(paths: dirty) }
    do {
      try repository.moveBranch(
        branch, from: parent, to: commit, updates: updates, holding: lock, logMessage: "gloss: \(summary)")
    } catch let error as GitError where [.modified, .exists].contains(error.code) {
      return nil
    } catch let error as WorkTreeNotUpdated {
      throw GlossError.workTreeNotUpdated(commit: error.commit.short, paths: error.paths, reason: error.reason)
    }
    return (CommitResult(oid: commit, message: message), value)
  }

  /// The project's rules, checked on what a commit would write before anything is
  /// written: what `validate --range` and the server hooks would reject is refused here,
  /// through the same `WriteRules`, with the rules in force before the change (the parent's
  /// gloss.yaml; the session's own only for a project's first commit). A coder the project
  /// does not know yet is refused, so a forgotten `--as` never starts a new coder. Merges
  /// and fast-forwards author nothing of their own and are checked as merges on the server.
  func preflight(_ updates: [TreeUpdate], _ transaction: Transaction) throws {
    guard transaction.otherParents.isEmpty, transaction.fastForwardTarget == nil else { return }
    let snapshot = transaction.snapshot
    let rules = try snapshot.exists(Settings.path) ? try snapshot.settings() : settings
    for update in updates {
      if let (owner, _) = Layout.parseAnnotationPath(update.path), owner == coder {
        try Project.checkWritable(owner)
      }
    }
    try Project.requireKnownCoder(coder, settings: rules, in: snapshot)
    var violations: [RuleViolation] = []
    for update in updates {
      let after: Data?
      switch update {
      case .write(_, let contents): after = contents
      case .remove: after = nil
      }
      // What `WriteRules` needs of the old side, as `Authorship` reads it: the codebook's
      // bytes; of any other path (a coder's whole annotation file) only whether it exists.
      let before =
        update.path == Codebook.path ? try snapshot.file(update.path) : try snapshot.exists(update.path) ? Data() : nil
      violations += WriteRules.violations(
        path: update.path, before: before, after: after, author: coder, settings: rules)
    }
    // The codebook's violations first: for a merge or removal of codes they say what is
    // wrong, and the annotation files rewritten along with them only follow from it.
    let ordered = violations.filter { $0.path == Codebook.path } + violations.filter { $0.path != Codebook.path }
    if !ordered.isEmpty { throw GlossError.breaksRules(coder: coder, violations: ordered) }
  }

  /// index.lock when there is a work tree; git's own lock held too long is one error line.
  private func lockIndex() throws -> Repository.IndexLock? {
    guard repository.workdir != nil else { return nil }
    do {
      return try repository.lockIndex()
    } catch let error as GitError where error.code == .locked {
      throw GlossError.lockHeld(file: repository.indexLockPath)
    }
  }

  /// The branch's lock file when it is what keeps gloss from committing.
  private func busyError() throws -> GlossError? {
    guard let branch = try repository.headBranch() else { return nil }
    let lockFile = repository.gitDirectory + branch + ".lock"
    return FileManager.default.fileExists(atPath: lockFile) ? .lockHeld(file: lockFile) : nil
  }

  /// Failures `git gc` and `git repack` cause while they move packs and remove emptied
  /// object folders; a new attempt succeeds.
  static func isTransient(_ error: GitError) -> Bool {
    error.code == .notFound || error.fromOperatingSystem
  }
}

extension Project {
  /// A session for `coder` on this project, with the settings at HEAD.
  public func session(as coder: String) throws -> Session {
    Session(project: self, coder: coder, settings: try snapshot().settings())
  }
}
