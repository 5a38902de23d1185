import Foundation
import GitKit

/// A read-only view of a project at one commit. Files are read on demand and cached.
public final class Snapshot {
  let repository: Repository
  /// nil for an unborn branch (no commit yet).
  let commit: Oid?
  let tree: Oid?
  private var settingsCache: Settings?
  private var codebookCache: Codebook?
  private var documentCache: [String: DocumentText] = [:]

  init(repository: Repository, commit: Oid?) throws {
    self.repository = repository
    self.commit = commit
    self.tree = try commit.map { try repository.commit($0).tree }
  }

  /// The bytes at `path`, nil when the file does not exist.
  public func file(_ path: String) throws -> Data? {
    guard let tree else { return nil }
    return try repository.file(at: path, inTree: tree)
  }

  public func exists(_ path: String) throws -> Bool {
    guard let tree else { return false }
    return try repository.entry(at: path, inTree: tree) != nil
  }

  public func settings() throws -> Settings {
    if let settingsCache { return settingsCache }
    guard let tree, let entry = try repository.entry(at: Settings.path, inTree: tree), entry.kind == .blob else {
      throw GlossError.notAProject(path: repository.workdir ?? repository.gitDirectory)
    }
    let settings = try ParsedFiles.settings.value(for: entry.id) {
      try Settings.decode(try repository.blob(entry.id))
    }
    settingsCache = settings
    return settings
  }

  public func codebook() throws -> Codebook {
    if let codebookCache { return codebookCache }
    var book = Codebook()
    if let tree, let entry = try repository.entry(at: Codebook.path, inTree: tree), entry.kind == .blob {
      book = try ParsedFiles.codebooks.value(for: entry.id) { try Codebook.decode(try repository.blob(entry.id)) }
    }
    codebookCache = book
    return book
  }

  /// Document ids, sorted.
  public func documentIDs() throws -> [String] {
    guard let tree else { return [] }
    return try repository.entries(inFolder: "documents", ofTree: tree)
      .filter { $0.kind == .blob && $0.name.hasSuffix(".txt") }
      .map { String($0.name.dropLast(4)) }
      .filter(Identifier.isDocument)
      .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
  }

  /// A document's text; nil when there is no such document.
  public func documentText(_ id: String) throws -> DocumentText? {
    if let cached = documentCache[id] { return cached }
    guard Identifier.isDocument(id), let tree else { return nil }
    let path = Layout.document(id)
    guard
      let text = try DecodedBlobs.decoded(
        DecodedBlobs.documents, path: path, tree: tree, in: repository, { try Self.decodeDocument($0, path: path) })
    else { return nil }
    documentCache[id] = text
    return text
  }

  /// A document file's text, or an error naming the file.
  static func decodeDocument(_ data: Data, path: String) throws -> DocumentText {
    guard let string = String(validating: [UInt8](data), as: UTF8.self) else {
      throw GlossError.malformed(file: path, line: nil, message: "is not valid UTF-8")
    }
    return DocumentText(string)
  }

  /// A document's text, or an error naming the unknown document.
  public func requireDocument(_ id: String) throws -> DocumentText {
    guard let text = try documentText(id) else { throw GlossError.unknownDocument(id) }
    return text
  }

  /// Coders with an annotation folder (consensus included), sorted.
  public func coders() throws -> [String] {
    guard let tree else { return [] }
    return try repository.entries(inFolder: "annotations", ofTree: tree)
      .filter { $0.kind == .tree }.map(\.name).sorted()
  }

  /// Annotation files as (coder, doc) pairs, sorted by doc then coder.
  public func annotationFiles(coders filter: Set<String>? = nil) throws -> [(coder: String, doc: String)] {
    try annotationBlobs(coders: filter).map { ($0.coder, $0.doc) }
  }

