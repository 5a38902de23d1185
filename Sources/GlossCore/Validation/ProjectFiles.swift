import Foundation
import GitKit

/// A set of project files to validate: a commit's tree, the index, or the work tree.
public struct ProjectFiles {
  /// Every file path, relative to the project root.
  public let paths: [String]
  /// Symbolic links and gitlinks found among the project's paths: never valid, never read.
  let links: [(path: String, kind: TreeEntry.Kind)]
  /// Reads one file; nil when it is not there.
  public let read: (String) throws -> Data?
  /// What the files are, for messages ("HEAD", "the index", "the work tree").
  public let label: String
  /// Makes a reader for another thread (with its own repository handle), so validation can
  /// use every core; nil when the files must be read on one thread.
  let threadReader: (() throws -> (String) throws -> Data?)?
  /// Starts reading files from the disk ahead of a reader that will read these paths in
  /// this order (work-tree files only; objects come from one pack).
  var readAhead: (([String]) -> FileReadAhead)?

  public init(
    paths: [String], links: [(path: String, kind: TreeEntry.Kind)] = [], label: String,
    read: @escaping (String) throws -> Data?
  ) {
    self.init(paths: paths, links: links, label: label, read: read, threadReader: nil)
  }

  init(
    paths: [String], links: [(path: String, kind: TreeEntry.Kind)], label: String,
    read: @escaping (String) throws -> Data?, threadReader: (() throws -> (String) throws -> Data?)?
  ) {
    self.paths = paths
    self.links = links
    self.label = label
    self.read = read
    self.threadReader = threadReader
  }

  /// Files and links from a listing of a tree or the index.
  static func entries(_ entries: [LeafEntry], label: String, in repository: Repository) -> ProjectFiles {
    let files = entries.filter { $0.kind == .blob }
    let blobs = Dictionary(files.map { ($0.path, $0.id) }, uniquingKeysWith: { a, _ in a })
    return ProjectFiles(
      paths: files.map(\.path), links: entries.filter { $0.kind != .blob }.map { ($0.path, $0.kind) },
      label: label, read: { path in try blobs[path].map { try repository.blob($0) } },
      threadReader: {
        let own = try repository.reopened()
        return { path in try blobs[path].map { try own.blob($0) } }
      })
  }

  /// The files of a commit's tree.
  static func tree(_ tree: Oid, in repository: Repository, label: String) throws -> ProjectFiles {
    entries(try repository.leaves(inTree: tree), label: label, in: repository)
  }

  /// The staged files.
  static func index(of repository: Repository) throws -> ProjectFiles {
    entries(try repository.indexEntries(), label: "the index", in: repository)
  }

  /// The files of a work tree: the Gloss files and folders, tracked or not. Nothing is
  /// followed: a symbolic link (to a file or a folder, inside the project or out) is listed
  /// as a link and never read, so validation never prints bytes from outside the project.
  public static func workTree(at root: String) -> ProjectFiles {
    let manager = FileManager.default
    var paths: [String] = []
    var links: [(String, TreeEntry.Kind)] = []
    /// lstat: what the path itself is, not what a link points at. (Not FileManager's
    /// attributes, which look up the owner's and group's names for every file.)
    func type(_ relative: String) -> mode_t? {
      var info = stat()
      guard lstat(root + relative, &info) == 0 else { return nil }
      return info.st_mode & S_IFMT
    }
    func visit(_ relative: String) {
      switch type(relative) {
      case S_IFLNK?: links.append((relative, .symlink))
      case S_IFREG?: paths.append(relative)
      case S_IFDIR?:
        for name in (try? manager.contentsOfDirectory(atPath: root + relative)) ?? [] { visit(relative + "/" + name) }
      default: break
      }
    }
    for top in [Settings.path, Codebook.path, Layout.gitattributes, "documents", "annotations", "memos"] {
      visit(top)
    }
    let read: (String) throws -> Data? = { path in try readWithoutFollowing(root + path) }
    var files = ProjectFiles(
      paths: paths.sorted(), links: links.sorted { $0.0 < $1.0 }, label: "the work tree", read: read,
      threadReader: { read })
    files.readAhead = { paths in FileReadAhead(root: root, paths) }
    return files
  }

  /// A file's bytes, refusing a symbolic link even if one replaced the file since listing.
  static func readWithoutFollowing(_ path: String) throws -> Data? {
    let descriptor = open(path, O_RDONLY | O_NOFOLLOW)
    guard descriptor >= 0 else {
      if errno == ENOENT { return nil }
      throw GlossError.notARegularFile(path: path)
    }
    let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    return try handle.readToEnd() ?? Data()
  }
}
