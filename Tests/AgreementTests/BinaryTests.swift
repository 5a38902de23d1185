import PropertyBased
import Testing

@testable import Agreement

/// Coders × units from a flat list of cells: 0 → missing, 1 → 0, 2 → 1.
func binaryMatrix(coders: Int, cells: [Int]) -> [[Int?]] {
  let units = cells.count / coders
  return (0..<coders).map { coder in
    (0..<units).map { unit in
      let cell = cells[unit * coders + coder]
      return cell == 0 ? nil : cell - 1
    }
  }
}

/// The matrix as a tally, unit `u` weighted by `weights[u % weights.count]` (1 if none).
func weightedTally(_ rows: [[Int?]], weights: [Int]) -> BinaryTally {
  var result = BinaryTally()
  let units = rows.first?.count ?? 0
  for unit in 0..<units {
    let column = rows.map { [$0[unit]] }
    let weight = weights.isEmpty ? 1 : weights[unit % weights.count]
    for (pattern, _) in tally(column).counts {
      result.add(pattern, count: weight)
    }
  }
  return result
}

@Suite struct BinaryTests {
  @Test func fastPathMatchesGeneralAndNaive() async {
    await propertyCheck(
      count: 300, input: Gen.int(in: 2...6), Gen.int(in: 0...2).array(of: 0...72),
      Gen.int(in: 1...3).array(of: 0...12)
    ) { coders, cells, weights in
      let tally = weightedTally(binaryMatrix(coders: coders, cells: cells), weights: weights)
      let rows = expand(tally, coders: coders)
      let data = asData(rows)
      let fast = BinaryAgreement(tally, coders: coders)

      #expect(fast.nUnits == Naive.pairableUnits(rows))
      #expect(fast.nListwiseUnits == Naive.complete(rows).count)
      #expect(close(fast.prevalence, Naive.prevalence(rows)))
      #expect(close(fast.alpha, krippendorffAlpha(data)))
      #expect(close(fast.alpha, Naive.alpha(rows)))
      #expect(close(fast.pa, percentAgreement(data)))
      #expect(close(fast.pa, Naive.pa(rows)))
      #expect(close(fast.fleissKappa, fleissKappa(data)))
      #expect(close(fast.fleissKappa, Naive.fleiss(rows)))
      let naive = Naive.ac1AndBP(rows)
      #expect(close(fast.ac1, gwetAC1(data, categories: 2)))
      #expect(close(fast.ac1, naive.ac1))
      #expect(close(fast.bp, brennanPrediger(data, categories: 2)))
      #expect(close(fast.bp, naive.bp))

      #expect(fast.pairs.count == coders * (coders - 1) / 2)
      for pair in fast.pairs {
        let reference = Naive.cohen(rows, pair.a, pair.b)
        let two = ReliabilityData([data.values[pair.a], data.values[pair.b]])
        #expect(pair.a < pair.b)
        #expect(pair.nUnits == reference.n)
        #expect(close(pair.pa, reference.pa))
        #expect(close(pair.pa, percentAgreement(two)))
        #expect(close(pair.cohenKappa, reference.k))
        #expect(close(pair.cohenKappa, cohenKappa(data.values[pair.a], data.values[pair.b])))
      }
    }
  }

