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
  /// `prefixes` (each a file or a folder), in path order, as libgit2's tree-to-tree diff
  /// gives them without rename or type-change detection. The trees are walked side by
  /// side and equal subtree ids are skipped without being read, so the cost grows with the
  /// changed folders, not the project (libgit2's diff costs milliseconds per commit on
  /// folders of a thousand files).
  public func changedFiles(from old: Oid?, to new: Oid?, under prefixes: [String] = []) throws
    -> [FileChange]
  {
    var changes: [FileChange] = []
    let wanted = prefixes.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
    try compareTrees(old, new, folder: "", prefixes: wanted, into: &changes)
    return changes
  }

  private func compareTrees(
    _ old: Oid?, _ new: Oid?, folder: String, prefixes: [String], into changes: inout [FileChange]
  ) throws {
    try withOptionalTree(old) { before in
      try withOptionalTree(new) { after in
        let (oldCount, newCount) = (before.map(git_tree_entrycount) ?? 0, after.map(git_tree_entrycount) ?? 0)
        var (i, j) = (0, 0)
        while i < oldCount || j < newCount {
          let a = i < oldCount ? git_tree_entry_byindex(before, i) : nil
          let b = j < newCount ? git_tree_entry_byindex(after, j) : nil
          guard a != nil || b != nil else { break }
          let order = a == nil ? 1 : b == nil ? -1 : Self.treeOrder(a, b)
          if order < 0 {
            try report(a, nil, folder: folder, prefixes: prefixes, into: &changes)
            i += 1
          } else if order > 0 {
            try report(nil, b, folder: folder, prefixes: prefixes, into: &changes)
            j += 1
          } else {
            try report(a, b, folder: folder, prefixes: prefixes, into: &changes)
            i += 1
            j += 1
          }
        }
      }
    }
  }

  /// One name of a folder on either side: the same entry on both (skipped when equal),
  /// or an entry only before (deleted) or only after (added).
  private func report(
    _ a: OpaquePointer?, _ b: OpaquePointer?, folder: String, prefixes: [String], into changes: inout [FileChange]
  ) throws {
    guard let entry = b ?? a, let name = git_tree_entry_name(entry) else { return }
    let path = folder + String(cString: name)
    let (oldMode, newMode) = (
      a.map { git_tree_entry_filemode($0).rawValue }, b.map { git_tree_entry_filemode($0).rawValue }
    )
    let (oldID, newID) = (
      a.flatMap(git_tree_entry_id).map { Oid($0.pointee) }, b.flatMap(git_tree_entry_id).map { Oid($0.pointee) }
    )
    if oldID == newID && oldMode == newMode { return }
    let isTree = { (mode: UInt32?) in mode.map { $0 & 0o170000 == 0o040000 } ?? false }
    if isTree(oldMode) || isTree(newMode) {
      guard Self.folder(path, mayHold: prefixes) else { return }
      // Same-named entries are both folders here (a file and a folder of one name sort apart).
      try compareTrees(
        isTree(oldMode) ? oldID : nil, isTree(newMode) ? newID : nil, folder: path + "/", prefixes: prefixes,
        into: &changes)
      return
    }
    guard prefixes.isEmpty || prefixes.contains(where: { path == $0 || path.hasPrefix($0 + "/") }) else { return }
    switch (oldMode, newMode) {
    case (let before?, let after?) where before & 0o170000 == after & 0o170000:
      changes.append(
        FileChange(path: path, status: .modified, oldBlob: oldID, newBlob: newID, kind: TreeEntry.Kind(fileMode: after))
      )
    default:
      // A file that became a link (or the reverse) is a deletion and an addition, as
      // libgit2 reports it without type changes.
      if let before = oldMode {
        changes.append(
          FileChange(path: path, status: .deleted, oldBlob: oldID, newBlob: nil, kind: TreeEntry.Kind(fileMode: before))
        )
      }
      if let after = newMode {
        changes.append(
          FileChange(path: path, status: .added, oldBlob: nil, newBlob: newID, kind: TreeEntry.Kind(fileMode: after)))
      }
    }
  }

  /// Whether a folder can hold paths under `prefixes` (each a file or folder path).
  private static func folder(_ path: String, mayHold prefixes: [String]) -> Bool {
    prefixes.isEmpty || prefixes.contains { $0 == path || $0.hasPrefix(path + "/") || path.hasPrefix($0 + "/") }
  }

  /// git's order of tree entries: by name, a folder's name compared as if it ended in "/".
  private static func treeOrder(_ a: OpaquePointer?, _ b: OpaquePointer?) -> Int {
    guard let x = git_tree_entry_name(a), let y = git_tree_entry_name(b) else { return 0 }
    var index = 0
    while true {
      var p = UInt8(bitPattern: x[index])
      var q = UInt8(bitPattern: y[index])
      if p == 0 && git_tree_entry_filemode(a).rawValue & 0o170000 == 0o040000 { p = UInt8(ascii: "/") }
      if q == 0 && git_tree_entry_filemode(b).rawValue & 0o170000 == 0o040000 { q = UInt8(ascii: "/") }
      if p != q || p == 0 || x[index] == 0 || y[index] == 0 { return Int(p) - Int(q) }
      index += 1
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
