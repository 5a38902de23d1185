import Agreement
import Testing

@testable import GlossCore

struct AssignmentHandlesTests {
  @Test func handlesAreTheShortestUniqueSuffixOfAtLeastEight() {
    let ids = [
      "01a208f5-7c24-7e79-a9b5-86e4c79bca21",
      "01a208f5-7c8d-76cc-b6aa-1b4d5bcce22c",
      // Shares its last 9 characters with the first: both handles grow to 10.
      "01a208f5-7d16-7194-97e6-a8f4c79bca21",
    ]
    let handles = AssignmentHandles(ids: ids)
    #expect(handles.handle(ids[0]) == "e4c79bca21")
    #expect(handles.handle(ids[1]) == "5bcce22c")
    #expect(handles.handle(ids[2]) == "f4c79bca21")
    #expect(handles.handle("not-an-id") == "not-an-id")
    // Each handle names exactly its id.
    for id in ids {
      #expect(ids.filter { AssignmentHandles.matches(handles.handle(id), id: $0) } == [id])
    }
  }

  @Test func sameMinuteIdsGetDistinctEightCharacterHandles() {
    var generator = SplitMix64(seed: 7)
    let ids = (0..<2000).map { AssignmentID.make(milliseconds: 1_780_000_000_000 + UInt64($0), using: &generator) }
    let handles = AssignmentHandles(ids: ids)
    let shown = ids.map(handles.handle)
    #expect(Set(shown).count == ids.count)
    #expect(shown.allSatisfy { $0.count >= 8 && $0.count <= 12 })
    // Their 8-character prefixes collide (the timestamp), which is why handles are suffixes.
    #expect(Set(ids.map { $0.prefix(8) }).count < 10)
  }

  /// The neighbour-only computation equals comparing every id with every other, on ids
  /// that share long suffixes, differ in length, and repeat (the same id twice counts once).
  @Test func lengthsEqualComparingEveryPair() {
    var generator = SplitMix64(seed: 11)
    for _ in 0..<30 {
      let tails = ["", "a1b2c3d4", "9a1b2c3d4", "zz"]
      let ids = (0..<Int.random(in: 1...60, using: &generator)).map { _ in
        String((0..<Int.random(in: 0...12, using: &generator)).map { _ in "abc9".randomElement(using: &generator)! })
          + tails.randomElement(using: &generator)!
      }.filter { !$0.isEmpty }
      let (arena, ends) = Self.endToEnd(ids)
      let lengths = AssignmentHandles.lengths(arena: arena, ends: ends)
      for (index, id) in ids.enumerated() {
        let shared =
          Set(ids).subtracting([id]).map { other in
            zip(id.utf8.reversed(), other.utf8.reversed()).prefix { $0 == $1 }.count
          }.max() ?? 0
        #expect(lengths[index] == min(id.utf8.count, max(8, shared + 1)), "\(ids)")
      }
    }
  }

  /// The hashed path (only ids sharing their last 8 bytes are sorted) gives what sorting
  /// every id gives, on a listing's worth of real ids with planted clashes, repeats and
  /// short ids.
  @Test func hashedLengthsEqualSortingEveryId() {
    var generator = SplitMix64(seed: 23)
    var ids = (0..<20_000).map {
      AssignmentID.make(milliseconds: 1_780_000_000_000 + UInt64($0 / 50), using: &generator)
    }
    for index in stride(from: 0, to: 2_000, by: 7) {
      let donor = ids[Int.random(in: 0..<ids.count, using: &generator)]
      let keep = Int.random(in: 8...14, using: &generator)
      ids[index] = String(ids[index].dropLast(keep) + donor.suffix(keep))
    }
    ids += ids.prefix(300) + ["abc", "ab", "9bca21"]
    ids.shuffle(using: &generator)
    let (arena, ends) = Self.endToEnd(ids)
    let lengths = AssignmentHandles.lengths(arena: arena, ends: ends)
    #expect(lengths == AssignmentHandles.sortedLengths(arena: arena, ends: ends))
    #expect(lengths.contains { $0 > 8 })
  }

  /// Ids held end to end, as a listing holds them.
  static func endToEnd(_ ids: [String]) -> (arena: [UInt8], ends: [Int]) {
    var arena: [UInt8] = []
    var ends: [Int] = []
    for id in ids {
      arena.append(contentsOf: id.utf8)
      ends.append(arena.count)
    }
    return (arena, ends)
  }

  @Test func typedIdsMatchInFullByPrefixOrBySuffix() {
    let id = "01a208f5-7c24-7e79-a9b5-86e4c79bca21"
    #expect(AssignmentHandles.matches(id, id: id))
    #expect(AssignmentHandles.matches("01a2", id: id))
    #expect(!AssignmentHandles.matches("01a", id: id))
    #expect(AssignmentHandles.matches("c79bca21", id: id))
    #expect(!AssignmentHandles.matches("9bca21", id: id))
  }
}
