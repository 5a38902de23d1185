import Foundation
import GitKit

/// One problem found by validation, located by file and line.
public struct Finding: Sendable, Equatable {
  public enum Severity: String, Sendable { case error, warning }
  public let severity: Severity
  public let path: String
  public let line: Int?
  public let message: String
  /// The commit a range check found it in.
  public let commit: String?

  public init(_ severity: Severity, _ path: String, line: Int? = nil, _ message: String, commit: String? = nil) {
    self.severity = severity
    self.path = path
    self.line = line
    self.message = Self.oneLine(message)
    self.commit = commit
  }

  /// Messages quote user text, which may hold line breaks; a finding is one line, so
  /// logs and editors can parse `path:line: error: message`.
  static func oneLine(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: { $0 == "\n" || $0 == "\r" }) else { return text }
    var out = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\n": out.append(contentsOf: "\\n".unicodeScalars)
      case "\r": out.append(contentsOf: "\\r".unicodeScalars)
      default: out.append(scalar)
      }
    }
    return String(out)
  }

  /// `path:line: error: message`, the form editors and CI logs understand.
  public var text: String {
    let location = line.map { "\(path):\($0)" } ?? path
    let prefix = commit.map { "\(String($0.prefix(10))): " } ?? ""
    return "\(prefix)\(location): \(severity.rawValue): \(message)"
  }

  public var json: JSON {
    .object([
      ("severity", .string(severity.rawValue)), ("path", .string(path)), ("line", line.map(JSON.int) ?? .null),
      ("message", .string(message)), ("commit", .optional(commit)),
    ])
  }
}

/// Checks every rule of the repository format (DESIGN §2), file by file, so memory stays
/// bounded by the largest document and the set of assignment ids.
public struct Validator {
  /// Called after each annotation file with (files done, files in all), for progress.
  public var progress: ((Int, Int) -> Void)?

  public init(progress: ((Int, Int) -> Void)? = nil) {
    self.progress = progress
  }

