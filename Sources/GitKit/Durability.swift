import CLibgit2

#if canImport(Glibc)
  import Glibc
#endif

/// How writes reach the disk. By default libgit2 fsyncs every object, ref and reflog it writes
/// (about sixteen fsyncs a commit); a long-running writer may instead write as git does by
/// default (no fsync) and flush the file system once for many commits.
public enum Durability {
  /// Whether libgit2 fsyncs each object, ref and reflog it writes; process-wide.
  public static func setFsyncEachWrite(_ on: Bool) {
    LibGit2.initialize()
    _ = gloss_git_enable_fsync(on ? 1 : 0)
  }

  /// Flushes the file system holding `path` to disk (syncfs): everything written before the
  /// call is durable when it returns.
  public static func flushFileSystem(holding path: String) {
    let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard fd >= 0 else { return }
    _ = gloss_syncfs(fd)
    close(fd)
  }
}
