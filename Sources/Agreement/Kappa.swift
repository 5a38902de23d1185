/// Which units the multi-coder kappas (Fleiss, AC1, Brennan-Prediger) use when values are
/// missing.
public enum MissingData: Sendable, CaseIterable {
  /// Only units that every coder coded, as Fleiss (1971) assumes and DESIGN §4 requires.
  case listwise
  /// Gwet (2014): agreement over units with at least two values, category proportions
  /// π_k = (1/n) Σ_u m_uk/m_u over every unit with at least one value. This reproduces
  /// the figures Gwet and irrCAC publish for incomplete data.
  case gwet
}

/// Cohen's kappa for two coders on the units both coded:
/// κ = (p_o − p_e)/(1 − p_e), p_e = Σ_c p_a(c) p_b(c) from each coder's own marginals.
/// `nil` over zero units, or when both coders used one and the same value only (p_e = 1).
public func cohenKappa(_ first: [Double?], _ second: [Double?]) -> Double? {
  twoCoderKappa(first, second, pooled: false)
}

/// Scott's pi for two coders on the units both coded: like Cohen's kappa but with p_e
/// from the pooled marginals, Σ_c ((n_ac + n_bc)/2n)². `nil` when undefined (see
/// `cohenKappa`).
public func scottPi(_ first: [Double?], _ second: [Double?]) -> Double? {
  twoCoderKappa(first, second, pooled: true)
}

private func twoCoderKappa(_ first: [Double?], _ second: [Double?], pooled: Bool) -> Double? {
  var pairs: [(Double, Double)] = []
  for (a, b) in zip(first, second) {
    if let a, let b, !a.isNaN, !b.isNaN {
      pairs.append((a, b))
    }
  }
  guard !pairs.isEmpty else { return nil }
  var countsA: [Double: Int] = [:]
  var countsB: [Double: Int] = [:]
  var agreeing = 0
  for (a, b) in pairs {
    countsA[a, default: 0] += 1
    countsB[b, default: 0] += 1
    if a == b { agreeing += 1 }
  }
  // p_e = 1 only when both coders used a single, shared value: decided on counts, not on
  // a floating-point difference that might come out 1e-17.
  guard Set(countsA.keys).union(countsB.keys).count >= 2 else { return nil }
  let n = Double(pairs.count)
  let observed = Double(agreeing) / n
  var expected = 0.0
  for category in Set(countsA.keys).union(countsB.keys) {
    let pa = Double(countsA[category] ?? 0) / n
    let pb = Double(countsB[category] ?? 0) / n
    expected += pooled ? ((pa + pb) / 2) * ((pa + pb) / 2) : pa * pb
  }
  guard expected < 1 else { return nil }
  return (observed - expected) / (1 - expected)
}

/// Observed agreement and category proportions shared by Fleiss' kappa, AC1 and BP.
private struct ChanceInputs {
  /// Mean over the agreement units of Σ_c m_uc (m_uc − 1)/(m_u (m_u − 1)).
  var agreement: Double
  /// π_c for every value that occurs (all positive).
  var proportions: [Double]
}

private func chanceInputs(_ data: ReliabilityData, missing: MissingData) -> ChanceInputs? {
  var agreementSum = 0.0
  var agreementUnits = 0
  var proportionSums: [Double: Double] = [:]
  var proportionUnits = 0
  for column in data.columns() {
    switch missing {
    case .listwise:
      guard data.coderCount >= 2, column.count == data.coderCount else { continue }
    case .gwet:
      guard !column.isEmpty else { continue }
    }
    proportionUnits += 1
    for entry in valueCounts(column) {
      proportionSums[entry.value, default: 0] += Double(entry.count) / Double(column.count)
    }
    if column.count >= 2 {
      agreementSum += unitAgreement(column)
      agreementUnits += 1
    }
  }
  guard agreementUnits > 0, proportionUnits > 0 else { return nil }
  return ChanceInputs(
    agreement: agreementSum / Double(agreementUnits),
    proportions: proportionSums.sorted { $0.key < $1.key }.map {
      $0.value / Double(proportionUnits)
    }
  )
}

/// Fleiss' kappa (1971): (P̄ − P_e)/(1 − P_e) with P̄ the mean per-unit agreement and
/// P_e = Σ_c π_c². `.listwise` (default) uses the units every coder coded; `.gwet` is
/// Gwet's extension to missing values. `nil` over zero units, or when only one value
/// occurs (P_e = 1).
public func fleissKappa(_ data: ReliabilityData, missing: MissingData = .listwise) -> Double? {
  guard let inputs = chanceInputs(data, missing: missing), inputs.proportions.count >= 2
  else { return nil }
  let expected = inputs.proportions.reduce(0) { $0 + $1 * $1 }
  guard expected < 1 else { return nil }
  return (inputs.agreement - expected) / (1 - expected)
}

/// Fleiss' kappa from per-unit category counts (each row: how many ratings fell in each
/// category), the layout of Fleiss (1971). Units with fewer than two ratings are skipped;
/// units may have different numbers of ratings (Gwet's extension).
public func fleissKappa(counts: [[Int]]) -> Double? {
  let categories = (0..<(counts.map(\.count).max() ?? 0)).map(Double.init)
  return fleissKappa(ReliabilityData(counts: counts, categories: categories), missing: .gwet)
}

/// Gwet's AC1 (2008, 2014): (p_a − p_e)/(1 − p_e) with p_e = Σ_c π_c (1 − π_c)/(q − 1),
/// `q` the number of categories the coders could choose from (2 for a binary code).
/// Unlike the kappas it stays defined when all coders agree on a single value (p_e = 0,
/// AC1 = p_a). `nil` over zero units, for q < 2, or when more values occur than `q`.
public func gwetAC1(
  _ data: ReliabilityData, categories q: Int, missing: MissingData = .listwise
) -> Double? {
  chanceCorrected(data, categories: q, missing: missing) { proportions in
    proportions.reduce(0) { $0 + $1 * (1 - $1) } / Double(q - 1)
  }
}

/// Brennan and Prediger's (1981) coefficient: (p_a − 1/q)/(1 − 1/q), chance agreement
/// from `q` equally likely categories. `nil` over zero units, for q < 2, or when more
/// values occur than `q`.
public func brennanPrediger(
  _ data: ReliabilityData, categories q: Int, missing: MissingData = .listwise
) -> Double? {
  chanceCorrected(data, categories: q, missing: missing) { _ in 1 / Double(q) }
}

/// (p_a − p_e)/(1 − p_e) with p_e from the category proportions by `expected`, over `q`
/// categories: `nil` over zero units, for q < 2, when more values occur than `q`, or when
/// p_e is 1.
private func chanceCorrected(
  _ data: ReliabilityData, categories q: Int, missing: MissingData, expected: ([Double]) -> Double
) -> Double? {
  guard q >= 2, let inputs = chanceInputs(data, missing: missing),
    inputs.proportions.count <= q
  else { return nil }
  let chance = expected(inputs.proportions)
  guard chance < 1 else { return nil }
  return (inputs.agreement - chance) / (1 - chance)
}
