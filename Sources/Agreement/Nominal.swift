/// What the coders gave one unit for one nominal variable: `values[i]` is coder `i`'s
/// category (0, 1, 2, …) or `nil` when coder `i` gave no value. Like `Pattern` for binary
/// codes, patterns with weights replace the coders × units matrix.
public struct NominalPattern: Hashable, Sendable {
  public let values: [Int?]

  public init(_ values: [Int?]) {
    self.values = values
  }
}

/// A multiset of nominal patterns: how many units showed each.
public struct NominalTally: Sendable, Equatable {
  public private(set) var counts: [NominalPattern: Int] = [:]

  public init() {}

  /// Adds `count` units with `pattern`; non-positive counts are ignored.
  public mutating func add(_ pattern: NominalPattern, count: Int = 1) {
    guard count > 0 else { return }
    counts[pattern] = saturatingSum(counts[pattern] ?? 0, count)
  }

  public mutating func merge(_ other: NominalTally) {
    for (pattern, count) in other.counts { add(pattern, count: count) }
  }
}

/// The DESIGN §4 figures for one nominal variable with `categories` possible values,
/// computed from a `NominalTally` in O(distinct patterns × coders²): alpha and `pa` over
/// the pairable units, Fleiss' kappa, AC1 and Brennan-Prediger over the units every coder
/// coded (listwise), Cohen's kappa per pair over the units both coded. The binary
/// `BinaryAgreement` is the case of two categories.
public struct NominalAgreement: Sendable, Equatable {
  public let nUnits: Int
  public let alpha: Double?
  public let pa: Double?
  public let nListwiseUnits: Int
  public let fleissKappa: Double?
  public let ac1: Double?
  public let bp: Double?
  public let pairs: [PairAgreement]

  /// `coders` coders (longer patterns are cut, shorter ones padded with no value);
  /// `categories` is q of AC1 and BP, raised to the number of values that occur.
  public init(_ tally: NominalTally, coders: Int, categories: Int) {
    let coderCount = max(0, coders)
    var coincidences: [Int: [Int: Double]] = [:]  // o_ck
    var agreementSum = 0.0
    var units = 0
    var listwiseUnits = 0
    var listwiseAgreement = 0.0
    var listwiseValues: [Int: Double] = [:]
    var seen = Set<Int>()
    var pairTables = [[Int: [Int: Int]]](repeating: [:], count: coderCount * coderCount)
    for (pattern, weight) in tally.counts {
      let values = (0..<coderCount).map { $0 < pattern.values.count ? pattern.values[$0] : nil }
      var valueCounts: [Int: Int] = [:]
      for case let value? in values { valueCounts[value, default: 0] += 1 }
      let m = valueCounts.values.reduce(0, +)
      let w = Double(weight)
      if m >= 2 {
        seen.formUnion(valueCounts.keys)
        units = saturatingSum(units, weight)
        var agreeing = 0
        for (c, nc) in valueCounts {
          agreeing += nc * (nc - 1)
          for (k, nk) in valueCounts {
            let pairs = c == k ? nc * (nc - 1) : nc * nk
            coincidences[c, default: [:]][k, default: 0] += w * Double(pairs) / Double(m - 1)
          }
        }
        agreementSum += w * Double(agreeing) / Double(m * (m - 1))
        if m == coderCount {
          listwiseUnits = saturatingSum(listwiseUnits, weight)
          listwiseAgreement += w * Double(agreeing) / Double(m * (m - 1))
          for (c, nc) in valueCounts { listwiseValues[c, default: 0] += w * Double(nc) }
        }
      }
      for a in 0..<coderCount {
        guard let valueA = values[a] else { continue }
        for b in (a + 1)..<coderCount {
          guard let valueB = values[b] else { continue }
          pairTables[a * coderCount + b][valueA, default: [:]][valueB, default: 0] += weight
        }
      }
    }
    nUnits = units
    pa = units > 0 ? agreementSum / Double(units) : nil
    // alpha = 1 − (n − 1) Σ_{c≠k} o_ck / Σ_{c≠k} n_c n_k.
    let marginals = coincidences.mapValues { $0.values.reduce(0, +) }
    let n = marginals.values.reduce(0, +)
    var observed = 0.0
    for (c, row) in coincidences {
      for (k, value) in row where k != c { observed += value }
    }
    let sumSquares = marginals.values.reduce(0) { $0 + $1 * $1 }
    let expected = n * n - sumSquares  // Σ_{c≠k} n_c n_k
    alpha = marginals.count >= 2 && expected > 0 ? 1 - (n - 1) * observed / expected : nil
    nListwiseUnits = listwiseUnits
    if listwiseUnits > 0 && coderCount >= 2 {
      let agreement = listwiseAgreement / Double(listwiseUnits)
      let total = listwiseValues.values.reduce(0, +)
      let shares = listwiseValues.values.map { $0 / total }
      let fleissChance = shares.reduce(0) { $0 + $1 * $1 }
      fleissKappa = listwiseValues.count >= 2 ? (agreement - fleissChance) / (1 - fleissChance) : nil
      let q = Double(max(categories, seen.count, 2))
      let gwetChance = shares.reduce(0) { $0 + $1 * (1 - $1) } / (q - 1)
      ac1 = (agreement - gwetChance) / (1 - gwetChance)
      bp = (agreement - 1 / q) / (1 - 1 / q)
    } else {
      fleissKappa = nil
      ac1 = nil
      bp = nil
    }
    var pairs: [PairAgreement] = []
    for a in 0..<coderCount {
      for b in (a + 1)..<coderCount {
        pairs.append(Self.pair(a: a, b: b, table: pairTables[a * coderCount + b]))
      }
    }
    self.pairs = pairs
  }

  /// Percent agreement and Cohen's kappa from a contingency table (a's value → b's value →
  /// units); kappa is `nil` when both coders used one and the same value only.
  private static func pair(a: Int, b: Int, table: [Int: [Int: Int]]) -> PairAgreement {
    var n = 0
    var agreeing = 0
    var rows: [Int: Int] = [:]
    var columns: [Int: Int] = [:]
    for (valueA, row) in table {
      for (valueB, count) in row {
        n += count
        if valueA == valueB { agreeing += count }
        rows[valueA, default: 0] += count
        columns[valueB, default: 0] += count
      }
    }
    guard n > 0 else { return PairAgreement(a: a, b: b, nUnits: 0, pa: nil, cohenKappa: nil) }
    let observed = Double(agreeing) / Double(n)
    guard Set(rows.keys).union(columns.keys).count >= 2 else {
      return PairAgreement(a: a, b: b, nUnits: n, pa: observed, cohenKappa: nil)
    }
    var chance = 0.0
    for (value, count) in rows {
      chance += Double(count) / Double(n) * Double(columns[value] ?? 0) / Double(n)
    }
    return PairAgreement(
      a: a, b: b, nUnits: n, pa: observed, cohenKappa: chance < 1 ? (observed - chance) / (1 - chance) : nil)
  }
}
