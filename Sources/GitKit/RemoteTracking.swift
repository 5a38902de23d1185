import CLibgit2
import Foundation

/// A branch's upstream, as git keeps it in `branch.<name>.remote` and `branch.<name>.merge`.
public struct Upstream: Sendable, Equatable {
  public let remote: String
  /// The branch's name on the remote (`main`, not `refs/heads/main`).
  public let branch: String

  public init(remote: String, branch: String) {
    self.remote = remote
    self.branch = branch
  }

  /// The remote-tracking reference fetch updates (`refs/remotes/origin/main`).
  public var trackingReference: String { "refs/remotes/\(remote)/\(branch)" }
}

/// A work-tree file that differs from HEAD, as `git status --porcelain` would list it.
public struct ChangedPath: Sendable, Equatable {
  public enum State: String, Sendable {
    case added, modified, deleted, renamed, untracked, conflicted
  }
  public let path: String
  public let state: State
  /// Whether the change is in the index (staged) rather than only in the work tree.
  public let staged: Bool
}

extension Repository {
  /// The upstream of local branch `branch` (short name), when one is configured.
  public func upstream(of branch: String) -> Upstream? {
    guard let remote = config("branch.\(branch).remote"), !remote.isEmpty, remote != ".",
      let merge = config("branch.\(branch).merge"), !merge.isEmpty
    else { return nil }
    let name = merge.hasPrefix("refs/heads/") ? String(merge.dropFirst("refs/heads/".count)) : merge
    return Upstream(remote: remote, branch: name)
  }

  /// Records `upstream` for local branch `branch`, as `git push -u` does.
  public func setUpstream(of branch: String, to upstream: Upstream) throws {
    try setConfig("branch.\(branch).remote", upstream.remote)
    try setConfig("branch.\(branch).merge", "refs/heads/\(upstream.branch)")
  }

  /// Work-tree and index changes against HEAD under `paths` (files or folders), untracked
  /// files included; empty for a bare repository.
  public func changedPaths(under paths: [String]) throws -> [ChangedPath] {
    guard !isBare else { return [] }
    var options = git_status_options()
    try check(git_status_options_init(&options, UInt32(GIT_STATUS_OPTIONS_VERSION)), "status")
    options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR
    options.flags =
      GIT_STATUS_OPT_INCLUDE_UNTRACKED.rawValue | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS.rawValue
      | GIT_STATUS_OPT_RENAMES_HEAD_TO_INDEX.rawValue
    // libgit2 cannot read a split index: it is given the index joined, and does not reread it.
    var joined: OpaquePointer?
    if let file = IndexFile(path: indexPath, sums: indexSumsPath), file.link != nil {
      joined = try file.libgit2Index()
      try check(git_repository_set_index(pointer, joined), "status")
      options.flags |= GIT_STATUS_OPT_NO_REFRESH.rawValue
    }
    defer {
      if joined != nil {
        git_repository_set_index(pointer, nil)
        git_index_free(joined)
      }
    }
    var strings: [UnsafeMutablePointer<CChar>?] = paths.map { strdup($0) }
    defer { strings.forEach { free($0) } }
    var list: OpaquePointer?
    try strings.withUnsafeMutableBufferPointer { buffer in
      options.pathspec = git_strarray(strings: buffer.baseAddress, count: buffer.count)
      try check(git_status_list_new(&list, pointer, &options), "status")
    }
    defer { git_status_list_free(list) }
    var changes: [ChangedPath] = []
    for index in 0..<git_status_list_entrycount(list) {
      guard let entry = git_status_byindex(list, index)?.pointee else { continue }
      let flags = entry.status.rawValue
      let delta = entry.head_to_index ?? entry.index_to_workdir
      guard let file = delta?.pointee.new_file.path ?? delta?.pointee.old_file.path else { continue }
      let staged = flags & 0x1f != 0
      let state: ChangedPath.State
      if flags & GIT_STATUS_CONFLICTED.rawValue != 0 {
        state = .conflicted
      } else if flags & GIT_STATUS_WT_NEW.rawValue != 0 {
        state = .untracked
      } else if flags & (GIT_STATUS_INDEX_NEW.rawValue) != 0 {
        state = .added
      } else if flags & (GIT_STATUS_INDEX_DELETED.rawValue | GIT_STATUS_WT_DELETED.rawValue) != 0 {
        state = .deleted
      } else if flags & (GIT_STATUS_INDEX_RENAMED.rawValue | GIT_STATUS_WT_RENAMED.rawValue) != 0 {
        state = .renamed
      } else if flags
        & (GIT_STATUS_INDEX_MODIFIED.rawValue | GIT_STATUS_WT_MODIFIED.rawValue
          | GIT_STATUS_INDEX_TYPECHANGE.rawValue | GIT_STATUS_WT_TYPECHANGE.rawValue) != 0
      {
        state = .modified
      } else {
        continue
      }
      changes.append(ChangedPath(path: String(cString: file), state: state, staged: staged))
    }
    return changes
  }
}