  /// Annotation files with their blobs, sorted by doc then coder: read by id, no path is
  /// looked up again.
  func annotationBlobs(coders filter: Set<String>? = nil) throws -> [(coder: String, doc: String, blob: Oid)] {
    guard let tree else { return [] }
    var result: [(coder: String, doc: String, blob: Oid)] = []
    for coder in try coders() where filter?.contains(coder) ?? true {
      for entry in try repository.entries(inFolder: "annotations/\(coder)", ofTree: tree)
      where entry.kind == .blob && entry.name.hasSuffix(".jsonl") {
        result.append((coder, String(entry.name.dropLast(6)), entry.id))
      }
    }
    return result.sorted {
      $0.doc != $1.doc
        ? $0.doc.utf8.lexicographicallyPrecedes($1.doc.utf8) : $0.coder.utf8.lexicographicallyPrecedes($1.coder.utf8)
    }
  }

  /// A coder's assignments on a document; nil when the coder has no file for it.
  public func annotations(coder: String, doc: String) throws -> [Assignment]? {
    let path = Layout.annotation(coder: coder, doc: doc)
    guard let tree else { return nil }
    return try DecodedBlobs.decoded(DecodedBlobs.annotations, path: path, tree: tree, in: repository) {
      try Self.decodeAnnotations($0, path: path)
    }
  }

  static func decodeAnnotations(_ data: Data, path: String) throws -> [Assignment] {
    do {
      return try AnnotationFormat.decode(data)
    } catch {
      throw GlossError.malformed(file: path, line: error.line, message: error.message)
    }
  }

  /// Every assignment matching the filters, in listing order.
  public func assignments(docs: Set<String>? = nil, coders: Set<String>? = nil, codes: Set<String>? = nil)
    throws -> [LocatedAssignment]
  {
    var result: [LocatedAssignment] = []
    try forEachAssignment(docs: docs, coders: coders, codes: codes) { result.append($0) }
    return result
  }

  /// Calls `body` with every matching assignment in listing order (doc, coder, start, end,
  /// code, id), one file at a time: files come sorted by (doc, coder) and their lines in
  /// canonical order, so no global sort is needed and memory stays bounded by a few files.
  public func forEachAssignment(
    docs: Set<String>? = nil, coders: Set<String>? = nil, codes: Set<String>? = nil,
    _ body: (LocatedAssignment) throws -> Void
  ) throws {
    try forEachAnnotationFile(docs: docs, coders: coders, transform: { _, _, records in records }) {
      coder, doc, records in
      for assignment in records where codes?.contains(assignment.code) ?? true {
        try body(LocatedAssignment(coder: coder, doc: doc, assignment: assignment))
      }
    }
  }

  /// Calls `body` with every matching annotation file's records (as the file holds them),
  /// files sorted by (doc, coder).
  public func forEachAnnotationFile(
    docs: Set<String>? = nil, coders: Set<String>? = nil,
    _ body: (_ coder: String, _ doc: String, _ records: [Assignment]) throws -> Void
  ) throws {
    try forEachAnnotationFile(
      docs: docs, coders: coders,
      decode: { _, _, data throws(AnnotationFormat.Problem) in try AnnotationFormat.decode(data) },
      fromRecords: { _, _, records in records }, body)
  }

  /// Every matching annotation file's records, in canonical order, turned into a value by
  /// `transform` on every core, and handed to `body` in file order (doc, coder) on this
  /// thread: a listing formats its rows where the files are decoded.
  public func forEachAnnotationFile<T>(
    docs: Set<String>? = nil, coders: Set<String>? = nil,
    transform: @escaping @Sendable (_ coder: String, _ doc: String, _ records: [Assignment]) -> T,
    _ body: (_ coder: String, _ doc: String, _ value: T) throws -> Void
  ) throws {
    try forEachAnnotationFileContents(
      docs: docs, coders: coders,
      transform: { coder, doc, contents throws(AnnotationFormat.Problem) in
        transform(coder, doc, try contents.records())
      }, body)
  }

  /// An annotation file as `forEachAnnotationFileContents` hands it: its bytes, or its
  /// records when a server has them decoded already.
  public enum AnnotationContents {
    case bytes(Data)
    case records([Assignment])

