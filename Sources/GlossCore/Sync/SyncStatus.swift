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
  /// The current branch against `remote` (nil: the branch's upstream remote, else `origin`), as
  /// of the last fetch: its upstream branch when it tracks one there, else the branch of the
  /// same name. Nothing is fetched here.
  public func syncStatus(remote: String? = nil) throws -> SyncStatus {
    let branch = try currentBranchName()
    let upstream = repository.upstream(of: branch)
    let name: String?
    do {
      name = try remote ?? defaultRemote(for: branch)
    } catch GlossError.noUpstream {
      name = nil
    }
    var status = SyncStatus(remote: name, branch: branch)
    guard let name else { return status }
    let tracking = upstream.flatMap { $0.remote == name ? $0.trackingReference : nil }
    guard let theirs = try repository.referenceTarget(tracking ?? "refs/remotes/\(name)/\(branch)"),
      let ours = try repository.referenceTarget("refs/heads/\(branch)")
    else { return status }
    (status.ahead, status.behind) = try repository.aheadBehind(ours, theirs)
    return status
  }
}
