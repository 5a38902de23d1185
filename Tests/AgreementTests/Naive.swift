/// Deliberately naive reference computations: every pair of values is visited one by one,
/// straight from the textbook definitions, sharing no code with `Sources/Agreement`.
/// Quadratic and slow, for small random data only.
enum Naive {
  /// Units as lists of the values they received, in unit order.
  static func columns(_ rows: [[Int?]]) -> [[Int]] {
    let units = rows.map(\.count).max() ?? 0
    return (0..<units).map { unit in
      rows.compactMap { row in unit < row.count ? row[unit] : nil }
    }
  }

  /// Nominal alpha: D_o from the pairs inside units, D_e from every pair of distinct
  /// pairable values anywhere.
  static func alpha(_ rows: [[Int?]]) -> Double? {
    let units = columns(rows).filter { $0.count >= 2 }
    var observed = 0.0
    for unit in units {
      for i in unit.indices {
        for j in unit.indices where i != j && unit[i] != unit[j] {
          observed += 1.0 / Double(unit.count - 1)
        }
      }
    }
    let all = units.flatMap { $0 }
    var expectedPairs = 0
    for p in all.indices {
      for q in all.indices where p != q && all[p] != all[q] {
        expectedPairs += 1
      }
    }
    let n = Double(all.count)
    guard n > 1, expectedPairs > 0 else { return nil }
    let dObserved = observed / n
    let dExpected = Double(expectedPairs) / (n * (n - 1))
    return 1 - dObserved / dExpected
  }

  /// Mean over units with two values of the share of agreeing ordered pairs.
  static func pa(_ rows: [[Int?]]) -> Double? {
    let units = columns(rows).filter { $0.count >= 2 }
    guard !units.isEmpty else { return nil }
    var total = 0.0
    for unit in units {
      var agreeing = 0
      var pairs = 0
      for i in unit.indices {
        for j in unit.indices where i != j {
          pairs += 1
          if unit[i] == unit[j] { agreeing += 1 }
        }
      }
      total += Double(agreeing) / Double(pairs)
    }
    return total / Double(units.count)
  }

  static func pairableUnits(_ rows: [[Int?]]) -> Int {
    columns(rows).filter { $0.count >= 2 }.count
  }

  static func prevalence(_ rows: [[Int?]]) -> Double? {
    let all = columns(rows).filter { $0.count >= 2 }.flatMap { $0 }
    guard !all.isEmpty else { return nil }
    return Double(all.filter { $0 == 1 }.count) / Double(all.count)
  }

  /// Cohen's kappa of rows `a` and `b` on the units both coded, categories 0 and 1.
  static func cohen(_ rows: [[Int?]], _ a: Int, _ b: Int) -> (n: Int, pa: Double?, k: Double?) {
    var pairs: [(Int, Int)] = []
    for unit in 0..<min(rows[a].count, rows[b].count) {
      if let x = rows[a][unit], let y = rows[b][unit] { pairs.append((x, y)) }
    }
    guard !pairs.isEmpty else { return (0, nil, nil) }
    let n = Double(pairs.count)
    let po = Double(pairs.filter { $0.0 == $0.1 }.count) / n
    var pe = 0.0
    for category in [0, 1] {
      let pa = Double(pairs.filter { $0.0 == category }.count) / n
      let pb = Double(pairs.filter { $0.1 == category }.count) / n
      pe += pa * pb
    }
    let kappa: Double? = abs(1 - pe) < 1e-12 ? nil : (po - pe) / (1 - pe)
    return (pairs.count, po, kappa)
  }

  /// Units every coder coded.
  static func complete(_ rows: [[Int?]]) -> [[Int]] {
    columns(rows).filter { $0.count == rows.count && rows.count >= 2 }
  }

  /// Fleiss (1971) as printed: P_i, P̄, p_j, P̄_e.
  static func fleiss(_ rows: [[Int?]]) -> Double? {
    let units = complete(rows)
    guard !units.isEmpty else { return nil }
    let m = Double(rows.count)
    var pBar = 0.0
    for unit in units {
      var sum = 0.0
      for category in [0, 1] {
        let count = Double(unit.filter { $0 == category }.count)
        sum += count * (count - 1)
      }
      pBar += sum / (m * (m - 1))
    }
    pBar /= Double(units.count)
    var pe = 0.0
    for category in [0, 1] {
      let p =
        Double(units.flatMap { $0 }.filter { $0 == category }.count)
        / (Double(units.count) * m)
      pe += p * p
    }
    guard abs(1 - pe) > 1e-12 else { return nil }
    return (pBar - pe) / (1 - pe)
  }

  /// Gwet's AC1 (q = 2) and Brennan-Prediger on the complete units.
  static func ac1AndBP(_ rows: [[Int?]]) -> (ac1: Double?, bp: Double?) {
    let units = complete(rows)
    guard !units.isEmpty else { return (nil, nil) }
    let m = Double(rows.count)
    var pa = 0.0
    for unit in units {
      var agreeing = 0.0
      for i in unit.indices {
        for j in unit.indices where i != j && unit[i] == unit[j] {
          agreeing += 1
        }
      }
      pa += agreeing / (m * (m - 1))
    }
    pa /= Double(units.count)
    let pi1 =
      units.map { Double($0.filter { $0 == 1 }.count) / m }.reduce(0, +) / Double(units.count)
    let pe = pi1 * (1 - pi1) + (1 - pi1) * pi1
    return ((pa - pe) / (1 - pe), (pa - 0.5) / 0.5)
  }
}