    /// The records, in canonical order.
    public func records() throws(AnnotationFormat.Problem) -> [Assignment] {
      let records: [Assignment]
      switch self {
      case .bytes(let data): records = try AnnotationFormat.decode(data)
      case .records(let decoded): records = decoded
      }
      // A hand-edited file may be out of order; put it right for the listing.
      return Assignment.canonicallySorted(records)
    }
  }

  /// `forEachAnnotationFile(transform:)` for a listing that reads files as gloss writes
  /// them from their bytes (`AnnotationFormat.CanonicalRecords`).
  public func forEachAnnotationFileContents<T>(
    docs: Set<String>? = nil, coders: Set<String>? = nil,
    transform:
      @escaping @Sendable (_ coder: String, _ doc: String, _ contents: AnnotationContents)
      throws(AnnotationFormat.Problem) -> T,
    _ body: (_ coder: String, _ doc: String, _ value: T) throws -> Void
  ) throws {
    try forEachAnnotationFile(
      docs: docs, coders: coders,
      decode: { coder, doc, data throws(AnnotationFormat.Problem) in try transform(coder, doc, .bytes(data)) },
      fromRecords: { coder, doc, records throws(AnnotationFormat.Problem) in
        try transform(coder, doc, .records(records))
      }, body)
  }

  /// Calls `body` with the code of every record of every matching annotation file, files
  /// sorted by (doc, coder): for counts, which need no other field.
  public func forEachAnnotationFileCodes(
    docs: Set<String>? = nil, coders: Set<String>? = nil,
    _ body: (_ coder: String, _ doc: String, _ codes: [String]) throws -> Void
  ) throws {
    try forEachAnnotationFileCounted(docs: docs, coders: coders, { $0.code }, body)
  }

  /// `pick` of every record of every matching file, for counts: the records are read as
  /// `AnnotationFormat.counted` reads them (the code, and whether each other string is
  /// there and empty).
  public func forEachAnnotationFileCounted<T>(
    docs: Set<String>? = nil, coders: Set<String>? = nil, _ pick: @escaping @Sendable (Assignment) -> T,
    _ body: (_ coder: String, _ doc: String, _ values: [T]) throws -> Void
  ) throws {
    try forEachAnnotationFile(
      docs: docs, coders: coders,
      decode: { _, _, data throws(AnnotationFormat.Problem) in try AnnotationFormat.counted(data, pick) },
      fromRecords: { _, _, records in records.map(pick) }, body)
  }

  /// Each matching file read and decoded with `decode` on every core, a chunk at a time,
  /// and handed to `body` in order on this thread; the first unreadable file throws after
  /// the files before it were handed. With several cores the next chunk is read while
  /// `body` takes this one, by threads with their own repository handles (so `body` may
  /// use this snapshot meanwhile). With `DecodedBlobs` on (a server), records come from
  /// and go to its cache.
  private func forEachAnnotationFile<T>(
    docs: Set<String>?, coders: Set<String>?,
    decode: @escaping (_ coder: String, _ doc: String, Data) throws(AnnotationFormat.Problem) -> T,
    fromRecords: @escaping (_ coder: String, _ doc: String, [Assignment]) throws(AnnotationFormat.Problem) -> T,
    _ body: (String, String, T) throws -> Void
  ) throws {
    let files = try annotationBlobs(coders: coders).filter { docs?.contains($0.doc) ?? true }
    typealias Chunk = ArraySlice<(coder: String, doc: String, blob: Oid)>
    func decoded(_ chunk: Chunk, _ handles: [Repository]) -> [Result<T, Error>] {
      Parallel.map(chunk.count, workers: handles) { index, handle -> Result<T, Error> in
        let file = chunk[chunk.startIndex + index]
        let path = Layout.annotation(coder: file.coder, doc: file.doc)
        return Result {
          do {
            guard DecodedBlobs.annotations.isEnabled else {
              return try decode(file.coder, file.doc, try handle.blob(file.blob))
            }
            return try fromRecords(
              file.coder, file.doc,
              try DecodedBlobs.annotations.value(for: file.blob) {
                try Self.decodeAnnotations(try handle.blob(file.blob), path: path)
              })
          } catch let problem as AnnotationFormat.Problem {
            throw GlossError.malformed(file: path, line: problem.line, message: problem.message)
          }
        }
      }
    }
    var workers: [Repository] = []
    if files.count >= 64, Parallel.cores > 1 {
      for _ in 0..<Parallel.cores {
        guard let handle = try? repository.reopened() else { break }
        workers.append(handle)
      }
    }
    guard !workers.isEmpty else {
      for (file, value) in zip(files, decoded(files[...], [repository])) {
        try body(file.coder, file.doc, try value.get())
      }
      return
    }
    let size = 128 * workers.count
    let chunks = stride(from: 0, to: files.count, by: size).map { files[$0..<min(files.count, $0 + size)] }
    var next: Pending<[Result<T, Error>]>? = chunks.first.map { first in Pending { decoded(first, workers) } }
    // No worker is left reading once this returns or throws.
    defer { _ = next?.wait() }
    for (index, chunk) in chunks.enumerated() {
      guard let current = next else { break }
      let values = current.wait()
      next = index + 1 < chunks.count ? Pending { decoded(chunks[index + 1], workers) } : nil
      for (file, value) in zip(chunk, values) { try body(file.coder, file.doc, try value.get()) }
    }
  }

