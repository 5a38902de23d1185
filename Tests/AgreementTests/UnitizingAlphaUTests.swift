import PropertyBased
import Testing

@testable import Agreement

/// The 1995/2004 α_U from its definition, sharing nothing with the library but
/// `mergedUnits`: every segment (units and gaps, a gap ending with its document) of every
/// coder against every segment of every other coder with DKPro Agreement's
/// `measureDistance`, and the expected disagreement with every placement counted in loops.
enum NaiveAlphaU {
  struct Segment {
    var begin: Int
    var length: Int
    var marked: Bool
  }

  /// DKPro's `KrippendorffAlphaUnitizingAgreement.measureDistance`, transcribed.
  static func distance(_ a: Segment, _ b: Segment) -> Double {
    let beginDiff = a.begin - b.begin
    let lengthDiff = a.length - b.length
    if a.marked && b.marked && -a.length < beginDiff && beginDiff < b.length {
      return Double(beginDiff * beginDiff + (beginDiff + lengthDiff) * (beginDiff + lengthDiff))
    }
    if a.marked && !b.marked && -lengthDiff >= beginDiff && beginDiff >= 0 {
      return Double(a.length * a.length)
    }
    if !a.marked && b.marked && -lengthDiff <= beginDiff && beginDiff <= 0 {
      return Double(b.length * b.length)
    }
    return 0
  }

  static func disagreement(_ documents: [UnitizingDocument]) -> (observed: Double, expected: Double)? {
    let coders = documents.map(\.coders.count).max() ?? 0
    guard coders >= 2 else { return nil }
    var offset = 0
    var perCoder = [[Segment]](repeating: [], count: coders)
    for document in documents where document.length > 0 && document.coders.count == coders {
      guard document.coders.allSatisfy({ $0 != nil }) else { continue }
      for (coder, spans) in document.coders.enumerated() {
        var position = 0
        for unit in mergedUnits(spans ?? [], length: document.length) {
          if unit.lowerBound > position {
            perCoder[coder].append(Segment(begin: offset + position, length: unit.lowerBound - position, marked: false))
          }
          perCoder[coder].append(Segment(begin: offset + unit.lowerBound, length: unit.count, marked: true))
          position = unit.upperBound
        }
        if document.length > position {
          perCoder[coder].append(Segment(begin: offset + position, length: document.length - position, marked: false))
        }
      }
      offset += document.length
    }
    guard offset > 0 else { return nil }
    let length = Double(offset)
    let m = Double(coders)
    var sum = 0.0
    for i in 0..<coders {
      for j in 0..<coders where j != i {
        for a in perCoder[i] {
          for b in perCoder[j] { sum += distance(a, b) }
        }
      }
    }
    let observed = sum / (m * (m - 1) * length * length)
    let units = perCoder.joined().filter(\.marked).map(\.length)
    let gaps = perCoder.joined().filter { !$0.marked }.map(\.length)
    var numerator = 0.0
    var squares = 0.0
    for l in units {
      squares += Double(l * (l - 1))
      // Another unit of length l placed against this one: 2 Σ_{k<l} k² per other unit.
      var shifts = 0.0
      for k in 0..<l { shifts += 2 * Double(k * k) }
      numerator += Double(units.count - 1) * shifts
      // This unit placed anywhere inside a gap at least as long: l² per placement.
      for gap in gaps where gap >= l {
        for _ in 0...(gap - l) { numerator += Double(l * l) }
      }
    }
    let denominator = m * length * (m * length - 1) - squares
    return (observed, denominator > 0 ? numerator * 2 / length / denominator : 0)
  }
}

/// Builds a continuum from DKPro's `addUnit(offset, length, rater, category)` calls of one
/// category, shifted by the study's continuum begin.
private func study(
  begin: Int = 0, length: Int, raters: Int, _ units: [(offset: Int, length: Int, rater: Int)]
) -> UnitizingDocument {
  var coders = [[Range<Int>]](repeating: [], count: raters)
  for unit in units {
    coders[unit.rater].append((unit.offset - begin)..<(unit.offset - begin + unit.length))
  }
  return UnitizingDocument(length: length, coders: coders)
}

