import CLibgit2

#if canImport(Glibc)
  import Glibc
#endif

/// How writes reach the disk. By default libgit2 fsyncs every object, ref and reflog it writes
/// (about sixteen fsyncs a commit); a long-running writer may instead write as git does by
/// default (no fsync) and flush the file system once for many commits.
public enum Durability {
  /// Mirrors libgit2's process-wide setting (on since `LibGit2.initialize`).
  nonisolated(unsafe) private static var fsyncEachWrite = true

  /// Whether each file written is flushed to disk before it is used (libgit2's setting, which
  /// gloss's own index writer follows).
  static var fsyncsEachWrite: Bool { fsyncEachWrite }

  /// Whether libgit2 fsyncs each object, ref and reflog it writes; process-wide.
  public static func setFsyncEachWrite(_ on: Bool) {
    LibGit2.initialize()
    _ = gloss_git_enable_fsync(on ? 1 : 0)
    fsyncEachWrite = on
  }

  /// Runs `body`, which writes objects into `repository`, with one flush of the objects'
  /// file system at the end instead of two fsyncs per object (the file and its folder):
  /// ten fsyncs become one syncfs for a typical commit's five objects. As durable as
  /// before: when it returns, every object written is on disk, so a branch moved next
  /// never points at objects a power cut could take. A process that defers flushes
  /// (`setFsyncEachWrite(false)`) is left alone.
  public static func writingObjectsTogether<T>(in repository: Repository, _ body: () throws -> T) throws -> T {
    guard fsyncEachWrite else { return try body() }
    setFsyncEachWrite(false)
    defer { setFsyncEachWrite(true) }
    let value = try body()
    // The object folder itself: it may be a symbolic link to another file system.
    let objects = repository.gitDirectory + "objects"
    guard flushFileSystem(holding: objects) else {
      throw GitError(
        code: .other(-1), message: String(cString: strerror(errno)), operation: "writing new objects to disk",
        fromOperatingSystem: true)
    }
    return value
  }

  /// Flushes the file system holding `path` to disk (syncfs): everything written before the
  /// call is durable when it returns.
  @discardableResult
  public static func flushFileSystem(holding path: String) -> Bool {
    let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    return gloss_syncfs(fd) == 0
  }
}
