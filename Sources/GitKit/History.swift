import CLibgit2
import Foundation

/// A file that differs between two trees.
public struct FileChange: Sendable, Equatable {
  public enum Status: Sendable { case added, deleted, modified }
  public let path: String
  public let status: Status
  /// The blob before (nil when added) and after (nil when deleted).
  public let oldBlob: Oid?
  public let newBlob: Oid?
  /// What the path is after the change (before it, when deleted): a symbolic link or a
  /// gitlink is never a file of the project.
  public var kind: TreeEntry.Kind = .blob
}

extension Repository {
  /// Commits reachable from `tip`, newest first, stopping before `hiding`'s ancestors.
  public func walk(
    from tip: Oid, hiding: Oid? = nil, firstParentOnly: Bool = false, oldestFirst: Bool = false
  ) throws -> [Oid] {
    var walker: OpaquePointer?
    try check(git_revwalk_new(&walker, pointer), "walk history")
    defer { git_revwalk_free(walker) }
    var sorting = GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue
    if oldestFirst { sorting |= GIT_SORT_REVERSE.rawValue }
    try check(git_revwalk_sorting(walker, sorting), "walk history")
    if firstParentOnly { try check(git_revwalk_simplify_first_parent(walker), "walk history") }
    var tipRaw = tip.raw
    try check(git_revwalk_push(walker, &tipRaw), "walk history from \(tip.short)")
    if var hidden = hiding?.raw {
      try check(git_revwalk_hide(walker, &hidden), "walk history")
    }
    var result: [Oid] = []
    var next = git_oid()
    while git_revwalk_next(&next, walker) == 0 { result.append(Oid(next)) }
    return result
  }

  /// The files that differ between two trees (nil: the empty tree), optionally only under
  /// `prefixes`. Cost grows with the changed subtrees, since equal subtree ids are skipped.
  public func changedFiles(from old: Oid?, to new: Oid?, under prefixes: [String] = []) throws
    -> [FileChange]
  {
    return try withOptionalTree(old) { oldTree in
      try withOptionalTree(new) { newTree in
        var options = git_diff_options()
        try check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "diff")
        var diff: OpaquePointer?
        var array: [UnsafeMutablePointer<CChar>?] = prefixes.map { strdup($0) }
        defer { array.forEach { free($0) } }
        try array.withUnsafeMutableBufferPointer { buffer in
          options.pathspec = git_strarray(strings: buffer.baseAddress, count: buffer.count)
          options.flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH.rawValue
          try check(
            git_diff_tree_to_tree(&diff, pointer, oldTree, newTree, &options), "compare trees")
        }
        defer { git_diff_free(diff) }
        var changes: [FileChange] = []
        for index in 0..<git_diff_num_deltas(diff) {
          guard let delta = git_diff_get_delta(diff, index)?.pointee else { continue }
          let mode = delta.status == GIT_DELTA_DELETED ? delta.old_file.mode : delta.new_file.mode
          let oldPath = delta.old_file.path.map { String(cString: $0) }
          let newPath = delta.new_file.path.map { String(cString: $0) }
          switch delta.status {
          case GIT_DELTA_ADDED:
            changes.append(
              FileChange(
                path: newPath ?? "", status: .added, oldBlob: nil, newBlob: Oid(delta.new_file.id)))
          case GIT_DELTA_DELETED:
            changes.append(
              FileChange(
                path: oldPath ?? "", status: .deleted, oldBlob: Oid(delta.old_file.id), newBlob: nil
              ))
          default:
            changes.append(
              FileChange(
                path: newPath ?? oldPath ?? "", status: .modified, oldBlob: Oid(delta.old_file.id),
                newBlob: Oid(delta.new_file.id)))
          }
          switch UInt32(mode) & 0o170000 {
          case 0o120000: changes[changes.count - 1].kind = .symlink
          case 0o160000: changes[changes.count - 1].kind = .gitlink
          default: break
          }
        }
        return changes
      }
    }
  }

  /// The best common ancestor of two commits, nil when they share no history.
  public func mergeBase(_ one: Oid, _ two: Oid) throws -> Oid? {
    var out = git_oid()
    var a = one.raw
    var b = two.raw
    let result = git_merge_base(&out, pointer, &a, &b)
    if result == GIT_ENOTFOUND.rawValue { return nil }
    try check(result, "find merge base")
    return Oid(out)
  }

  /// How many commits `local` has that `upstream` lacks, and the other way round.
  public func aheadBehind(_ local: Oid, _ upstream: Oid) throws -> (ahead: Int, behind: Int) {
    var ahead = 0
    var behind = 0
    var a = local.raw
    var b = upstream.raw
    try check(git_graph_ahead_behind(&ahead, &behind, pointer, &a, &b), "count commits ahead and behind")
    return (ahead, behind)
  }

  /// Whether `ancestor` is reachable from `descendant` (or equal to it).
  public func isAncestor(_ ancestor: Oid, of descendant: Oid) throws -> Bool {
    if ancestor == descendant { return true }
    var a = descendant.raw
    var b = ancestor.raw
    return try check(git_graph_descendant_of(pointer, &a, &b), "compare commits") == 1
  }
}
