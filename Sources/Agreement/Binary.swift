/// What the coders gave one unit for one binary code: bit `i` of `coded` is set when
/// coder `i` gave a value, bit `i` of `ones` when that value is 1. Gloss codes are
/// binary per unit, and documents have far more units than distinct patterns, so
/// patterns with weights replace the coders × units matrix.
public struct Pattern: Hashable, Sendable {
  /// Coders that gave a value.
  public let coded: UInt64
  /// Coders whose value is 1; always a subset of `coded`.
  public let ones: UInt64

  /// `ones` is cut down to `coded`, so a value nobody gave cannot count.
  public init(coded: UInt64, ones: UInt64) {
    self.coded = coded
    self.ones = ones & coded
  }
}

/// A multiset of patterns: how many units showed each pattern. Tallies of documents add
/// up, which is what pooling and the bootstrap need.
public struct BinaryTally: Sendable, Equatable {
  /// Weight (number of units) per pattern; weights are positive.
  public private(set) var counts: [Pattern: Int] = [:]

  public init() {}

  /// A tally with these weights; non-positive ones are dropped. Takes the dictionary as is
  /// when every weight is positive (no re-hashing), as pooled counts are.
  public init(counts: [Pattern: Int]) {
    self.counts = counts.values.allSatisfy { $0 > 0 } ? counts : counts.filter { $0.value > 0 }
  }

  /// Adds `count` units with `pattern`; non-positive counts are ignored.
  public mutating func add(_ pattern: Pattern, count: Int = 1) {
    guard count > 0 else { return }
    counts[pattern] = saturatingSum(counts[pattern] ?? 0, count)
  }

  /// Adds every unit of `other`.
  public mutating func merge(_ other: BinaryTally) {
    for (pattern, count) in other.counts {
      add(pattern, count: count)
    }
  }

  /// The union of two tallies.
  public static func + (lhs: BinaryTally, rhs: BinaryTally) -> BinaryTally {
    var sum = lhs
    sum.merge(rhs)
    return sum
  }

  /// The number of units, of any pattern.
  public var totalUnits: Int { counts.values.reduce(0, saturatingSum) }
}

/// Addition that stops at `Int.max` instead of trapping: weights come from input, and an
/// absurd weight must not crash the program.
func saturatingSum(_ lhs: Int, _ rhs: Int) -> Int {
  let (sum, overflow) = lhs.addingReportingOverflow(rhs)
  return overflow ? (rhs > 0 ? Int.max : Int.min) : sum
}

/// Agreement of one pair of coders on the units both coded.
public struct PairAgreement: Sendable, Equatable {
  /// Coder indices, `a < b`.
  public let a: Int
  public let b: Int
  /// Units both coders coded.
  public let nUnits: Int
  /// Share of those units where they gave the same value.
  public let pa: Double?
  /// Cohen's kappa on those units.
  public let cohenKappa: Double?
}

/// Every DESIGN §4 figure for one binary code, computed from a `BinaryTally` in
/// O(distinct patterns × coders²), whatever the weights.
public struct BinaryAgreement: Sendable, Equatable {
  /// Units with at least two values.
  public let nUnits: Int
  /// Share of 1 among the values of those units.
  public let prevalence: Double?
  /// Krippendorff's alpha, nominal.
  public let alpha: Double?
  /// Mean per-unit pairwise agreement (DESIGN's `pa`).
  public let pa: Double?
  /// Units every selected coder coded (the listwise units).
  public let nListwiseUnits: Int
  /// Fleiss' kappa on the listwise units.
  public let fleissKappa: Double?
  /// Gwet's AC1 with q = 2 on the listwise units.
  public let ac1: Double?
  /// Brennan-Prediger with q = 2 on the listwise units.
  public let bp: Double?
  /// One entry per pair of coders, ordered by (a, b).
  public let pairs: [PairAgreement]

