/// The categories of a code group (`agree --by-parent`): 0 is "none of the children",
/// child `k` is `k + 1`, and a unit that one coder gave two or more children gets a
/// category of its own for that combination, numbered in order of appearance (labels
/// only: nominal figures do not depend on them). Shared by all documents, so that
/// their tallies pool.
public struct GroupCategories: Sendable {
  public let children: Int
  public private(set) var combinations: [[Int]: Int] = [:]

  public init(children: Int) {
    self.children = children
  }

  /// Every category that can occur so far: none, each child, each combination seen.
  public var count: Int { children + 1 + combinations.count }

  /// The category of the set of children `active` (sorted, distinct).
  public mutating func category(_ active: [Int]) -> Int {
    switch active.count {
    case 0: return 0
    case 1: return active[0] + 1
    default:
      if let known = combinations[active] { return known }
      let next = children + 1 + combinations.count
      combinations[active] = next
      return next
    }
  }
}

/// Turns the spans of a group's children in one document into a `NominalTally`, following
/// the spans as `SpanSweep` does for one binary code.
public enum NominalSweep {
  /// `coders[i]` is `nil` when coder `i` has no annotation file for the document,
  /// otherwise that coder's spans per child (index = child). Spans are clipped to
  /// `0..<length`.
  public static func tally(
    length: Int, coders: [[[Range<Int>]]?], unit: SweepUnit, categories: inout GroupCategories
  ) -> NominalTally {
    switch unit {
    case .char: return characters(length: length, coders: coders, categories: &categories)
    case .para(let paragraphs):
      return SpanSweep.paragraphTally(paragraphs, length: length, coders: coders, categories: &categories)
    case .doc:
      var values: [Int?] = []
      for children in coders {
        guard let children else {
          values.append(nil)
          continue
        }
        let used = children.indices.filter { child in
          children[child].contains { max($0.lowerBound, 0) < min($0.upperBound, length) }
        }
        values.append(categories.category(used))
      }
      var tally = NominalTally()
      tally.add(NominalPattern(values))
      return tally
    }
  }

  /// A sweep over the sorted span ends; between two consecutive ends every code point has
  /// the same pattern. O(S log S + runs × coders).
  private static func characters(
    length: Int, coders: [[[Range<Int>]]?], categories: inout GroupCategories
  ) -> NominalTally {
    var tally = NominalTally()
    guard length > 0 else { return tally }
    var events: [(position: Int, coder: Int, child: Int, change: Int)] = []
    for (coder, children) in coders.enumerated() {
      for (child, spans) in (children ?? []).enumerated() {
        for span in spans {
          let lower = max(span.lowerBound, 0)
          let upper = min(span.upperBound, length)
          guard lower < upper else { continue }
          events.append((lower, coder, child, 1))
          events.append((upper, coder, child, -1))
        }
      }
    }
    events.sort { $0.position < $1.position }
    var depth = coders.map { [Int](repeating: 0, count: $0?.count ?? 0) }
    var values: [Int?] = coders.map { $0 == nil ? nil : 0 }
    var previous = 0
    var index = 0
    while index < events.count {
      let position = events[index].position
      if position > previous { tally.add(NominalPattern(values), count: position - previous) }
      var changed = Set<Int>()
      while index < events.count && events[index].position == position {
        let event = events[index]
        depth[event.coder][event.child] += event.change
        changed.insert(event.coder)
        index += 1
      }
      for coder in changed {
        values[coder] = categories.category(depth[coder].indices.filter { depth[coder][$0] > 0 })
      }
      previous = position
    }
    if length > previous { tally.add(NominalPattern(values), count: length - previous) }
    return tally
  }
}

extension SpanSweep {
  /// Paragraph units for a code group: each span marks the paragraphs it overlaps (binary
  /// search); paragraphs no span touches share one all-"none" pattern, as in `paragraphs`.
  static func paragraphTally(
    _ paragraphs: [Range<Int>], length: Int, coders: [[[Range<Int>]]?],
    categories: inout GroupCategories
  ) -> NominalTally {
    var touched: [Int: [Set<Int>]] = [:]  // paragraph → children per coder
    for (coder, children) in coders.enumerated() {
      for (child, spans) in (children ?? []).enumerated() {
        for span in spans {
          for index in overlapping(paragraphs, span) {
            touched[index, default: Array(repeating: [], count: coders.count)][coder].insert(child)
          }
        }
      }
    }
    var tally = NominalTally()
    for sets in touched.values {
      let values = coders.indices.map { coder -> Int? in
        coders[coder] == nil ? nil : categories.category(sets[coder].sorted())
      }
      tally.add(NominalPattern(values))
    }
    tally.add(
      NominalPattern(coders.map { $0 == nil ? nil : 0 }), count: paragraphs.count - touched.count)
    return tally
  }

  /// Indices of the non-empty paragraphs that `span` overlaps by one code point or more.
  static func overlapping(_ paragraphs: [Range<Int>], _ span: Range<Int>) -> [Int] {
    guard !span.isEmpty else { return [] }
    var low = 0
    var high = paragraphs.count
    while low < high {
      let middle = (low + high) / 2
      if paragraphs[middle].upperBound <= span.lowerBound {
        low = middle + 1
      } else {
        high = middle
      }
    }
    var result: [Int] = []
    var index = low
    while index < paragraphs.count && paragraphs[index].lowerBound < span.upperBound {
      if !paragraphs[index].isEmpty { result.append(index) }
      index += 1
    }
    return result
  }
}
