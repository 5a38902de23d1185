import Foundation
import GitKit

/// A set of project files to validate: a commit's tree, the index, or the work tree.
public struct ProjectFiles {
  /// Every file path, relative to the project root.
  public let paths: [String]
  /// Reads one file; nil when it is not there.
  public let read: (String) throws -> Data?
  /// What the files are, for messages ("HEAD", "the index", "the work tree").
  public let label: String

  public init(paths: [String], label: String, read: @escaping (String) throws -> Data?) {
    self.paths = paths
    self.label = label
    self.read = read
  }

  /// The files of a commit's tree.
  public static func tree(_ tree: Oid, in repository: Repository, label: String) throws -> ProjectFiles {
    let files = try repository.files(inTree: tree)
    let blobs = Dictionary(files.map { ($0.path, $0.blob) }, uniquingKeysWith: { a, _ in a })
    return ProjectFiles(paths: files.map(\.path), label: label) { path in
      try blobs[path].map { try repository.blob($0) }
    }
  }

  /// The staged files.
  public static func index(of repository: Repository) throws -> ProjectFiles {
    let files = try repository.indexFiles()
    let blobs = Dictionary(files.map { ($0.path, $0.blob) }, uniquingKeysWith: { a, _ in a })
    return ProjectFiles(paths: files.map(\.path), label: "the index") { path in
      try blobs[path].map { try repository.blob($0) }
    }
  }

  /// The files of a work tree: the Gloss files and folders, tracked or not.
  public static func workTree(at root: String) -> ProjectFiles {
    let manager = FileManager.default
    var paths: [String] = []
    for top in [Settings.path, Codebook.path] where manager.fileExists(atPath: root + top) {
      paths.append(top)
    }
    for folder in ["documents", "annotations"] {
      guard let walker = manager.enumerator(atPath: root + folder) else { continue }
      while let item = walker.nextObject() as? String {
        var isFolder: ObjCBool = false
        if manager.fileExists(atPath: root + folder + "/" + item, isDirectory: &isFolder), !isFolder.boolValue {
          paths.append(folder + "/" + item)
        }
      }
    }
    return ProjectFiles(paths: paths.sorted(), label: "the work tree") { path in
      manager.contents(atPath: root + path)
    }
  }
}
