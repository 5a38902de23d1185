/// Finding a span again by its quote (`exact`) when positions cannot be trusted: exactly, or
/// approximately above `SpanMapper.threshold`, and never by picking one of several equally
/// good places.
public enum QuoteSearch {
  public enum Result: Sendable, Equatable {
    /// One best place, with its similarity (1 for an exact match).
    case found(Range<Int>, similarity: Double)
    /// Several places match equally well; nothing is picked.
    case ambiguous(Int)
    case notFound
  }

  /// Approximate search is skipped past this much work (pattern x text code points).
  static let budget = 60_000_000

  /// Searches the whole text: an exact match if there is exactly one, else the unique place
  /// within edit distance (1 - threshold) x |quote|.
  public static func find(_ quote: String, in text: DocumentText) -> Result {
    let pattern = Array(quote.unicodeScalars)
    guard !pattern.isEmpty else { return .notFound }
    let exact = text.occurrences(of: quote)
    if exact.count == 1, let start = exact.first {
      return .found(start..<(start + pattern.count), similarity: 1)
    }
    if exact.count > 1 { return .ambiguous(exact.count) }
    guard pattern.count * max(text.length, 1) <= budget else { return .notFound }
    return approximate(pattern, in: text.scalars)
  }

  /// The exact occurrence of `quote` that overlaps `[start, end)` (touches it, when empty) with the closest
  /// start; nil when there is none or two are equally close. It catches the diff aligning
  /// repeated characters differently, never a span's words elsewhere in the text.
  public static func nearest(_ quote: String, in text: DocumentText, around start: Int, _ end: Int)
    -> Range<Int>?
  {
    let pattern = Array(quote.unicodeScalars)
    guard let first = pattern.first else { return nil }
    let margin = pattern.count + 64
    let lower = max(0, min(start, end) - margin)
    let upper = min(text.length, max(start, end) + margin)
    guard upper - lower >= pattern.count else { return nil }
    var best: (distance: Int, start: Int)?
    var tie = false
    let scalars = text.scalars
    for candidate in lower...(upper - pattern.count) where scalars[candidate] == first {
      var index = 1
      while index < pattern.count, scalars[candidate + index] == pattern[index] { index += 1 }
      // Overlapping the mapped range; touching it only when the diff left the span empty.
      let overlaps =
        start < end
        ? candidate < end && candidate + pattern.count > start
        : candidate <= start && candidate + pattern.count >= start
      guard index == pattern.count, overlaps else { continue }
      let distance = abs(candidate - start)
      if let current = best, current.distance <= distance {
        if current.distance == distance { tie = true }
        continue
      }
      best = (distance, candidate)
      tie = false
    }
    guard let best, !tie else { return nil }
    return best.start..<(best.start + pattern.count)
  }

  /// Sellers' approximate matching: the substring of `text` with the fewest edits from
  /// `pattern`, accepted when unique (matches ending within one pattern length of each
  /// other are the same place) and similar enough.
  static func approximate(_ pattern: [Unicode.Scalar], in text: [Unicode.Scalar]) -> Result {
    let m = pattern.count
    let allowed = Int((Double(m) * (1 - SpanMapper.threshold)).rounded(.down))
    guard allowed > 0, !text.isEmpty else { return .notFound }
    var cost = [Int](0...m)
    var origin = [Int](repeating: 0, count: m + 1)
    var nextCost = cost
    var nextOrigin = origin
    var best = Int.max
    var places: [(start: Int, end: Int)] = []
    for j in 1...text.count {
      nextCost[0] = 0
      nextOrigin[0] = j
      let scalar = text[j - 1]
      for i in 1...m {
        var value = cost[i - 1] + (pattern[i - 1] == scalar ? 0 : 1)
        var from = origin[i - 1]
        if cost[i] + 1 < value {
          value = cost[i] + 1
          from = origin[i]
        }
        if nextCost[i - 1] + 1 < value {
          value = nextCost[i - 1] + 1
          from = nextOrigin[i - 1]
        }
        nextCost[i] = value
        nextOrigin[i] = from
      }
      swap(&cost, &nextCost)
      swap(&origin, &nextOrigin)
      let distance = cost[m]
      guard distance <= allowed, origin[m] < j else { continue }
      if distance < best {
        best = distance
        places = [(origin[m], j)]
      } else if distance == best {
        places.append((origin[m], j))
      }
    }
    guard let first = places.first else { return .notFound }
    // Equal matches overlapping the first one are the same place, seen with a shifted edge.
    var distinct = 1
    var reach = first.end
    for place in places.dropFirst() {
      if place.start >= reach { distinct += 1 }
      reach = max(reach, place.end)
    }
    if distinct > 1 { return .ambiguous(distinct) }
    return .found(first.start..<first.end, similarity: 1 - Double(best) / Double(m))
  }
}
