import Foundation
import GitKit

/// A Gloss project: a git repository holding `gloss.yaml`. The entry point for every command.
public final class Project {
  let repository: Repository
  /// The snapshot handed out last, reused while its commit is the one asked for: opening the
  /// project, starting a session and committing read gloss.yaml and the codebook once, not
  /// once per step. Snapshots only cache what their commit holds, so sharing one is safe.
  private var recentSnapshot: Snapshot?

  init(repository: Repository) {
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
    // getcwd and stat, not FileManager: every command starts here, and FileManager's path
    // handling cost more than opening the repository.
    let location = path ?? currentDirectory()
    var info = stat()
    guard stat(location, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
      throw GlossError.invalidArgument(argument: "-C \(location)", message: "no such folder")
    }
    let repository: Repository
    do {
      repository = try Repository.discover(at: location)
    } catch let error as GitError where error.code == .notFound {
      throw GlossError.noRepository(path: location)
    } catch let error as GitError {
      throw GlossError.git(operation: location, message: error.message)
    }
    // Finish what a killed gloss left half done before reading anything.
    repository.recoverIfNeeded()
    return Project(repository: repository)
  }

  /// The process's working folder ("." when it cannot be named, as when it was removed).
  static func currentDirectory() -> String {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    guard getcwd(&buffer, buffer.count) != nil else { return "." }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  /// The project as of `revision` (HEAD when nil).
  public func snapshot(at revision: String? = nil) throws -> Snapshot {
    guard let revision else { return try snapshot(of: try repository.headCommit()) }
    do {
      return try snapshot(of: try repository.resolveCommit(revision))
    } catch let error as GitError
      where error.code == .notFound || error.code == .invalidSpec
      || error.code == .ambiguous || error.code == .other(-1)
    {
      throw GlossError.unknownRevision(revision)
    }
  }

  /// The project at `commit` (nil: an unborn branch), the recent snapshot when it matches.
  func snapshot(of commit: Oid?) throws -> Snapshot {
    if let recentSnapshot, recentSnapshot.commit == commit { return recentSnapshot }
    let snapshot = try Snapshot(repository: repository, commit: commit)
    recentSnapshot = snapshot
    return snapshot
  }

  /// Who is coding: `--as`, else `GLOSS_CODER`, else git config `gloss.coder`, else the
  /// slug of `user.name`.
  public func coder(explicit: String?, environment: [String: String] = Project.coderEnvironment())
    throws -> String
  {
    try Self.resolveCoder(
      explicit: explicit, environment: environment, config: { repository.config($0) })
  }

  /// The one variable `coder(explicit:)` reads (Foundation's `environment` copies them all).
  public static func coderEnvironment() -> [String: String] {
    getenv("GLOSS_CODER").map { ["GLOSS_CODER": String(cString: $0)] } ?? [:]
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

extension Project {
  /// Writes a file the user asked for (an export) through a temporary next to it that is
  /// renamed into place, so a failure leaves no half file and a kill leaves no temporary
  /// after the next gloss command. `write` fills the temporary path it is given.
  public func writeOutputFile(_ path: String, _ write: (String) throws -> Void) throws {
    do {
      try repository.writeThroughTemporary(path, write)
    } catch let error as GitError {
      throw GlossError.invalidArgument(argument: path, message: "cannot write (\(error.message))")
    }
  }
}
