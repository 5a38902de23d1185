import CLibgit2
import Foundation

/// Who made a commit, and when.
public struct Signature: Equatable, Sendable {
  public var name: String
  public var email: String
  public var time: Date
  /// Minutes east of UTC, as git records it.
  public var offsetMinutes: Int

  public init(name: String, email: String, time: Date, offsetMinutes: Int = 0) {
    self.name = name
    self.email = email
    self.time = time
    self.offsetMinutes = offsetMinutes
  }

  init(_ raw: git_signature) {
    name = raw.name.map { String(cString: $0) } ?? ""
    email = raw.email.map { String(cString: $0) } ?? ""
    time = Date(timeIntervalSince1970: TimeInterval(raw.when.time))
    offsetMinutes = Int(raw.when.offset)
  }
}

/// The parts of a commit Gloss reads.
public struct CommitInfo: Sendable {
  public let id: Oid
  public let tree: Oid
  public let parents: [Oid]
  public let message: String
  public let author: Signature
  public let committer: Signature

  /// The first line of the message.
  public var summary: String {
    String(message.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
  }

  /// Values of `Key: value` trailers in the message's last paragraph.
  public func trailers(_ key: String) -> [String] {
    let paragraphs = message.trimmingCharacters(in: .whitespacesAndNewlines)
      .components(separatedBy: "\n\n")
    guard let last = paragraphs.last else { return [] }
    let prefix = key.lowercased() + ":"
    return last.split(separator: "\n").compactMap { line in
      guard line.lowercased().hasPrefix(prefix) else { return nil }
      return line.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
    }
  }
}

/// One entry of a tree.
public struct TreeEntry: Sendable, Equatable {
  /// What an entry is. A symbolic link's blob holds the link's target, not file contents,
  /// and a gitlink names a commit of another repository: neither is ever read as a file.
  public enum Kind: Sendable { case blob, tree, symlink, gitlink, other }
  public let name: String
  public let id: Oid
  public let kind: Kind
}

extension TreeEntry.Kind {
  /// What a file's git mode says it is: a symbolic link, a gitlink or a plain blob.
  init(fileMode mode: UInt32) {
    switch mode & 0o170000 {
    case 0o120000: self = .symlink
    case 0o160000: self = .gitlink
    default: self = .blob
    }
  }
}

/// A change to apply to a tree: write a file's bytes, or remove it.
public enum TreeUpdate: Sendable, Equatable {
  case write(path: String, contents: Data)
  case remove(path: String)

  public var path: String {
    switch self {
    case .write(let path, _), .remove(let path): return path
    }
  }
}

extension Repository {
  /// Reads a commit's metadata.
  public func commit(_ id: Oid) throws -> CommitInfo {
    var raw = id.raw
    var commit: OpaquePointer?
    try check(git_commit_lookup(&commit, pointer, &raw), "read commit \(id.short)")
    defer { git_commit_free(commit) }
    var parents: [Oid] = []
    for index in 0..<git_commit_parentcount(commit) {
      if let parent = git_commit_parent_id(commit, index) { parents.append(Oid(parent.pointee)) }
    }
    let message = git_commit_message(commit).map { String(cString: $0) } ?? ""
    let empty = git_signature(name: nil, email: nil, when: git_time())
    return CommitInfo(
      id: id,
      tree: git_commit_tree_id(commit).map { Oid($0.pointee) } ?? id,
      parents: parents,
      message: message,
      author: Signature(git_commit_author(commit)?.pointee ?? empty),
      committer: Signature(git_commit_committer(commit)?.pointee ?? empty))
  }

  /// The id of the object at `path` inside tree `tree`, nil when absent.
  public func entry(at path: String, inTree tree: Oid) throws -> TreeEntry? {
    try withTree(tree) { treePointer in
      var entry: OpaquePointer?
      let result = git_tree_entry_bypath(&entry, treePointer, path)
      if result == GIT_ENOTFOUND.rawValue { return nil }
      try check(result, "read \(path)")
      defer { git_tree_entry_free(entry) }
      return Self.makeEntry(entry)
    }
  }

