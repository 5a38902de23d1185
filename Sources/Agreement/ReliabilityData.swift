/// Reliability data in Krippendorff's canonical form: coders × units, `nil` where a coder
/// gave the unit no value. Values are numbers so that one type serves every metric;
/// nominal data just use distinct numbers as category labels.
public struct ReliabilityData: Sendable, Equatable {
  /// `values[coder][unit]`; every row has `unitCount` entries.
  public let values: [[Double?]]
  /// The number of units (the longest row; shorter rows are padded with `nil`).
  public let unitCount: Int

  /// The number of coders (rows).
  public var coderCount: Int { values.count }

  /// Rows may differ in length: missing trailing entries are missing values, so that a
  /// ragged literal cannot crash anything. NaN also counts as missing.
  public init(_ values: [[Double?]]) {
    let width = values.map(\.count).max() ?? 0
    unitCount = width
    self.values = values.map { row in
      row.map { value in value.flatMap { $0.isNaN ? nil : $0 } }
        + Array(repeating: nil, count: width - row.count)
    }
  }

  /// Builds data from per-unit category counts (the layout of Fleiss 1971), where only
  /// how many ratings fell in each category is known, not who gave them. Coder `i` of unit
  /// `u` gets the `i`-th rating in category order; units with fewer ratings than the
  /// largest unit get missing values. Negative counts count as zero.
  public init(counts: [[Int]], categories: [Double]) {
    var columns: [[Double]] = []
    for row in counts {
      var column: [Double] = []
      for (index, count) in row.enumerated() where index < categories.count && count > 0 {
        column += Array(repeating: categories[index], count: count)
      }
      columns.append(column)
    }
    let coders = columns.map(\.count).max() ?? 0
    var rows = Array(repeating: [Double?](repeating: nil, count: columns.count), count: coders)
    for (unit, column) in columns.enumerated() {
      for (coder, value) in column.enumerated() {
        rows[coder][unit] = value
      }
    }
    self.init(rows)
  }

  /// The values that unit `unit` received, in coder order, without the missing ones.
  public func unitValues(_ unit: Int) -> [Double] {
    values.compactMap { row in row[unit] }
  }

  /// The values of every unit, in unit order.
  func columns() -> [[Double]] {
    (0..<unitCount).map(unitValues)
  }
}

/// How many times each value occurs in `values`, as (value, count) sorted by value; the
/// per-unit m_uc of DESIGN §4.
func valueCounts(_ values: [Double]) -> [(value: Double, count: Int)] {
  var counts: [Double: Int] = [:]
  for value in values {
    counts[value, default: 0] += 1
  }
  return counts.sorted { $0.key < $1.key }.map { (value: $0.key, count: $0.value) }
}

/// Observed agreement `pa` of DESIGN §4: the mean over units with at least two values of
/// Σ_c m_uc (m_uc − 1) / (m_u (m_u − 1)), the share of agreeing ordered pairs in the unit.
/// For two coders it is plain percent agreement. `nil` when no unit has two values.
public func percentAgreement(_ data: ReliabilityData) -> Double? {
  var sum = 0.0
  var units = 0
  for column in data.columns() where column.count >= 2 {
    sum += unitAgreement(column)
    units += 1
  }
  return units > 0 ? sum / Double(units) : nil
}

/// Σ_c m_uc (m_uc − 1) / (m_u (m_u − 1)) for one unit with at least two values.
func unitAgreement(_ column: [Double]) -> Double {
  let m = column.count
  let agreeing = valueCounts(column).reduce(0) { $0 + $1.count * ($1.count - 1) }
  return Double(agreeing) / Double(m * (m - 1))
}
