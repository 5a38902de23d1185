import Foundation
import GitKit

/// For a server that commits many small changes: git's own default durability per commit (no
/// fsync of each object and ref, which costs more than the rest of a commit on a busy disk),
/// with the repository's file system flushed soon after, once for many commits.
public enum WriteDurability {
  /// From now on, this process's commits are written without an fsync per file; call
  /// `flush(_:)` to make them durable.
  public static func deferFlushes() { Durability.setFsyncEachWrite(false) }

  /// Makes everything written to the repository at `gitDirectory` so far durable (one syncfs).
  public static func flush(gitDirectory: String) {
    Durability.flushFileSystem(holding: gitDirectory)
  }
}
