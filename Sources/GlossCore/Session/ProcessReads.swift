import GitKit

extension Project {
  /// For a command-line process, first thing: git's one-time set-up overlaps parsing the
  /// arguments.
  public static func prepareInBackground() {
    Repository.prepareInBackground()
  }

  /// For a process that reads and exits (`gloss agree`, `ls`, `validate`, the counts):
  /// objects are read without libgit2 re-hashing each one (git does not re-hash what it
  /// reads, and zlib still checks what it inflates), a quarter of the time of reading every
  /// annotation file. Process-wide, so a long-running server does not call it.
  public static func readObjectsWithoutRehashing() {
    Repository.verifyObjectHashes(false)
  }
}

extension Session {
  /// For a process that makes one commit and exits (`gloss add`), process-wide: files whose
  /// work-tree copy is the committed one are read from the work tree
  /// (`Repository.readWorkTreeFilesFirst`), other objects without re-hashing
  /// (`Project.readObjectsWithoutRehashing`), and blobs up to 1 MB stay in libgit2's cache,
  /// so the file a change rewrites is inflated once, not again for the write rules. A server
  /// keeps libgit2's defaults.
  public static func readObjectsForOneCommit() {
    Repository.readWorkTreeFilesFirst()
    Project.readObjectsWithoutRehashing()
    Repository.cacheBlobs(upTo: 1 << 20)
  }
}
