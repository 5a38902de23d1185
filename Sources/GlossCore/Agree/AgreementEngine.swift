import Agreement
import Foundation
import GitKit

/// Computes agreement at commits straight from git objects. Every per-document result is
/// remembered under the blob ids it came from (the document and each coder's annotation
/// file), so walking a history re-reads and recomputes only the blobs that changed: cost
/// follows spans and changed blobs, never characters × commits.
public final class AgreementEngine {
  public let repository: Repository
  public let options: AgreementOptions

  /// Blobs read and per-document tallies computed so far: lets tests prove the reuse.
  public private(set) var blobsRead = 0
  public private(set) var documentsComputed = 0

  // Caches keyed by object ids. After each commit only the entries that commit used are
  // kept: a first-parent walk reuses from its predecessor, and memory stays bounded.
  private var texts: [Oid: DocumentInfo] = [:]
  private var annotations: [Oid: [String: [Range<Int>]]] = [:]
  private var folders: [Oid: [String: Oid]] = [:]
  private var tallies: [DocumentKey: DocumentTallies] = [:]
  private var codebook: (id: Oid?, book: Codebook)?
  private var previous: (key: CommitKey, report: AgreementReport)?
  private var pool = Pool(coders: [], codes: [])
  /// The last tallies computed for each document id, to reuse unchanged codes.
  private var latest: [String: DocumentTallies] = [:]
  private var documentListing: (tree: Oid?, documents: [(id: String, blob: Oid)])?
  private var used = UsedObjects()

  public init(repository: Repository, options: AgreementOptions) {
    self.repository = repository
    self.options = options
  }

  // MARK: Entry points

  /// The figures at `commit`; throws for unknown coders, codes or documents and when fewer
  /// than two coders have data.
  public func report(at commit: Oid) throws -> AgreementReport {
    switch try outcome(at: commit) {
    case .report(let report): return report
    case .failed(let error): throw error
    }
  }

  /// The figures at a snapshot's commit.
  public func report(for snapshot: Snapshot) throws -> AgreementReport {
    guard let commit = snapshot.commit else { throw GlossError.unknownRevision("HEAD") }
    return try report(at: commit)
  }

  /// The figures at every commit of `commits` that has data in scope, in the order given;
  /// commits where the scope does not exist yet (a coder or code not yet there, fewer than
  /// two coders with data) are skipped. Returns how many reports were produced.
  @discardableResult
  public func history(_ commits: [Oid], each: (AgreementReport) throws -> Void) throws -> Int {
    var produced = 0
    for commit in commits {
      if case .report(let report) = try outcome(at: commit) {
        try each(report)
        produced += 1
      }
    }
    return produced
  }

  /// The stretches where the selected coders differ, per document and code, for
  /// reconciliation: runs of code points (`char`, `segment`), paragraphs, or documents.
  public func disagreements(at commit: Oid) throws -> [Disagreement] {
    let tree = try repository.commit(commit).tree
    let layout = try TreeLayout(repository: repository, tree: tree)
    let scope: Scope
    switch try resolveScope(layout) {
    case .success(let resolved): scope = resolved
    case .failure(let error): throw error
    }
    var result: [Disagreement] = []
    for document in scope.documents {
      let data = try repository.blob(document.blob)
      let text = DocumentText(String(decoding: data, as: UTF8.self))
      let spans = try document.coders.map { coder, blob in
        try parsedAnnotations(blob, path: Layout.annotation(coder: coder, doc: document.id))
      }
      let names = document.coders.map(\.name)
      for code in scope.codes {
        let perCoder = spans.map { $0[code.id] ?? [] }
        for stretch in Self.differingStretches(perCoder, text: text, unit: options.unit) {
          result.append(
            Disagreement(
              doc: document.id, code: code.id, start: stretch.range.lowerBound,
              end: stretch.range.upperBound,
              coded: names.indices.filter { stretch.ones & (1 << UInt64($0)) != 0 }.map { names[$0] },
              notCoded: names.indices.filter { stretch.ones & (1 << UInt64($0)) == 0 }.map {
                names[$0]
              },
              text: text.slice(stretch.range.lowerBound, stretch.range.upperBound)))
        }
      }
    }
    return result.sorted { lhs, rhs in
      if lhs.doc != rhs.doc { return lhs.doc.utf8.lexicographicallyPrecedes(rhs.doc.utf8) }
      if lhs.start != rhs.start { return lhs.start < rhs.start }
      if lhs.end != rhs.end { return lhs.end < rhs.end }
      return lhs.code.utf8.lexicographicallyPrecedes(rhs.code.utf8)
    }
  }

