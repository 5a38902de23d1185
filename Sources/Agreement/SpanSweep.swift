/// The unit of analysis for turning spans into binary values (DESIGN §4, `--unit`).
public enum SweepUnit: Sendable, Equatable {
  /// Every code point is a unit.
  case char
  /// Each paragraph is a unit; the ranges are half-open code-point ranges, sorted and
  /// disjoint, computed by the caller. A coder's value is 1 when one of its spans
  /// overlaps the paragraph by at least one code point.
  case para([Range<Int>])
  /// The whole document is one unit: 1 when the coder used the code anywhere in it.
  case doc
}

/// Turns the spans of one code in one document into a `BinaryTally` without visiting
/// every code point: documents are long and spans few, so the work follows the spans.
public enum SpanSweep {
  /// The tally for one document of `length` code points.
  ///
  /// `coders[i]` is `nil` when coder `i` has no annotation file for the document (no value
  /// for any unit), otherwise that coder's spans of the code: half-open, in any order,
  /// possibly overlapping, possibly empty. Spans are clipped to `0..<length`. Only the
  /// first 64 coders are used (a `Pattern` holds 64).
  public static func tally(length: Int, coders: [[Range<Int>]?], unit: SweepUnit)
    -> BinaryTally
  {
    let coders = Array(coders.prefix(64))
    var coded: UInt64 = 0
    for (index, list) in coders.enumerated() where list != nil {
      coded |= 1 << UInt64(index)
    }
    var spans: [[Range<Int>]?] { coders.map { list in list.map { clipped($0, length: length) } } }
    switch unit {
    case .char:
      // The sweep clips as it goes.
      return characters(length: length, coded: coded, spans: coders)
    case .para(let paragraphs):
      return SpanSweep.paragraphs(paragraphs, coded: coded, spans: spans)
    case .doc:
      var ones: UInt64 = 0
      for (index, list) in spans.enumerated() where list?.isEmpty == false {
        ones |= 1 << UInt64(index)
      }
      var tally = BinaryTally()
      tally.add(Pattern(coded: coded, ones: ones))
      return tally
    }
  }

  /// Non-empty spans inside the document; `nil` stays `nil` (a missing coder).
  private static func clipped(_ spans: [Range<Int>], length: Int) -> [Range<Int>] {
    spans.compactMap { span in
      let lower = max(span.lowerBound, 0)
      let upper = min(span.upperBound, length)
      return lower < upper ? lower..<upper : nil
    }
  }

  /// Sweep over the sorted span ends: between two consecutive ends every code point has
  /// the same pattern, so each run is added once with its length. O(S log S).
  private static func characters(length: Int, coded: UInt64, spans: [[Range<Int>]?])
    -> BinaryTally
  {
    var tally = BinaryTally()
    guard spans.count <= 12 else {
      forEachRun(length: length, spans: spans) { run, ones in
        tally.add(Pattern(coded: coded, ones: ones), count: run.count)
      }
      return tally
    }
    // Every run has the same coders, so the patterns differ only in `ones`: count them in
    // an array and hash each distinct pattern once, not once per run.
    var counts = [Int](repeating: 0, count: 1 << spans.count)
    forEachRun(length: length, spans: spans) { run, ones in
      counts[Int(ones)] += run.count
    }
    for (ones, count) in counts.enumerated() where count > 0 {
      tally.add(Pattern(coded: coded, ones: UInt64(ones)), count: count)
    }
    return tally
  }

  /// Calls `body` with the runs of `0..<length` over which the set of coders covering a code
  /// point does not change, in order, with that set as bits (coder i → bit i). Spans may
  /// overlap or reach past the text; a nil list is a coder with no spans. O(S log S) in the
  /// number of spans, whatever the length.
  public static func forEachRun(
    length: Int, spans: [[Range<Int>]?], _ body: (Range<Int>, UInt64) -> Void
  ) {
    guard length > 0 else { return }
    // One word per span end: position, then coder, then 1 at a start / 0 at an end, so a
    // plain sort of integers orders them by position (the order of the events at one
    // position does not matter: all are applied before the next run).
    var events: [UInt64] = []
    events.reserveCapacity(2 * spans.reduce(0) { $0 + ($1?.count ?? 0) })
    for (coder, list) in spans.enumerated() where coder < 64 {
      for span in list ?? [] {
        let lower = max(span.lowerBound, 0)
        let upper = min(span.upperBound, length)
        guard lower < upper else { continue }
        events.append(UInt64(lower) << 7 | UInt64(coder) << 1 | 1)
        events.append(UInt64(upper) << 7 | UInt64(coder) << 1)
      }
    }
    events.sort()
    var depth = [Int](repeating: 0, count: spans.count)  // open spans per coder
    var ones: UInt64 = 0
    var previous = 0
    var index = 0
    while index < events.count {
      let position = Int(events[index] >> 7)
      if position > previous { body(previous..<position, ones) }
      while index < events.count && Int(events[index] >> 7) == position {
        let event = events[index]
        let coder = Int(event >> 1 & 63)
        depth[coder] += event & 1 == 1 ? 1 : -1
        let bit: UInt64 = 1 << UInt64(coder)
        ones = depth[coder] > 0 ? ones | bit : ones & ~bit
        index += 1
      }
      previous = position
    }
    if length > previous { body(previous..<length, ones) }
  }

  /// Each span marks the paragraphs it overlaps, found by binary search; paragraphs no
  /// span touches share one all-zero pattern. O(S log P + touched paragraphs).
  private static func paragraphs(
    _ paragraphs: [Range<Int>], coded: UInt64, spans: [[Range<Int>]?]
  ) -> BinaryTally {
    var touched: [Int: UInt64] = [:]  // paragraph index → coders with a 1
    for (coder, list) in spans.enumerated() {
      for span in list ?? [] {
        for index in overlapping(paragraphs, span) {
          touched[index, default: 0] |= 1 << UInt64(coder)
        }
      }
    }
    var tally = BinaryTally()
    for ones in touched.values {
      tally.add(Pattern(coded: coded, ones: ones))
    }
    tally.add(Pattern(coded: coded, ones: 0), count: paragraphs.count - touched.count)
    return tally
  }
}