  public func validate(_ files: ProjectFiles) -> [Finding] {
    var findings: [Finding] = files.links.map { Self.linkFinding($0.path, kind: $0.kind) }
    func add(_ finding: Finding) { findings.append(finding) }

    // gloss.yaml and codebook.yaml.
    do {
      guard let data = try files.read(Settings.path) else {
        return findings + [Finding(.error, Settings.path, "missing: not a Gloss project")]
      }
      _ = try Settings.decode(data)
    } catch let error as GlossError {
      if case .futureFormat = error { return [Finding(.error, Settings.path, error.localizedDescription)] }
      add(finding(from: error, path: Settings.path))
    } catch {
      add(Finding(.error, Settings.path, error.localizedDescription))
    }
    var codebook: Codebook?
    do {
      if let data = try files.read(Codebook.path) {
        let book = try Codebook.decode(data)
        codebook = book
        if book.encode() != data {
          add(Finding(.warning, Codebook.path, "not in canonical form; 'gloss validate --fix' rewrites it"))
        }
      } else {
        add(Finding(.error, Codebook.path, "missing"))
      }
    } catch {
      add(finding(from: error, path: Codebook.path))
    }

    // Paths in order; a document's own check is done along with its annotation files, so
    // its text is read once.
    enum Slot {
      case finding(Finding)
      case document(String)
    }
    var slots: [Slot] = []
    var documents: Set<String> = []
    var annotationFiles: [(path: String, coder: String, doc: String)] = []
    var doneMarks: [String] = []
    for path in files.paths {
      if path.hasPrefix(Layout.documents) {
        guard let id = Layout.parseDocumentPath(path), Identifier.isDocument(id) else {
          slots.append(
            .finding(
              Finding(
                .error, path,
                "not a document: expected documents/<id>.txt with id matching \(Identifier.documentRule)")))
          continue
        }
        documents.insert(id)
        slots.append(.document(id))
      } else if path.hasPrefix(Layout.annotations) {
        if Layout.parseDoneMarkPath(path) != nil {
          doneMarks.append(path)
          continue
        }
        guard let (coder, doc) = Layout.parseAnnotationPath(path) else {
          slots.append(
            .finding(
              Finding(
                .error, path,
                "not an annotation file: expected annotations/<coder>/<doc-id>.jsonl (or a done mark, <doc-id>.done)")))
          continue
        }
        guard Identifier.isCoder(coder) else {
          slots.append(.finding(Finding(.error, path, "invalid coder '\(coder)': must match \(Identifier.coderRule)")))
          continue
        }
        annotationFiles.append((path, coder, doc))
      }
    }

    // One unit of work per document (and per unknown document annotations name): its own
    // check and its annotation files, on every core; ids are checked for uniqueness after,
    // in order, so the findings are the same whatever thread did the work.
    annotationFiles.sort { $0.doc != $1.doc ? $0.doc < $1.doc : $0.coder < $1.coder }
    var filesByDoc: [String: [(path: String, coder: String, doc: String)]] = [:]
    for file in annotationFiles { filesByDoc[file.doc, default: []].append(file) }
    let units = documents.union(filesByDoc.keys).sorted()
    var documentFindings: [String: [Finding]] = [:]
    var annotationFindings: [Finding] = []
    var ids = IDSet()
    var done = 0
    let readers = Self.readers(for: files, units: units.count)
    let readAhead = files.readAhead?(
      units.flatMap { doc in
        (documents.contains(doc) ? [Layout.document(doc)] : []) + (filesByDoc[doc] ?? []).map(\.path)
      })
    defer { readAhead?.stop() }
    let chunk = 64 * readers.count
    for chunkStart in stride(from: 0, to: units.count, by: chunk) {
      let slice = Array(units[chunkStart..<min(units.count, chunkStart + chunk)])
      let results = Self.parallelMap(slice.count, readers: readers) { index, read in
        checkUnit(
          slice[index], isDocument: documents.contains(slice[index]), files: filesByDoc[slice[index]] ?? [],
          codebook: codebook, read: read)
      }
      for (doc, result) in zip(slice, results) {
        if documents.contains(doc) { documentFindings[doc] = result.document }
        for file in result.files {
          progress?(done, annotationFiles.count)
          done += 1
          annotationFindings += file.resolved(&ids)
        }
      }
    }
    for slot in slots {
      switch slot {
      case .finding(let finding): findings.append(finding)
      case .document(let id): findings += documentFindings[id] ?? []
      }
    }
    let annotationPaths = Set(annotationFiles.map(\.path))
    for path in doneMarks {
      annotationFindings += checkDoneMark(
        path: path, documentExists: documents.contains, annotated: annotationPaths.contains,
        read: { try files.read(path) })
    }
    return findings + annotationFindings
  }

  /// What one unit of work found: the document's own problems, and each annotation file's.
  struct UnitFindings {
    var document: [Finding] = []
    var files: [FileFindings] = []
  }

  /// One annotation file's findings, with the ids whose uniqueness is checked across files.
  struct FileFindings {
    var findings: [Finding] = []
    /// Each record's id, line, and where in `findings` a repeated id's finding goes.
    var ids: [(id: IDSet.Key, line: Int, at: Int)] = []

    /// The findings, with one for each id seen before (in `ids`, which takes them in).
    func resolved(_ seen: inout IDSet) -> [Finding] {
      var result = findings
      var inserted = 0
      for mark in ids where !seen.insert(mark.id) {
        result.insert(
          Finding(.error, path, line: mark.line, "id \(mark.id.text) is used by another assignment"),
          at: mark.at + inserted)
        inserted += 1
      }
      return result
    }

    var path = ""
  }

  /// Checks a document and the annotation files on it, reading through `read`.
  func checkUnit(
    _ doc: String, isDocument: Bool, files: [(path: String, coder: String, doc: String)], codebook: Codebook?,
    read: (String) throws -> Data?
  ) -> UnitFindings {
    var result = UnitFindings()
    var text: DocumentText?
    if isDocument {
      let path = Layout.document(doc)
      do {
        if let data = try read(path) {
          result.document = checkDocument(data, path: path)
          if !files.isEmpty { text = String(validating: [UInt8](data), as: UTF8.self).map(DocumentText.init) }
        }
      } catch {
        result.document = [Finding(.error, path, "cannot be read: \(error.localizedDescription)")]
      }
    }
    for file in files {
      var found = FileFindings()
      found.path = file.path
      guard isDocument else {
        found.findings = [Finding(.error, file.path, "annotations for unknown document '\(file.doc)'")]
        result.files.append(found)
        continue
      }
      do {
        guard let data = try read(file.path) else { continue }
        found = checkAnnotations(data, path: file.path, text: text, codebook: codebook)
      } catch {
        found.findings = [Finding(.error, file.path, "cannot be read: \(error.localizedDescription)")]
      }
      result.files.append(found)
    }
    return result
  }