  /// The entries of the folder at `path` (empty path: the root), empty when absent.
  public func entries(inFolder path: String, ofTree tree: Oid) throws -> [TreeEntry] {
    let folder: Oid
    if path.isEmpty {
      folder = tree
    } else {
      guard let entry = try entry(at: path, inTree: tree), entry.kind == .tree else { return [] }
      folder = entry.id
    }
    return try withTree(folder) { treePointer in
      var result: [TreeEntry] = []
      let count = git_tree_entrycount(treePointer)
      result.reserveCapacity(count)
      for index in 0..<count {
        if let entry = Self.makeEntry(git_tree_entry_byindex(treePointer, index)) {
          result.append(entry)
        }
      }
      return result
    }
  }

  /// A blob's bytes.
  public func blob(_ id: Oid) throws -> Data {
    var raw = id.raw
    var blob: OpaquePointer?
    try check(git_blob_lookup(&blob, pointer, &raw), "read blob \(id.short)")
    defer { git_blob_free(blob) }
    let size = Int(git_blob_rawsize(blob))
    guard size > 0, let bytes = git_blob_rawcontent(blob) else { return Data() }
    return Data(bytes: bytes, count: size)
  }

  /// The bytes of the file at `path` in tree `tree`, nil when there is no such file.
  public func file(at path: String, inTree tree: Oid) throws -> Data? {
    guard let entry = try entry(at: path, inTree: tree), entry.kind == .blob else { return nil }
    if Self.workTreeFirst, let bytes = try? workTreeBytes(path, ifBlob: entry.id) { return bytes }
    return try blob(entry.id)
  }

  nonisolated(unsafe) private static var workTreeFirst = false

  /// For a process that makes one change and exits (`gloss add`), set before it reads: a
  /// file whose work-tree copy holds the blob asked for (hashed to check, as `git add`
  /// hashes it) is read from there instead of inflated from the object database. A process
  /// that reads many revisions would hash work-tree files in vain.
  public static func readWorkTreeFilesFirst() {
    workTreeFirst = true
  }

  /// The id bytes would have as a blob, without storing them: hashed as work-tree files
  /// are (`Oid(blobHashing:)`), to compare and to key caches; libgit2 hashes what it stores.
  public func blobID(of data: Data) -> Oid {
    Oid(blobHashing: data)
  }

  /// Stores bytes as a blob.
  public func writeBlob(_ data: Data) throws -> Oid {
    var oid = git_oid()
    try data.withUnsafeBytes { buffer in
      _ = try check(
        git_blob_create_from_buffer(&oid, pointer, buffer.baseAddress, buffer.count), "write blob")
    }
    return Oid(oid)
  }

  /// The id of the empty tree (written to the object database if needed).
  public func emptyTree() throws -> Oid {
    var builder: OpaquePointer?
    try check(git_treebuilder_new(&builder, pointer, nil), "create tree")
    defer { git_treebuilder_free(builder) }
    var oid = git_oid()
    try check(git_treebuilder_write(&oid, builder), "write tree")
    return Oid(oid)
  }

