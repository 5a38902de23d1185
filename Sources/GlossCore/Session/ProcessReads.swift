import Foundation
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

extension Session {
  /// For `gloss add DOC` as `coder`, first thing, while libgit2 sets itself up on another
  /// thread (`Project.prepareInBackground`), which the add waits for anyway: the files it
  /// will read (settings, codebook, the document, the coder's annotation file) are read
  /// from the work tree, decoded, and kept under their blob ids. The add finds them there
  /// when HEAD holds the same bytes; any other bytes are never looked up, so a wrong guess
  /// (an edited file, another folder) costs only the read.
  public static func readAhead(at path: String?, coder: String?, doc: String) {
    let here = Project.currentDirectory()
    let location = path.map { $0.hasPrefix("/") ? $0 : here + "/" + $0 } ?? here
    guard Identifier.isDocument(doc), let root = Repository.workTreeRoot(containing: location) else { return }
    let coder = coder ?? getenv("GLOSS_CODER").map { String(cString: $0) }
    // The process exits after its one commit: what it writes is not read again.
    DecodedBlobs.enable(limit: 8, rememberingWrites: false)
    if let (bytes, id) = Repository.blobInWorkTree(root + Settings.path), let settings = try? Settings.decode(bytes) {
      ParsedFiles.settings.store(settings, for: id)
    }
    if let (bytes, id) = Repository.blobInWorkTree(root + Codebook.path), let codebook = try? Codebook.decode(bytes) {
      ParsedFiles.codebooks.store(codebook, for: id)
    }
    let document = Layout.document(doc)
    if let (bytes, id) = Repository.blobInWorkTree(root + document),
      let text = try? Snapshot.decodeDocument(bytes, path: document)
    {
      DecodedBlobs.documents.store(text, for: id)
    }
    if let coder, Identifier.isCoder(coder) {
      let file = Layout.annotation(coder: coder, doc: doc)
      if let (bytes, id) = Repository.blobInWorkTree(root + file),
        let records = try? Snapshot.decodeAnnotations(bytes, path: file)
      {
        DecodedBlobs.annotations.store(records, for: id)
      }
    }
  }
}
