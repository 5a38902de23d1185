import PropertyBased
import Testing

@testable import Agreement

/// Brute-force unitizing alpha from the definition, sharing nothing with the library:
/// every code point of every coder pair for the observed coincidences, every pair of
/// segments for the expected ones.
enum NaiveUnitizing {
  /// Lengths of a coder's units: covered code points, split wherever no single span holds
  /// both neighbours (so overlapping spans join, touching spans do not).
  static func unitLengths(_ spans: [Range<Int>], length: Int) -> [Int] {
    var lengths: [Int] = []
    var current = 0
    for point in 0..<length {
      guard spans.contains(where: { $0.contains(point) }) else {
        if current > 0 { lengths.append(current) }
        current = 0
        continue
      }
      let joined = spans.contains { $0.contains(point - 1) && $0.contains(point) }
      if current > 0 && !joined {
        lengths.append(current)
        current = 0
      }
      current += 1
    }
    if current > 0 { lengths.append(current) }
    return lengths
  }

  static func alpha(_ documents: [UnitizingDocument]) -> Double? {
    var segments: [(marked: Bool, length: Double)] = []
    var pairable = 0.0
    var mismatched = 0.0
    for document in documents where document.length > 0 {
      let present = document.coders.compactMap { $0 }
      guard present.count >= 2 else { continue }
      let length = document.length
      let m = Double(present.count)
      pairable += m * Double(length)
      for spans in present {
        let units = unitLengths(spans, length: length)
        segments += units.map { (true, Double($0)) }
        // A gap is as many segments of length 1 as it has code points.
        let gapPoints = length - units.reduce(0, +)
        segments += Array(repeating: (false, 1.0), count: gapPoints)
      }
      for i in present.indices {
        for j in present.indices where i != j {
          for point in 0..<length {
            let first = present[i].contains { $0.contains(point) }
            let second = present[j].contains { $0.contains(point) }
            if first && !second { mismatched += 1 / (m - 1) }
          }
        }
      }
    }
    var allPairs = 0.0
    var crossPairs = 0.0
    for p in segments.indices {
      for q in segments.indices where p != q {
        let weight = segments[p].length * segments[q].length
        allPairs += weight
        if segments[p].marked && !segments[q].marked { crossPairs += weight }
      }
    }
    guard allPairs > 0, crossPairs > 0 else { return nil }
    let expected = pairable * crossPairs / allPairs
    return 1 - mismatched / expected
  }
}

func randomDocuments(_ raw: [(Int, [[Int]])]) -> [UnitizingDocument] {
  raw.map { length, coders in
    UnitizingDocument(length: length, coders: randomCoders(length: length, raw: coders))
  }
}

@Suite struct UnitizingTests {
  static let documents = zip(
    Gen.int(in: 0...30), Gen.int(in: 0...40).array(of: 0...7).array(of: 3...3)
  ).array(of: 1...3)

  @Test func matchesBruteForce() async {
    await propertyCheck(count: 200, input: Self.documents) { raw in
      let documents = randomDocuments(raw)
      let fast = unitizingAlpha(documents)
      let naive = NaiveUnitizing.alpha(documents)
      #expect(close(fast, naive), "\(String(describing: fast)) vs \(String(describing: naive))")
      if let fast { #expect(fast <= 1 + 1e-12) }
    }
  }

  /// Pooling documents equals one concatenated continuum when every coder coded both.
  @Test func poolingEqualsConcatenation() async {
    await propertyCheck(
      count: 100, input: Gen.int(in: 1...30), Gen.int(in: 1...30),
      Gen.int(in: 1...40).array(of: 1...7).array(of: 2...3)
    ) { first, second, raw in
      let a = randomCoders(length: first, raw: raw).map { $0 ?? [] }
      let b = randomCoders(length: second, raw: raw.reversed()).map { $0 ?? [] }
      let pooled = unitizingAlpha([
        UnitizingDocument(length: first, coders: a),
        UnitizingDocument(length: second, coders: b),
      ])
      let joined = zip(a, b).map { spansA, spansB -> [Range<Int>]? in
        spansA.map { $0.clamped(to: 0..<first) }
          + spansB.map { $0.clamped(to: 0..<second) }.map {
            ($0.lowerBound + first)..<($0.upperBound + first)
          }
      }
      #expect(close(pooled, unitizingAlpha(length: first + second, coders: joined)))
    }
  }

  /// L = 10, A marks 0..<4, B marks 2..<6: l·· = 20, l_1· = 8, l_∅· = 12, l_1∅ = 4,
  /// Σℓ² = 16 + 16 + 6 + 6 = 44, e_1∅ = 20·8·12/(400 − 44) = 480/89,
  /// _uα = 1 − 4·89/480 = 31/120.
  @Test func handComputed() {
    let value = unitizingAlpha(length: 10, coders: [[0..<4], [2..<6]])
    #expect(close(value, 31.0 / 120.0, 1e-12))
    // Character-level alpha of the same data is lower: chance pairs code points freely.
    let chars = BinaryAgreement(
      SpanSweep.tally(length: 10, coders: [[0..<4], [2..<6]], unit: .char), coders: 2)
    #expect(close(chars.alpha, 1 - 19.0 * 4 / (12 * 8), 1e-12))
  }

  @Test func perfectAgreementIsOne() {
    let spans: [Range<Int>] = [3..<9, 12..<13, 20..<30]
    #expect(unitizingAlpha(length: 40, coders: [spans, spans, spans.reversed()]) == 1)
    #expect(unitizingAlpha(length: 40, coders: [spans, nil, spans]) == 1)
  }

  @Test func undefinedCases() {
    #expect(unitizingAlpha([]) == nil)
    #expect(unitizingAlpha(length: 10, coders: [[], []]) == nil)  // nobody marked
    #expect(unitizingAlpha(length: 10, coders: [[0..<10], [0..<10]]) == nil)  // all marked
    #expect(unitizingAlpha(length: 10, coders: [[0..<4], nil]) == nil)  // one coder
    #expect(unitizingAlpha(length: 0, coders: [[0..<4], [1..<2]]) == nil)
  }

  @Test func missingCoderIsExcluded() {
    let coders: [[Range<Int>]?] = [[0..<4, 7..<9], [2..<6], [1..<5]]
    let base = unitizingAlpha(length: 12, coders: coders)
    #expect(base != nil)
    #expect(unitizingAlpha(length: 12, coders: coders + [nil]) == base)
    #expect(unitizingAlpha(length: 12, coders: [nil] + coders) == base)
  }

  @Test func overlappingSpansMergeTouchingOnesDoNot() {
    #expect(mergedUnits([4..<6, 0..<3, 2..<5, 6..<8, 9..<9, -2..<0], length: 7) == [0..<6, 6..<7])
  }
}
