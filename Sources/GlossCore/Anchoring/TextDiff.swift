/// A character-level (code point) diff between two texts, as the runs of code points both
/// share, in order. Built for transcripts: a common prefix and suffix are trimmed, then lines
/// are matched (Myers), then the characters of each changed run of lines (Myers again), so a
/// 100,000-character document with scattered corrections costs milliseconds and linear memory.
public struct TextDiff: Sendable, Equatable {
  /// A run of `length` code points at `old` in the old text equal to those at `new` in the
  /// new text.
  public struct Block: Sendable, Equatable {
    public let old: Int
    public let new: Int
    public let length: Int

    public init(old: Int, new: Int, length: Int) {
      self.old = old
      self.new = new
      self.length = length
    }
  }

  public let oldLength: Int
  public let newLength: Int
  /// Matched runs, increasing in both texts, never adjacent (merged when they touch).
  public let blocks: [Block]

  public init(old: [Unicode.Scalar], new: [Unicode.Scalar]) {
    let a = old.map(\.value)
    let b = new.map(\.value)
    oldLength = a.count
    newLength = b.count
    var builder = BlockBuilder()
    Self.lineThenChar(a, b, into: &builder)
    blocks = builder.blocks
  }

  private init(oldLength: Int, newLength: Int, blocks: [Block]) {
    self.oldLength = oldLength
    self.newLength = newLength
    self.blocks = blocks
  }

  /// The diff without chance matches inside rewritten text (after diff-match-patch's semantic
  /// cleanup): a matched run of at most 3 code points no longer than the change on each side
  /// of it counts as changed, so "Interviewee" -> "Amin" is one replacement, not edits around
  /// a shared "i". Used to place spans that are marked anyway; positions of kept text come
  /// from the exact diff.
  public var withoutChanceMatches: TextDiff {
    TextDiff(
      oldLength: oldLength, newLength: newLength,
      blocks: Self.cleanup(blocks, oldLength: oldLength, newLength: newLength))
  }

  static func cleanup(_ blocks: [Block], oldLength: Int, newLength: Int) -> [Block] {
    var kept: [Block] = []
    for (index, block) in blocks.enumerated() {
      // Longer runs are real text in common, whatever surrounds them.
      guard block.length <= chanceMatch else {
        kept.append(block)
        continue
      }
      let previous = index > 0 ? blocks[index - 1] : nil
      let before = max(
        block.old - (previous.map { $0.old + $0.length } ?? 0),
        block.new - (previous.map { $0.new + $0.length } ?? 0))
      let next = index + 1 < blocks.count ? blocks[index + 1] : nil
      let after = max(
        (next?.old ?? oldLength) - (block.old + block.length),
        (next?.new ?? newLength) - (block.new + block.length))
      if block.length > before || block.length > after { kept.append(block) }
    }
    return kept
  }

  /// The longest matched run that can be a coincidence inside rewritten text.
  static let chanceMatch = 3

  public init(old: String, new: String) {
    self.init(old: Array(old.unicodeScalars), new: Array(new.unicodeScalars))
  }

  /// Code points the two texts share.
  public var matched: Int { blocks.reduce(0) { $0 + $1.length } }

  // MARK: Mapping positions

  /// Where a span starting at old offset `start` starts in the new text. A start inside a
  /// changed run maps into its replacement (its first character when it was the run's first).
  public func mapStart(_ start: Int) -> Int {
    let gap = locate(start)
    if let block = gap.block { return block.new + (start - block.old) }
    return gap.newLower + min(start - gap.oldLower, gap.newUpper - gap.newLower)
  }

  /// Where a span ending (exclusive) at old offset `end` ends in the new text. Text inserted
  /// right after the span's last kept character stays outside it.
  public func mapEnd(_ end: Int) -> Int {
    guard end > 0 else { return mapStart(0) }
    let gap = locate(end - 1)
    if let block = gap.block { return block.new + (end - 1 - block.old) + 1 }
    if end == gap.oldUpper { return gap.newUpper }
    return gap.newLower + min(end - gap.oldLower, gap.newUpper - gap.newLower)
  }

  /// How many code points of old `[start, end)` the diff keeps.
  public func keptCount(_ start: Int, _ end: Int) -> Int {
    var index = firstBlock(endingAfter: start)
    var kept = 0
    while index < blocks.count, blocks[index].old < end {
      let block = blocks[index]
      kept += min(end, block.old + block.length) - max(start, block.old)
      index += 1
    }
    return kept
  }

  /// The block holding old offset `offset`, or the changed run (gap) it falls in.
  private struct Gap {
    var block: Block?
    var oldLower: Int
    var oldUpper: Int
    var newLower: Int
    var newUpper: Int
  }

