import Foundation
import Testing

@testable import Agreement

/// `true` when both are `nil` or both are numbers within `tolerance`.
func close(_ lhs: Double?, _ rhs: Double?, _ tolerance: Double = 1e-9) -> Bool {
  switch (lhs, rhs) {
  case (nil, nil): return true
  case (let x?, let y?): return abs(x - y) <= tolerance
  default: return false
  }
}

/// A minimal JSON tree, so that the fixture's mixed arrays (numbers, strings, null) decode
/// without `Any` casts.
enum JSON: Decodable, Equatable {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([JSON])
  case object([String: JSON])

  init(from decoder: Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let value = try? container.decode(Bool.self) {
      self = .bool(value)
    } else if let value = try? container.decode(Double.self) {
      self = .number(value)
    } else if let value = try? container.decode(String.self) {
      self = .string(value)
    } else if let value = try? container.decode([JSON].self) {
      self = .array(value)
    } else {
      self = .object(try container.decode([String: JSON].self))
    }
  }

  subscript(key: String) -> JSON? {
    if case .object(let object) = self { return object[key] }
    return nil
  }

  var number: Double? {
    if case .number(let value) = self { return value }
    return nil
  }

  var string: String? {
    if case .string(let value) = self { return value }
    return nil
  }

  var array: [JSON]? {
    if case .array(let value) = self { return value }
    return nil
  }

  var object: [String: JSON]? {
    if case .object(let value) = self { return value }
    return nil
  }
}

enum FixtureError: Error {
  case missing(String)
}

/// The examples of `Fixtures/published.json`, keyed by id.
func publishedExamples() throws -> [String: JSON] {
  guard
    let url = Bundle.module.url(
      forResource: "published", withExtension: "json", subdirectory: "Fixtures")
  else { throw FixtureError.missing("Fixtures/published.json") }
  let root = try JSONDecoder().decode(JSON.self, from: Data(contentsOf: url))
  var examples: [String: JSON] = [:]
  for example in root["examples"]?.array ?? [] {
    if let id = example["id"]?.string {
      examples[id] = example
    }
  }
  return examples
}

/// The example's `data` as reliability data; string categories become their index in
/// `categories`.
func reliabilityData(_ example: JSON) throws -> ReliabilityData {
  guard let rows = example["data"]?.array else { throw FixtureError.missing("data") }
  let labels = (example["categories"]?.array ?? []).compactMap(\.string)
  return ReliabilityData(
    rows.map { row in
      (row.array ?? []).map { cell -> Double? in
        switch cell {
        case .number(let value): return value
        case .string(let label): return labels.firstIndex(of: label).map(Double.init)
        default: return nil
        }
      }
    })
}

/// A figure of the example (`published` or `values`), with a dotted path for nesting.
func figure(_ example: JSON, _ block: String, _ path: String) throws -> Double {
  var node = example[block]
  for key in path.split(separator: ".") {
    node = node?[String(key)]
  }
  guard let value = node?.number else { throw FixtureError.missing("\(block).\(path)") }
  return value
}

/// Decimal places printed for `value` in the fixture (0.743 → 3, 0.43 → 2).
func printedTolerance(_ value: Double) -> Double {
  var places = 0
  var scaled = value
  while places < 10 && abs(scaled.rounded() - scaled) > 1e-9 {
    scaled *= 10
    places += 1
  }
  return 0.5 * pow(10, -Double(places)) + 1e-12
}

// MARK: - Binary data helpers

/// Binary reliability data (`nil`, 0 or 1) as a tally, one unit per column.
func tally(_ rows: [[Int?]]) -> BinaryTally {
  var result = BinaryTally()
  let units = rows.map(\.count).max() ?? 0
  for unit in 0..<units {
    var coded: UInt64 = 0
    var ones: UInt64 = 0
    for (coder, row) in rows.enumerated() where unit < row.count {
      if let value = row[unit] {
        coded |= 1 << UInt64(coder)
        if value == 1 { ones |= 1 << UInt64(coder) }
      }
    }
    result.add(Pattern(coded: coded, ones: ones))
  }
  return result
}

/// The tally written out as a coders × units matrix, each pattern repeated by its weight.
func expand(_ tally: BinaryTally, coders: Int) -> [[Int?]] {
  var rows = [[Int?]](repeating: [], count: coders)
  let ordered = tally.counts.sorted {
    ($0.key.coded, $0.key.ones) < ($1.key.coded, $1.key.ones)
  }
  for (pattern, weight) in ordered {
    for _ in 0..<weight {
      for coder in 0..<coders {
        let bit: UInt64 = 1 << UInt64(coder)
        rows[coder].append(
          pattern.coded & bit == 0 ? nil : (pattern.ones & bit == 0 ? 0 : 1))
      }
    }
  }
  return rows
}

func asData(_ rows: [[Int?]]) -> ReliabilityData {
  ReliabilityData(rows.map { $0.map { $0.map(Double.init) } })
}
