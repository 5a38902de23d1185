import PropertyBased
import Testing

@testable import Agreement

/// Coders × units with values 0..<categories or nil, from raw numbers (a value equal to
/// `categories` is missing).
private func nominalMatrix(coders: Int, categories: Int, cells: [Int]) -> [[Int?]] {
  let units = cells.count / max(coders, 1)
  return (0..<coders).map { coder in
    (0..<units).map { unit in
      let value = cells[unit * coders + coder] % (categories + 1)
      return value == categories ? nil : value
    }
  }
}

private func tally(_ rows: [[Int?]]) -> NominalTally {
  var tally = NominalTally()
  for unit in 0..<(rows.first?.count ?? 0) {
    tally.add(NominalPattern(rows.map { $0[unit] }))
  }
  return tally
}

private func data(_ rows: [[Int?]]) -> ReliabilityData {
  ReliabilityData(rows.map { $0.map { $0.map(Double.init) } })
}

private func expectSameFigures(
  _ a: NominalAgreement, _ b: NominalAgreement, sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(a.nUnits == b.nUnits && a.nListwiseUnits == b.nListwiseUnits, sourceLocation: sourceLocation)
  for (x, y) in [(a.alpha, b.alpha), (a.pa, b.pa), (a.fleissKappa, b.fleissKappa), (a.ac1, b.ac1), (a.bp, b.bp)] {
    #expect(close(x, y, 5e-11), sourceLocation: sourceLocation)
  }
  #expect(a.pairs.map(\.nUnits) == b.pairs.map(\.nUnits), sourceLocation: sourceLocation)
  for (x, y) in zip(a.pairs, b.pairs) {
    #expect(close(x.pa, y.pa, 5e-11) && close(x.cohenKappa, y.cohenKappa, 5e-11), sourceLocation: sourceLocation)
  }
}

@Suite struct NominalTests {
  /// Every figure against the general, matrix-based functions of this module (which the
  /// published examples pin down), on random data with missing values.
  @Test func matchesTheGeneralFunctions() async {
    await propertyCheck(
      count: 300, input: Gen.int(in: 2...5), Gen.int(in: 2...5), Gen.int(in: 0...40).array(of: 0...80)
    ) { coders, categories, cells in
      let rows = nominalMatrix(coders: coders, categories: categories, cells: cells)
      let reliability = data(rows)
      let fast = NominalAgreement(tally(rows), coders: coders, categories: categories)
      let listwise = ReliabilityData(
        reliability.values.map { row in
          row.indices.filter { unit in reliability.values.allSatisfy { $0[unit] != nil } }.map { row[$0] }
        })
      #expect(fast.nUnits == (0..<reliability.unitCount).filter { reliability.unitValues($0).count >= 2 }.count)
      #expect(close(fast.alpha, krippendorffAlpha(reliability), 5e-11))
      #expect(close(fast.pa, percentAgreement(reliability), 5e-11))
      #expect(close(fast.fleissKappa, fleissKappa(listwise), 5e-11))
      #expect(close(fast.ac1, gwetAC1(listwise, categories: categories), 5e-11))
      #expect(close(fast.bp, brennanPrediger(listwise, categories: categories), 5e-11))
      for pair in fast.pairs {
        let both = (0..<reliability.unitCount).filter {
          rows[pair.a][$0] != nil && rows[pair.b][$0] != nil
        }
        #expect(pair.nUnits == both.count)
        #expect(close(pair.cohenKappa, cohenKappa(reliability.values[pair.a], reliability.values[pair.b]), 5e-11))
        let same = both.filter { rows[pair.a][$0] == rows[pair.b][$0] }.count
        #expect(close(pair.pa, both.isEmpty ? nil : Double(same) / Double(both.count), 5e-11))
      }
    }
  }