  private func locate(_ offset: Int) -> Gap {
    let index = firstBlock(endingAfter: offset)
    if index < blocks.count, blocks[index].old <= offset {
      let block = blocks[index]
      return Gap(block: block, oldLower: 0, oldUpper: 0, newLower: 0, newUpper: 0)
    }
    let previous = index > 0 ? blocks[index - 1] : nil
    let next = index < blocks.count ? blocks[index] : nil
    return Gap(
      block: nil,
      oldLower: previous.map { $0.old + $0.length } ?? 0, oldUpper: next?.old ?? oldLength,
      newLower: previous.map { $0.new + $0.length } ?? 0, newUpper: next?.new ?? newLength)
  }

  /// The index of the first block whose old run ends after `offset`.
  private func firstBlock(endingAfter offset: Int) -> Int {
    var low = 0
    var high = blocks.count
    while low < high {
      let mid = (low + high) / 2
      if blocks[mid].old + blocks[mid].length <= offset { low = mid + 1 } else { high = mid }
    }
    return low
  }

  // MARK: Building

  /// Collects matched runs in order, merging those that touch.
  struct BlockBuilder {
    var blocks: [Block] = []

    mutating func add(old: Int, new: Int, length: Int) {
      guard length > 0 else { return }
      if let last = blocks.last, last.old + last.length == old, last.new + last.length == new {
        blocks[blocks.count - 1] = Block(old: last.old, new: last.new, length: last.length + length)
      } else {
        blocks.append(Block(old: old, new: new, length: length))
      }
    }
  }

  /// Work allowed for one Myers search, in cells ((width + height) x edit distance); a
  /// changed run costing more is taken as replaced whole: its spans are rewritten anyway.
  static let budget = 40_000_000

  private static func lineThenChar(_ a: [UInt32], _ b: [UInt32], into builder: inout BlockBuilder) {
    var prefix = 0
    while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
    var suffix = 0
    while suffix < a.count - prefix, suffix < b.count - prefix,
      a[a.count - 1 - suffix] == b[b.count - 1 - suffix]
    {
      suffix += 1
    }
    builder.add(old: 0, new: 0, length: prefix)
    let aLines = lines(a, prefix..<(a.count - suffix))
    let bLines = lines(b, prefix..<(b.count - suffix))
    // Lines as numbers, equal lines equal numbers.
    var ids: [ArraySlice<UInt32>: UInt32] = [:]
    func number(_ range: Range<Int>, _ text: [UInt32]) -> UInt32 {
      let slice = text[range]
      if let id = ids[slice] { return id }
      let id = UInt32(ids.count)
      ids[slice] = id
      return id
    }
    let aIDs = aLines.map { number($0, a) }
    let bIDs = bLines.map { number($0, b) }
    var lineBlocks = BlockBuilder()
    Myers(a: aIDs, b: bIDs).run(into: &lineBlocks)
    // Characters between matched lines, then the matched lines themselves.
    var oldLine = 0
    var newLine = 0
    func charGap(toOld: Int, toNew: Int) {
      let oldRange = lineSpan(aLines, oldLine, toOld, fallback: prefix)
      let newRange = lineSpan(bLines, newLine, toNew, fallback: prefix)
      if !oldRange.isEmpty, !newRange.isEmpty {
        var chars = BlockBuilder()
        Myers(a: Array(a[oldRange]), b: Array(b[newRange])).run(into: &chars)
        for block in chars.blocks {
          builder.add(
            old: oldRange.lowerBound + block.old, new: newRange.lowerBound + block.new,
            length: block.length)
        }
      }
    }
    for block in lineBlocks.blocks {
      let oldStart = aLines[block.old].lowerBound
      let newStart = bLines[block.new].lowerBound
      let length = aLines[block.old + block.length - 1].upperBound - oldStart
      // A short run of matched lines between changes (a blank line, a speaker heading) may be
      // paired with the wrong copy of itself; the characters around it decide instead.
      if length < strongLines { continue }
      charGap(toOld: block.old, toNew: block.new)
      builder.add(old: oldStart, new: newStart, length: length)
      oldLine = block.old + block.length
      newLine = block.new + block.length
    }
    charGap(toOld: aLines.count, toNew: bLines.count)
    builder.add(old: a.count - suffix, new: b.count - suffix, length: suffix)
  }

  /// The fewest code points a run of matched lines between changes needs to be trusted.
  static let strongLines = 32

  /// The code point range of lines `from..<to`; empty at the right place when no lines.
  private static func lineSpan(_ lines: [Range<Int>], _ from: Int, _ to: Int, fallback: Int)
    -> Range<Int>
  {
    guard from < to else {
      let at = from < lines.count ? lines[from].lowerBound : (lines.last?.upperBound ?? fallback)
      return at..<at
    }
    return lines[from].lowerBound..<lines[to - 1].upperBound
  }

