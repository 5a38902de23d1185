/// The level of measurement, which picks the difference function δ² of Krippendorff's
/// alpha (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability", section E).
public enum MeasurementLevel: Sendable, CaseIterable {
  /// δ² = 0 when equal, else 1.
  case nominal
  /// δ²_ck = (Σ_{g=c..k} n_g − (n_c + n_k)/2)²: ranks weighted by how often each value
  /// was used, so only order matters.
  case ordinal
  /// δ² = (c − k)².
  case interval
  /// δ² = ((c − k)/(c + k))²; meant for non-negative values (0 when c + k = 0).
  case ratio
}

/// Krippendorff's alpha for any number of coders, values and missing data.
///
/// Coincidences o_ck = Σ_u (ordered pairs of values c, k in u)/(m_u − 1) over units with
/// m_u ≥ 2 values; n_c = Σ_k o_ck, n = Σ_c n_c;
/// alpha = 1 − (n − 1) Σ o_ck δ²_ck / Σ n_c n_k δ²_ck.
/// `nil` when no unit is pairable or the expected disagreement is zero (a single value
/// throughout, or a metric that sees no difference): then there is nothing to explain and
/// any number would be made up.
public func krippendorffAlpha(
  _ data: ReliabilityData, level: MeasurementLevel = .nominal
) -> Double? {
  let units = data.columns().filter { $0.count >= 2 }
  let domain = Array(Set(units.joined())).sorted()
  guard domain.count >= 2 else { return nil }
  var index: [Double: Int] = [:]
  for (position, value) in domain.enumerated() {
    index[value] = position
  }
  let size = domain.count
  var coincidences = Array(repeating: Array(repeating: 0.0, count: size), count: size)
  for unit in units {
    let counts = valueCounts(unit).compactMap { entry in
      index[entry.value].map { (position: $0, count: entry.count) }
    }
    let scale = 1.0 / Double(unit.count - 1)
    for first in counts {
      for second in counts {
        let pairs =
          first.position == second.position
          ? first.count * (first.count - 1) : first.count * second.count
        coincidences[first.position][second.position] += Double(pairs) * scale
      }
    }
  }
  let marginals = coincidences.map { $0.reduce(0, +) }
  let total = marginals.reduce(0, +)
  let delta = differences(domain: domain, marginals: marginals, level: level)
  var observed = 0.0
  var expected = 0.0
  for c in 0..<size {
    for k in 0..<size where c != k {
      observed += coincidences[c][k] * delta[c][k]
      expected += marginals[c] * marginals[k] * delta[c][k]
    }
  }
  guard total > 1, expected > 0, expected.isFinite, observed.isFinite else { return nil }
  return 1 - (total - 1) * observed / expected
}

/// The matrix δ²_ck for the sorted value domain.
private func differences(
  domain: [Double], marginals: [Double], level: MeasurementLevel
) -> [[Double]] {
  let size = domain.count
  var prefix = [0.0]
  for marginal in marginals {
    prefix.append((prefix.last ?? 0) + marginal)
  }
  var delta = Array(repeating: Array(repeating: 0.0, count: size), count: size)
  for c in 0..<size {
    for k in 0..<size where c != k {
      let (x, y) = (domain[c], domain[k])
      switch level {
      case .nominal:
        delta[c][k] = 1
      case .ordinal:
        let (low, high) = (min(c, k), max(c, k))
        let between = prefix[high + 1] - prefix[low] - (marginals[c] + marginals[k]) / 2
        delta[c][k] = between * between
      case .interval:
        delta[c][k] = (x - y) * (x - y)
      case .ratio:
        let sum = x + y
        delta[c][k] = sum == 0 ? 0 : ((x - y) / sum) * ((x - y) / sum)
      }
    }
  }
  return delta
}
