import CLibgit2
import Foundation

extension Repository {
  /// Every file in a tree with its blob id, depth first, paths relative to the root.
  /// `under` limits the walk to one folder.
  public func files(inTree tree: Oid, under folder: String = "") throws -> [(path: String, blob: Oid)] {
    var result: [(String, Oid)] = []
    func visit(_ id: Oid, _ prefix: String) throws {
      for entry in try entries(inFolder: "", ofTree: id) {
        let path = prefix + entry.name
        switch entry.kind {
        case .blob: result.append((path, entry.id))
        case .tree: try visit(entry.id, path + "/")
        case .other: continue
        }
      }
    }
    if folder.isEmpty {
      try visit(tree, "")
    } else if let entry = try entry(at: folder, inTree: tree), entry.kind == .tree {
      try visit(entry.id, folder + "/")
    }
    return result
  }

  /// The staged files (stage 0 of the index) with their blob ids. Inside a hook of
  /// `git commit -a` or `git commit PATH`, git names a temporary index in GIT_INDEX_FILE:
  /// that one holds what is being committed, so it is read instead of the repository's.
  public func indexFiles() throws -> [(path: String, blob: Oid)] {
    var index: OpaquePointer?
    if let file = ProcessInfo.processInfo.environment["GIT_INDEX_FILE"], !file.isEmpty {
      // git resolves a relative GIT_INDEX_FILE against the current folder (hooks run at the
      // top of the work tree).
      let path = file.hasPrefix("/") ? file : FileManager.default.currentDirectoryPath + "/" + file
      try check(git_index_open(&index, path), "open index \(path)")
    } else {
      try check(git_repository_index(&index, pointer), "open index")
    }
    defer { git_index_free(index) }
    try check(git_index_read(index, 0), "read index")
    var result: [(String, Oid)] = []
    for position in 0..<git_index_entrycount(index) {
      guard let entry = git_index_get_byindex(index, position)?.pointee, let path = entry.path else {
        continue
      }
      result.append((String(cString: path), Oid(entry.id)))
    }
    return result
  }
}
