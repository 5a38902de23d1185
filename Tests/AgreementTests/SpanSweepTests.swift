import PropertyBased
import Testing

@testable import Agreement

/// Naive expansions that look at every code point, for comparison with the sweep.
enum NaiveSweep {
  static func covers(_ spans: [Range<Int>], _ point: Int) -> Bool {
    spans.contains { $0.contains(point) }
  }

  static func pattern(_ coders: [[Range<Int>]?], value: ([Range<Int>]) -> Bool) -> Pattern {
    var coded: UInt64 = 0
    var ones: UInt64 = 0
    for (index, spans) in coders.enumerated() {
      guard let spans else { continue }
      coded |= 1 << UInt64(index)
      if value(spans) { ones |= 1 << UInt64(index) }
    }
    return Pattern(coded: coded, ones: ones)
  }

  static func characters(length: Int, coders: [[Range<Int>]?]) -> BinaryTally {
    var tally = BinaryTally()
    for point in 0..<max(length, 0) {
      tally.add(pattern(coders) { covers($0, point) })
    }
    return tally
  }

  static func paragraphs(_ paragraphs: [Range<Int>], length: Int, coders: [[Range<Int>]?])
    -> BinaryTally
  {
    var tally = BinaryTally()
    for paragraph in paragraphs {
      tally.add(
        pattern(coders) { spans in
          paragraph.contains { point in point < length && covers(spans, point) }
        })
    }
    return tally
  }

  static func document(length: Int, coders: [[Range<Int>]?]) -> BinaryTally {
    var tally = BinaryTally()
    tally.add(
      pattern(coders) { spans in (0..<max(length, 0)).contains { covers(spans, $0) } })
    return tally
  }
}

/// Per coder: `nil` when the first number is a multiple of 4, else spans from (start, length) pairs
/// starting a little before the document and ending a little after it.
func randomCoders(length: Int, raw: [[Int]]) -> [[Range<Int>]?] {
  raw.map { numbers -> [Range<Int>]? in
    guard let first = numbers.first, first % 4 != 0 else { return nil }
    var spans: [Range<Int>] = []
    var index = 1
    while index + 1 < numbers.count {
      let start = numbers[index] % (length + 5) - 2
      let end = start + numbers[index + 1] % (length / 2 + 3)
      spans.append(start..<end)
      index += 2
    }
    return spans
  }
}

/// Sorted, disjoint paragraphs (some empty) from cut points.
func randomParagraphs(length: Int, cuts: [Int]) -> [Range<Int>] {
  let points = cuts.map { $0 % (length + 1) }.sorted()
  var paragraphs: [Range<Int>] = []
  var index = 0
  while index + 1 < points.count {
    paragraphs.append(points[index]..<points[index + 1])
    index += 2
  }
  return paragraphs
}

@Suite struct SpanSweepTests {
  static let coderGenerator = Gen.int(in: 0...60).array(of: 0...9).array(of: 1...5)

  @Test func charactersMatchNaive() async {
    await propertyCheck(count: 300, input: Gen.int(in: 0...50), Self.coderGenerator) {
      length, raw in
      let coders = randomCoders(length: length, raw: raw)
      let fast = SpanSweep.tally(length: length, coders: coders, unit: .char)
      #expect(fast == NaiveSweep.characters(length: length, coders: coders))
      #expect(fast.totalUnits == length)
    }
  }

  @Test func paragraphsMatchNaive() async {
    await propertyCheck(
      count: 300, input: Gen.int(in: 0...50), Self.coderGenerator,
      Gen.int(in: 0...60).array(of: 0...12)
    ) { length, raw, cuts in
      let coders = randomCoders(length: length, raw: raw)
      let paragraphs = randomParagraphs(length: length, cuts: cuts)
      let fast = SpanSweep.tally(length: length, coders: coders, unit: .para(paragraphs))
      #expect(fast == NaiveSweep.paragraphs(paragraphs, length: length, coders: coders))
      #expect(fast.totalUnits == paragraphs.count)
    }
  }

  @Test func documentMatchesNaive() async {
    await propertyCheck(count: 200, input: Gen.int(in: 0...50), Self.coderGenerator) {
      length, raw in
      let coders = randomCoders(length: length, raw: raw)
      let fast = SpanSweep.tally(length: length, coders: coders, unit: .doc)
      #expect(fast == NaiveSweep.document(length: length, coders: coders))
    }
  }

  @Test func handPickedCharacters() {
    // Overlapping spans of one coder, a span touching both ends, an empty list, a missing
    // coder.
    let coders: [[Range<Int>]?] = [[2..<6, 4..<8], [0..<10], [], nil]
    let tally = SpanSweep.tally(length: 10, coders: coders, unit: .char)
    #expect(tally.counts[Pattern(coded: 0b0111, ones: 0b0010)] == 4)  // 0, 1, 8, 9
    #expect(tally.counts[Pattern(coded: 0b0111, ones: 0b0011)] == 6)  // 2..<8
    #expect(tally.counts.count == 2)
  }

  @Test func handPickedParagraphs() {
    let paragraphs = [0..<4, 6..<9, 9..<9, 11..<20]
    let coders: [[Range<Int>]?] = [[3..<7], [4..<6], nil]
    let tally = SpanSweep.tally(length: 20, coders: coders, unit: .para(paragraphs))
    // Coder 0 touches paragraphs 0 and 1; coder 1 only the blank gap between them.
    #expect(tally.counts[Pattern(coded: 0b011, ones: 0b001)] == 2)
    #expect(tally.counts[Pattern(coded: 0b011, ones: 0)] == 2)
  }

  @Test func emptyDocument() {
    let coders: [[Range<Int>]?] = [[0..<3], []]
    #expect(SpanSweep.tally(length: 0, coders: coders, unit: .char).counts.isEmpty)
    let doc = SpanSweep.tally(length: 0, coders: coders, unit: .doc)
    #expect(doc.counts == [Pattern(coded: 0b11, ones: 0): 1])
  }

  /// A document of a billion code points with a handful of spans is instant: the sweep
  /// never visits code points.
  @Test func longDocumentIsCheap() {
    let length = 1_000_000_000
    let coders: [[Range<Int>]?] = [[10..<20, 500_000_000..<600_000_000], [15..<25], nil]
    let tally = SpanSweep.tally(length: length, coders: coders, unit: .char)
    #expect(tally.totalUnits == length)
    #expect(tally.counts[Pattern(coded: 0b011, ones: 0b011)] == 5)
    #expect(tally.counts[Pattern(coded: 0b011, ones: 0b001)] == 100_000_005)
  }
}

@Suite struct SpanSweepManyCodersTests {
  /// More coders than the counting array takes (12) use the hashing path: same tallies.
  @Test func manyCodersMatchNaive() async {
    await propertyCheck(count: 50, input: Gen.int(in: 0...40), Gen.int(in: 0...60).array(of: 0...5).array(of: 13...16))
    {
      length, raw in
      let coders = randomCoders(length: length, raw: raw)
      #expect(
        SpanSweep.tally(length: length, coders: coders, unit: .char)
          == NaiveSweep.characters(length: length, coders: coders))
    }
  }

  @Test func tallyFromCountsDropsNonPositiveWeights() {
    let one = Pattern(coded: 3, ones: 1)
    let two = Pattern(coded: 3, ones: 2)
    var expected = BinaryTally()
    expected.add(one, count: 4)
    #expect(BinaryTally(counts: [one: 4, two: 0]) == expected)
    #expect(BinaryTally(counts: [one: 4]) == expected)
  }
}
