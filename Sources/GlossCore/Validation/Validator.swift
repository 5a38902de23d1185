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

    // Documents.
    var documents: Set<String> = []
    var annotationFiles: [(path: String, coder: String, doc: String)] = []
    var doneMarks: [String] = []
    for path in files.paths {
      if path.hasPrefix(Layout.documents) {
        guard let id = Layout.parseDocumentPath(path), Identifier.isDocument(id) else {
          add(
            Finding(
              .error, path, "not a document: expected documents/<id>.txt with id matching \(Identifier.documentRule)"))
          continue
        }
        documents.insert(id)
        do {
          if let data = try files.read(path) { findings += checkDocument(data, path: path) }
        } catch {
          add(Finding(.error, path, "cannot be read: \(error.localizedDescription)"))
        }
      } else if path.hasPrefix(Layout.annotations) {
        if Layout.parseDoneMarkPath(path) != nil {
          doneMarks.append(path)
          continue
        }
        guard let (coder, doc) = Layout.parseAnnotationPath(path) else {
          add(
            Finding(
              .error, path,
              "not an annotation file: expected annotations/<coder>/<doc-id>.jsonl (or a done mark, <doc-id>.done)"))
          continue
        }
        guard Identifier.isCoder(coder) else {
          add(Finding(.error, path, "invalid coder '\(coder)': must match \(Identifier.coderRule)"))
          continue
        }
        annotationFiles.append((path, coder, doc))
      }
    }

    // Annotation files, grouped by document so each text is loaded once.
    var ids = IDSet()
    annotationFiles.sort { $0.doc != $1.doc ? $0.doc < $1.doc : $0.coder < $1.coder }
    var currentDoc: (id: String, text: DocumentText?)?
    for (done, file) in annotationFiles.enumerated() {
      progress?(done, annotationFiles.count)
      guard documents.contains(file.doc) else {
        add(Finding(.error, file.path, "annotations for unknown document '\(file.doc)'"))
        continue
      }
      if currentDoc?.id != file.doc {
        let data = try? files.read(Layout.document(file.doc))
        let text = data.flatMap { String(validating: [UInt8]($0), as: UTF8.self) }.map(DocumentText.init)
        currentDoc = (file.doc, text)
      }
      do {
        guard let data = try files.read(file.path) else { continue }
        findings += checkAnnotations(
          data, path: file.path, text: currentDoc?.text, codebook: codebook, ids: &ids)
      } catch {
        add(Finding(.error, file.path, "cannot be read: \(error.localizedDescription)"))
      }
    }
    let annotationPaths = Set(annotationFiles.map(\.path))
    for path in doneMarks {
      findings += checkDoneMark(
        path: path, documentExists: documents.contains, annotated: annotationPaths.contains,
        read: { try files.read(path) })
    }
    return findings
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
    var findings: [Finding] = []
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
      if !AssignmentID.isValid(record.id) { add(.error, "id '\(record.id)' is not a lowercase UUID") }
      if !ids.insert(record.id) { add(.error, "id \(record.id) is used by another assignment") }
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
        } else if !record.exact.unicodeScalars.elementsEqual(text.scalars[record.start..<record.end]) {
          let found = text.slice(record.start, record.end)
          let shown = found.count > 40 ? String(found.prefix(39)) + "…" : found
          add(.error, "exact text does not match the document at \(record.start)-\(record.end) (found \"\(shown)\")")
        }
      }
      if let review = record.review { add(.warning, "marked for review: \(review)") }
    }
    return findings
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

  /// Inserts `id`; false when it was already there.
  mutating func insert(_ id: String) -> Bool {
    guard AssignmentID.isValid(id) else { return others.insert(id).inserted }
    var high: UInt64 = 0
    var low: UInt64 = 0
    var count = 0
    for byte in id.utf8 where byte != UInt8(ascii: "-") {
      let digit = UInt64(byte <= 0x39 ? byte - 0x30 : byte - 0x61 + 10)
      if count < 16 { high = high << 4 | digit } else { low = low << 4 | digit }
      count += 1
    }
    return uuids.insert(UUIDKey(high: high, low: low)).inserted
  }
}
