import PropertyBased
import Testing

@testable import Agreement

@Suite struct GeneralTests {
  /// Nominal alpha and pa with several categories against the naive pair counts.
  @Test func nominalMatchesNaive() async {
    await propertyCheck(count: 200, input: Gen.int(in: 2...5), Gen.int(in: 0...4).array(of: 0...60)) { coders, cells in
      let units = cells.count / coders
      let rows: [[Int?]] = (0..<coders).map { coder in
        (0..<units).map { unit in
          let cell = cells[unit * coders + coder]
          return cell == 0 ? nil : cell
        }
      }
      let data = asData(rows)
      #expect(close(krippendorffAlpha(data), Naive.alpha(rows)))
      #expect(close(percentAgreement(data), Naive.pa(rows)))
    }
  }

  /// Interval and ratio alpha equal nominal alpha on two values; ordinal too (ranks).
  @Test func levelsAgreeOnBinaryData() async {
    await propertyCheck(count: 100, input: Gen.int(in: 0...2).array(of: 0...40)) { cells in
      let data = asData(binaryMatrix(coders: 2, cells: cells))
      let nominal = krippendorffAlpha(data)
      #expect(close(krippendorffAlpha(data, level: .interval), nominal))
      #expect(close(krippendorffAlpha(data, level: .ordinal), nominal))
    }
  }

  @Test func raggedRowsAndNaNAreMissing() {
    let data = ReliabilityData([[1, 2, 3], [1, .nan], []])
    #expect(data.unitCount == 3 && data.coderCount == 3)
    #expect(data.values[1] == [1, nil, nil])
    #expect(data.values[2] == [nil, nil, nil])
    #expect(data.unitValues(0) == [1, 1])
    #expect(percentAgreement(data) == 1)
  }

  @Test func undefinedFiguresAreNil() {
    let empty = ReliabilityData([])
    for level in MeasurementLevel.allCases {
      #expect(krippendorffAlpha(empty, level: level) == nil)
    }
    #expect(percentAgreement(empty) == nil)
    #expect(fleissKappa(empty) == nil)
    #expect(gwetAC1(empty, categories: 2) == nil)
    #expect(brennanPrediger(empty, categories: 2) == nil)
    #expect(cohenKappa([1, nil], [nil, 1]) == nil)
    #expect(scottPi([], []) == nil)
    let three = ReliabilityData([[1, 2, 3], [1, 2, 2]])
    #expect(gwetAC1(three, categories: 1) == nil)
    #expect(gwetAC1(three, categories: 2) == nil)  // three values, q = 2
    #expect(gwetAC1(three, categories: 3) != nil)
    #expect(brennanPrediger(three, categories: 2) == nil)
    // Nothing pairable: every unit has one value.
    let lonely = ReliabilityData([[1, nil], [nil, 2]])
    #expect(krippendorffAlpha(lonely) == nil && percentAgreement(lonely) == nil)
    #expect(fleissKappa(lonely, missing: .gwet) == nil)
    // Ratio metric with c + k = 0 only: no difference seen, nothing to explain.
    #expect(krippendorffAlpha(ReliabilityData([[0, 0], [0, 0]]), level: .ratio) == nil)
  }

  @Test func gwetMissingUsesSingleValueUnits() {
    // The single value in unit 3 changes the category proportions, not the agreement.
    let data = ReliabilityData([[1, 1, 2, nil], [1, 2, 2, 3]])
    let ac1 = gwetAC1(data, categories: 3, missing: .gwet)
    let listwise = gwetAC1(data, categories: 3)
    #expect(ac1 != nil && listwise != nil && ac1 != listwise)
  }

  @Test func countsLayout() {
    let data = ReliabilityData(counts: [[2, 1], [0, 3], [1, 0]], categories: [0, 1])
    #expect(data.coderCount == 3)
    #expect(data.values[0] == [0, 1, 0])
    #expect(data.values[2] == [1, 1, nil])
    #expect(fleissKappa(counts: [[3, 0], [3, 0]]) == nil)
  }
}