  /// Checks that the coders, codes and documents named in the options exist at `commit`,
  /// so a typo fails at once instead of silently matching nothing.
  public func checkNames(at commit: Oid) throws {
    let layout = try TreeLayout(repository: repository, tree: try repository.commit(commit).tree)
    _ = try names(layout)
  }

  // MARK: One commit

  private enum Outcome {
    case report(AgreementReport)
    case failed(GlossError)
  }

  private func outcome(at commit: Oid) throws -> Outcome {
    let info = try repository.commit(commit)
    let layout = try TreeLayout(repository: repository, tree: info.tree)
    let key = CommitKey(
      documents: layout.documentsTree, annotations: layout.annotationsTree,
      codebook: layout.codebookBlob)
    if let previous, previous.key == key {
      return .report(previous.report.at(commit: info))
    }
    used = UsedObjects()
    defer { evictUnused() }
    let scope: Scope
    switch try resolveScope(layout) {
    case .success(let resolved): scope = resolved
    case .failure(let error): return .failed(error)
    }
    var documents: [DocumentTallies] = []
    for document in scope.documents {
      documents.append(try documentTallies(document))
    }
    let report = compute(scope: scope, documents: documents).at(commit: info)
    previous = (key, report)
    return .report(report)
  }

  // MARK: Scope

  /// What is measured at one commit: coders in output order, codes by id, and the documents
  /// that at least two selected coders coded, with their blobs.
  struct Scope {
    var coders: [String]
    var codes: [Code]
    var documents: [ScopedDocument]
  }

  struct ScopedDocument {
    var id: String
    var blob: Oid
    /// Selected coders with an annotation file for the document, sorted.
    var coders: [(name: String, blob: Oid)]
  }

  private struct Names {
    var coders: [String]
    var folders: [String: Oid]
    var codes: [Code]
    var documents: [(id: String, blob: Oid)]
  }

  /// Resolves the names given in the options against one tree.
  private func names(_ layout: TreeLayout) throws -> Names {
    let folders = try layout.coderFolders(repository)
    let selected: [String]
    if let requested = options.coders {
      for coder in requested where folders[coder] == nil {
        throw GlossError.unknownCoder(coder)
      }
      selected = Array(Set(requested)).sorted()
    } else {
      selected = folders.keys.filter { $0 != "consensus" }.sorted()
    }
    let book = try loadCodebook(layout.codebookBlob)
    var codes: [Code]
    if let requested = options.codes {
      var chosen: [String: Code] = [:]
      for name in requested {
        guard let code = book.lookup(name) else { throw GlossError.unknownCode(name) }
        chosen[code.id] = code
      }
      codes = Array(chosen.values)
    } else {
      codes = book.codes
    }
    codes.sort { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }
    var documents: [(id: String, blob: Oid)]
    if let cached = documentListing, cached.tree == layout.documentsTree {
      documents = cached.documents
    } else {
      documents = try layout.documents(repository)
      documentListing = (layout.documentsTree, documents)
    }
    if let requested = options.docs {
      let known = Set(documents.map(\.id))
      for doc in requested where !known.contains(doc) {
        throw GlossError.unknownDocument(doc)
      }
      let wanted = Set(requested)
      documents = documents.filter { wanted.contains($0.id) }
    }
    return Names(
      coders: selected, folders: folders.filter { selected.contains($0.key) }, codes: codes,
      documents: documents)
  }

