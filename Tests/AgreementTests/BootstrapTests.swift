import PropertyBased
import Testing

@testable import Agreement

@Suite struct BootstrapTests {
  /// Reference outputs of SplitMix64 (Vigna's splitmix64.c), so that every platform draws
  /// the same documents for the same seed.
  @Test func splitMixReferenceValues() {
    var zero = SplitMix64(seed: 0)
    #expect(
      [zero.next(), zero.next(), zero.next()] == [
        0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F,
      ])
    var other = SplitMix64(seed: 1_234_567)
    #expect(other.next() == 6_457_827_717_110_365_317)
  }

  @Test func boundedDrawsStayInRange() async {
    await propertyCheck(count: 100, input: Gen.uint64(in: 0...UInt64.max), Gen.int(in: -3...50)) {
      seed, bound in
      var generator = SplitMix64(seed: seed)
      for _ in 0..<50 {
        let value = generator.next(below: bound)
        #expect(value >= 0 && value < max(bound, 1))
      }
    }
  }

  @Test func percentilesInterpolate() {
    let values = (0...100).map(Double.init)
    #expect(percentile(values, 0.025) == 2.5)
    #expect(percentile(values, 0.975) == 97.5)
    #expect(percentile([7], 0.025) == 7)
    #expect(percentile([1, 2], 0.5) == 1.5)
  }

  static func documents() -> [BinaryTally] {
    (0..<12).map { index in
      var tally = BinaryTally()
      tally.add(Pattern(coded: 0b11, ones: 0b11), count: 10 + index)
      tally.add(Pattern(coded: 0b11, ones: 0b00), count: 40 - index)
      tally.add(Pattern(coded: 0b11, ones: index % 2 == 0 ? 0b01 : 0b10), count: 1 + index % 5)
      return tally
    }
  }

  @Test func sameSeedSameInterval() throws {
    let documents = Self.documents()
    let first = bootstrapPercentiles(
      perDocument: documents, coders: 2, replicates: 200, seed: 42
    ) { $0.alpha }
    let second = bootstrapPercentiles(
      perDocument: documents, coders: 2, replicates: 200, seed: 42
    ) { $0.alpha }
    let interval = try #require(first)
    #expect(interval.lower == second?.lower && interval.upper == second?.upper)
    #expect(interval.lower <= interval.upper)
    let pooled = documents.reduce(BinaryTally(), +)
    let estimate = try #require(BinaryAgreement(pooled, coders: 2).alpha)
    #expect(interval.lower <= estimate && estimate <= interval.upper)
    let other = bootstrapPercentiles(
      perDocument: documents, coders: 2, replicates: 200, seed: 43
    ) { $0.alpha }
    #expect(other?.lower != interval.lower || other?.upper != interval.upper)
  }

  /// The interval is the 2.5% and 97.5% percentiles (numpy's linear interpolation) of the
  /// replicates, each pooling `count` documents drawn with SplitMix64: checked against that
  /// computation written out naively here, for the tally entry point and the generic one.
  @Test func intervalMatchesANaiveBootstrap() throws {
    let documents = Self.documents()
    var generator = SplitMix64(seed: 9)
    var estimates: [Double] = []
    for _ in 0..<50 {
      var pooled = BinaryTally()
      for _ in documents.indices { pooled.merge(documents[generator.next(below: documents.count)]) }
      if let pa = BinaryAgreement(pooled, coders: 2).pa { estimates.append(pa) }
    }
    estimates.sort()
    func naivePercentile(_ fraction: Double) -> Double {
      let rank = fraction * Double(estimates.count - 1)
      let below = estimates[Int(rank.rounded(.down))]
      let above = estimates[Int(rank.rounded(.up))]
      return below + (rank - rank.rounded(.down)) * (above - below)
    }
    let expected = (naivePercentile(0.025), naivePercentile(0.975))
    #expect(estimates.count == 50 && expected.0 < expected.1)
    let viaTally = try #require(
      bootstrapPercentiles(perDocument: documents, replicates: 50, seed: 9) { BinaryAgreement($0, coders: 2).pa })
    let generic = try #require(
      bootstrapPercentiles(resampling: documents, replicates: 50, seed: 9) {
        BinaryAgreement($0.reduce(BinaryTally(), +), coders: 2).pa
      })
    for interval in [viaTally, generic] {
      #expect(abs(interval.lower - expected.0) < 1e-12 && abs(interval.upper - expected.1) < 1e-12)
    }
  }

  @Test func undefinedReplicatesAreDropped() {
    var constant = BinaryTally()
    constant.add(Pattern(coded: 0b11, ones: 0b11), count: 5)
    #expect(
      bootstrapPercentiles(perDocument: [constant], coders: 2, replicates: 20, seed: 1) {
        $0.alpha
      } == nil)
    let one = bootstrapPercentiles(perDocument: [constant], coders: 2, replicates: 20, seed: 1) {
      $0.ac1
    }
    #expect(one?.lower == 1 && one?.upper == 1)
    #expect(bootstrapPercentiles(perDocument: [], replicates: 10, seed: 1) { _ in 1 } == nil)
    #expect(bootstrapPercentiles(perDocument: [constant], replicates: 0, seed: 1) { _ in 1 } == nil)
  }
}
