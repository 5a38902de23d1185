import Foundation
import GitKit

/// Where the current branch stands against its remote, for sync buttons.
public struct SyncStatus: Sendable, Equatable {
  /// The remote sync uses: the branch's configured upstream remote, else `origin`; nil when
  /// the repository has neither.
  public var remote: String?
  public var branch: String
  /// Commits here that the remote's branch lacks, and the other way round, as of the last
  /// fetch; nil when the remote has no such branch (yet).
  public var ahead: Int?
  public var behind: Int?

  public var json: JSON {
    .object([
      ("remote", .optional(remote)), ("branch", .string(branch)),
      ("ahead", ahead.map(JSON.int) ?? .null), ("behind", behind.map(JSON.int) ?? .null),
    ])
  }
}

extension Project {
  /// The remote `fetch`, `pull` and `push` use when none is named: the branch's configured
  /// upstream remote (`branch.<name>.remote`), else `origin`; nil when neither exists.
  public func defaultRemote() throws -> String? {
    let branch = try currentBranchName()
    if let configured = repository.config("branch.\(branch).remote"), repository.hasRemote(configured) {
      return configured
    }
    return repository.hasRemote("origin") ? "origin" : nil
  }

  /// The current branch against `remote`'s branch of the same name (its remote-tracking
  /// branch; nothing is fetched here).
  public func syncStatus(remote: String? = nil) throws -> SyncStatus {
    let branch = try currentBranchName()
    let remote = try remote ?? defaultRemote()
    var status = SyncStatus(remote: remote, branch: branch)
    guard let remote,
      let theirs = try repository.referenceTarget("refs/remotes/\(remote)/\(branch)")
    else { return status }
    guard let ours = try repository.referenceTarget("refs/heads/\(branch)") else { return status }
    (status.ahead, status.behind) = try repository.aheadBehind(ours, theirs)
    return status
  }
}