  /// With two categories the nominal figures are the binary ones.
  @Test func twoCategoriesAreBinary() async {
    await propertyCheck(count: 200, input: Gen.int(in: 2...5), Gen.int(in: 0...40).array(of: 0...60)) {
      coders, cells in
      let rows = nominalMatrix(coders: coders, categories: 2, cells: cells)
      var binary = BinaryTally()
      for unit in 0..<(rows.first?.count ?? 0) {
        var coded: UInt64 = 0
        var ones: UInt64 = 0
        for coder in 0..<coders {
          guard let value = rows[coder][unit] else { continue }
          coded |= 1 << UInt64(coder)
          if value == 1 { ones |= 1 << UInt64(coder) }
        }
        binary.add(Pattern(coded: coded, ones: ones))
      }
      let nominal = NominalAgreement(tally(rows), coders: coders, categories: 2)
      let reference = BinaryAgreement(binary, coders: coders)
      #expect(nominal.nUnits == reference.nUnits)
      #expect(close(nominal.alpha, reference.alpha, 5e-11))
      #expect(close(nominal.pa, reference.pa, 5e-11))
      #expect(close(nominal.fleissKappa, reference.fleissKappa, 5e-11))
      #expect(close(nominal.ac1, reference.ac1, 5e-11))
      #expect(close(nominal.bp, reference.bp, 5e-11))
      #expect(nominal.pairs.map(\.nUnits) == reference.pairs.map(\.nUnits))
      for (a, b) in zip(nominal.pairs, reference.pairs) {
        #expect(close(a.cohenKappa, b.cohenKappa, 5e-11) && close(a.pa, b.pa, 5e-11))
      }
    }
  }

  /// The sweeps against a walk over every unit: a coder's value is the set of children
  /// covering (char), overlapping (para) or used in (doc) the unit.
  @Test func sweepsMatchAWalkOverEveryUnit() async {
    await propertyCheck(
      count: 200, input: Gen.int(in: 0...40), Gen.int(in: 1...3),
      Gen.int(in: 0...60).array(of: 0...7).array(of: 2...4), Gen.int(in: 0...60).array(of: 0...12)
    ) { length, children, raw, cuts in
      // Coder i's spans go round-robin to the children.
      let coders: [[[Range<Int>]]?] = randomCoders(length: length, raw: raw).map { spans in
        spans.map { list in
          (0..<children).map { child in list.indices.filter { $0 % children == child }.map { list[$0] } }
        }
      }
      let paragraphs = randomParagraphs(length: length, cuts: cuts)
      let cases: [(SweepUnit, [Range<Int>])] = [
        (.char, (0..<length).map { $0..<($0 + 1) }), (.para(paragraphs), paragraphs), (.doc, [0..<length]),
      ]
      for (unit, units) in cases {
        var fastCategories = GroupCategories(children: children)
        let fast = NominalSweep.tally(length: length, coders: coders, unit: unit, categories: &fastCategories)
        var naiveCategories = GroupCategories(children: children)
        var naive = NominalTally()
        for range in units {
          let values = coders.map { perChild -> Int? in
            guard let perChild else { return nil }
            let used = perChild.indices.filter { child in
              perChild[child].contains { span in range.contains { $0 < length && span.contains($0) } }
            }
            return naiveCategories.category(used)
          }
          naive.add(NominalPattern(values))
        }
        // Category numbers of combinations depend on the order met; compare the figures.
        let q = max(fastCategories.count, naiveCategories.count)
        let a = NominalAgreement(fast, coders: coders.count, categories: q)
        let b = NominalAgreement(naive, coders: coders.count, categories: q)
        expectSameFigures(a, b)
        #expect(fastCategories.count == naiveCategories.count)
      }
    }
  }

  @Test func combinationsAreCategoriesOfTheirOwn() {
    var categories = GroupCategories(children: 3)
    #expect(categories.category([]) == 0)
    #expect(categories.category([2]) == 3)
    #expect(categories.category([0, 2]) == 4)
    #expect(categories.category([0, 1]) == 5)
    #expect(categories.category([0, 2]) == 4)
    #expect(categories.count == 6)
  }
}
