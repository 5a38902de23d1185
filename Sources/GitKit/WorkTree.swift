import CLibgit2
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

extension Repository {
  /// Paths among `paths` with uncommitted changes against HEAD.
  public func pathsWithLocalChanges(_ paths: [String]) throws -> [String] {
    let tree = try headCommit().map { try commit($0).tree }
    return try pathsWithLocalChanges(paths, headTree: tree)
  }

  /// Paths among `paths` whose index entry differs from `headTree` or whose work-tree file
  /// differs from the index, as `git status` would report them. Only the named paths are
  /// looked at (a stat each, and a hash only when the stat data changed), so the cost does
  /// not grow with the size of the work tree.
  public func pathsWithLocalChanges(_ paths: [String], headTree: Oid?) throws -> [String] {
    guard workdir != nil, !paths.isEmpty else { return [] }
    // The index file as it is now (one read; the repository's cached index would be read
    // on opening and again to refresh it).
    if let file = IndexFile(path: indexPath, sums: indexSumsPath) {
      return try pathsWithLocalChanges(paths, headTree: headTree, staged: file.entry)
    }
    let index = try Self.openIndex(at: indexPath)
    defer { git_index_free(index) }
    return try pathsWithLocalChanges(paths, headTree: headTree, staged: Self.entries(of: index))
  }

  /// `pathsWithLocalChanges(_:headTree:)` against the index held under `lock`, which the
  /// commit that follows updates without reading the index again.
  public func pathsWithLocalChanges(_ paths: [String], headTree: Oid?, holding lock: IndexLock) throws -> [String] {
    guard workdir != nil, !paths.isEmpty else { return [] }
    if let file = lock.indexFile(of: self) {
      return try pathsWithLocalChanges(paths, headTree: headTree, staged: file.entry)
    }
    return try pathsWithLocalChanges(paths, headTree: headTree, staged: Self.entries(of: try lock.openIndex(of: self)))
  }

  /// Stage-0 entries of an index libgit2 has read.
  private static func entries(of index: OpaquePointer?) -> (String) -> IndexFile.Entry? {
    { path in
      git_index_get_bypath(index, path, 0).map {
        IndexFile.Entry(
          id: Oid($0.pointee.id), fileSize: $0.pointee.file_size,
          mtimeSeconds: UInt32(bitPattern: $0.pointee.mtime.seconds), mtimeNanoseconds: $0.pointee.mtime.nanoseconds)
      }
    }
  }

  private func pathsWithLocalChanges(
    _ paths: [String], headTree: Oid?, staged lookup: (String) -> IndexFile.Entry?
  ) throws -> [String] {
    guard let root = workdir else { return [] }
    // An entry written in the same second as the index may hide a later edit of the same
    // size ("racy git"); such entries are always hashed.
    var indexInfo = stat()
    let indexTime = stat(indexPath, &indexInfo) == 0 ? Int64(indexInfo.st_mtim.tv_sec) : Int64.max
    var dirty: [String] = []
    for path in paths {
      let committed = try headTree.flatMap { try entry(at: path, inTree: $0) }?.id
      let staged = lookup(path)
      if staged?.id != committed {
        dirty.append(path)
        continue
      }
      var info = stat()
      guard lstat(root + path, &info) == 0 else {
        if staged != nil { dirty.append(path) }
        continue
      }
      guard let entry = staged else {
        dirty.append(path)
        continue
      }
      let sameStat =
        Int64(entry.fileSize) == Int64(info.st_size) && Int64(entry.mtimeSeconds) == Int64(info.st_mtim.tv_sec)
        && Int64(entry.mtimeNanoseconds) == Int64(info.st_mtim.tv_nsec)
      if sameStat && Int64(entry.mtimeSeconds) < indexTime { continue }
      // A file gloss just wrote is racily clean (written in the index's second), so this
      // runs at every change: hashed here, in a fraction of libgit2's time. Anything but a
      // regular file where one was staged (a link, a FIFO, a folder) is a change, and is
      // not opened.
      if try info.st_mode & S_IFMT != S_IFREG || workTreeBytes(path, ifBlob: entry.id) == nil {
        dirty.append(path)
      }
    }
    return dirty
  }

  /// The bytes of the work tree's regular file at `path` when they are blob `id`'s (hashed
  /// to check), else nil.
  func workTreeBytes(_ path: String, ifBlob id: Oid) throws -> Data? {
    guard let root = workdir, let bytes = try Self.regularFileContents(root + path, named: path) else { return nil }
    return Oid(blobHashing: bytes) == id ? bytes : nil
  }

  /// The top of the work tree holding `path`: the nearest folder up with a `.git`, found
  /// without libgit2 (which finds repositories with more care), for reading ahead of it
  /// where a wrong answer costs only the read. nil inside a hook (GIT_DIR set).
  public static func workTreeRoot(containing path: String) -> String? {
    guard getenv("GIT_DIR") == nil else { return nil }
    var folder = path.hasSuffix("/") ? String(path.dropLast()) : path
    while true {
      var info = stat()
      if lstat(folder + "/.git", &info) == 0 { return folder + "/" }
      guard let slash = folder.lastIndex(of: "/"), !folder.isEmpty else { return nil }
      folder = String(folder[..<slash])
    }
  }

  /// The bytes of the regular file at `full` and the id they have as a blob; nil when there
  /// is no such file or it cannot be read. Needs nothing of libgit2, so it can run while
  /// libgit2 sets itself up.
  public static func blobInWorkTree(_ full: String) -> (bytes: Data, id: Oid)? {
    guard let bytes = try? regularFileContents(full, named: full) else { return nil }
    return (bytes, Oid(blobHashing: bytes))
  }

  /// The bytes of the regular file at `full` (not followed if it is a link, not waited on if
  /// it is a FIFO), nil when there is none. Read with plain system calls: Foundation's first
  /// file read in a process costs a `gloss add` more than the read itself.
  static func regularFileContents(_ full: String, named path: String) throws -> Data? {
    let fd = Glibc.open(full, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
    guard fd >= 0 else {
      if errno == ENOENT || errno == ELOOP || errno == ENOTDIR { return nil }
      throw GitError(code: .other(-1), message: String(cString: strerror(errno)), operation: "read \(path)")
    }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
    var bytes = Data(count: Int(info.st_size))
    var failure: Int32 = 0
    let count = bytes.withUnsafeMutableBytes { buffer -> Int in
      var offset = 0
      while offset < buffer.count {
        let got = read(fd, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
        if got < 0 && errno == EINTR { continue }
        if got < 0 { failure = errno }
        if got <= 0 { break }
        offset += got
      }
      return offset
    }
    guard failure == 0 else {
      throw GitError(code: .other(-1), message: String(cString: strerror(failure)), operation: "read \(path)")
    }
    // A file cut short while read is read as it is now.
    if count < bytes.count { bytes.count = count }
    return bytes
  }

  /// Writes a whole tree into an empty work tree and index (after a clone or init).
  public func checkoutHead() throws {
    var options = git_checkout_options()
    try check(
      git_checkout_options_init(&options, UInt32(GIT_CHECKOUT_OPTIONS_VERSION)), "check out")
    options.checkout_strategy = GIT_CHECKOUT_SAFE.rawValue | GIT_CHECKOUT_RECREATE_MISSING.rawValue
    try check(git_checkout_head(pointer, &options), "check out HEAD")
  }
}
