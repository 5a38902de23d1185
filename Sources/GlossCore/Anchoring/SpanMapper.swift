/// What happened to one span when its document's text changed.
public enum AnchorOutcome: String, Sendable, Equatable, CaseIterable {
  /// Same place, same text.
  case unchanged
  /// Same text at another place.
  case moved
  /// Its text was edited a little inside; kept with the new text (similarity at least
  /// `SpanMapper.threshold`).
  case adjusted
  /// Its text was gone from the old version and found again by its quote in the new one.
  case found
  /// Deleted, rewritten beyond recognition or not found: kept at its last good position
  /// with a `review` mark.
  case review
}

/// One span before and after re-anchoring.
public struct AnchoredSpan: Sendable, Equatable {
  public var before: Assignment
  public var after: Assignment
  public var outcome: AnchorOutcome

  public init(before: Assignment, after: Assignment, outcome: AnchorOutcome) {
    self.before = before
    self.after = after
    self.outcome = outcome
  }
}

/// Maps spans from an old text to a new one through a `TextDiff` (DESIGN §5). Pure: the same
/// texts and records give the same records, whoever runs it (`doc update`, a merge, or the
/// validator checking a merge). Every result satisfies `exact == new slice` and
/// `0 <= start < end <= length` whenever the new text is not empty.
public struct SpanMapper: Sendable {
  /// "A small edit": 2M / (|old| + |new|) >= 0.8, with M the code points the diff keeps
  /// (difflib's ratio). A 40-character span survives an 8-character correction; a
  /// one-word span whose word changed does not.
  public static let threshold = 0.8

  public let old: DocumentText
  public let new: DocumentText
  public let diff: TextDiff

  public init(old: DocumentText, new: DocumentText) {
    self.old = old
    self.new = new
    self.diff = TextDiff(old: old.scalars, new: new.scalars)
  }

  /// Re-anchors one coder's records of one document, keeping every record (same ids) and
  /// keeping (code, start, end) unique as the format requires.
  public func map(_ records: [Assignment]) -> [AnchoredSpan] {
    var results = records.map(map)
    Self.separate(&results, in: new)
    return results
  }

  /// Re-anchors one record.
  public func map(_ record: Assignment) -> AnchoredSpan {
    guard new.length > 0 else {
      return AnchoredSpan(
        before: record, after: record, outcome: record.exact.isEmpty ? .unchanged : .review)
    }
    let validBefore =
      record.start >= 0 && record.start < record.end && record.end <= old.length
      && old.slice(record.start, record.end) == record.exact
    guard validBefore else { return byQuote(record) }
    let start = diff.mapStart(record.start)
    let end = diff.mapEnd(record.end)
    if start < end, new.slice(start, end) == record.exact {
      let outcome: AnchorOutcome = start == record.start && end == record.end ? .unchanged : .moved
      return result(record, start, end, outcome)
    }
    // The same text close by: the diff aligned repeated characters differently.
    if let near = QuoteSearch.nearest(record.exact, in: new, around: start, end) {
      return result(record, near.lowerBound, near.upperBound, .moved)
    }
    guard start < end else {
      return marked(record, at: start, reason: "text deleted (\(Self.was(record)))")
    }
    let kept = diff.keptCount(record.start, record.end)
    let similarity = Double(2 * kept) / Double(record.end - record.start + end - start)
    if similarity >= Self.threshold { return result(record, start, end, .adjusted) }
    let percent = Int((similarity * 100).rounded(.down))
    // A rewritten span is placed on its replacement, not on letters it shares by chance.
    let rough = (diff.withoutChanceMatches.mapStart(record.start), diff.withoutChanceMatches.mapEnd(record.end))
    let (lower, upper) = rough.0 < rough.1 ? rough : (start, end)
    return marked(
      record, lower, upper,
      reason: "text rewritten (\(percent)% similar; \(Self.was(record)))")
  }

  /// A record that did not match the old text: found again only by an unambiguous quote.
  private func byQuote(_ record: Assignment) -> AnchoredSpan {
    switch QuoteSearch.find(record.exact, in: new) {
    case .found(let range, _):
      let outcome: AnchorOutcome =
        range.lowerBound == record.start && range.upperBound == record.end
          && new.slice(range.lowerBound, range.upperBound) == record.exact ? .unchanged : .found
      return result(record, range.lowerBound, range.upperBound, outcome)
    case .ambiguous(let count):
      return marked(
        record, at: record.start,
        reason: "quote matches \(count) places equally (\(Self.was(record)))")
    case .notFound:
      return marked(
        record, at: record.start,
        reason: "quote not found (\(Self.was(record)))")
    }
  }

  private func result(_ record: Assignment, _ start: Int, _ end: Int, _ outcome: AnchorOutcome)
    -> AnchoredSpan
  {
    var after = record
    after.start = start
    after.end = end
    after.exact = new.slice(start, end)
    return AnchoredSpan(before: record, after: after, outcome: outcome)
  }

  /// The last good position, made a valid range: at least one code point, inside the text.
  private func marked(_ record: Assignment, _ start: Int, _ end: Int, reason: String)
    -> AnchoredSpan
  {
    let length = new.length
    var lower = min(max(start, 0), length - 1)
    var upper = min(max(end, lower + 1), length)
    if upper <= lower {
      lower = max(0, length - 1)
      upper = length
    }
    var mapped = result(record, lower, upper, .review)
    mapped.after.review = reason
    return mapped
  }

  private func marked(_ record: Assignment, at position: Int, reason: String) -> AnchoredSpan {
    marked(record, position, position + 1, reason: reason)
  }

  /// Keeps (code, start, end) unique: a record that lands on another's span is widened by
  /// the fewest code points that make it unique, and marked.
  public static func separate(_ results: inout [AnchoredSpan], in new: DocumentText) {
    let length = new.length
    var taken: [Assignment.Key: String] = [:]
    let order = results.indices.sorted {
      results[$0].after.id.utf8.lexicographicallyPrecedes(results[$1].after.id.utf8)
    }
    for index in order where taken[results[index].after.key] == nil {
      taken[results[index].after.key] = results[index].after.id
    }
    for index in order {
      let record = results[index].after
      guard let owner = taken[record.key], owner != record.id else { continue }
      var grow = 1
      while grow <= length {
        let candidates = [
          (record.start, record.end + grow), (record.start - grow, record.end),
          (record.start - grow, record.end + grow),
        ]
        if let free = candidates.first(where: { start, end in
          start >= 0 && end <= length
            && taken[Assignment.Key(code: record.code, start: start, end: end)] == nil
        }) {
          var moved = record
          moved.start = free.0
          moved.end = free.1
          moved.exact = new.slice(free.0, free.1)
          moved.review = "landed on the same span as \(owner) after re-anchoring; widened"
          results[index].after = moved
          results[index].outcome = .review
          taken[moved.key] = moved.id
          break
        }
        grow += 1
      }
    }
  }

  /// What the coder coded, for a review reason. A span marked by an earlier update holds
  /// replacement text the coder never coded, so it keeps the quote its first mark named.
  static func was(_ record: Assignment) -> String {
    if let review = record.review, let open = review.range(of: "was \""),
      let close = review.lastIndex(of: "\""), close >= open.upperBound
    {
      return String(review[open.lowerBound...close])
    }
    return "was \"\(record.exact.excerpt(limit: 60))\""
  }
}