  private func resolveScope(_ layout: TreeLayout) throws -> Result<Scope, GlossError> {
    let names: Names
    do {
      names = try self.names(layout)
    } catch let error as GlossError {
      switch error {
      case .unknownCoder, .unknownCode, .unknownDocument: return .failure(error)
      default: throw error
      }
    }
    var files: [String: [String: Oid]] = [:]  // coder → doc → blob
    for coder in names.coders {
      guard let folder = names.folders[coder] else { continue }
      files[coder] = try folderListing(folder)
    }
    var documents: [ScopedDocument] = []
    var withData: Set<String> = []
    for document in names.documents {
      let coders = names.coders.compactMap { coder in
        files[coder]?[document.id].map { (name: coder, blob: $0) }
      }
      guard coders.count >= 2 else { continue }
      documents.append(ScopedDocument(id: document.id, blob: document.blob, coders: coders))
      withData.formUnion(coders.map(\.name))
    }
    guard !documents.isEmpty else {
      let who = names.coders.isEmpty ? "none" : names.coders.joined(separator: ", ")
      return .failure(
        GlossError.nothingToDo(
          "agreement needs two coders with data: no document in scope has annotation files "
            + "from two of the selected coders (\(who))"))
    }
    let coders = options.coders == nil ? names.coders.filter(withData.contains) : names.coders
    return .success(Scope(coders: coders, codes: names.codes, documents: documents))
  }

  // MARK: Per-document tallies

