import CLibgit2
import Foundation

/// The one place libgit2 is initialised. Every entry point into GitKit (opening, creating or
/// cloning a repository, configuration outside one, text merges, parsing ids) calls
/// `LibGit2.initialize()` first; Swift runs the static initialiser once, thread-safely.
enum LibGit2 {
  static func initialize() { _ = ready }

  private static let ready: Bool = {
    git_libgit2_init()
    // Durability over a few milliseconds a commit (docs/decisions.md, "libgit2 fsync").
    gloss_git_enable_fsync(1)
    // Folders of thousands of files (annotations/<coder>/ in a large study) stay cached.
    gloss_git_set_cache_object_limit(GIT_OBJECT_TREE, 4 << 20)
    // A whole-project read of a large study's pack (150 MB for a million assignments) keeps
    // its last 64 MB mapped, not all of it (libgit2 maps 1 GB windows up to 8 GB by default).
    gloss_git_set_pack_windows(16 << 20, 64 << 20)
    return true
  }()
}

extension Repository {
  /// Starts libgit2's one-time set-up on another thread, to overlap the caller's own
  /// start-up: Debian's libgit2 parses the whole CA bundle there (several milliseconds).
  /// Whatever needs libgit2 first waits for it to finish.
  public static func prepareInBackground() {
    Thread.detachNewThread { LibGit2.initialize() }
  }

  /// Whether objects read from now on, by any repository in this process, are re-hashed
  /// and checked against their ids (libgit2's default: on). Turning it off suits a process
  /// that only reads many objects and exits (`gloss agree`): git itself does not re-hash
  /// what it reads, and zlib still checks every object it inflates.
  public static func verifyObjectHashes(_ enabled: Bool) {
    LibGit2.initialize()
    gloss_git_verify_object_hashes(enabled ? 1 : 0)
  }

  /// Keeps blobs up to `bytes` in libgit2's object cache (default: none), process-wide: a
  /// process that reads a file and then writes it back reads it once.
  public static func cacheBlobs(upTo bytes: Int) {
    LibGit2.initialize()
    gloss_git_set_cache_object_limit(GIT_OBJECT_BLOB, bytes)
  }
}
