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
    // Finish what a killed gloss left half done before reading anything.
    repository.recoverIfNeeded()
    let project = Project(repository: repository)
    _ = try project.snapshot().settings()
    return project
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