  private func documentTallies(_ document: ScopedDocument) throws -> DocumentTallies {
    let key = DocumentKey(
      document: document.blob, coders: document.coders.map(\.name),
      blobs: document.coders.map(\.blob))
    used.tallies.insert(key)
    used.texts.insert(document.blob)
    used.annotations.formUnion(document.coders.map(\.blob))
    if let cached = tallies[key] { return cached }
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

  private func documentInfo(_ blob: Oid) throws -> DocumentInfo {
    if let cached = texts[blob] { return cached }
    let data = try repository.blob(blob)
    blobsRead += 1
    let info: DocumentInfo
    if options.unit == .para {
      let text = DocumentText(String(decoding: data, as: UTF8.self))
      info = DocumentInfo(length: text.length, paragraphs: text.paragraphs)
    } else {
      // Code points are the UTF-8 bytes that do not continue a sequence.
      let length = data.withUnsafeBytes { bytes in
        bytes.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
      }
      info = DocumentInfo(length: length, paragraphs: nil)
    }
    texts[blob] = info
    return info
  }

  private func parsedAnnotations(_ blob: Oid, path: String) throws -> [String: [Range<Int>]] {
    if let cached = annotations[blob] { return cached }
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

  private func folderListing(_ folder: Oid) throws -> [String: Oid] {
    used.folders.insert(folder)
    if let cached = folders[folder] { return cached }
    var listing: [String: Oid] = [:]
    for entry in try repository.entries(inFolder: "", ofTree: folder)
    where entry.kind == .blob && entry.name.hasSuffix(".jsonl") {
      listing[String(entry.name.dropLast(6))] = entry.id
    }
    folders[folder] = listing
    return listing
  }

  private func loadCodebook(_ blob: Oid?) throws -> Codebook {
    if let codebook, codebook.id == blob { return codebook.book }
    let book = try blob.map { try Codebook.decode(try repository.blob($0)) } ?? Codebook()
    codebook = (blob, book)
    return book
  }

  private func evictUnused() {
    // Dropping is itself a pass over the caches, so it waits until they have doubled.
    guard tallies.count > 2 * used.tallies.count + 64 || annotations.count > 2 * used.annotations.count + 256
    else { return }
    texts = texts.filter { used.texts.contains($0.key) }
    annotations = annotations.filter { used.annotations.contains($0.key) }
    folders = folders.filter { used.folders.contains($0.key) }
    tallies = tallies.filter { used.tallies.contains($0.key) }
  }

  // MARK: Figures

  private func compute(scope: Scope, documents: [DocumentTallies]) -> AgreementReport {
    let segment = options.unit == .segment
    let bootstrap = (options.bootstrap ?? 0) > 0
    let codeIDs = scope.codes.map(\.id)
    updatePool(coders: scope.coders, codes: codeIDs, documents: documents)
    // Without bootstrap or segments, a code whose pooled counts did not change keeps its
    // figures: a commit that touched one code of one file recomputes one code.
    let reuse = !bootstrap && !segment
    var codes: [CodeFigures] = []
    for (number, code) in scope.codes.enumerated() {
      if reuse, !pool.dirty.contains(number), let cached = pool.figures[number],
        cached.name == code.name
      {
        codes.append(cached)
        continue
      }
      let pooled = pool.pooled(code: number)
      let perDocument = bootstrap ? documents.map { pool.contribution($0.id, code: number) } : []
      let continua = segment ? documents.map { [$0.continuum(code.id)] } : nil
      let figures = figures(
        code: code, pooled: pooled, perDocument: perDocument, coders: scope.coders,
        segments: continua)
      pool.figures[number] = figures
      codes.append(figures)
    }
    var perDocument: [BinaryTally] = []
    if bootstrap {
      perDocument = documents.map { document in
        (0..<codeIDs.count).reduce(into: BinaryTally()) {
          $0.merge(pool.contribution(document.id, code: $1))
        }
      }
    }
    let overall: OverallFigures
    if reuse, pool.dirty.isEmpty, let cached = pool.overall {
      overall = cached
    } else {
      overall = overallFigures(
        pooled: pool.pooledOverall(), perDocument: perDocument, coders: scope.coders,
        segments: segment ? documents.map { document in codeIDs.map(document.continuum) } : nil)
      pool.overall = overall
    }
    pool.dirty = []
    var byDocument: [DocumentFigures]?
    if options.byDocument {
      byDocument = documents.map { document in
        let perCode = scope.codes.map { code in
          figures(
            code: code, pooled: document.tally(code.id), perDocument: [],
            coders: document.coders,
            segments: segment ? [[document.continuum(code.id)]] : nil)
        }
        let pooled = codeIDs.reduce(into: BinaryTally()) { $0.merge(document.tally($1)) }
        let overall = overallFigures(
          pooled: pooled, perDocument: [], coders: document.coders,
          segments: segment ? [codeIDs.map(document.continuum)] : nil)
        return DocumentFigures(
          doc: document.id, coders: document.coders, codes: perCode, overall: overall)
      }
    }
    return AgreementReport(
      rev: "", date: Date(timeIntervalSince1970: 0), offsetMinutes: 0, unit: options.unit,
      coders: scope.coders, documents: documents.map(\.id), codes: codes, overall: overall,
      byDocument: byDocument)
  }

  /// Brings the pooled tallies to this commit's documents: only documents whose blobs
  /// changed are taken out and put back in, so a commit that touched one file costs one
  /// document's patterns, not every document's.
  private func updatePool(coders: [String], codes: [String], documents: [DocumentTallies]) {
    if pool.coders != coders || pool.codes != codes {
      pool = Pool(coders: coders, codes: codes)
    }
    var index: [String: Int] = [:]
    for (position, coder) in coders.enumerated() { index[coder] = position }
    let current = Set(documents.map(\.id))
    for gone in pool.contributions.keys where !current.contains(gone) {
      pool.replace(gone, key: nil, tallies: nil)
    }
    for document in documents where pool.contributions[document.id]?.key != document.key {
      let positions = document.coders.map { index[$0] ?? 0 }
      pool.replace(
        document.id, key: document.key,
        tallies: codes.map { Self.remap(document.tally($0), to: positions) })
    }
  }

  /// Figures of one code from its pooled tally (bits = positions in `coders`); the
  /// per-document tallies feed the bootstrap, `segments` (per document) unitizing alpha.
  private func figures(
    code: Code, pooled: BinaryTally, perDocument: [BinaryTally], coders: [String],
    segments: [[UnitizingDocument]]?
  ) -> CodeFigures {
    let agreement = BinaryAgreement(pooled, coders: coders.count)
    let alpha = segments.map { unitizingAlpha($0.flatMap { $0 }) } ?? agreement.alpha
    let interval = self.interval(perDocument: perDocument, coders: coders, segments: segments)
    return CodeFigures(
      code: code.id, name: code.name, nUnits: agreement.nUnits, prevalence: agreement.prevalence,
      alpha: alpha, alphaCI: interval, pa: agreement.pa, fleissKappa: agreement.fleissKappa,
      ac1: agreement.ac1, bp: agreement.bp, pairs: Self.pairs(agreement, coders: coders))
  }

  private func overallFigures(
    pooled: BinaryTally, perDocument: [BinaryTally], coders: [String],
    segments: [[UnitizingDocument]]?
  ) -> OverallFigures {
    let agreement = BinaryAgreement(pooled, coders: coders.count)
    let alpha = segments.map { unitizingAlpha($0.flatMap { $0 }) } ?? agreement.alpha
    let interval = self.interval(perDocument: perDocument, coders: coders, segments: segments)
    return OverallFigures(
      nUnits: agreement.nUnits, alpha: alpha, alphaCI: interval, pa: agreement.pa,
      pairs: Self.pairs(agreement, coders: coders))
  }

  /// The bootstrap interval of alpha, resampling documents; nil without `--bootstrap`.
  private func interval(
    perDocument: [BinaryTally], coders: [String], segments: [[UnitizingDocument]]?
  ) -> ConfidenceInterval? {
    guard let replicates = options.bootstrap, replicates > 0, !perDocument.isEmpty else {
      return nil
    }
    let bounds: (lower: Double, upper: Double)?
    if let segments {
      bounds = bootstrapPercentiles(resampling: segments, replicates: replicates, seed: options.seed) {
        unitizingAlpha($0.flatMap { $0 })
      }
    } else {
      bounds = bootstrapPercentiles(
        perDocument: perDocument, coders: coders.count, replicates: replicates, seed: options.seed
      ) { $0.alpha }
    }
    return bounds.map { ConfidenceInterval(lower: $0.lower, upper: $0.upper) }
  }

  private static func pairs(_ agreement: BinaryAgreement, coders: [String]) -> [PairFigures] {
    agreement.pairs.compactMap { pair in
      guard pair.a < coders.count, pair.b < coders.count else { return nil }
      return PairFigures(
        a: coders[pair.a], b: coders[pair.b], nUnits: pair.nUnits, pa: pair.pa,
        cohenKappa: pair.cohenKappa)
    }
  }

  /// Moves a document's tally from its own coder numbering to the report's.
  static func remap(_ tally: BinaryTally, to positions: [Int]) -> BinaryTally {
    if positions.enumerated().allSatisfy({ $0.offset == $0.element }) { return tally }
    var result = BinaryTally()
    for (pattern, count) in tally.counts {
      var coded: UInt64 = 0
      var ones: UInt64 = 0
      for (local, global) in positions.enumerated() where global < 64 {
        if pattern.coded & (1 << UInt64(local)) != 0 { coded |= 1 << UInt64(global) }
        if pattern.ones & (1 << UInt64(local)) != 0 { ones |= 1 << UInt64(global) }
      }
      result.add(Pattern(coded: coded, ones: ones), count: count)
    }
    return result
  }

  // MARK: Disagreements

  /// Stretches where some coders have the code and others do not, with who has it (bits).
  static func differingStretches(_ spans: [[Range<Int>]], text: DocumentText, unit: AgreementUnit)
    -> [(range: Range<Int>, ones: UInt64)]
  {
    let length = text.length
    let all: UInt64 = spans.count >= 64 ? ~0 : (1 << UInt64(spans.count)) - 1
    func mixed(_ ones: UInt64) -> Bool { ones != 0 && ones != all }
    switch unit {
    case .doc:
      var ones: UInt64 = 0
      for (coder, list) in spans.enumerated() where list.contains(where: { $0.lowerBound < $0.upperBound }) {
        ones |= 1 << UInt64(coder)
      }
      return mixed(ones) ? [(0..<length, ones)] : []
    case .para:
      var result: [(Range<Int>, UInt64)] = []
      for paragraph in text.paragraphs where !paragraph.isEmpty {
        var ones: UInt64 = 0
        for (coder, list) in spans.enumerated()
        where list.contains(where: { $0.overlaps(paragraph) }) {
          ones |= 1 << UInt64(coder)
        }
        if mixed(ones) { result.append((paragraph, ones)) }
      }
      return result
    case .char, .segment:
      var result: [(range: Range<Int>, ones: UInt64)] = []
      SpanSweep.forEachRun(length: length, spans: spans) { run, ones in
        guard mixed(ones) else { return }
        if let last = result.last, last.ones == ones, last.range.upperBound == run.lowerBound {
          result[result.count - 1].range = last.range.lowerBound..<run.upperBound
        } else {
          result.append((run, ones))
        }
      }
      return result
    }
  }
}

// MARK: Supporting values

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

  func pooled(code: Int) -> BinaryTally { Self.tally(counts[code]) }

  func pooledOverall() -> BinaryTally { Self.tally(overallCounts) }

  private static func tally(_ counts: [Pattern: Int]) -> BinaryTally {
    var tally = BinaryTally()
    for (pattern, count) in counts { tally.add(pattern, count: count) }
    return tally
  }

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

/// The top-level entries of a commit's tree that agreement reads.
struct TreeLayout {
  var documentsTree: Oid?
  var annotationsTree: Oid?
  var codebookBlob: Oid?

  init(repository: Repository, tree: Oid) throws {
    for entry in try repository.entries(inFolder: "", ofTree: tree) {
      switch (entry.name, entry.kind) {
      case ("documents", .tree): documentsTree = entry.id
      case ("annotations", .tree): annotationsTree = entry.id
      case (Codebook.path, .blob): codebookBlob = entry.id
      default: break
      }
    }
  }

  /// Coder → annotation folder.
  func coderFolders(_ repository: Repository) throws -> [String: Oid] {
    guard let annotationsTree else { return [:] }
    var result: [String: Oid] = [:]
    for entry in try repository.entries(inFolder: "", ofTree: annotationsTree) where entry.kind == .tree {
      result[entry.name] = entry.id
    }
    return result
  }

  /// Documents with their blobs, sorted by id.
  func documents(_ repository: Repository) throws -> [(id: String, blob: Oid)] {
    guard let documentsTree else { return [] }
    return try repository.entries(inFolder: "", ofTree: documentsTree)
      .filter { $0.kind == .blob && $0.name.hasSuffix(".txt") }
      .map { (id: String($0.name.dropLast(4)), blob: $0.id) }
      .filter { Identifier.isDocument($0.id) }
      .sorted { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }
  }
}

extension AgreementReport {
  /// The same figures stamped with a commit's id and time.
  func at(commit: CommitInfo) -> AgreementReport {
    AgreementReport(
      rev: commit.id.hex, date: commit.committer.time,
      offsetMinutes: commit.committer.offsetMinutes, unit: unit, coders: coders,
      documents: documents, codes: codes, overall: overall, byDocument: byDocument)
  }
}

/// Reads only (code, start, end) from an annotation file in the canonical form of DESIGN §2
/// (`{"id":"…","code":"…","start":N,"end":N,…}` per line), which is all agreement needs:
/// skipping the quoted text is most of the cost of a history walk. nil when a line is not
/// in that form, so the caller falls back to the full, validating parser.
enum SpanScanner {
  static func scan(_ data: Data) -> [String: [Range<Int>]]? {
    data.withUnsafeBytes { raw -> [String: [Range<Int>]]? in
      let bytes = raw.bindMemory(to: UInt8.self)
      var result: [String: [Range<Int>]] = [:]
      var index = 0
      let count = bytes.count
      func expect(_ literal: StaticString) -> Bool {
        let matches = literal.withUTF8Buffer { text in
          index + text.count <= count && (0..<text.count).allSatisfy { bytes[index + $0] == text[$0] }
        }
        let length = literal.withUTF8Buffer { $0.count }
        if matches { index += length }
        return matches
      }
      func skipString() -> Bool {  // after the opening quote, up to and past the closing one
        while index < count {
          switch bytes[index] {
          case UInt8(ascii: "\\"): index += 2
          case UInt8(ascii: "\""):
            index += 1
            return true
          case 0x0a: return false
          default: index += 1
          }
        }
        return false
      }
      func number() -> Int? {
        var value = 0
        let start = index
        while index < count, bytes[index] >= 0x30, bytes[index] <= 0x39, index - start < 18 {
          value = value * 10 + Int(bytes[index] - 0x30)
          index += 1
        }
        return index > start ? value : nil
      }
      while index < count {
        guard expect(#"{"id":""#), skipString(), expect(#","code":""#) else { return nil }
        let codeStart = index
        while index < count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") {
          index += 1
        }
        guard index < count, bytes[index] == UInt8(ascii: "\"") else { return nil }
        let code = String(decoding: UnsafeBufferPointer(rebasing: bytes[codeStart..<index]), as: UTF8.self)
        index += 1
        guard expect(#","start":"#), let start = number(), expect(#","end":"#), let end = number()
        else { return nil }
        // The rest of the line: strings may hold anything but a raw line feed.
        while index < count, bytes[index] != 0x0a {
          if bytes[index] == UInt8(ascii: "\"") {
            index += 1
            guard skipString() else { return nil }
          } else {
            index += 1
          }
        }
        guard index < count else { return nil }  // every line ends in LF
        index += 1
        if start < end { result[code, default: []].append(start..<end) }
      }
      return result
    }
  }
}