  /// Builds a new tree from `base` with `updates` applied, in memory: cost grows with the
  /// number of updated paths and their depth, not with the size of the tree.
  public func tree(applying updates: [TreeUpdate], to base: Oid?) throws -> Oid {
    let baseTree = try base ?? emptyTree()
    guard !updates.isEmpty else { return baseTree }
    var paths: [UnsafeMutablePointer<CChar>] = []
    defer { paths.forEach { free($0) } }
    var raw: [git_tree_update] = []
    for update in updates {
      guard let path = strdup(update.path) else {
        throw GitError(code: .other(-1), message: "out of memory", operation: "build tree")
      }
      paths.append(path)
      var item = git_tree_update()
      item.path = UnsafePointer(path)
      switch update {
      case .write(_, let contents):
        item.action = GIT_TREE_UPDATE_UPSERT
        item.id = try writeBlob(contents).raw
        item.filemode = GIT_FILEMODE_BLOB
      case .remove:
        item.action = GIT_TREE_UPDATE_REMOVE
      }
      raw.append(item)
    }
    return try withTree(baseTree) { treePointer in
      var oid = git_oid()
      try check(
        git_tree_create_updated(&oid, pointer, treePointer, raw.count, raw), "build tree")
      return Oid(oid)
    }
  }

  /// Writes a commit object without moving any reference.
  public func createCommit(
    tree: Oid, parents: [Oid], message: String, author: Signature, committer: Signature? = nil
  ) throws -> Oid {
    var treeRaw = tree.raw
    var treeObject: OpaquePointer?
    try check(git_tree_lookup(&treeObject, pointer, &treeRaw), "read tree")
    defer { git_tree_free(treeObject) }
    var parentObjects: [OpaquePointer?] = []
    defer { parentObjects.forEach { git_commit_free($0) } }
    for parent in parents {
      var parentRaw = parent.raw
      var object: OpaquePointer?
      try check(git_commit_lookup(&object, pointer, &parentRaw), "read commit \(parent.short)")
      parentObjects.append(object)
    }
    let authorSig = try makeSignature(author)
    defer { git_signature_free(authorSig) }
    let committerSig = try makeSignature(committer ?? author)
    defer { git_signature_free(committerSig) }
    var oid = git_oid()
    try parentObjects.withUnsafeMutableBufferPointer { buffer in
      _ = try check(
        git_commit_create(
          &oid, pointer, nil, authorSig, committerSig, "UTF-8", message, treeObject,
          buffer.count, buffer.baseAddress),
        "write commit")
    }
    return Oid(oid)
  }

  // MARK: Helpers

  /// Like `withTree`, passing NULL for nil (libgit2 reads that as the empty tree).
  func withOptionalTree<T>(_ id: Oid?, _ body: (OpaquePointer?) throws -> T) throws -> T {
    guard let id else { return try body(nil) }
    return try withTree(id, body)
  }

  func withTree<T>(_ id: Oid, _ body: (OpaquePointer?) throws -> T) throws -> T {
    var raw = id.raw
    var tree: OpaquePointer?
    try check(git_tree_lookup(&tree, pointer, &raw), "read tree \(id.short)")
    defer { git_tree_free(tree) }
    return try body(tree)
  }

  private static func makeEntry(_ entry: OpaquePointer?) -> TreeEntry? {
    guard let entry, let name = git_tree_entry_name(entry), let id = git_tree_entry_id(entry)
    else { return nil }
    let kind: TreeEntry.Kind
    switch (git_tree_entry_type(entry), git_tree_entry_filemode(entry)) {
    case (_, GIT_FILEMODE_LINK): kind = .symlink
    case (_, GIT_FILEMODE_COMMIT): kind = .gitlink
    case (GIT_OBJECT_BLOB, _): kind = .blob
    case (GIT_OBJECT_TREE, _): kind = .tree
    default: kind = .other
    }
    return TreeEntry(name: String(cString: name), id: Oid(id.pointee), kind: kind)
  }

  private func makeSignature(_ signature: Signature) throws -> UnsafeMutablePointer<git_signature> {
    var out: UnsafeMutablePointer<git_signature>?
    let seconds = git_time_t(signature.time.timeIntervalSince1970.rounded(.down))
    try check(
      git_signature_new(&out, signature.name, signature.email, seconds, Int32(signature.offsetMinutes)),
      "make signature for \(signature.name)")
    guard let out else {
      throw GitError(code: .other(-1), message: "", operation: "make signature")
    }
    return out
  }
}
