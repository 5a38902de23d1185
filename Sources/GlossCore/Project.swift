import Foundation
import GitKit

/// A Gloss project: a git repository holding `gloss.yaml`. The entry point for every command.
public final class Project {
  public let repository: Repository

  public init(repository: Repository) {
    self.repository = repository
  }

  /// Opens the project containing `path` (the current folder when nil), like `git -C`.
  public static func open(at path: String?) throws -> Project {
    let project = try openRepository(at: path)
    _ = try project.snapshot().settings()
    return project
  }

  /// Opens the repository containing `path` even when it holds no project yet (an empty
  /// shared repository awaiting its first push), for hooks and their installation.
  public static func openRepository(at path: String?) throws -> Project {
    let location = path ?? FileManager.default.currentDirectoryPath
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: location, isDirectory: &isFolder), isFolder.boolValue
    else {
      throw GlossError.invalidArgument(argument: "-C \(location)", message: "no such folder")
    }
    let repository: Repository
    do {
      repository = try Repository.discover(at: location)
    } catch let error as GitError where error.code == .notFound {
      throw GlossError.noRepository(path: location)
    } catch let error as GitError {
      throw GlossError.repository("\(location): \(error.message)")
    }
    return Project(repository: repository)
  }

  /// The project as of `revision` (HEAD when nil).
  public func snapshot(at revision: String? = nil) throws -> Snapshot {
    guard let revision else {
      return try Snapshot(repository: repository, commit: try repository.headCommit())
    }
    do {
      return try Snapshot(repository: repository, commit: try repository.resolveCommit(revision))
    } catch let error as GitError
      where error.code == .notFound || error.code == .invalidSpec
      || error.code == .ambiguous || error.code == .other(-1)
    {
      throw GlossError.unknownRevision(revision)
    }
  }

  /// Who is coding: `--as`, else `GLOSS_CODER`, else git config `gloss.coder`, else the
  /// slug of `user.name`.
  public func coder(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
    throws -> String
  {
    try Self.resolveCoder(
      explicit: explicit, environment: environment, config: { repository.config($0) })
  }

  public static func resolveCoder(
    explicit: String?, environment: [String: String], config: (String) -> String?
  ) throws -> String {
    let candidates: [(String?, Bool)] = [
      (explicit, true), (environment["GLOSS_CODER"], true), (config("gloss.coder"), true),
      (config("user.name").map(coderSlug), false),
    ]
    for (value, strict) in candidates {
      guard let value, !value.isEmpty else { continue }
      if Identifier.isCoder(value) { return value }
      if strict {
        throw GlossError.invalidIdentifier(kind: "coder", value: value, rule: Identifier.coderRule)
      }
    }
    throw GlossError.noIdentity
  }

  static func coderSlug(_ name: String) -> String {
    Identifier.slug(name, allowDots: false)
  }
}

/// The outcome of a mutating command.
public struct CommitResult: Sendable {
  public let commit: Oid
  public let message: String
}

extension Project {
  /// Reads the branch tip, lets `body` stage changes, and records them as one commit with a
  /// compare-and-swap on the branch: if another writer moved the branch meanwhile, the
  /// whole read-change-commit is redone on the new tip, so no writer's commit is lost.
  /// `body` returns the commit summary.
  @discardableResult
  public func commit(
    as coder: String, _ body: (Transaction) throws -> String
  ) throws -> CommitResult {
    guard let branch = try repository.headBranch() else { throw GlossError.detachedHead }
    return try repository.withWriterLock {
      var attempt = 0
      while true {
        attempt += 1
        let parent = try repository.referenceTarget(branch)
        let snapshot = try Snapshot(repository: repository, commit: parent)
        let transaction = Transaction(snapshot: snapshot, coder: coder)
        let summary = try body(transaction)
        let updates = transaction.updates
        guard !updates.isEmpty else { throw GlossError.nothingToDo("nothing to change") }
        let dirty = try repository.pathsWithLocalChanges(updates.map(\.path), headTree: snapshot.tree)
        if !dirty.isEmpty { throw GlossError.uncommittedChanges(paths: dirty) }
        let message = "\(summary)\n\nGloss-Coder: \(coder)\n"
        let signature = repository.defaultSignature(
          fallbackName: coder, fallbackEmail: "\(coder)@gloss.invalid")
        let tree = try repository.tree(applying: updates, to: snapshot.tree)
        let commit = try repository.createCommit(
          tree: tree, parents: parent.map { [$0] } ?? [], message: message, author: signature)
        do {
          try repository.compareAndSwap(
            reference: branch, expected: parent, new: commit, logMessage: "gloss: \(summary)")
        } catch let error as GitError
          where [.modified, .exists, .locked].contains(error.code) && attempt < 100
        {
          usleep(UInt32.random(in: 1_000...20_000))
          continue
        }
        try syncWorkTree(updates, commit: commit)
        return CommitResult(commit: commit, message: message)
      }
    }
  }

  /// Updates the work tree and index after a commit, retrying while git holds index.lock.
  func syncWorkTree(_ updates: [TreeUpdate], commit: Oid, verb: String = "committed") throws {
    var attempt = 0
    while true {
      do {
        try repository.syncWorkTree(updates)
        return
      } catch let error as GitError where error.code == .locked && attempt < 200 {
        attempt += 1
        usleep(10_000)
      } catch {
        throw GlossError.repository(
          "\(verb) \(commit.short), but the work tree could not be updated: "
            + error.localizedDescription + "; run 'git checkout -- .' to refresh it")
      }
    }
  }
}
