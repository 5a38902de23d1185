import CLibgit2
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Moving the checked-out branch and bringing the index and work tree along, so that
/// neither a plain `git commit` running beside gloss nor a `kill -9` loses a commit:
///
/// - `.git/index.lock` is held (created with O_CREAT|O_EXCL, as git does) from reading the
///   branch tip to installing the new index, so git either sees the new index or fails to
///   lock it;
/// - a journal, `.git/gloss-sync`, names the paths being synced before the branch moves and
///   goes once the index is installed; the next writer (or any gloss command) finishes a
///   sync a crash interrupted, for paths that still hold the pre-commit content;
/// - files are written to `.<name>.gloss-tmp` next to their place and renamed; the lock
///   files gloss creates are recorded in `.git/gloss.lock`, so a later gloss can tell its own
///   stale locks from git's live ones.
extension Repository {
  /// Where a writer records what it holds; also the file the writer lock `flock`s.
  var writerLockPath: String { gitDirectory + "gloss.lock" }
  var journalPath: String { gitDirectory + "gloss-sync" }
  var indexPath: String { gitDirectory + "index" }
  public var indexLockPath: String { gitDirectory + "index.lock" }
  var scratchIndexPath: String { gitDirectory + "gloss-index.tmp" }
  /// The hash checkpoints of the index gloss last wrote (`IndexSums`).
  var indexSumsPath: String { gitDirectory + "gloss-index-sums" }
  private var privateIndexLockPath: String { gitDirectory + "gloss-index.lock" }

  /// Runs `body` holding an exclusive advisory lock on `<gitdir>/gloss.lock`, so gloss
  /// writers on this repository take turns (the kernel releases it if a process dies).
  /// Whatever a dead writer left behind (its lock files, an interrupted sync) is cleaned up
  /// first.
  public func withWriterLock<T>(_ body: () throws -> T) throws -> T {
    guard let fd = try lockWriterFile(blocking: true) else {
      throw GitError(code: .locked, message: "", operation: "lock \(writerLockPath)")
    }
    defer { unlockWriterFile(fd) }
    try recoverInterruptedWrite(waitForIndex: true)
    return try body()
  }

  /// Finishes what a killed gloss left half done, if no other gloss is writing right now.
  /// Never waits: a read-only command must not stall behind a writer or a busy git.
  public func recoverIfNeeded() {
    removeOrphanedTemporaryFiles()
    guard workdir != nil,
      FileManager.default.fileExists(atPath: journalPath) || fileSize(writerLockPath) > 0
    else { return }
    guard let fd = try? lockWriterFile(blocking: false) else { return }
    defer { unlockWriterFile(fd) }
    try? recoverInterruptedWrite(waitForIndex: false)
  }

  private func lockWriterFile(blocking: Bool) throws -> Int32? {
    let fd = Glibc.open(writerLockPath, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      throw GitError(code: .locked, message: String(cString: strerror(errno)), operation: "lock \(writerLockPath)")
    }
    while flock(fd, LOCK_EX | (blocking ? 0 : LOCK_NB)) != 0 {
      if errno == EINTR { continue }
      let failure = errno
      close(fd)
      if failure == EWOULDBLOCK && !blocking { return nil }
      throw GitError(code: .locked, message: String(cString: strerror(failure)), operation: "lock \(writerLockPath)")
    }
    return fd
  }

  private func unlockWriterFile(_ fd: Int32) {
    _ = ftruncate(fd, 0)
    flock(fd, LOCK_UN)
    close(fd)
  }

  /// Lock files this process holds, written into `gloss.lock` (which only the flock holder
  /// touches): `index-lock <inode>`, or `ref-lock <unix time> <path>` around a ref update.
  private func record(_ lines: [String]) {
    let text = (["pid \(getpid())"] + lines).joined(separator: "\n") + "\n"
    let fd = Glibc.open(writerLockPath, O_WRONLY | O_CLOEXEC)
    guard fd >= 0 else { return }
    defer { close(fd) }
    // One pwrite, then the truncation: a kill in between leaves the new lines first.
    let length = text.withCString { pwrite(fd, $0, strlen($0), 0) }
    if length >= 0 { _ = ftruncate(fd, off_t(length)) }
  }