  /// A reader per worker thread: the files' own for the first, a new one (with its own
  /// repository handle) for each other core; one reader when the files cannot be read on
  /// several threads or the work is small.
  static func readers(for files: ProjectFiles, units: Int) -> [(String) throws -> Data?] {
    var readers = [files.read]
    let cores = Parallel.cores
    guard let make = files.threadReader, units >= 8, cores > 1 else { return readers }
    for _ in 1..<cores {
      guard let reader = try? make() else { break }
      readers.append(reader)
    }
    return readers
  }

  /// `body(index, reader)` for every index below `count`, one worker per reader; results
  /// in index order.
  static func parallelMap<T>(
    _ count: Int, readers: [(String) throws -> Data?], _ body: @escaping (Int, (String) throws -> Data?) -> T
  ) -> [T] {
    Parallel.map(count, workers: readers, body)
  }

  /// A symbolic link or a gitlink: refused wherever it is, never read or followed.
  static func linkFinding(_ path: String, kind: TreeEntry.Kind) -> Finding {
    let what = kind == .gitlink ? "a submodule (gitlink)" : "a symbolic link"
    return Finding(.error, path, "is \(what); a Gloss project holds only regular files, and gloss never follows links")
  }

  func finding(from error: Error, path: String) -> Finding {
    if case .malformed(let file, let line, let message) = error as? GlossError {
      return Finding(.error, file, line: line, message)
    }
    return Finding(.error, path, error.localizedDescription)
  }

  /// UTF-8, no BOM, LF line endings, NFC, no NUL bytes.
  func checkDocument(_ data: Data, path: String) -> [Finding] {
    let bytes = [UInt8](data)
    var findings: [Finding] = []
    func lineOf(_ offset: Int) -> Int { bytes[..<offset].reduce(1) { $0 + ($1 == 0x0a ? 1 : 0) } }
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
      findings.append(Finding(.error, path, line: 1, "starts with a byte-order mark"))
    }
    if let nul = bytes.firstIndex(of: 0) {
      findings.append(Finding(.error, path, line: lineOf(nul), "contains a NUL byte"))
    }
    guard let text = String(validating: bytes, as: UTF8.self) else {
      findings.append(Finding(.error, path, "is not valid UTF-8"))
      return findings
    }
    if let cr = bytes.firstIndex(of: 0x0d) {
      findings.append(Finding(.error, path, line: lineOf(cr), "has a CR line ending; documents use LF"))
    }
    if !NFC.isNormalized(text) {
      findings.append(Finding(.error, path, "is not in Unicode NFC"))
    }
    return findings
  }

  /// Every record: JSON, types, canonical bytes, offsets, `exact`, known code, unique ids,
  /// no duplicate (code, start, end), sorted.
  func checkAnnotations(
    _ data: Data, path: String, text: DocumentText?, codebook: Codebook?, ids: inout IDSet
  ) -> [Finding] {
    checkAnnotations(data, path: path, text: text, codebook: codebook).resolved(&ids)
  }

  /// Every rule but the uniqueness of ids across files, which `FileFindings.resolved` checks.
  func checkAnnotations(_ data: Data, path: String, text: DocumentText?, codebook: Codebook?) -> FileFindings {
    var findings: [Finding] = []
    var marks: [(id: IDSet.Key, line: Int, at: Int)] = []
    let bytes = [UInt8](data)
    var keys: Set<Assignment.Key> = []
    var previous: Assignment?
    var canonical: [UInt8] = []
    AnnotationFormat.forEachLine(bytes) { lineNumber, line, terminated in
      let (start, end) = (line.lowerBound, line.upperBound)
      func add(_ severity: Finding.Severity, _ message: String) {
        findings.append(Finding(severity, path, line: lineNumber, message))
      }
      if !terminated { add(.error, "last line does not end with a line feed") }
      let record: Assignment
      if let canonicalRecord = AnnotationFormat.parseCanonical(bytes, start, end) {
        // Read in the canonical form only, so its bytes are canonical.
        record = canonicalRecord
      } else {
        do throws(JSONLineError) {
          record = try AnnotationFormat.parseLine(bytes, start, end)
        } catch {
          add(.error, error.message)
          return
        }
        // Canonical bytes: the record written again must give back the line exactly.
        canonical.removeAll(keepingCapacity: true)
        AnnotationFormat.appendLine(record, to: &canonical)
        if !canonical.dropLast().elementsEqual(bytes[start..<end]) {
          add(.error, "not in canonical form (key order, spacing or escaping); 'gloss validate --fix' rewrites it")
        }
      }
      let idKey = IDSet.key(record.id)
      if idKey.isOther { add(.error, "id '\(record.id)' is not a lowercase UUID") }
      marks.append((idKey, lineNumber, findings.count))
      if let codebook, codebook.code(record.code) == nil { add(.error, "unknown code '\(record.code)'") }
      if !keys.insert(record.key).inserted {
        add(.error, "duplicate assignment of \(record.code) to \(record.start)-\(record.end)")
      }
      if let previous, !Assignment.canonicalOrder(previous, record) {
        add(.error, "not sorted by (start, end, code, id); 'gloss validate --fix' sorts it")
      }
      previous = record
      if let text {
        if record.end > text.length {
          add(.error, "end \(record.end) is past the end of the document (\(text.length) characters)")
        } else if !text.holds(record.exact, from: record.start, to: record.end) {
          let found = text.slice(record.start, record.end)
          let shown = found.count > 40 ? String(found.prefix(39)) + "…" : found
          add(.error, "exact text does not match the document at \(record.start)-\(record.end) (found \"\(shown)\")")
        }
      }
      if let review = record.review { add(.warning, "marked for review: \(review)") }
    }
    return FileFindings(findings: findings, ids: marks, path: path)
  }
}

