import Foundation
import GitKit

/// The changes one command makes, staged in memory over a snapshot; reads see them.
public final class Transaction {
  public let snapshot: Snapshot
  /// The coder making the change.
  public let coder: String
  /// Parents after the branch tip (a merge's other side).
  var otherParents: [Oid] = []
  /// Set for a fast-forward: the branch moves to this existing commit, whose files the
  /// staged updates bring into the work tree; no new commit is made.
  var fastForwardTarget: Oid?
  private var pending: [String: Data?] = [:]
  private var order: [String] = []

  init(snapshot: Snapshot, coder: String) {
    self.snapshot = snapshot
    self.coder = coder
  }

  /// The staged changes as tree updates, in the order they were first made.
  var updates: [TreeUpdate] {
    order.compactMap { path in
      switch pending[path] {
      case .some(.some(let data)): return .write(path: path, contents: data)
      case .some(.none): return .remove(path: path)
      case .none: return nil
      }
    }
  }

  public func write(_ path: String, _ data: Data) {
    if pending[path] == nil { order.append(path) }
    pending[path] = .some(data)
  }

  /// Removes a file; removing one that does not exist at the snapshot is a no-op.
  public func remove(_ path: String) throws {
    if try snapshot.exists(path) {
      if pending[path] == nil { order.append(path) }
      pending[path] = .some(nil)
    } else if pending[path] != nil {
      pending[path] = nil
      order.removeAll { $0 == path }
    }
  }

  /// The bytes at `path` as this transaction sees them.
  public func file(_ path: String) throws -> Data? {
    if let staged = pending[path] { return staged }
    return try snapshot.file(path)
  }

  public func settings() throws -> Settings { try snapshot.settings() }

  public func codebook() throws -> Codebook {
    guard let data = pending[Codebook.path] else { return try snapshot.codebook() }
    return try data.map { try Codebook.decode($0) } ?? Codebook()
  }

  public func setCodebook(_ book: Codebook) { write(Codebook.path, book.encode()) }

  public func annotations(coder: String, doc: String) throws -> [Assignment]? {
    let path = Layout.annotation(coder: coder, doc: doc)
    guard let staged = pending[path] else { return try snapshot.annotations(coder: coder, doc: doc) }
    return try staged.map { try Snapshot.decodeAnnotations($0, path: path) }
  }

  public func setAnnotations(_ assignments: [Assignment], coder: String, doc: String) {
    let data = AnnotationFormat.encode(assignments)
    DecodedBlobs.remember(assignments, encodedAs: data, in: snapshot.repository)
    write(Layout.annotation(coder: coder, doc: doc), data)
  }

  /// Annotation files as this transaction sees them (staged additions and removals included).
  public func annotationFiles() throws -> [(coder: String, doc: String)] {
    var files = Set(try snapshot.annotationFiles().map { "\($0.coder)/\($0.doc)" })
    for (path, data) in pending {
      guard let parts = Layout.parseAnnotationPath(path) else { continue }
      if data == nil {
        files.remove("\(parts.coder)/\(parts.doc)")
      } else {
        files.insert("\(parts.coder)/\(parts.doc)")
      }
    }
    return files.sorted().compactMap { key in
      let parts = key.split(separator: "/")
      return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
    }
  }
}