  @Test func pairsAreOrdered() {
    let fast = BinaryAgreement(tally([[0, 1], [0, 1], [1, 1], [0, 0]]), coders: 4)
    #expect(
      fast.pairs.map { [$0.a, $0.b] } == [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]])
  }

  @Test func emptyTallyIsAllNil() {
    let fast = BinaryAgreement(BinaryTally(), coders: 3)
    #expect(fast.nUnits == 0)
    #expect(fast.nListwiseUnits == 0)
    for value in [fast.prevalence, fast.alpha, fast.pa, fast.fleissKappa, fast.ac1, fast.bp] {
      #expect(value == nil)
    }
    #expect(fast.pairs.allSatisfy { $0.nUnits == 0 && $0.pa == nil && $0.cohenKappa == nil })
  }

  @Test func unanimousCodersHaveNoKappaButFullAC1() {
    for value in [0, 1] {
      let fast = BinaryAgreement(
        tally(Array(repeating: [value, value, value], count: 3)), coders: 3)
      #expect(fast.nUnits == 3)
      #expect(fast.prevalence == Double(value))
      #expect(fast.alpha == nil)
      #expect(fast.fleissKappa == nil)
      #expect(fast.pa == 1)
      #expect(fast.ac1 == 1)
      #expect(fast.bp == 1)
      #expect(fast.pairs.allSatisfy { $0.pa == 1 && $0.cohenKappa == nil })
      let data = asData(Array(repeating: [value, value, value], count: 3))
      #expect(krippendorffAlpha(data) == nil)
      #expect(fleissKappa(data) == nil)
      #expect(cohenKappa(data.values[0], data.values[1]) == nil)
      #expect(scottPi(data.values[0], data.values[1]) == nil)
      #expect(gwetAC1(data, categories: 2) == 1)
      #expect(brennanPrediger(data, categories: 2) == 1)
    }
  }

  @Test func singleCoderOrNoOverlapHasNoUnits() {
    let lone = BinaryAgreement(tally([[0, 1, 1]]), coders: 1)
    #expect(lone.nUnits == 0 && lone.pairs.isEmpty && lone.alpha == nil && lone.ac1 == nil)
    let disjoint = BinaryAgreement(tally([[0, 1, nil, nil], [nil, nil, 1, 0]]), coders: 2)
    #expect(disjoint.nUnits == 0 && disjoint.pa == nil && disjoint.pairs[0].nUnits == 0)
  }

  /// Cost depends on distinct patterns, not weights: units counted in the billions are as
  /// quick as single ones, and scale-free figures do not move.
  @Test func hugeWeightsCostNothing() {
    let rows: [[Int?]] = [[0, 1, 1, 0, nil, 1], [0, 1, 0, 0, 1, 1], [1, 1, 0, 0, 1, nil]]
    let small = weightedTally(rows, weights: [1, 2, 3])
    let huge = weightedTally(rows, weights: [1_000_000_000, 2_000_000_000, 3_000_000_000])
    let a = BinaryAgreement(small, coders: 3)
    let b = BinaryAgreement(huge, coders: 3)
    #expect(b.nUnits == a.nUnits * 1_000_000_000)
    #expect(close(a.pa, b.pa) && close(a.fleissKappa, b.fleissKappa) && close(a.ac1, b.ac1))
    #expect(close(a.bp, b.bp) && close(a.prevalence, b.prevalence))
    for (x, y) in zip(a.pairs, b.pairs) {
      #expect(close(x.pa, y.pa) && close(x.cohenKappa, y.cohenKappa))
    }
    // alpha's small-sample factor (n − 1) makes it converge to the large-sample value.
    #expect(b.alpha != nil)
  }

  @Test func sixtyFourCoders() {
    var tally = BinaryTally()
    tally.add(Pattern(coded: ~0, ones: 1 << 63), count: 5)
    tally.add(Pattern(coded: ~0, ones: ~0 >> 1), count: 5)
    let fast = BinaryAgreement(tally, coders: 64)
    #expect(fast.nUnits == 10 && fast.nListwiseUnits == 10)
    #expect(fast.pairs.count == 64 * 63 / 2)
    #expect(fast.pairs.last?.cohenKappa == -1)
    let clamped = BinaryAgreement(tally, coders: 100)
    #expect(clamped == fast)
  }

  @Test func mergeAddsUnits() async {
    await propertyCheck(
      count: 100, input: Gen.int(in: 0...2).array(of: 0...30), Gen.int(in: 0...2).array(of: 0...30)
    ) { first, second in
      let a = binaryMatrix(coders: 3, cells: first)
      let b = binaryMatrix(coders: 3, cells: second)
      let joined = zip(a, b).map { $0 + $1 }
      #expect(tally(a) + tally(b) == tally(joined))
      var merged = tally(a)
      merged.merge(tally(b))
      #expect(merged == tally(joined))
      #expect(merged.totalUnits == (joined.first?.count ?? 0))
    }
  }

  @Test func patternKeepsOnesInsideCoded() {
    let pattern = Pattern(coded: 0b0101, ones: 0b1111)
    #expect(pattern.ones == 0b0101)
    var tally = BinaryTally()
    tally.add(pattern, count: 0)
    tally.add(pattern, count: -3)
    #expect(tally.counts.isEmpty)
    tally.add(pattern, count: Int.max)
    tally.add(pattern, count: 5)
    #expect(tally.counts[pattern] == Int.max)
  }
}