  /// Computes the figures for coders `0..<coders` (at most 64; bits of other coders are
  /// ignored).
  public init(_ tally: BinaryTally, coders: Int) {
    let coderCount = max(0, min(coders, 64))
    let mask: UInt64 = coderCount == 64 ? ~0 : (1 << UInt64(coderCount)) - 1
    // Pairable units are grouped by m so that the divisions by (m − 1) and m (m − 1)
    // happen once per m, on sums of integers. The sums are Doubles: exact below 2^53, and
    // no overflow trap whatever the weights.
    var disagreeing = [Double](repeating: 0, count: 65)  // Σ w k0 k1 by m
    var agreeing = [Double](repeating: 0, count: 65)  // Σ w (k0(k0−1) + k1(k1−1)) by m
    var pairableUnits = [Int](repeating: 0, count: 65)
    var zeros = 0.0
    var ones = 0.0
    var listwise = ListwiseSums()
    // The 2×2 table of pair (a, b) is at 4 (a × coders + b); one flat array, as the
    // pairs of a pattern are most of the work with many coders.
    var pairCounts = [Int](repeating: 0, count: coderCount * coderCount * 4)
    for (pattern, weight) in tally.counts {
      let coded = pattern.coded & mask
      let positive = pattern.ones & mask
      let m = coded.nonzeroBitCount
      let k1 = positive.nonzeroBitCount
      let k0 = m - k1
      let w = Double(weight)
      if m >= 2 {
        pairableUnits[m] = saturatingSum(pairableUnits[m], weight)
        disagreeing[m] += w * Double(k0 * k1)
        agreeing[m] += w * Double(k0 * (k0 - 1) + k1 * (k1 - 1))
        zeros += w * Double(k0)
        ones += w * Double(k1)
      }
      if coderCount >= 2 && coded == mask {
        listwise.units = saturatingSum(listwise.units, weight)
        listwise.agreeing += w * Double(k0 * (k0 - 1) + k1 * (k1 - 1))
        listwise.zeros += w * Double(k0)
        listwise.ones += w * Double(k1)
      }
      // Only the coders who coded the unit, lowest bit first (a < b).
      var first = coded
      while first != 0 {
        let a = first.trailingZeroBitCount
        first &= first - 1
        let row = (a * coderCount) * 4 + Int((positive >> UInt64(a)) & 1) * 2
        var second = first
        while second != 0 {
          let b = second.trailingZeroBitCount
          second &= second - 1
          let cell = row + b * 4 + Int((positive >> UInt64(b)) & 1)
          pairCounts[cell] = saturatingSum(pairCounts[cell], weight)
        }
      }
    }
    var observedPairs = 0.0
    var agreementSum = 0.0
    for m in 2...64 where pairableUnits[m] > 0 {
      observedPairs += disagreeing[m] / Double(m - 1)
      agreementSum += agreeing[m] / Double(m * (m - 1))
    }
    let units = pairableUnits.reduce(0, saturatingSum)
    let values = zeros + ones
    nUnits = units
    prevalence = values > 0 ? ones / values : nil
    pa = units > 0 ? agreementSum / Double(units) : nil
    // alpha = 1 − (n − 1) (o_01 + o_10)/(2 n_0 n_1), o_01 = Σ_u k0 k1/(m_u − 1).
    alpha = zeros > 0 && ones > 0 ? 1 - (values - 1) * observedPairs / (zeros * ones) : nil
    nListwiseUnits = listwise.units
    let chance = listwise.figures(coders: coderCount)
    fleissKappa = chance?.fleiss
    ac1 = chance?.ac1
    bp = chance?.bp
    var pairs: [PairAgreement] = []
    for a in 0..<coderCount {
      for b in (a + 1)..<coderCount {
        let table = (a * coderCount + b) * 4
        pairs.append(pairAgreement(a: a, b: b, table: Array(pairCounts[table..<table + 4])))
      }
    }
    self.pairs = pairs
  }
}

/// Sums over the listwise units, where every unit has exactly `coders` values.
private struct ListwiseSums {
  var units = 0
  var agreeing = 0.0
  var zeros = 0.0
  var ones = 0.0

  /// Fleiss' kappa, AC1 and BP (q = 2); `nil` over zero units.
  func figures(coders: Int) -> (fleiss: Double?, ac1: Double?, bp: Double?)? {
    guard units > 0, coders >= 2 else { return nil }
    let agreement = agreeing / (Double(units) * Double(coders * (coders - 1)))
    let values = zeros + ones
    let pi1 = ones / values
    let pi0 = zeros / values
    // Fleiss: P_e = π0² + π1², which is 1 exactly when one value is absent.
    var fleiss: Double? = nil
    if zeros > 0 && ones > 0 {
      let expected = pi0 * pi0 + pi1 * pi1
      fleiss = (agreement - expected) / (1 - expected)
    }
    // AC1 with q = 2: p_e = Σ π(1 − π)/(q − 1) = 2 π0 π1 ≤ 1/2.
    let chance = 2 * pi0 * pi1
    let ac1 = (agreement - chance) / (1 - chance)
    // BP with q = 2: p_e = 1/2.
    let bp = 2 * agreement - 1
    return (fleiss, ac1, bp)
  }
}

/// Percent agreement and Cohen's kappa from a 2×2 table [n00, n01, n10, n11] (first
/// index: coder a's value).
private func pairAgreement(a: Int, b: Int, table: [Int]) -> PairAgreement {
  let (n00, n01, n10, n11) = (table[0], table[1], table[2], table[3])
  let n = table.reduce(0, saturatingSum)
  guard n > 0 else { return PairAgreement(a: a, b: b, nUnits: 0, pa: nil, cohenKappa: nil) }
  let pa = Double(n00 + n11) / Double(n)
  // κ = 2 (n11 n00 − n10 n01) / ((n11 + n10)(n10 + n00) + (n11 + n01)(n01 + n00));
  // the denominator is n² (1 − p_e), zero exactly when both used one shared value.
  let denominator =
    Double(n11 + n10) * Double(n10 + n00) + Double(n11 + n01) * Double(n01 + n00)
  let kappa: Double? =
    denominator > 0
    ? 2 * (Double(n11) * Double(n00) - Double(n10) * Double(n01)) / denominator : nil
  return PairAgreement(a: a, b: b, nUnits: n, pa: pa, cohenKappa: kappa)
}
