import Testing

@testable import Agreement

/// Every figure of `Fixtures/published.json`: `published` to its printed precision,
/// `values` to 1e-6.
@Suite struct PublishedTests {
  let examples: [String: JSON]

  init() throws {
    examples = try publishedExamples()
  }

  func example(_ id: String) throws -> JSON {
    guard let example = examples[id] else { throw FixtureError.missing(id) }
    return example
  }

  /// Checks `computed` against `values.key` (1e-6) and, when present, `published.key`.
  func check(_ example: JSON, _ key: String, _ computed: Double?, published: String? = nil)
    throws
  {
    let full = try figure(example, "values", key)
    #expect(close(computed, full, 1e-6), "\(key): \(String(describing: computed)) vs \(full)")
    if let name = published ?? (example["published"]?[key] != nil ? key : nil) {
      let printed = try figure(example, "published", name)
      #expect(close(computed, printed, printedTolerance(printed)), "published \(name)")
    }
  }

  @Test func krippendorff2011C() throws {
    let example = try example("krippendorff2011-C")
    let data = try reliabilityData(example)
    try check(example, "alpha_nominal", krippendorffAlpha(data, level: .nominal))
    try check(example, "alpha_ordinal", krippendorffAlpha(data, level: .ordinal))
    try check(example, "alpha_interval", krippendorffAlpha(data, level: .interval))
    try check(example, "alpha_ratio", krippendorffAlpha(data, level: .ratio))
    try check(example, "pa", percentAgreement(data))
  }

  @Test func krippendorff2011B() throws {
    let example = try example("krippendorff2011-B")
    let data = try reliabilityData(example)
    try check(example, "alpha_nominal", krippendorffAlpha(data))
    try check(example, "cohen_kappa", cohenKappa(data.values[0], data.values[1]))
    try check(example, "pa", percentAgreement(data))
  }

  @Test func krippendorff2004Binary() throws {
    let example = try example("krippendorff2004-binary")
    let data = try reliabilityData(example)
    try check(example, "alpha_nominal", krippendorffAlpha(data))
    #expect(close(krippendorffAlpha(data), 2.0 / 21.0, 1e-12))
    try check(example, "cohen_kappa", cohenKappa(data.values[0], data.values[1]))
    try check(example, "pa", percentAgreement(data))
    try check(example, "ac1", gwetAC1(data, categories: 2))
    try check(example, "bp", brennanPrediger(data, categories: 2))
    try check(example, "fleiss_kappa", fleissKappa(data))
    try check(example, "fleiss_kappa", scottPi(data.values[0], data.values[1]))
    let binary = BinaryAgreement(tally(binaryRows(data)), coders: 2)
    try check(example, "alpha_nominal", binary.alpha)
    try check(example, "pa", binary.pa)
    try check(example, "ac1", binary.ac1)
    try check(example, "bp", binary.bp)
    try check(example, "fleiss_kappa", binary.fleissKappa)
    try check(example, "cohen_kappa", binary.pairs.first?.cohenKappa)
  }

  @Test func wikipediaKrippendorff() throws {
    let example = try example("wikipedia-krippendorff-alpha")
    let data = try reliabilityData(example)
    try check(example, "alpha_nominal", krippendorffAlpha(data))
    try check(example, "alpha_interval", krippendorffAlpha(data, level: .interval))
    try check(example, "pa", percentAgreement(data))
  }

  @Test func fleiss1971() throws {
    let example = try example("fleiss1971-diagnoses")
    let data = try reliabilityData(example)
    try check(example, "fleiss_kappa", fleissKappa(data))
    let printed = try figure(example, "published", "fleiss_kappa_R_irr")
    #expect(close(fleissKappa(data), printed, printedTolerance(printed)))
    try check(example, "pa", percentAgreement(data))
    let counts = (example["counts"]?.array ?? []).map { ($0.array ?? []).compactMap(\.number) }
    try check(example, "fleiss_kappa", fleissKappa(counts: counts.map { $0.map { Int($0) } }))
  }

  @Test func wikipediaFleiss() throws {
    let example = try example("wikipedia-fleiss-kappa")
    let counts = (example["counts"]?.array ?? []).map {
      ($0.array ?? []).compactMap(\.number).map { Int($0) }
    }
    try check(example, "fleiss_kappa", fleissKappa(counts: counts))
    let data = ReliabilityData(counts: counts, categories: [1, 2, 3, 4, 5])
    #expect(data.coderCount == 14)
    try check(example, "fleiss_kappa", fleissKappa(data))
    try check(example, "randolph_free_marginal", brennanPrediger(data, categories: 5))
  }