@Suite struct UnitizingAlphaUTests {
  /// DKPro Agreement, dkpro-statistics-agreement/src/test/java/org/dkpro/statistics/
  /// agreement/unitizing/Krippendorff1995Test.java, `createExample(stretch)`: Krippendorff
  /// (1995, p. 57), four pairs of coders (categories A–D) on a continuum of 24, every
  /// offset and length multiplied by `stretch` and truncated as Java's `(int)` does.
  static func krippendorff1995(_ category: String, stretch: Double) -> UnitizingDocument {
    func s(_ value: Int) -> Int { Int(Double(value) * stretch) }
    let units: [String: [(Int, Int, Int)]] = [
      "A": [(2, 8, 0), (14, 6, 0), (4, 4, 1), (15, 2, 1)],
      "B": [(0, 18, 0), (0, 2, 1), (2, 1, 1), (3, 1, 1), (4, 1, 1), (5, 1, 1), (6, 3, 1), (9, 1, 1)],
      "C": [
        (2, 6, 0), (10, 2, 0), (14, 4, 0), (20, 2, 0), (0, 2, 1), (4, 4, 1), (10, 4, 1), (16, 2, 1),
        (20, 2, 1),
      ],
      "D": [
        (0, 2, 0), (2, 8, 0), (10, 4, 0), (14, 6, 0), (20, 4, 0), (0, 4, 1), (4, 4, 1), (8, 7, 1),
        (15, 2, 1), (17, 7, 1),
      ],
    ]
    return study(
      length: s(24), raters: 2,
      (units[category] ?? []).map { (offset: s($0.0), length: s($0.1), rater: $0.2) })
  }

  /// Krippendorff1995Test.testAgreement: D_o at stretch 1 (to 1e-5), D_e and α_U at
  /// stretch 50,000 (DKPro's tolerances: 0.005 and 0.02; Krippendorff's published D_e
  /// are slightly off, see the comment in DKPro's testVaryingLengths).
  static let published1995: [(String, Double, Double, Double)] = [
    ("A", 0.03125, 0.06990, 0.553), ("B", 2.26736, 1.17731, -0.926), ("C", 0.02777, 0.08642, 0.679),
    ("D", 0.38715, 0.41445, 0.066),
  ]