  /// Finds an assignment by its full id, its handle or any unique prefix (DESIGN §3).
  public func findAssignment(_ typed: String, coders: Set<String>? = nil) throws
    -> LocatedAssignment
  {
    let all = try assignments(coders: coders)
    if let exact = all.first(where: { $0.assignment.id == typed }) { return exact }
    let matches = all.filter { AssignmentHandles.matches(typed, id: $0.assignment.id) }
    if matches.count > 1 {
      throw GlossError.ambiguousAssignment(
        typed, matches: matches.map { "\($0.assignment.id) (\($0.coder), \($0.doc))" })
    }
    guard let match = matches.first else { throw GlossError.unknownAssignment(typed) }
    return match
  }

  /// Short handles for every assignment id at this revision, all coders included.
  public func assignmentHandles() throws -> AssignmentHandles {
    var ids: [String] = []
    try forEachAssignment { ids.append($0.assignment.id) }
    return AssignmentHandles(ids: ids)
  }
}

/// gloss.yaml and codebook.yaml parsed once per blob for the whole process: a history walk
/// (`validate --range`, `log`, `agree --history`) meets the same few blobs in every commit.
enum ParsedFiles {
  // A handful of files per project: the bound is only against pathological histories.
  static let settings = BlobCache<Settings>(limit: 256)
  static let codebooks = BlobCache<Codebook>(limit: 256)
}

/// Values parsed from blobs, by blob id; safe to use from several threads. A blob's bytes
/// never change, so a value stays right for as long as anything names the blob. Bounded:
/// emptied when `limit` values are held; a limit of 0 keeps nothing.
final class BlobCache<Value: Sendable>: @unchecked Sendable {
  private let lock = NSLock()
  private var values: [Oid: Value] = [:]
  private var limit: Int

  init(limit: Int) { self.limit = limit }

  /// Whether anything is kept (a cache with limit 0 is off).
  var isEnabled: Bool { lock.withLock { limit > 0 } }

  func setLimit(_ limit: Int) { lock.withLock { self.limit = max(0, limit) } }

  /// Keeps `value` as what blob `id` parses to.
  func store(_ value: Value, for id: Oid) {
    lock.withLock {
      guard limit > 0 else { return }
      if values.count >= limit { values.removeAll(keepingCapacity: true) }
      values[id] = value
    }
  }

  /// The value parsed from blob `id`, parsing it with `parse` the first time.
  func value(for id: Oid, parse: () throws -> Value) throws -> Value {
    if let known = lock.withLock({ values[id] }) { return known }
    let value = try parse()
    store(value, for: id)
    return value
  }
}
