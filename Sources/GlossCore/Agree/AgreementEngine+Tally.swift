import Agreement
import Foundation
import GitKit

/// Per-document tallies and the blob caches behind them.
extension AgreementEngine {
  func documentTallies(_ document: ScopedDocument) throws -> DocumentTallies {
    let key = DocumentKey(
      document: document.blob, coders: document.coders.map(\.name),
      blobs: document.coders.map(\.blob))
    // Most documents are unchanged since the previous commit of a history.
    if let previous = latest[document.id], previous.key == key { return previous }
    // Two documents with the same text and the same annotation blobs (identical short
    // answers, both coded alike) share the tallies, but each counts under its own id.
    if var cached = tallies[key] {
      cached.id = document.id
      latest[document.id] = cached
      return cached
    }
    let info = try documentInfo(document.blob)
    let spans = try document.coders.map { coder, blob in
      try parsedAnnotations(blob, path: Layout.annotation(coder: coder, doc: document.id))
    }
    let unit: SweepUnit
    switch options.unit {
    case .char, .segment: unit = .char
    case .para: unit = .para(info.paragraphs ?? [])
    case .doc: unit = .doc
    }
    var codes = Set<String>()
    for coder in spans { codes.formUnion(coder.keys) }
    // The previous version of this document, when the text and coders are the same: a
    // commit usually changes one code of one coder, so the other codes keep their tallies.
    let earlier = latest[document.id].flatMap {
      $0.key.document == key.document && $0.coders == key.coders ? $0 : nil
    }
    var byCode: [String: BinaryTally] = [:]
    var segments: [String: [[Range<Int>]]] = [:]
    for code in codes {
      let perCoder = spans.map { $0[code] ?? [] }
      if let earlier, earlier.segments[code] == perCoder, let tally = earlier.byCode[code] {
        byCode[code] = tally
      } else {
        byCode[code] = SpanSweep.tally(length: info.length, coders: perCoder, unit: unit)
      }
      segments[code] = perCoder
    }
    let empty = SpanSweep.tally(
      length: info.length, coders: Array(repeating: [], count: spans.count), unit: unit)
    let result = DocumentTallies(
      id: document.id, key: key, length: info.length, coders: document.coders.map(\.name), byCode: byCode,
      empty: empty, segments: segments)
    tallies[key] = result
    latest[document.id] = result
    documentsComputed += 1
    return result
  }

  func documentInfo(_ blob: Oid) throws -> DocumentInfo {
    if let cached = texts[blob] { return cached }
    // Without paragraphs, the length is all that is needed: the reader may have it.
    if options.unit != .para, let length = prefetch?.takeLength(blob) {
      let info = DocumentInfo(length: length, paragraphs: nil)
      texts[blob] = info
      return info
    }
    let data = try repository.blob(blob)
    blobsRead += 1
    let info: DocumentInfo
    if options.unit == .para {
      let text = DocumentText(String(decoding: data, as: UTF8.self))
      info = DocumentInfo(length: text.length, paragraphs: text.paragraphs)
    } else {
      info = DocumentInfo(length: data.withUnsafeBytes(Self.codePoints), paragraphs: nil)
    }
    texts[blob] = info
    return info
  }

  /// The code points of UTF-8 text: the bytes that do not continue a sequence (10xxxxxx),
  /// counted eight at a time.
  static func codePoints(_ bytes: UnsafeRawBufferPointer) -> Int {
    let words = bytes.count / 8
    var continuing = 0
    for word in 0..<words {
      let value = bytes.loadUnaligned(fromByteOffset: word * 8, as: UInt64.self)
      // Bit 7 set and bit 6 clear, in every byte.
      continuing += (value & ~(value << 1) & 0x8080_8080_8080_8080).nonzeroBitCount
    }
    for index in (words * 8)..<bytes.count where bytes[index] & 0xC0 == 0x80 { continuing += 1 }
    return bytes.count - continuing
  }

  func parsedAnnotations(_ blob: Oid, path: String) throws -> [String: [Range<Int>]] {
    if let cached = annotations[blob] { return cached }
    if let read = prefetch?.take(blob) {
      annotations[blob] = read
      return read
    }
    let data = try repository.blob(blob)
    blobsRead += 1
    if let spans = SpanScanner.scan(data) {
      annotations[blob] = spans
      return spans
    }
    var spans: [String: [Range<Int>]] = [:]
    for assignment in try Snapshot.decodeAnnotations(data, path: path)
    where assignment.start < assignment.end {
      spans[assignment.code, default: []].append(assignment.start..<assignment.end)
    }
    annotations[blob] = spans
    return spans
  }

  func folderListing(_ folder: Oid) throws -> [String: Oid] {
    used.folders.insert(folder)
    if let cached = folders[folder] { return cached }
    var listing: [String: Oid] = [:]
    for entry in try entries(folder) where entry.kind == .blob {
      if entry.name.hasSuffix(".jsonl") {
        listing[String(entry.name.dropLast(6))] = entry.id
      } else if entry.name.hasSuffix(Layout.doneMarkSuffix) {
        listing[CountedCoders.listingKey(String(entry.name.dropLast(Layout.doneMarkSuffix.count)))] = entry.id
      }
    }
    folders[folder] = listing
    return listing
  }

  /// A tree's entries, from the reader when it listed them.
  func entries(_ tree: Oid) throws -> [TreeEntry] {
    if let listed = prefetch?.takeEntries(tree) { return listed }
    return try repository.entries(inFolder: "", ofTree: tree)
  }

