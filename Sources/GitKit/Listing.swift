import CLibgit2
import Foundation

/// A file-like entry of a tree or the index: a regular file, a symbolic link or a gitlink.
public struct LeafEntry: Sendable, Equatable {
  public let path: String
  public let id: Oid
  public let kind: TreeEntry.Kind
}

extension Repository {
  /// Every file in a tree with its blob id, depth first, paths relative to the root.
  /// `under` limits the walk to one folder. Symbolic links and gitlinks are not files:
  /// `leaves(inTree:)` lists them.
  public func files(inTree tree: Oid, under folder: String = "") throws -> [(path: String, blob: Oid)] {
    try leaves(inTree: tree, under: folder).filter { $0.kind == .blob }.map { ($0.path, $0.id) }
  }

  /// Every entry of a tree that is not a folder (files, symbolic links, gitlinks), depth first.
  public func leaves(inTree tree: Oid, under folder: String = "") throws -> [LeafEntry] {
    var result: [LeafEntry] = []
    func visit(_ id: Oid, _ prefix: String) throws {
      for entry in try entries(inFolder: "", ofTree: id) {
        let path = prefix + entry.name
        switch entry.kind {
        case .tree: try visit(entry.id, path + "/")
        case .blob, .symlink, .gitlink: result.append(LeafEntry(path: path, id: entry.id, kind: entry.kind))
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

  /// The staged files (stage 0 of the index) with their blob ids; symbolic links and
  /// gitlinks are left out (`indexEntries()` lists them).
  public func indexFiles() throws -> [(path: String, blob: Oid)] {
    try indexEntries().filter { $0.kind == .blob }.map { ($0.path, $0.id) }
  }

  /// Every entry of the index with what it is, from its file mode.
  public func indexEntries() throws -> [LeafEntry] {
    var index: OpaquePointer?
    var path = indexPath
    if let file = ProcessInfo.processInfo.environment["GIT_INDEX_FILE"], !file.isEmpty {
      // git resolves a relative GIT_INDEX_FILE against the current folder (hooks run at the
      // top of the work tree).
      path = file.hasPrefix("/") ? file : FileManager.default.currentDirectoryPath + "/" + file
    }
    // gloss's own reader first: libgit2 cannot read a split index.
    if let entries = IndexFile(path: path)?.allEntries() {
      return entries.map { LeafEntry(path: $0.path, id: $0.id, kind: TreeEntry.Kind(fileMode: $0.mode)) }
    }
    if path != indexPath {
      try check(git_index_open(&index, path), "open index \(path)")
    } else {
      try check(git_repository_index(&index, pointer), "open index")
    }
    defer { git_index_free(index) }
    try check(git_index_read(index, 0), "read index")
    var result: [LeafEntry] = []
    for position in 0..<git_index_entrycount(index) {
      guard let entry = git_index_get_byindex(index, position)?.pointee, let path = entry.path else {
        continue
      }
      result.append(
        LeafEntry(path: String(cString: path), id: Oid(entry.id), kind: TreeEntry.Kind(fileMode: entry.mode)))
    }
    return result
  }
}