  @Test(arguments: published1995)
  func krippendorff1995(category: String, observed: Double, expected: Double, alpha: Double) throws {
    let small = try #require(unitizingDisagreementU([Self.krippendorff1995(category, stretch: 1)]))
    #expect(abs(small.observed - observed) <= 1e-5)
    let large = try #require(
      unitizingDisagreementU([Self.krippendorff1995(category, stretch: 50000)]))
    #expect(abs(large.expected - expected) <= 0.005)
    #expect(close(large.alpha, alpha, 0.02))
  }

  /// Krippendorff1995Test.testVaryingLengths, category C at growing stretches.
  static let varyingLengths: [(Double, Double, Double, Double)] = [
    (0.5, 0.05494, 0.00001, 0.494), (5, 0.08234, 0.005, 0.663), (50, 0.08600, 0.005, 0.677),
    (500, 0.08638, 0.005, 0.678), (5000, 0.08642, 0.005, 0.679), (50000, 0.08642, 0.005, 0.679),
  ]

  @Test(arguments: varyingLengths)
  func krippendorff1995VaryingLengths(stretch: Double, expected: Double, tolerance: Double, alpha: Double)
    throws
  {
    let parts = try #require(unitizingDisagreementU([Self.krippendorff1995("C", stretch: stretch)]))
    #expect(abs(parts.observed - 0.02777) <= 0.00001)
    #expect(abs(parts.expected - expected) <= tolerance)
    #expect(close(parts.alpha, alpha, 0.02))
  }

  /// DKPro Agreement, Krippendorff2004Test.java, `createExample()`: Krippendorff (2004,
  /// p. 254), two coders, categories c and k on the continuum 150..<450.
  static let krippendorff2004: [String: UnitizingDocument] = [
    "c": study(
      begin: 150, length: 300, raters: 2,
      [(225, 70, 0), (370, 30, 0), (220, 80, 1), (355, 20, 1), (400, 20, 1)]),
    "k": study(begin: 150, length: 300, raters: 2, [(180, 60, 0), (300, 50, 0), (180, 60, 1), (300, 50, 1)]),
  ]

  /// Krippendorff2004Test.testCategoryAgreement and testAgreement (DKPro's tolerances).
  @Test func krippendorff2004() throws {
    let c = try #require(unitizingDisagreementU(Self.krippendorff2004["c"].map { [$0] } ?? []))
    #expect(abs(c.observed - 0.0144) <= 0.0001)
    #expect(abs(c.expected - 0.0532) <= 0.0001)
    #expect(close(c.alpha, 0.7286, 0.0001))
    let k = try #require(unitizingDisagreementU(Self.krippendorff2004["k"].map { [$0] } ?? []))
    #expect(abs(k.observed) <= 0.0001)
    #expect(abs(k.expected - 0.0490) <= 0.0001)
    #expect(k.alpha == 1)
    let categories: [[UnitizingDocument]] = ["c", "k"].compactMap { Self.krippendorff2004[$0] }.map { [$0] }
    #expect(categories.count == 2)
    let both = unitizingAlphaU(categories: categories)
    #expect(close(both, 0.8591, 0.0005))
    // Krippendorff2004Test.testDistanceMetric2, through two-coder continua of one pair each.
    let first = unitizingDisagreementU([study(length: 500, raters: 2, [(225, 70, 0), (220, 80, 1)])])
    #expect(close(first?.observed, 100.0 / 500_000, 1e-15))
    let second = unitizingDisagreementU([study(length: 500, raters: 2, [(370, 30, 0), (355, 20, 1)])])
    #expect(close(second?.observed, 1700.0 / 500_000, 1e-15))
  }

  /// DKPro Agreement, UnitizingAgreementTest.java.
  @Test func dkproUnitizingAgreementTest() throws {
    // testAgreement: r0 -11111111-, r1 --1-1-1---.
    let example = study(length: 10, raters: 2, [(1, 8, 0), (2, 1, 1), (4, 1, 1), (6, 1, 1)])
    let parts = try #require(unitizingDisagreementU([example]))
    #expect(abs(parts.observed - 0.9100) <= 0.0001)
    #expect(abs(parts.expected - 0.5351) <= 0.0001)
    #expect(close(parts.alpha, -0.7003, 0.0001))
    // testSingleAnnotationUnit: D_o = D_e, so 0.
    let single = unitizingAlphaU([study(length: 20, raters: 3, [(0, 1, 0)])])
    #expect(close(single, 0, 1e-12))
    // testEmptyAnnotationSet: DKPro gives NaN; undefined is nil here.
    #expect(unitizingAlphaU([study(length: 20, raters: 3, [])]) == nil)
    // testZeroLengthUnitsMixedWithPositiveLengthUnits (a zero-length span is no unit here).
    #expect(unitizingAlphaU([study(length: 15, raters: 2, [(0, 0, 0), (2, 5, 0), (2, 5, 1)])]) == 1)
  }

  static let documents = zip(
    Gen.int(in: 0...30), Gen.int(in: 0...40).array(of: 0...7).array(of: 2...4)
  ).array(of: 1...3)

  /// Against the brute force, on continua with missing coders, overlapping and touching
  /// spans, several documents.
  @Test func matchesBruteForce() async {
    await propertyCheck(count: 200, input: Self.documents) { raw in
      let documents = randomDocuments(raw)
      let fast = unitizingDisagreementU(documents)
      let naive = NaiveAlphaU.disagreement(documents)
      #expect((fast == nil) == (naive == nil))
      if let fast, let naive {
        #expect(abs(fast.observed - naive.observed) <= 5e-11 * max(1, naive.observed))
        #expect(abs(fast.expected - naive.expected) <= 5e-11 * max(1, naive.expected))
      }
    }
  }

  /// α_U, unlike uα, falls when coders agree on where a passage is but cut it differently.
  @Test func cuttingAPassageDifferentlyCosts() throws {
    let whole = UnitizingDocument(length: 40, coders: [[10..<30], [10..<30]])
    let cut = UnitizingDocument(length: 40, coders: [[10..<30], [10..<20, 20..<30]])
    #expect(unitizingAlphaU([whole]) == 1)
    #expect(try #require(unitizingAlphaU([cut])) < 0.9)
    #expect(unitizingAlpha([cut]) == 1 && unitizingAlpha([whole]) == 1)
  }

  /// Documents that not every coder coded take no part; the rest form one continuum.
  @Test func onlyCompleteDocumentsCount() {
    let a = UnitizingDocument(length: 20, coders: [[2..<8], [3..<8]])
    let b = UnitizingDocument(length: 10, coders: [[1..<4], nil])
    #expect(unitizingAlphaU([a, b]) == unitizingAlphaU([a]))
    #expect(unitizingAlphaU([b]) == nil)
  }
}