  /// Lines of `range`, each with its line feed.
  private static func lines(_ text: [UInt32], _ range: Range<Int>) -> [Range<Int>] {
    var result: [Range<Int>] = []
    var start = range.lowerBound
    for index in range where text[index] == 0x0A {
      result.append(start..<(index + 1))
      start = index + 1
    }
    if start < range.upperBound { result.append(start..<range.upperBound) }
    return result
  }
}

/// Myers' O((N+M)D) diff in linear space (the middle-snake recursion), reporting matched runs.
/// A box whose search exceeds `TextDiff.budget` is left unmatched.
struct Myers {
  let a: [UInt32]
  let b: [UInt32]

  func run(into builder: inout TextDiff.BlockBuilder) {
    var forward = [Int]()
    var backward = [Int]()
    solve(0, 0, a.count, b.count, &forward, &backward, into: &builder)
  }

  private func solve(
    _ left: Int, _ top: Int, _ right: Int, _ bottom: Int, _ vf: inout [Int], _ vb: inout [Int],
    into builder: inout TextDiff.BlockBuilder
  ) {
    var left = left
    var top = top
    var right = right
    var bottom = bottom
    let headStart = (left, top)
    while left < right, top < bottom, a[left] == b[top] {
      left += 1
      top += 1
    }
    builder.add(old: headStart.0, new: headStart.1, length: left - headStart.0)
    var tail = 0
    while left < right, top < bottom, a[right - 1] == b[bottom - 1] {
      right -= 1
      bottom -= 1
      tail += 1
    }
    defer { builder.add(old: right, new: bottom, length: tail) }
    guard left < right, top < bottom else { return }
    guard let snake = middleSnake(left, top, right, bottom, &vf, &vb) else { return }
    let (start, finish) = snake
    if (start.0, start.1) == (left, top) && (finish.0, finish.1) == (right, bottom) {
      walk(start, finish, into: &builder)
      return
    }
    solve(left, top, start.0, start.1, &vf, &vb, into: &builder)
    walk(start, finish, into: &builder)
    solve(finish.0, finish.1, right, bottom, &vf, &vb, into: &builder)
  }

  /// Emits the diagonal moves of a snake (at most one insertion or deletion in it).
  private func walk(
    _ start: (Int, Int), _ finish: (Int, Int), into builder: inout TextDiff.BlockBuilder
  ) {
    var (x, y) = start
    func diagonal() {
      let from = (x, y)
      while x < finish.0, y < finish.1, a[x] == b[y] {
        x += 1
        y += 1
      }
      builder.add(old: from.0, new: from.1, length: x - from.0)
    }
    diagonal()
    let dx = finish.0 - x
    let dy = finish.1 - y
    if dx < dy { y += 1 } else if dx > dy { x += 1 }
    diagonal()
  }

  /// The middle snake of the box, or nil when it would cost more than the budget.
  private func middleSnake(
    _ left: Int, _ top: Int, _ right: Int, _ bottom: Int, _ vf: inout [Int], _ vb: inout [Int]
  ) -> ((Int, Int), (Int, Int))? {
    let width = right - left
    let height = bottom - top
    let size = width + height
    let delta = width - height
    let maxD = (size + 1) / 2
    let offset = maxD + 1
    let count = 2 * maxD + 3
    if vf.count < count { vf = [Int](repeating: 0, count: count) }
    if vb.count < count { vb = [Int](repeating: 0, count: count) }
    vf[offset + 1] = left
    vb[offset + 1] = bottom
    let odd = delta & 1 != 0
    for d in 0...maxD {
      if d > 0, size * d > TextDiff.budget { return nil }
      var k = d
      while k >= -d {
        let c = k - delta
        var x: Int
        let px: Int
        if k == -d || (k != d && vf[offset + k - 1] < vf[offset + k + 1]) {
          x = vf[offset + k + 1]
          px = x
        } else {
          px = vf[offset + k - 1]
          x = px + 1
        }
        var y = top + (x - left) - k
        let py = (d == 0 || x != px) ? y : y - 1
        while x < right, y < bottom, a[x] == b[y] {
          x += 1
          y += 1
        }
        vf[offset + k] = x
        if odd, c >= -(d - 1), c <= d - 1, y >= vb[offset + c] {
          return ((px, py), (x, y))
        }
        k -= 2
      }
      var c = d
      while c >= -d {
        let k = c + delta
        var y: Int
        let py: Int
        if c == -d || (c != d && vb[offset + c - 1] > vb[offset + c + 1]) {
          y = vb[offset + c + 1]
          py = y
        } else {
          py = vb[offset + c - 1]
          y = py - 1
        }
        var x = left + (y - top) + k
        let px = (d == 0 || y != py) ? x : x + 1
        while x > left, y > top, a[x - 1] == b[y - 1] {
          x -= 1
          y -= 1
        }
        vb[offset + c] = y
        if !odd, k >= -d, k <= d, x <= vf[offset + k] {
          return ((x, y), (px, py))
        }
        c -= 2
      }
    }
    return nil
  }
}
