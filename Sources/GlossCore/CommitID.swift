import Foundation
import GitKit

/// A commit's id as GlossCore's callers see it: the hex text and its short form, so the
/// command line and the server need no git types (GitKit stays behind GlossCore).
public struct CommitID: Hashable, Sendable, CustomStringConvertible {
  /// The full 40-digit hex id.
  public let hex: String

  init(_ oid: Oid) { hex = oid.hex }

  /// The first ten digits, as gloss prints commits.
  public var short: String { String(hex.prefix(10)) }

  public var description: String { hex }
}

extension Project {
  /// The commit the checked-out branch points at, nil before the first commit.
  public func headCommitID() throws -> CommitID? { try repository.headCommit().map(CommitID.init) }

  /// The project's folder: the work tree, or the repository itself when it is bare.
  public var folder: String { repository.workdir ?? repository.gitDirectory }

  /// The git directory (`.git/`, or the bare repository), where local state such as the
  /// server's hashed link tokens is kept outside the work tree.
  public var gitDirectory: String { repository.gitDirectory }
}

extension Snapshot {
  /// The commit this snapshot reads, nil for an unborn branch.
  public var commitID: CommitID? { commit.map(CommitID.init) }
}

extension GlossError {
  /// Runs `body`, turning a libgit2 failure into a `GlossError` so that callers of GlossCore
  /// (the command line, the server) see only Gloss's errors. Every entry point wraps its
  /// work in this once.
  public static func translatingGitErrors<T>(_ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let error as GitError {
      throw GlossError.git(operation: error.operation, message: error.message)
    }
  }
}