  /// Under the writer lock: removes lock and temporary files a dead gloss recorded, then
  /// finishes its interrupted sync. With `waitForIndex` false, gives up quietly when git
  /// holds index.lock.
  func recoverInterruptedWrite(waitForIndex: Bool) throws {
    let recorded = (try? String(contentsOfFile: writerLockPath, encoding: .utf8)) ?? ""
    let files = FileManager.default
    for line in recorded.split(separator: "\n") {
      let parts = line.split(separator: " ", maxSplits: 2).map(String.init)
      if parts.count == 2, parts[0] == "index-lock", let inode = UInt64(parts[1]),
        fileInode(indexLockPath) == inode
      {
        unlink(indexLockPath)
      } else if parts.count == 3, parts[0] == "ref-lock", let since = Double(parts[1]),
        parts[2].hasPrefix(gitDirectory), parts[2].hasSuffix(".lock"),
        let modified = modificationTime(parts[2]), abs(modified - since) < 2
      {
        // libgit2 creates the ref's lock file right after this line is written; a lock
        // made at about that time is the dead writer's.
        unlink(parts[2])
      }
    }
    record([])
    for scratch in [
      scratchIndexPath, scratchIndexPath + ".lock", privateIndexLockPath, journalPath + ".tmp", indexSumsPath + ".tmp",
      sharedIndexTemporaryPath,
    ] {
      if files.fileExists(atPath: scratch) { try? files.removeItem(atPath: scratch) }
    }
    guard let data = files.contents(atPath: journalPath) else { return }
    guard let journal = try? JSONDecoder().decode(SyncJournal.self, from: data), let root = workdir else {
      unlink(journalPath)
      return
    }
    for entry in journal.entries { unlink(Self.temporaryPath(for: root + entry.path)) }
    let lock: IndexLock
    do {
      lock = try lockIndex(timeout: waitForIndex ? TestHook.lockTimeout : 0)
    } catch {
      if waitForIndex { throw error }
      return
    }
    defer { lock.release() }
    try repairSync(journal, lock: lock)
    unlink(journalPath)
  }

  // MARK: Temporary files outside the engine

  /// Writes the file at `target` (an export) through `.<name>.<pid>.gloss-tmp` next to it,
  /// renamed into place when `write` succeeds. The temporary's path is recorded in
  /// `.git/gloss-tmp-<pid>` meanwhile, so that if this process is killed, the next gloss
  /// command on the repository removes it.
  public func writeThroughTemporary(_ target: String, _ write: (String) throws -> Void) throws {
    // Absolute, so a command started in another folder finds it.
    let absolute = URL(fileURLWithPath: target).standardizedFileURL.path
    let temporary =
      (absolute as NSString).deletingLastPathComponent + "/." + (absolute as NSString).lastPathComponent
      + ".\(getpid()).gloss-tmp"
    let record = gitDirectory + "gloss-tmp-\(getpid())"
    try Self.writeFile(record, Data(temporary.utf8))
    defer {
      unlink(temporary)
      unlink(record)
    }
    try write(temporary)
    TestHook.pause("export-written")
    guard rename(temporary, target) == 0 else {
      throw GitError(code: .other(-1), message: String(cString: strerror(errno)), operation: "write \(target)")
    }
  }

  /// Removes the temporaries of `writeThroughTemporary` whose process is gone.
  func removeOrphanedTemporaryFiles() {
    for name in gitDirectoryNames(withPrefix: "gloss-tmp-") {
      guard let pid = Int32(name.dropFirst(10)), kill(pid, 0) != 0, errno == ESRCH else { continue }
      let record = gitDirectory + name
      if let path = try? String(contentsOfFile: record, encoding: .utf8), path.hasSuffix(".gloss-tmp") {
        unlink(path)
      }
      unlink(record)
    }
  }

