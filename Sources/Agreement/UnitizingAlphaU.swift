/// Observed and expected disagreement of Krippendorff's 1995/2004 unitizing alpha (α_U)
/// for one category; α_U = 1 − observed/expected. Kept apart so that several categories
/// can be pooled as DKPro Agreement does: 1 − Σ D_o / Σ D_e.
public struct UnitizingDisagreement: Sendable, Equatable {
  /// D_o: squared misalignments of the coders' segments, per pair of coders and squared
  /// length of the continuum.
  public let observed: Double
  /// D_e: the same for segments placed at random.
  public let expected: Double

  /// 1 − D_o / D_e; `nil` when D_e is zero (nothing marked, or no room to misplace).
  public var alpha: Double? {
    expected > 0 && expected.isFinite ? 1 - observed / expected : nil
  }
}

/// Krippendorff's unitizing alpha α_U of 1995 (“On the reliability of unitizing contiguous
/// data”, Sociological Methodology 25) in the form of his 2004 book (Content Analysis,
/// 2nd ed., section 12.4), as DKPro Agreement and INCEpTION compute it, for one category
/// (one code).
///
/// Each coder's units (overlapping spans merged, touching ones kept apart) and the gaps
/// between them are segments. The distance of two segments of different coders that
/// overlap is (b₁ − b₂)² + (e₁ − e₂)² when both are units, ℓ² when a unit of length ℓ lies
/// inside a gap of the other, and 0 otherwise; so unlike the 2016 uα it falls when coders
/// agree on where a passage is but cut it into different units.
///   D_o = 2/(m (m − 1) L²) Σ_{i<j} Σ distances,
///   D_e = (2/L) Σ_{units u} [(N − 1)(2ℓ³ − 3ℓ² + ℓ)/3 + ℓ² Σ_{gaps g ≥ ℓ} (g − ℓ + 1)]
///         / (m L (m L − 1) − Σ_u ℓ(ℓ − 1)),
/// with m coders, L the length of the continuum and N the number of units of all coders.
///
/// α_U assumes every coder unitized the whole continuum, so only documents that every
/// coder coded (no `nil` among `coders`, and as many coders as the largest document has)
/// take part; they are laid end to end as one continuum, a gap ending where its document
/// ends. `nil` when no document takes part.
public func unitizingDisagreementU(_ documents: [UnitizingDocument]) -> UnitizingDisagreement? {
  let coders = min(64, documents.map(\.coders.count).max() ?? 0)
  guard coders >= 2 else { return nil }
  var length = 0.0  // L
  var distances = 0.0  // Σ over pairs i < j
  var unitLengths: [Double] = []
  var gapLengths: [Double] = []
  for document in documents where document.length > 0 && document.coders.count == coders {
    let present = document.coders.compactMap { $0 }
    guard present.count == coders else { continue }
    length += Double(document.length)
    let units = present.map { mergedUnits($0, length: document.length) }
    for list in units {
      var position = 0
      for unit in list {
        unitLengths.append(Double(unit.count))
        if unit.lowerBound > position { gapLengths.append(Double(unit.lowerBound - position)) }
        position = unit.upperBound
      }
      if document.length > position { gapLengths.append(Double(document.length - position)) }
    }
    for first in units.indices {
      for second in (first + 1)..<units.count {
        distances += pairDistance(units[first], units[second])
      }
    }
  }
  guard length > 0 else { return nil }
  let m = Double(coders)
  let observed = 2 * distances / (m * (m - 1) * length * length)
  // Σ_{g ≥ ℓ} (g − ℓ + 1) from the gaps sorted ascending and their suffix sums.
  gapLengths.sort()
  var suffix = [Double](repeating: 0, count: gapLengths.count + 1)
  for index in stride(from: gapLengths.count - 1, through: 0, by: -1) {
    suffix[index] = suffix[index + 1] + gapLengths[index]
  }
  let others = Double(unitLengths.count - 1)
  var numerator = 0.0
  var squares = 0.0  // Σ ℓ(ℓ − 1)
  for l in unitLengths {
    squares += l * (l - 1)
    var low = 0
    var high = gapLengths.count
    while low < high {
      let middle = (low + high) / 2
      if gapLengths[middle] < l { low = middle + 1 } else { high = middle }
    }
    let fitting = Double(gapLengths.count - low)
    let placements = suffix[low] - (l - 1) * fitting
    numerator += others * (2 * l * l * l - 3 * l * l + l) / 3 + l * l * placements
  }
  let denominator = m * length * (m * length - 1) - squares
  let expected = denominator > 0 ? numerator * (2 / length) / denominator : 0
  return UnitizingDisagreement(observed: observed, expected: expected)
}

/// α_U of one category (see `unitizingDisagreementU`).
public func unitizingAlphaU(_ documents: [UnitizingDocument]) -> Double? {
  unitizingDisagreementU(documents)?.alpha
}

/// α_U over several categories, pooled as DKPro Agreement's `calculateAgreement` does:
/// 1 − Σ D_o / Σ D_e (the means over categories, whose 1/q cancels). `nil` when no
/// category has a continuum or the expected disagreements sum to zero.
public func unitizingAlphaU(categories: [[UnitizingDocument]]) -> Double? {
  let parts = categories.compactMap(unitizingDisagreementU)
  guard !parts.isEmpty else { return nil }
  return UnitizingDisagreement(
    observed: parts.reduce(0) { $0 + $1.observed }, expected: parts.reduce(0) { $0 + $1.expected }
  ).alpha
}

/// Σ of the distances between the segments of two coders, given their sorted, disjoint
/// units: overlapping units give (b₁ − b₂)² + (e₁ − e₂)², a unit that overlaps no unit of
/// the other coder lies inside one of their gaps and gives ℓ². O(units).
private func pairDistance(_ first: [Range<Int>], _ second: [Range<Int>]) -> Double {
  var total = 0.0
  var firstMatched = [Bool](repeating: false, count: first.count)
  var secondMatched = [Bool](repeating: false, count: second.count)
  var i = 0
  var j = 0
  while i < first.count && j < second.count {
    let a = first[i]
    let b = second[j]
    if a.overlaps(b) {
      let begin = Double(a.lowerBound - b.lowerBound)
      let end = Double(a.upperBound - b.upperBound)
      total += begin * begin + end * end
      firstMatched[i] = true
      secondMatched[j] = true
    }
    if a.upperBound <= b.upperBound { i += 1 } else { j += 1 }
  }
  for (unit, matched) in zip(first, firstMatched) where !matched {
    total += Double(unit.count) * Double(unit.count)
  }
  for (unit, matched) in zip(second, secondMatched) where !matched {
    total += Double(unit.count) * Double(unit.count)
  }
  return total
}
