/// Percentile bootstrap over documents (DESIGN §4, `--bootstrap N --seed S`): documents,
/// not code points, are resampled, because code points within a document are far from
/// independent.
///
/// Each of `replicates` replicates draws `items.count` items with replacement using
/// `SplitMix64(seed:)`, so the same seed gives the same interval everywhere. Replicates
/// whose statistic is `nil` (undefined) are dropped; the result is the 2.5% and 97.5%
/// percentiles of the rest, interpolated linearly between order statistics (numpy's
/// default). `nil` with no items, no replicates, or no defined replicate.
public func bootstrapPercentiles<Item>(
  resampling items: [Item], replicates: Int, seed: UInt64,
  statistic: ([Item]) -> Double?
) -> (lower: Double, upper: Double)? {
  guard !items.isEmpty, replicates > 0 else { return nil }
  var generator = SplitMix64(seed: seed)
  var estimates: [Double] = []
  estimates.reserveCapacity(replicates)
  for _ in 0..<replicates {
    var sample: [Item] = []
    sample.reserveCapacity(items.count)
    for _ in 0..<items.count {
      sample.append(items[generator.next(below: items.count)])
    }
    if let estimate = statistic(sample), estimate.isFinite {
      estimates.append(estimate)
    }
  }
  guard !estimates.isEmpty else { return nil }
  estimates.sort()
  return (percentile(estimates, 0.025), percentile(estimates, 0.975))
}

/// The bootstrap for per-document tallies: each replicate merges the drawn documents'
/// tallies and applies `statistic` to the pooled tally.
public func bootstrapPercentiles(
  perDocument: [BinaryTally], replicates: Int, seed: UInt64,
  statistic: (BinaryTally) -> Double?
) -> (lower: Double, upper: Double)? {
  bootstrapPercentiles(resampling: perDocument, replicates: replicates, seed: seed) {
    sample in
    var pooled = BinaryTally()
    for tally in sample {
      pooled.merge(tally)
    }
    return statistic(pooled)
  }
}

/// The same with the figures of `coders` coders at hand, e.g. `{ $0.alpha }`.
public func bootstrapPercentiles(
  perDocument: [BinaryTally], coders: Int, replicates: Int, seed: UInt64,
  statistic: (BinaryAgreement) -> Double?
) -> (lower: Double, upper: Double)? {
  bootstrapPercentiles(perDocument: perDocument, replicates: replicates, seed: seed) {
    statistic(BinaryAgreement($0, coders: coders))
  }
}

/// Linear interpolation between the order statistics of sorted, non-empty `values`.
func percentile(_ values: [Double], _ fraction: Double) -> Double {
  let position = fraction * Double(values.count - 1)
  let lowerIndex = Int(position.rounded(.down))
  let upperIndex = min(lowerIndex + 1, values.count - 1)
  let weight = position - Double(lowerIndex)
  return values[lowerIndex] + weight * (values[upperIndex] - values[lowerIndex])
}
