import Agreement
import Foundation
import GitKit

/// Figures: pooling the per-document tallies and computing the report.
extension AgreementEngine {
  func compute(scope: Scope, documents: [DocumentTallies]) -> AgreementReport {
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
  func updatePool(coders: [String], codes: [String], documents: [DocumentTallies]) {
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
  func figures(
    code: Code, pooled: BinaryTally, perDocument: [BinaryTally], coders: [String],
    segments: [[UnitizingDocument]]?
  ) -> CodeFigures {
    let (agreement, overall) = measure(pooled: pooled, perDocument: perDocument, coders: coders, segments: segments)
    return CodeFigures(
      code: code.id, name: code.name, nUnits: overall.nUnits, prevalence: agreement.prevalence,
      alpha: overall.alpha, alphaCI: overall.alphaCI, pa: overall.pa, fleissKappa: agreement.fleissKappa,
      ac1: agreement.ac1, bp: agreement.bp, pairs: overall.pairs, alphaU: overall.alphaU)
  }

  /// Figures of all codes together, from the tally pooled over codes.
  func overallFigures(
    pooled: BinaryTally, perDocument: [BinaryTally], coders: [String],
    segments: [[UnitizingDocument]]?
  ) -> OverallFigures {
    measure(pooled: pooled, perDocument: perDocument, coders: coders, segments: segments).overall
  }

  /// What one code and all codes report alike: alpha (unitizing with `segments`, and then
  /// α_U beside it), its interval, percent agreement and the pairs. `segments` holds per
  /// document one continuum per code measured.
  private func measure(
    pooled: BinaryTally, perDocument: [BinaryTally], coders: [String], segments: [[UnitizingDocument]]?
  ) -> (BinaryAgreement, overall: OverallFigures) {
    let agreement = BinaryAgreement(pooled, coders: coders.count)
    let alpha = segments.map { unitizingAlpha($0.flatMap { $0 }) } ?? agreement.alpha
    let interval = self.interval(perDocument: perDocument, coders: coders, segments: segments)
    let alphaU = segments.flatMap { Self.alphaU($0, coders: coders.count) }
    return (
      agreement,
      OverallFigures(
        nUnits: agreement.nUnits, alpha: alpha, alphaCI: interval, pa: agreement.pa,
        pairs: Self.pairs(agreement, coders: coders), alphaU: alphaU)
    )
  }

  /// The bootstrap interval of alpha, resampling documents; nil without `--bootstrap`.
  func interval(
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

  /// α_U over the documents every one of `coders` coded (it assumes each coder unitized
  /// the whole continuum), the codes' disagreements pooled as DKPro Agreement pools
  /// categories.
  static func alphaU(_ segments: [[UnitizingDocument]], coders: Int) -> Double? {
    let complete = segments.filter { $0.first?.coders.count == coders }
    let codes = complete.first?.count ?? 0
    return unitizingAlphaU(categories: (0..<codes).map { code in complete.map { $0[code] } })
  }

  static func pairs(_ agreement: BinaryAgreement, coders: [String]) -> [PairFigures] {
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
}
