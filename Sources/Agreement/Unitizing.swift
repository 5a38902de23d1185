/// One document for unitizing alpha: its length in code points and, per coder, the
/// segments of one code (`nil`: the coder has no annotation file for the document).
public struct UnitizingDocument: Sendable, Equatable {
  public var length: Int
  public var coders: [[Range<Int>]?]

  public init(length: Int, coders: [[Range<Int>]?]) {
    self.length = length
    self.coders = coders
  }
}

/// Krippendorff's unitizing alpha, _uα, for one binary attribute (one code) on a
/// continuum of code points, in the 2016 revision (Krippendorff, Mathet, Bouvry &
/// Widlöcher, "On the reliability of unitizing textual continua: further developments",
/// Quality & Quantity 50, 2016), which replaced the 1995/2004 α_U because that one
/// misbehaved with more than two coders.
///
/// Each coder partitions the continuum into segments: the units it marked (value 1) and
/// the gaps between them (value ∅). A coder's overlapping spans are merged into one unit;
/// spans that merely touch stay separate units.
///
/// Observed coincidences, summed over pairs of distinct coders i ≠ j (m coders present):
///   l_ck = 1/(m − 1) Σ_i Σ_{j≠i} Σ_{g of i valued c} Σ_{h of j valued k} |g ∩ h|,
/// so l_c· is the total length coders gave value c and l·· = m L.
/// Expected coincidences pair every segment with every *other* segment, a unit being
/// indivisible and a gap of length ℓ counting as ℓ segments of length 1:
///   e_ck = l·· (l_c· l_·k − [c = k] Σ ℓ²_c) / (l··² − Σ ℓ²),
/// with Σ ℓ²_1 over units (squared lengths), Σ ℓ²_∅ over gaps (plain lengths) and Σ ℓ² their
/// sum. Since Σ_ck e_ck = l··, the nominal coefficient
///   _uα = 1 − (l·· − Σ_c l_cc)/(l·· − Σ_c e_cc) = 1 − l_1∅ / e_1∅,
/// which for a single code equals the binary |uα of the same paper.
///
/// Several documents pool their coincidences (as alpha pools units); a document with
/// fewer than two coders present is left out, and m is counted per document.
/// `nil` when nothing is pairable or no coder marked anything / everything (e_1∅ = 0).
public func unitizingAlpha(_ documents: [UnitizingDocument]) -> Double? {
  var pairable = 0.0  // l··
  var marked = 0.0  // l_1·
  var mismatched = 0.0  // l_1∅
  var squaredUnits = 0.0  // Σ ℓ² over units
  var gapLength = 0.0  // Σ ℓ over gaps
  for document in documents where document.length > 0 {
    let present = document.coders.prefix(64).compactMap { $0 }
    guard present.count >= 2 else { continue }
    let units = present.map { mergedUnits($0, length: document.length) }
    let m = Double(present.count)
    pairable += m * Double(document.length)
    for list in units {
      let covered = list.reduce(0) { $0 + $1.count }
      marked += Double(covered)
      gapLength += Double(document.length - covered)
      squaredUnits += list.reduce(0.0) { $0 + Double($1.count) * Double($1.count) }
    }
    // |U_i ∩ G_j| summed over ordered pairs = Σ over code points of k (m − k), k the
    // number of coders covering it: read off the character tally of the merged units.
    let tally = SpanSweep.tally(length: document.length, coders: units, unit: .char)
    var pairs = 0.0
    for (pattern, weight) in tally.counts {
      let k = Double(pattern.ones.nonzeroBitCount)
      pairs += Double(weight) * k * (m - k)
    }
    mismatched += pairs / (m - 1)
  }
  let gaps = pairable - marked  // l_∅·
  let denominator = pairable * pairable - squaredUnits - gapLength
  guard pairable > 0, marked > 0, gaps > 0, denominator > 0 else { return nil }
  let expected = pairable * marked * gaps / denominator  // e_1∅
  return 1 - mismatched / expected
}

/// Convenience for a single continuum.
public func unitizingAlpha(length: Int, coders: [[Range<Int>]?]) -> Double? {
  unitizingAlpha([UnitizingDocument(length: length, coders: coders)])
}

/// A coder's units: spans clipped to the document, sorted, overlapping ones merged.
func mergedUnits(_ spans: [Range<Int>], length: Int) -> [Range<Int>] {
  let sorted = spans.compactMap { span -> Range<Int>? in
    let lower = max(span.lowerBound, 0)
    let upper = min(span.upperBound, length)
    return lower < upper ? lower..<upper : nil
  }.sorted { ($0.lowerBound, $0.upperBound) < ($1.lowerBound, $1.upperBound) }
  var merged: [Range<Int>] = []
  for span in sorted {
    if let last = merged.last, span.lowerBound < last.upperBound {
      merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, span.upperBound)
    } else {
      merged.append(span)
    }
  }
  return merged
}