  /// The names in the git folder that start with `prefix`. readdir, not FileManager: this
  /// runs at every commit, and FileManager's listing costs a commit more than the rest of
  /// the check it serves.
  func gitDirectoryNames(withPrefix prefix: String) -> [String] {
    guard let folder = opendir(gitDirectory) else { return [] }
    defer { closedir(folder) }
    var names: [String] = []
    while let entry = readdir(folder) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
      if name.hasPrefix(prefix) { names.append(name) }
    }
    return names
  }

  // MARK: index.lock

  /// `.git/index.lock`, held by this process.
  public final class IndexLock {
    let path: String
    let fd: Int32
    var held = true
    /// The index as read under this lock, through a scratch hard link (see `installIndex`):
    /// read once for the dirty check and the update that follows.
    private var index: OpaquePointer?
    private var scratch: String?
    /// The index as bytes, read once, when `IndexFile` can handle it (else libgit2 reads it).
    private var file: IndexFile?
    private var fileRead = false

    init(path: String, fd: Int32) {
      self.path = path
      self.fd = fd
    }

    /// The index, opened on first use from a scratch hard link to `.git/index`.
    func openIndex(of repository: Repository) throws -> OpaquePointer? {
      if let index { return index }
      let scratch = repository.scratchIndexPath
      unlink(scratch)
      if let file = indexFile(of: repository), file.link != nil, let flat = file.flattened() {
        // libgit2 cannot read a split index: it gets the index joined, and writes it so.
        try Repository.writeFile(scratch, flat.bytes, mode: file.mode)
      } else if FileManager.default.fileExists(atPath: repository.indexPath),
        link(repository.indexPath, scratch) != 0
      {
        try FileManager.default.copyItem(atPath: repository.indexPath, toPath: scratch)
      }
      self.scratch = scratch
      index = try Repository.openIndex(at: scratch)
      return index
    }

    /// The index as bytes, when `IndexFile` can handle it.
    func indexFile(of repository: Repository) -> IndexFile? {
      if !fileRead {
        file = IndexFile(path: repository.indexPath, sums: repository.indexSumsPath)
        fileRead = true
      }
      return file
    }

    /// Gives the lock up without changing the index.
    public func release() {
      if let index {
        git_index_free(index)
        self.index = nil
      }
      if let scratch {
        // Gone already when the index was installed from it.
        unlink(scratch)
        self.scratch = nil
      }
      guard held else { return }
      held = false
      close(fd)
      unlink(path)
    }

    deinit { release() }
  }

  /// Takes `.git/index.lock` as exclusively as git's O_CREAT|O_EXCL does, waiting up to
  /// `timeout` seconds while another process holds it; then fails with `.locked`. The lock
  /// is made as a private file whose inode is recorded first and then hard-linked into
  /// place (link fails if the name exists), so a kill at any instant leaves either no lock
  /// or one the next gloss recognises as its own.
  public func lockIndex(timeout: TimeInterval = TestHook.lockTimeout) throws -> IndexLock {
    let deadline = Date().addingTimeInterval(timeout)
    unlink(privateIndexLockPath)
    let fd = Glibc.open(privateIndexLockPath, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o644)
    guard fd >= 0, let inode = fileInode(privateIndexLockPath) else {
      if fd >= 0 { close(fd) }
      throw GitError(code: .locked, message: String(cString: strerror(errno)), operation: "lock \(indexLockPath)")
    }
    record(["index-lock \(inode)"])
    while link(privateIndexLockPath, indexLockPath) != 0 {
      let failure = errno
      if [EPERM, EOPNOTSUPP, EMLINK].contains(failure) {
        // No hard links on this file system: plain O_EXCL, recorded right after.
        close(fd)
        unlink(privateIndexLockPath)
        return try lockIndexExclusively(until: deadline)
      }
      guard failure == EEXIST, Date() < deadline else {
        close(fd)
        unlink(privateIndexLockPath)
        record([])
        throw GitError(
          code: failure == EEXIST ? .locked : .other(-1),
          message: failure == EEXIST ? "the file exists" : String(cString: strerror(failure)),
          operation: "lock \(indexLockPath)")
      }
      usleep(20_000)
    }
    unlink(privateIndexLockPath)
    TestHook.pause("index-locked")
    return IndexLock(path: indexLockPath, fd: fd)
  }

  private func lockIndexExclusively(until deadline: Date) throws -> IndexLock {
    while true {
      let fd = Glibc.open(indexLockPath, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o644)
      if fd >= 0 {
        record(fileInode(indexLockPath).map { ["index-lock \($0)"] } ?? [])
        return IndexLock(path: indexLockPath, fd: fd)
      }
      let failure = errno
      guard failure == EEXIST, Date() < deadline else {
        throw GitError(
          code: failure == EEXIST ? .locked : .other(-1),
          message: failure == EEXIST ? "the file exists" : String(cString: strerror(failure)),
          operation: "lock \(indexLockPath)")
      }
      usleep(20_000)
    }
  }

  // MARK: Moving the branch

  /// Moves `branch` from `expected` to `new` with a compare-and-swap (failing with
  /// `.modified` or `.exists` when someone else moved it), then brings the touched paths of
  /// the index and work tree in line with `new` while still holding `lock`. A sync that
  /// fails after the branch moved throws `WorkTreeNotUpdated`; its journal stays, so the next
  /// gloss command finishes it.
  public func moveBranch(
    _ branch: String, from expected: Oid?, to new: Oid, updates: [TreeUpdate], holding lock: IndexLock?,
    logMessage: String
  ) throws {
    guard let lock, let root = workdir, !updates.isEmpty else {
      try swapReference(branch, expected: expected, new: new, logMessage: logMessage)
      return
    }
    let oldTree = try expected.map { try commit($0).tree }
    let newTree = try commit(new).tree
    var entries: [SyncJournal.Entry] = []
    for update in updates {
      entries.append(
        SyncJournal.Entry(
          path: update.path, old: try oldTree.flatMap { try entry(at: update.path, inTree: $0) }?.id.hex,
          new: try entry(at: update.path, inTree: newTree)?.id.hex))
    }
    try writeJournal(SyncJournal(branch: branch, commit: new.hex, entries: entries))
    TestHook.pause("journal-written")
    do {
      try swapReference(branch, expected: expected, new: new, logMessage: logMessage)
    } catch {
      unlink(journalPath)
      throw error
    }
    TestHook.pause("branch-moved")
    do {
      try syncWorkTree(entries, writing: updates, root: root, lock: lock)
    } catch {
      lock.release()
      throw WorkTreeNotUpdated(commit: new, paths: entries.map(\.path), reason: Self.describe(error))
    }
    unlink(journalPath)
  }

  private func swapReference(_ branch: String, expected: Oid?, new: Oid, logMessage: String) throws {
    let lockFile = gitDirectory + branch + ".lock"
    record(
      (fileInode(indexLockPath).map { ["index-lock \($0)"] } ?? []) + [
        "ref-lock \(Date().timeIntervalSince1970) \(lockFile)"
      ])
    defer { record(fileInode(indexLockPath).map { ["index-lock \($0)"] } ?? []) }
    TestHook.pause("ref-lock-recorded")
    try compareAndSwap(reference: branch, expected: expected, new: new, logMessage: logMessage)
  }

  private func writeJournal(_ journal: SyncJournal) throws {
    try Self.writeFile(journalPath, journal.json)
  }

  /// Writes each entry's new content (or removes the file), then installs an index with
  /// those entries through `lock`. The bytes come from `updates` when they are the entry's
  /// new blob (the change just wrote them), else from the object database.
  private func syncWorkTree(
    _ entries: [SyncJournal.Entry], writing updates: [TreeUpdate], root: String, lock: IndexLock
  ) throws {
    var staged: [(SyncJournal.Entry, git_index_entry?)] = []
    var written: [String: Data] = [:]
    for case .write(let path, let contents) in updates { written[path] = contents }
    for entry in entries {
      let full = root + entry.path
      guard let newHex = entry.new, let id = Oid(hex: newHex) else {
        if FileManager.default.fileExists(atPath: full) || isSymlink(full) {
          try FileManager.default.removeItem(atPath: full)
        }
        removeEmptyFolders(from: (full as NSString).deletingLastPathComponent, stopAt: root)
        staged.append((entry, nil))
        continue
      }
      let mode = try headMode(of: entry.path) ?? GIT_FILEMODE_BLOB
      let contents = try written[entry.path].flatMap { Oid(blobHashing: $0) == id ? $0 : nil } ?? blob(id)
      try writeWorkTreeFile(full, contents: contents, mode: mode)
      staged.append((entry, try indexEntry(path: entry.path, full: full, id: id, mode: mode)))
      TestHook.pause("file-written")
    }
    try installIndex(staged.map { ($0.0.path, $0.1) }, lock: lock)
  }

  /// Finishes an interrupted sync: a path whose index entry still holds the pre-commit
  /// blob while HEAD holds the journal's new one (a staged revert) gets the new content in
  /// the index, and in the work tree too unless someone edited the file since.
  private func repairSync(_ journal: SyncJournal, lock: IndexLock) throws {
    guard let root = workdir, let headTree = try headCommit().map({ try commit($0).tree }) else { return }
    let current = try currentIndexEntries(journal.entries.map(\.path))
    var changes: [(String, git_index_entry?)] = []
    for entry in journal.entries {
      let inHead = try self.entry(at: entry.path, inTree: headTree)?.id.hex
      guard inHead == entry.new, entry.old != entry.new, current[entry.path] == entry.old else { continue }
      let full = root + entry.path
      let onDisk = try? hashFile(full)
      let untouched = onDisk == entry.old || onDisk == entry.new
      guard let newHex = entry.new, let id = Oid(hex: newHex) else {
        if untouched, onDisk != nil { try? FileManager.default.removeItem(atPath: full) }
        changes.append((entry.path, nil))
        continue
      }
      let mode = try headMode(of: entry.path) ?? GIT_FILEMODE_BLOB
      if untouched && onDisk != entry.new { try writeWorkTreeFile(full, contents: try blob(id), mode: mode) }
      var indexed = try indexEntry(path: entry.path, full: full, id: id, mode: mode)
      if !untouched {
        // Someone edited the file after the crash: no stat data, so git compares contents
        // and shows their edit as unstaged.
        indexed.file_size = 0
        indexed.mtime = git_index_time()
      }
      changes.append((entry.path, indexed))
    }
    if !changes.isEmpty { try installIndex(changes, lock: lock) }
  }

  /// The blob each path has in the index now (nil: no entry).
  private func currentIndexEntries(_ paths: [String]) throws -> [String: String?] {
    if let file = IndexFile(path: indexPath, sums: indexSumsPath) {
      return Dictionary(paths.map { ($0, file.entry($0).map(\.id.hex)) }, uniquingKeysWith: { first, _ in first })
    }
    let index = try Self.openIndex(at: indexPath)
    defer { git_index_free(index) }
    var result: [String: String?] = [:]
    for path in paths {
      result[path] = git_index_get_bypath(index, path, 0).map { Oid($0.pointee.id).hex }
    }
    return result
  }

  /// Writes a new index (the current one with `changes`: an entry to set, or nil to remove)
  /// and renames it over `.git/index` while index.lock is held, so git sees the old index or
  /// the new one and can lock neither meanwhile. libgit2's own `git_index_write` would take
  /// index.lock itself, so the index is opened through a scratch hard link to it (a copy
  /// where links fail) and written there as a new file, which replaces the index.
  private func installIndex(_ changes: [(path: String, entry: git_index_entry?)], lock: IndexLock) throws {
    var sums: IndexFile.Checksum?
    if let file = lock.indexFile(of: self), case .written(let checksum) = try writeScratchIndex(file, changes) {
      sums = checksum
    } else {
      let index = try lock.openIndex(of: self)
      for (path, entry) in changes {
        if var entry {
          try path.withCString { name in
            entry.path = name
            try check(git_index_add(index, &entry), "stage \(path)")
          }
        } else {
          let result = git_index_remove(index, path, 0)
          if result != GIT_ENOTFOUND.rawValue { try check(result, "unstage \(path)") }
        }
      }
      // libgit2 writes `<scratch>.lock` and renames it over the scratch link: the index's own
      // inode is never written to.
      try check(git_index_write(index), "write index")
    }
    TestHook.pause("index-written")
    guard rename(scratchIndexPath, indexPath) == 0 else {
      throw GitError(code: .other(-1), message: String(cString: strerror(errno)), operation: "write index")
    }
    lock.release()
    record([])
    if let sums {
      IndexSums.write(indexSumsPath, sums)
    }
  }

  /// An index entry for a file just written, with its stat data, so `git status` trusts it.
  private func indexEntry(path: String, full: String, id: Oid, mode: git_filemode_t) throws -> git_index_entry {
    var info = stat()
    guard lstat(full, &info) == 0 else {
      throw GitError(code: .other(-1), message: String(cString: strerror(errno)), operation: "stat \(path)")
    }
    var entry = git_index_entry()
    entry.ctime = git_index_time(
      seconds: Int32(truncatingIfNeeded: info.st_ctim.tv_sec), nanoseconds: UInt32(info.st_ctim.tv_nsec))
    entry.mtime = git_index_time(
      seconds: Int32(truncatingIfNeeded: info.st_mtim.tv_sec), nanoseconds: UInt32(info.st_mtim.tv_nsec))
    entry.dev = UInt32(truncatingIfNeeded: info.st_dev)
    entry.ino = UInt32(truncatingIfNeeded: info.st_ino)
    entry.mode = mode.rawValue
    entry.uid = info.st_uid
    entry.gid = info.st_gid
    entry.file_size = UInt32(truncatingIfNeeded: info.st_size)
    entry.id = id.raw
    return entry
  }

  /// The file mode HEAD's tree gives `path` (regular, executable or link).
  private func headMode(of path: String) throws -> git_filemode_t? {
    guard let tree = try headCommit().map({ try commit($0).tree }) else { return nil }
    return try withTree(tree) { treePointer in
      var entry: OpaquePointer?
      guard git_tree_entry_bypath(&entry, treePointer, path) == 0 else { return nil }
      defer { git_tree_entry_free(entry) }
      return git_tree_entry_filemode(entry)
    }
  }

  private func writeWorkTreeFile(_ full: String, contents: Data, mode: git_filemode_t) throws {
    let files = FileManager.default
    try files.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    if mode == GIT_FILEMODE_LINK {
      if files.fileExists(atPath: full) || isSymlink(full) { try files.removeItem(atPath: full) }
      try files.createSymbolicLink(atPath: full, withDestinationPath: String(decoding: contents, as: UTF8.self))
      return
    }
    let temporary = Self.temporaryPath(for: full)
    try Self.writeFile(temporary, contents, mode: mode == GIT_FILEMODE_BLOB_EXECUTABLE ? 0o755 : 0o644)
    guard rename(temporary, full) == 0 else {
      let failure = String(cString: strerror(errno))
      unlink(temporary)
      throw GitError(code: .other(-1), message: failure, operation: "write \(full)")
    }
  }

  /// `.<name>.gloss-tmp` in the file's own folder: recognisable, and removed by the next
  /// gloss command if a crash leaves it.
  static func temporaryPath(for full: String) -> String {
    let folder = (full as NSString).deletingLastPathComponent
    return folder + "/." + (full as NSString).lastPathComponent + ".gloss-tmp"
  }

  /// Writes `data` to `path` through a plain file descriptor (no hidden temporary files),
  /// flushed to disk first when `sync`; a failed write removes the partial file.
  static func writeFile(_ path: String, _ data: some ContiguousBytes, mode: mode_t = 0o644, sync: Bool = false) throws {
    try writeFile(path, mode: mode, sync: sync) { fd in data.withUnsafeBytes { writeAll(fd, $0) } }
  }

  /// `writeFile` with the bytes written by `body`, which returns the errno of a failed
  /// write, or 0.
  static func writeFile(_ path: String, mode: mode_t = 0o644, sync: Bool = false, _ body: (Int32) -> Int32) throws {
    let fd = Glibc.open(path, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, mode)
    guard fd >= 0 else {
      throw GitError(code: .other(-1), message: String(cString: strerror(errno)), operation: "write \(path)")
    }
    var failure = body(fd)
    if failure == 0 && sync && fsync(fd) != 0 { failure = errno }
    if close(fd) != 0 && failure == 0 { failure = errno }
    if failure != 0 {
      unlink(path)
      throw GitError(code: .other(-1), message: String(cString: strerror(failure)), operation: "write \(path)")
    }
    _ = chmod(path, mode)
  }

  /// Writes all of `buffer` to `fd`; the errno of a failed write, or 0.
  static func writeAll(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) -> Int32 {
    var offset = 0
    while offset < buffer.count {
      let written = write(fd, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
      if written < 0 {
        if errno == EINTR { continue }
        return errno
      }
      offset += written
    }
    return 0
  }

  private func hashFile(_ full: String) throws -> String? {
    guard FileManager.default.fileExists(atPath: full) else { return nil }
    var hashed = git_oid()
    try check(git_odb_hashfile(&hashed, full, GIT_OBJECT_BLOB), "read \(full)")
    return Oid(hashed).hex
  }

  private func isSymlink(_ path: String) -> Bool {
    var info = stat()
    return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
  }

  private func fileInode(_ path: String) -> UInt64? {
    var info = stat()
    return lstat(path, &info) == 0 ? UInt64(info.st_ino) : nil
  }

  private func fileSize(_ path: String) -> Int {
    var info = stat()
    return stat(path, &info) == 0 ? Int(info.st_size) : 0
  }

  private func modificationTime(_ path: String) -> Double? {
    var info = stat()
    guard lstat(path, &info) == 0 else { return nil }
    return Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
  }

  func removeEmptyFolders(from folder: String, stopAt root: String) {
    var current = folder
    let files = FileManager.default
    while current.count > root.count, current.hasPrefix(root),
      let items = try? files.contentsOfDirectory(atPath: current), items.isEmpty
    {
      try? files.removeItem(atPath: current)
      current = (current as NSString).deletingLastPathComponent
    }
  }

  /// Forgets which packs the object database knows, so objects that `git gc` or `git
  /// repack` moved are found again.
  public func refreshObjects() {
    var odb: OpaquePointer?
    guard git_repository_odb(&odb, pointer) == 0 else { return }
    git_odb_refresh(odb)
    git_odb_free(odb)
  }

  static func describe(_ error: Error) -> String {
    if let error = error as? GitError { return error.message.isEmpty ? error.operation : error.message }
    return error.localizedDescription
  }
}