  @Test func wikipediaCohen() throws {
    let example = try example("wikipedia-cohen-kappa-2x2")
    let data = try reliabilityData(example)
    try check(example, "cohen_kappa", cohenKappa(data.values[0], data.values[1]))
    try check(example, "pa", percentAgreement(data))
    try check(example, "ac1", gwetAC1(data, categories: 2))
    try check(example, "bp", brennanPrediger(data, categories: 2))
    try check(example, "fleiss_kappa", fleissKappa(data))
    try check(example, "alpha_nominal", krippendorffAlpha(data))
    let table = try ["yes_yes", "yes_no", "no_yes", "no_no"].map {
      try figure(example, "table", $0)
    }
    var fromTable = BinaryTally()
    fromTable.add(Pattern(coded: 0b11, ones: 0b11), count: Int(table[0]))
    fromTable.add(Pattern(coded: 0b11, ones: 0b01), count: Int(table[1]))
    fromTable.add(Pattern(coded: 0b11, ones: 0b10), count: Int(table[2]))
    fromTable.add(Pattern(coded: 0b11, ones: 0b00), count: Int(table[3]))
    #expect(fromTable == tally(binaryRows(data)))
    let binary = BinaryAgreement(fromTable, coders: 2)
    try check(example, "cohen_kappa", binary.pairs.first?.cohenKappa)
    try check(example, "pa", binary.pairs.first?.pa)
    try check(example, "ac1", binary.ac1)
    try check(example, "bp", binary.bp)
    try check(example, "fleiss_kappa", binary.fleissKappa)
    try check(example, "alpha_nominal", binary.alpha)
    let pe = try figure(example, "published", "pe")
    #expect(close(1 - (1 - 0.7) / (1 - (binary.pairs.first?.cohenKappa ?? 0)), pe, 1e-12))
  }

  @Test func gwet2014() throws {
    let example = try example("gwet2014-4raters")
    let data = try reliabilityData(example)
    try check(example, "ac1", gwetAC1(data, categories: 5, missing: .gwet))
    try check(
      example, "fleiss_kappa_gwet_missing", fleissKappa(data, missing: .gwet))
    try check(example, "pa", percentAgreement(data))
    try check(example, "bp", brennanPrediger(data, categories: 5, missing: .gwet))
    try check(example, "listwise.fleiss_kappa", fleissKappa(data))
    try check(example, "listwise.ac1", gwetAC1(data, categories: 5))
    try check(example, "listwise.bp", brennanPrediger(data, categories: 5))
    let complete = ReliabilityData(
      data.values.map { row in
        (0..<data.unitCount).filter { data.unitValues($0).count == 4 }.map { row[$0] }
      })
    #expect(complete.unitCount == Int(try figure(example, "values", "listwise.n_units")))
    try check(example, "listwise.pa", percentAgreement(complete))
  }

  @Test func design4BinaryMissing() throws {
    let example = try example("design4-binary-missing")
    let data = try reliabilityData(example)
    let rows = binaryRows(data)
    let binary = BinaryAgreement(tally(rows), coders: 4)
    #expect(binary.nUnits == Int(try figure(example, "values", "n_units")))
    #expect(binary.nListwiseUnits == Int(try figure(example, "values", "n_listwise_units")))
    try check(example, "prevalence", binary.prevalence)
    try check(example, "alpha", binary.alpha)
    try check(example, "alpha", krippendorffAlpha(data))
    try check(example, "pa", binary.pa)
    try check(example, "pa", percentAgreement(data))
    try check(example, "fleiss_kappa", binary.fleissKappa)
    try check(example, "fleiss_kappa", fleissKappa(data))
    try check(example, "ac1", binary.ac1)
    try check(example, "ac1", gwetAC1(data, categories: 2))
    try check(example, "bp", binary.bp)
    try check(example, "bp", brennanPrediger(data, categories: 2))
    let coders = (example["coders"]?.array ?? []).compactMap(\.string)
    let pairs = example["values"]?["pairs"]?.array ?? []
    #expect(pairs.count == binary.pairs.count)
    for (expected, computed) in zip(pairs, binary.pairs) {
      #expect(coders[computed.a] == expected["a"]?.string)
      #expect(coders[computed.b] == expected["b"]?.string)
      #expect(Double(computed.nUnits) == expected["n_units"]?.number)
      #expect(close(computed.pa, expected["pa"]?.number, 1e-6))
      #expect(close(computed.cohenKappa, expected["cohen_kappa"]?.number, 1e-6))
      #expect(
        close(
          cohenKappa(data.values[computed.a], data.values[computed.b]),
          expected["cohen_kappa"]?.number, 1e-6))
    }
    // 1 − D_o weights units by their number of values; DESIGN's pa does not.
    let doValue = try figure(example, "values", "pa_as_1_minus_Do")
    #expect(!close(binary.pa, doValue, 1e-6))
  }

  /// 0/1 data as optional integers.
  func binaryRows(_ data: ReliabilityData) -> [[Int?]] {
    data.values.map { $0.map { $0.map { Int($0) } } }
  }
}