  func loadCodebook(_ blob: Oid?) throws -> Codebook {
    if let codebook, codebook.id == blob { return codebook.book }
    let book = try blob.map { try Codebook.decode(try repository.blob($0)) } ?? Codebook()
    codebook = (blob, book)
    return book
  }

  /// Drops what the documents of the commit just measured (`inScope`) did not use. The
  /// used objects are gathered only here, not on every commit.
  func evictUnused() {
    let files = inScope.reduce(0) { $0 + $1.coders.count }
    // Dropping is itself a pass over the caches, so it waits until they have doubled.
    guard tallies.count > 2 * inScope.count + 64 || annotations.count > 2 * files + 256
    else { return }
    for document in inScope {
      used.tallies.insert(
        DocumentKey(
          document: document.blob, coders: document.coders.map(\.name), blobs: document.coders.map(\.blob)))
      used.texts.insert(document.blob)
      used.annotations.formUnion(document.coders.map(\.blob))
    }
    texts = texts.filter { used.texts.contains($0.key) }
    annotations = annotations.filter { used.annotations.contains($0.key) }
    folders = folders.filter { used.folders.contains($0.key) }
    tallies = tallies.filter { used.tallies.contains($0.key) }
    latest = latest.filter { used.tallies.contains($0.value.key) }
  }
}

/// What a document contributes: its length and, for `para`, its paragraphs.
struct DocumentInfo {
  var length: Int
  var paragraphs: [Range<Int>]?
}

/// The blobs a per-document result depends on.
struct DocumentKey: Hashable {
  var document: Oid
  var coders: [String]
  var blobs: [Oid]
}

/// The subtrees and codebook blob a whole commit's result depends on.
struct CommitKey: Equatable {
  var documents: Oid?
  var annotations: Oid?
  var codebook: Oid?
}

/// Per-document tallies in the document's own coder numbering (its coders, sorted), for
/// every code used in it; codes nobody used there share `empty`.
struct DocumentTallies {
  var id: String
  var key: DocumentKey
  var length: Int
  var coders: [String]
  var byCode: [String: BinaryTally]
  var empty: BinaryTally
  /// Per code, each coder's spans (unitizing alpha, and reuse across versions).
  var segments: [String: [[Range<Int>]]]

  func tally(_ code: String) -> BinaryTally { byCode[code] ?? empty }

  func continuum(_ code: String) -> UnitizingDocument {
    UnitizingDocument(
      length: length, coders: segments[code] ?? Array(repeating: [], count: coders.count))
  }
}

/// Every code's tally pooled over the documents in scope, kept as plain counts so a
/// changed document can be taken out again, with the figures last computed from them.
struct Pool {
  let coders: [String]
  let codes: [String]
  /// Per document: the blobs it came from and its tally per code, in report numbering.
  var contributions: [String: (key: DocumentKey, tallies: [BinaryTally])] = [:]
  var counts: [[Pattern: Int]]
  var overallCounts: [Pattern: Int] = [:]
  /// Codes whose counts changed since their figures were computed.
  var dirty: Set<Int>
  var figures: [CodeFigures?]
  var overall: OverallFigures?

  init(coders: [String], codes: [String]) {
    self.coders = coders
    self.codes = codes
    counts = Array(repeating: [:], count: codes.count)
    dirty = Set(codes.indices)
    figures = Array(repeating: nil, count: codes.count)
  }

  /// Puts a document's tallies in place of what it contributed before (nothing when
  /// `tallies` is nil); codes whose tally is unchanged are not touched.
  mutating func replace(_ doc: String, key: DocumentKey?, tallies: [BinaryTally]?) {
    let old = contributions[doc]?.tallies
    for code in codes.indices {
      let before = old?[code]
      let after = tallies?[code]
      if before == after { continue }
      dirty.insert(code)
      for (pattern, count) in before?.counts ?? [:] {
        Self.change(&counts[code], pattern, by: -count)
        Self.change(&overallCounts, pattern, by: -count)
      }
      for (pattern, count) in after?.counts ?? [:] {
        Self.change(&counts[code], pattern, by: count)
        Self.change(&overallCounts, pattern, by: count)
      }
    }
    if let key, let tallies {
      contributions[doc] = (key, tallies)
    } else {
      contributions[doc] = nil
    }
  }

  private static func change(_ counts: inout [Pattern: Int], _ pattern: Pattern, by delta: Int) {
    let value = (counts[pattern] ?? 0) + delta
    counts[pattern] = value > 0 ? value : nil
  }

  func pooled(code: Int) -> BinaryTally { BinaryTally(counts: counts[code]) }

  func pooledOverall() -> BinaryTally { BinaryTally(counts: overallCounts) }

  func contribution(_ doc: String, code: Int) -> BinaryTally {
    contributions[doc]?.tallies[code] ?? BinaryTally()
  }
}

/// Object ids a commit used; everything else is dropped from the caches after it.
struct UsedObjects {
  var texts: Set<Oid> = []
  var annotations: Set<Oid> = []
  var folders: Set<Oid> = []
  var tallies: Set<DocumentKey> = []
}

extension AgreementReport {
  /// The same figures stamped with a commit's id and time.
  func at(commit: CommitInfo) -> AgreementReport {
    AgreementReport(
      rev: commit.id.hex, date: commit.committer.time,
      offsetMinutes: commit.committer.offsetMinutes, unit: unit, coders: coders,
      documents: documents, codes: codes, overall: overall, byDocument: byDocument, counted: counted)
  }
}