/// The branch moved to `commit`, but the work tree and index could not follow; the journal
/// stays, so the next gloss command finishes the sync.
public struct WorkTreeNotUpdated: Error, Sendable {
  public let commit: Oid
  public let paths: [String]
  public let reason: String
}

/// What `.git/gloss-sync` records while a commit's paths are synced: per path, the blob
/// before and after (nil: no file).
struct SyncJournal: Codable {
  struct Entry: Codable {
    var path: String
    var old: String?
    var new: String?
  }

  var branch: String
  var commit: String
  var entries: [Entry]

  /// The journal as `JSONEncoder` writes it (read back with `JSONDecoder`), written by hand:
  /// it is written at every commit, and JSONEncoder's generic machinery costs more than the
  /// rest of writing it.
  var json: Data {
    var out: [UInt8] = Array(#"{"branch":"#.utf8)
    Self.appendString(branch, to: &out)
    out.append(contentsOf: #","commit":"#.utf8)
    Self.appendString(commit, to: &out)
    out.append(contentsOf: #","entries":["#.utf8)
    for (index, entry) in entries.enumerated() {
      out.append(contentsOf: (index == 0 ? #"{"path":"# : #",{"path":"#).utf8)
      Self.appendString(entry.path, to: &out)
      if let old = entry.old {
        out.append(contentsOf: #","old":"#.utf8)
        Self.appendString(old, to: &out)
      }
      if let new = entry.new {
        out.append(contentsOf: #","new":"#.utf8)
        Self.appendString(new, to: &out)
      }
      out.append(UInt8(ascii: "}"))
    }
    out.append(contentsOf: "]}".utf8)
    return Data(out)
  }

  /// A JSON string: quotes, backslashes and control characters escaped.
  private static func appendString(_ text: String, to out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "\""), UInt8(ascii: "\\"):
        out.append(UInt8(ascii: "\\"))
        out.append(byte)
      case 0..<0x20:
        let hex = Array("0123456789abcdef".utf8)
        out.append(contentsOf: Array(#"\u00"#.utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xf)]])
      default:
        out.append(byte)
      }
    }
    out.append(UInt8(ascii: "\""))
  }
}

/// Named points where a test can hold a command (`GLOSS_TEST_PAUSE_AT=<step>` sleeps there
/// for `GLOSS_TEST_PAUSE_SECONDS`, default 30), to kill it at an exact step.
public enum TestHook {
  private static let step = variable("GLOSS_TEST_PAUSE_AT")
  private static let seconds = UInt32(variable("GLOSS_TEST_PAUSE_SECONDS") ?? "") ?? 30

  /// How long a writer waits for git's index.lock: 10 s, or `GLOSS_TEST_LOCK_TIMEOUT`.
  public static let lockTimeout =
    TimeInterval(variable("GLOSS_TEST_LOCK_TIMEOUT") ?? "") ?? 10

  /// One environment variable (Foundation's `environment` copies them all).
  static func variable(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }

  public static func pause(_ name: String) {
    guard let step, step == name else { return }
    FileHandle.standardError.write(Data("paused at \(name)\n".utf8))
    sleep(seconds)
  }
}
