import GitKit

extension Session {
  /// For a process that makes one commit and exits (`gloss add`), process-wide: objects are
  /// read without libgit2 re-hashing each one (git does not re-hash what it reads, and zlib
  /// still checks what it inflates), and blobs up to 1 MB stay in libgit2's cache, so the
  /// file a change rewrites is inflated once, not again for the write rules. A server keeps
  /// libgit2's defaults.
  public static func readObjectsForOneCommit() {
    Repository.verifyObjectHashes(false)
    Repository.cacheBlobs(upTo: 1 << 20)
  }
}