/// Assignment ids seen so far; UUIDs kept as 128-bit values so a million cost 16 MB.
struct IDSet {
  private var uuids: Set<UUIDKey> = []
  private var others: Set<String> = []

  struct UUIDKey: Hashable {
    let high: UInt64
    let low: UInt64
  }

  /// An id as the set keeps it: a lowercase UUID as its 128 bits, anything else as text.
  /// Made on the worker that read the id, so the shared set only inserts.
  enum Key {
    case uuid(UUIDKey)
    case other(String)

    var isOther: Bool {
      if case .other = self { return true }
      return false
    }

    /// The id as written (a UUID's bits give back its lowercase text).
    var text: String {
      switch self {
      case .other(let id): return id
      case .uuid(let key):
        let hex = String(key.high, radix: 16).leftPadded(16) + String(key.low, radix: 16).leftPadded(16)
        let digits = Array(hex.utf8)
        var out: [UInt8] = []
        for (index, digit) in digits.enumerated() {
          if [8, 12, 16, 20].contains(index) { out.append(UInt8(ascii: "-")) }
          out.append(digit)
        }
        return String(decoding: out, as: UTF8.self)
      }
    }
  }

  /// One pass over the bytes: the rule of `AssignmentID.isValid` and the value together.
  static func key(_ id: String) -> Key {
    guard id.utf8.count == 36 else { return .other(id) }
    var high: UInt64 = 0
    var low: UInt64 = 0
    var digits = 0
    var bytes = id
    let valid = bytes.withUTF8 { bytes in
      for index in 0..<36 {
        let byte = bytes[index]
        if index == 8 || index == 13 || index == 18 || index == 23 {
          guard byte == UInt8(ascii: "-") else { return false }
          continue
        }
        let digit: UInt64
        switch byte {
        case 0x30...0x39: digit = UInt64(byte - 0x30)
        case 0x61...0x66: digit = UInt64(byte - 0x61 + 10)
        default: return false
        }
        if digits < 16 { high = high << 4 | digit } else { low = low << 4 | digit }
        digits += 1
      }
      return true
    }
    return valid ? .uuid(UUIDKey(high: high, low: low)) : .other(id)
  }

  /// Inserts `id`; false when it was already there.
  mutating func insert(_ id: String) -> Bool { insert(Self.key(id)) }

  mutating func insert(_ key: Key) -> Bool {
    switch key {
    case .uuid(let uuid): return uuids.insert(uuid).inserted
    case .other(let id): return others.insert(id).inserted
    }
  }
}

extension String {
  fileprivate func leftPadded(_ length: Int) -> String {
    String(repeating: "0", count: max(0, length - utf8.count)) + self
  }
}
