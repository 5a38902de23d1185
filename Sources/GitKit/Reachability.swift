import CLibgit2

/// What the push checks need to know about history: which commits are new to a repository,
/// whether history is complete, and what references point at.
extension Repository {
  /// Commits reachable from `tips` but not from `hiding` nor from any reference matching
  /// one of `hidingReferences` (globs such as `refs/*`, which gives `git rev-list TIPS --not
  /// --all`, or `refs/remotes/origin/*`), parents before children. Unlike `walk`, a commit
  /// that cannot be read (a shallow clone, a lost object) is an error, never the silent end
  /// of history.
  public func newCommits(from tips: [Oid], hiding: [Oid] = [], hidingReferences globs: [String] = []) throws
    -> [Oid]
  {
    var walker: OpaquePointer?
    try check(git_revwalk_new(&walker, pointer), "walk history")
    defer { git_revwalk_free(walker) }
    let sorting = GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_REVERSE.rawValue
    try check(git_revwalk_sorting(walker, sorting), "walk history")
    for tip in tips {
      var raw = tip.raw
      try check(git_revwalk_push(walker, &raw), "walk history from \(tip.short)")
    }
    for hidden in hiding {
      var raw = hidden.raw
      try check(git_revwalk_hide(walker, &raw), "walk history")
    }
    let names = globs.isEmpty ? [] : try references().map(\.name)
    for glob in globs where names.contains(where: { Self.matches(glob, $0) }) {
      try check(git_revwalk_hide_glob(walker, glob), "walk history")
    }
    var result: [Oid] = []
    var next = git_oid()
    while true {
      let status = git_revwalk_next(&next, walker)
      if status == GIT_ITEROVER.rawValue { break }
      try check(status, "walk history")
      result.append(Oid(next))
    }
    return result
  }

  /// Whether reference `name` matches `glob` (only a trailing `*` is a wildcard here;
  /// libgit2 fails on a glob that matches nothing, so callers check first).
  static func matches(_ glob: String, _ name: String) -> Bool {
    glob.hasSuffix("*") ? name.hasPrefix(String(glob.dropLast())) : name == glob
  }

  /// The first commit found, walking back from `tips`, whose parent is not in the object
  /// database (a shallow clone's boundary, or a lost object); nil when history is complete.
  /// Every ancestor is visited, so call it to explain a failed walk, not on every check.
  public func missingParent(from tips: [Oid]) throws -> (commit: Oid, parent: Oid)? {
    var odb: OpaquePointer?
    try check(git_repository_odb(&odb, pointer), "open object database")
    defer { git_odb_free(odb) }
    var seen = Set(tips)
    var queue = tips
    while let id = queue.popLast() {
      var raw = id.raw
      var commit: OpaquePointer?
      guard git_commit_lookup(&commit, pointer, &raw) == 0 else { continue }
      defer { git_commit_free(commit) }
      for index in 0..<git_commit_parentcount(commit) {
        guard var parent = git_commit_parent_id(commit, index)?.pointee else { continue }
        let parentID = Oid(parent)
        if git_odb_exists(odb, &parent) == 0 { return (id, parentID) }
        if seen.insert(parentID).inserted { queue.append(parentID) }
      }
    }
    return nil
  }

  /// Whether the object database holds `id`.
  public func contains(_ id: Oid) -> Bool {
    var odb: OpaquePointer?
    guard git_repository_odb(&odb, pointer) == 0 else { return false }
    defer { git_odb_free(odb) }
    var raw = id.raw
    return git_odb_exists(odb, &raw) == 1
  }

  /// Whether this is a shallow clone (history cut off at a depth).
  public var isShallow: Bool { git_repository_is_shallow(pointer) == 1 }

  /// Every direct reference (branches, tags, notes, anything under refs/) and its target.
  public func references() throws -> [(name: String, target: Oid)] {
    var iterator: OpaquePointer?
    try check(git_reference_iterator_new(&iterator, pointer), "list references")
    defer { git_reference_iterator_free(iterator) }
    var result: [(String, Oid)] = []
    var ref: OpaquePointer?
    while git_reference_next(&ref, iterator) == 0 {
      defer { git_reference_free(ref) }
      guard git_reference_type(ref) == GIT_REFERENCE_DIRECT, let name = git_reference_name(ref),
        let target = git_reference_target(ref)
      else { continue }
      result.append((String(cString: name), Oid(target.pointee)))
    }
    return result
  }

  /// The commit an object is or points at (an annotated tag is followed); nil when it is
  /// not a commit (a tree, a blob, a tag of one); throws when the object is missing.
  public func peelToCommit(_ id: Oid) throws -> Oid? {
    var raw = id.raw
    var object: OpaquePointer?
    try check(git_object_lookup(&object, pointer, &raw, GIT_OBJECT_ANY), "read object \(id.short)")
    defer { git_object_free(object) }
    var commit: OpaquePointer?
    guard git_object_peel(&commit, object, GIT_OBJECT_COMMIT) == 0 else { return nil }
    defer { git_object_free(commit) }
    return git_object_id(commit).map { Oid($0.pointee) }
  }
}
