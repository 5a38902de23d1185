import Foundation
import PropertyBased
import Testing

@testable import GlossCore

private func record(
  _ id: String, _ start: Int, _ end: Int, code: String = "c", memo: String? = nil
) -> Assignment {
  Assignment(id: id, code: code, start: start, end: end, exact: "x\(start)-\(end)", memo: memo)
}

@Suite struct RecordMergeScenarios {
  let a = record("a", 0, 5)
  let b = record("b", 10, 15)
  let c = record("c", 20, 25)

  @Test func additionsFromBothSidesAreKept() {
    let result = RecordMerge.annotations(base: [a], ours: [a, b], theirs: [a, c])
    #expect(result.merged == [a, b, c])
    #expect(result.isClean && result.duplicates.isEmpty)
  }

  @Test func removalWinsOverUnchanged() {
    let result = RecordMerge.annotations(base: [a, b], ours: [a], theirs: [a, b, c])
    #expect(result.merged == [a, c])
    #expect(result.isClean)
  }

  @Test func oneSidedChangeIsTaken() {
    var changed = b
    changed.memo = "why"
    let result = RecordMerge.annotations(base: [a, b], ours: [a, b], theirs: [a, changed])
    #expect(result.merged == [a, changed])
  }

  @Test func changesToDifferentFieldsCombine() {
    var memo = b
    memo.memo = "why"
    var moved = b
    moved.start = 11
    moved.exact = "moved"
    let result = RecordMerge.annotations(base: [b], ours: [memo], theirs: [moved])
    var both = moved
    both.memo = "why"
    #expect(result.merged == [both])
    #expect(result.isClean)
  }

  @Test func sameChangeOnBothSidesIsTakenOnce() {
    var changed = a
    changed.code = "d"
    let result = RecordMerge.annotations(base: [a], ours: [changed], theirs: [changed])
    #expect(result.merged == [changed] && result.isClean)
  }

  @Test func differentChangesConflict() {
    var mine = a
    mine.memo = "mine"
    var yours = a
    yours.memo = "yours"
    let result = RecordMerge.annotations(base: [a, b], ours: [mine, b], theirs: [yours, b])
    #expect(result.merged == [b])
    #expect(result.conflicts.count == 1)
    #expect(result.conflicts.first?.reason == "changed differently on both sides")
    let text = String(decoding: result.encoded(), as: UTF8.self)
    #expect(
      text == "<<<<<<< ours\n\(AnnotationFormat.line(mine))\n=======\n\(AnnotationFormat.line(yours))\n"
        + ">>>>>>> theirs\n\(AnnotationFormat.line(b))\n")
    let ours = RecordMerge.annotations(base: [a, b], ours: [mine, b], theirs: [yours, b]) { _ in .ours }
    #expect(ours.merged == [mine, b] && ours.isClean && ours.resolved.count == 1)
    let theirs = RecordMerge.annotations(base: [a, b], ours: [mine, b], theirs: [yours, b]) { _ in .theirs }
    #expect(theirs.merged == [yours, b])
  }

  @Test func changeAgainstRemovalConflicts() {
    var mine = a
    mine.memo = "mine"
    let result = RecordMerge.annotations(base: [a], ours: [mine], theirs: [])
    #expect(result.merged.isEmpty)
    #expect(result.conflicts.first?.reason == "changed on our side, removed on theirs")
    let text = String(decoding: result.encoded(), as: UTF8.self)
    #expect(text == "<<<<<<< ours\n\(AnnotationFormat.line(mine))\n=======\n>>>>>>> theirs\n")
    let dropped = RecordMerge.annotations(base: [a], ours: [mine], theirs: []) { _ in .theirs }
    #expect(dropped.merged.isEmpty && dropped.isClean)
  }

  @Test func sameSpanUnderTwoIdsKeepsTheSmallerId() {
    let mine = record("0193-b", 30, 40, memo: "mine")
    let yours = record("0193-a", 30, 40)
    let result = RecordMerge.annotations(base: [a], ours: [a, mine], theirs: [a, yours])
    #expect(result.merged == [a, yours])
    #expect(result.duplicates == [DuplicateRecord(kept: yours, dropped: mine)])
  }

  @Test func missingFilesAreEmptySides() {
    #expect(RecordMerge.annotations(base: nil, ours: [a], theirs: [b]).merged == [a, b])
    #expect(RecordMerge.annotations(base: [a], ours: nil, theirs: [a, b]).merged == [b])
  }

  @Test func outputIsCanonical() {
    let result = RecordMerge.annotations(base: [], ours: [c, a], theirs: [b])
    #expect(result.encoded() == AnnotationFormat.encode([a, b, c]))
  }
}

@Suite struct CodebookMergeScenarios {
  let low = Code(id: "low", name: "Low")
  let miss = Code(id: "miss", name: "Missing")

  @Test func addsFromBothSidesAndRenames() throws {
    let renamed = Code(id: "low", name: "Low quantity")
    let colored = Code(id: "low", name: "Low", color: "#ff0000")
    let result = RecordMerge.codebook(
      base: Codebook(codes: [low]), ours: Codebook(codes: [renamed, miss]),
      theirs: Codebook(codes: [colored, Code(id: "out", name: "Outliers")]))
    #expect(result.isClean)
    #expect(
      result.merged.codes == [
        Code(id: "low", name: "Low quantity", color: "#ff0000"), miss, Code(id: "out", name: "Outliers"),
      ])
    #expect(try Codebook.decode(result.encoded()) == result.merged)
  }

  @Test func conflictingRenamesAreReported() {
    let result = RecordMerge.codebook(
      base: Codebook(codes: [low]), ours: Codebook(codes: [Code(id: "low", name: "A")]),
      theirs: Codebook(codes: [Code(id: "low", name: "B")]))
    #expect(result.conflicts.map(\.id) == ["low"])
    let text = String(decoding: result.encoded(), as: UTF8.self)
    #expect(
      text == "codes:\n<<<<<<< ours\n  - id: low\n    name: A\n=======\n  - id: low\n    name: B\n>>>>>>> theirs\n")
  }

  @Test func removedParentStillUsedIsAConflict() {
    let child = Code(id: "kid", name: "Kid", parent: "low")
    let result = RecordMerge.codebook(
      base: Codebook(codes: [low]), ours: Codebook(codes: []), theirs: Codebook(codes: [low, child]))
    #expect(result.conflicts.map(\.id) == ["low"])
    let kept = RecordMerge.codebook(
      base: Codebook(codes: [low]), ours: Codebook(codes: []), theirs: Codebook(codes: [low, child])
    ) { _ in .theirs }
    #expect(kept.isClean && kept.merged.codes == [child, low])
  }

  @Test func nameClashIsAConflict() {
    let result = RecordMerge.codebook(
      base: Codebook(codes: [low, miss]), ours: Codebook(codes: [Code(id: "low", name: "Gap"), miss]),
      theirs: Codebook(codes: [low, Code(id: "miss", name: "gap")]))
    #expect(result.conflicts.count == 1)
    #expect(Set(result.merged.codes.map(\.name.localizedLowercase)).count == result.merged.codes.count)
  }
}

/// Random concurrent edits on two branches: the merge loses nothing, duplicates nothing,
/// honours removals and writes canonical bytes.
@Suite struct RecordMergeProperties {
  /// What one side does to one base record.
  enum Op: Int, CaseIterable {
    case keep, keep2, keep3, remove, memo, sharedMemo, span, sharedCode, sharedSpan
  }

  static func apply(_ op: Op, to r: Assignment, side: String, index: Int) -> Assignment? {
    var r = r
    switch op {
    case .keep, .keep2, .keep3: break
    case .remove: return nil
    case .memo: r.memo = "\(side) memo \(index)"
    case .sharedMemo: r.memo = "shared memo \(index)"
    case .span:
      r.end += side == "ours" ? 1 : 2
      r.exact = "\(side) span"
    case .sharedCode: r.code = "z\(index)"
    case .sharedSpan:
      r.end += 3
      r.exact = "shared span"
    }
    return r
  }

  /// Which fields an op touches, to know when both sides touching a record must conflict.
  static func fields(_ op: Op) -> Set<String> {
    switch op {
    case .keep, .keep2, .keep3: return []
    case .remove: return ["*"]
    case .memo, .sharedMemo: return ["memo"]
    case .span, .sharedSpan: return ["span"]
    case .sharedCode: return ["code"]
    }
  }

  @Test func randomConcurrentEditsMergeWithoutLoss() async {
    let pairs = Gen.int(in: 0...80).array(of: 0...24)
    let additions = Gen.int(in: 0...3).array(of: 0...8)
    await propertyCheck(count: 400, input: pairs, additions) { pairs, additions in
      let base = pairs.indices.map { i in record(String(format: "b-%03d", i), i * 10, i * 10 + 5, code: "c\(i % 3)") }
      var ours: [Assignment] = []
      var theirs: [Assignment] = []
      var opsByID: [String: (Op, Op)] = [:]
      for (i, pair) in pairs.enumerated() {
        let (o, t) = (Op.allCases[pair / 9], Op.allCases[pair % 9])
        opsByID[base[i].id] = (o, t)
        if let r = Self.apply(o, to: base[i], side: "ours", index: i) { ours.append(r) }
        if let r = Self.apply(t, to: base[i], side: "theirs", index: i) { theirs.append(r) }
      }
      var duplicatePairs: [(String, String)] = []
      for (k, kind) in additions.enumerated() {
        let start = 100_000 + k * 10
        switch kind {
        case 0: ours.append(record("o-\(k)", start, start + 4))
        case 1: theirs.append(record("t-\(k)", start, start + 4))
        case 2:
          // Both coded the same span independently; which id is smaller varies.
          let (x, y) = k % 2 == 0 ? ("o-\(k)", "a-\(k)") : ("o-\(k)", "t-\(k)")
          ours.append(record(x, start, start + 4))
          theirs.append(record(y, start, start + 4))
          duplicatePairs.append((x, y))
        default:
          ours.append(record("s-\(k)", start, start + 4))
          theirs.append(record("s-\(k)", start, start + 4))
        }
      }
      ours.shuffle()
      theirs.shuffle()
      let result = RecordMerge.annotations(base: base, ours: ours, theirs: theirs)
      let merged = Dictionary(result.merged.map { ($0.id, $0) }, uniquingKeysWith: { x, _ in x })
      let conflicted = Set(result.conflicts.map(\.id))
      let dropped = Set(result.duplicates.map(\.dropped.id))

      // Nothing duplicated: ids and spans unique; canonical bytes that read back the same.
      #expect(merged.count == result.merged.count)
      #expect(Set(result.merged.map(\.key)).count == result.merged.count)
      #expect(result.merged == result.merged.sorted(by: Assignment.canonicalOrder))
      if result.isClean {
        let bytes = result.encoded()
        #expect(bytes == AnnotationFormat.encode(result.merged.shuffled()))
        #expect((try? AnnotationFormat.decode(bytes)) == result.merged)
      }

      let oursByID = Dictionary(ours.map { ($0.id, $0) }, uniquingKeysWith: { x, _ in x })
      let theirsByID = Dictionary(theirs.map { ($0.id, $0) }, uniquingKeysWith: { x, _ in x })
      for r in base {
        guard let (o, t) = opsByID[r.id] else { continue }
        let mine = oursByID[r.id]
        let yours = theirsByID[r.id]
        let changes = (Self.fields(o).subtracting(["*"]), Self.fields(t).subtracting(["*"]))
        let clash = !changes.0.isDisjoint(with: changes.1) && mine != yours
        let removalVsChange =
          (o == .remove && !changes.1.isEmpty) || (t == .remove && !changes.0.isEmpty)
        if clash || removalVsChange {
          // Reported, never guessed.
          #expect(conflicted.contains(r.id), "expected a conflict for \(r.id) \(o) \(t)")
          #expect(merged[r.id] == nil)
        } else if o == .remove || t == .remove {
          // A removal wins over an unchanged record.
          #expect(merged[r.id] == nil && !conflicted.contains(r.id), "\(r.id) \(o) \(t)")
        } else {
          // Kept, with every one-sided change applied.
          guard let got = merged[r.id] else {
            Issue.record("lost \(r.id) (\(o), \(t))")
            continue
          }
          #expect(got.memo == (mine?.memo != r.memo ? mine?.memo : yours?.memo))
          #expect(got.code == (mine?.code != r.code ? mine?.code : yours?.code))
          #expect(got.end == (mine?.end != r.end ? mine?.end : yours?.end))
        }
      }
      // Every addition is kept, except the larger id of a span both sides added.
      for added in (ours + theirs) where !base.contains(where: { $0.id == added.id }) {
        if dropped.contains(added.id) {
          #expect(result.duplicates.contains { $0.dropped.id == added.id && $0.kept.key == added.key })
        } else {
          #expect(merged[added.id] == added, "lost addition \(added.id)")
        }
      }
      for (x, y) in duplicatePairs {
        let keep = min(x, y)
        #expect(merged[keep] != nil && merged[max(x, y)] == nil)
      }
      // Settling every conflict one way leaves no conflict and loses nothing else.
      let settled = RecordMerge.annotations(base: base, ours: ours, theirs: theirs) { _ in .theirs }
      #expect(settled.isClean)
      for id in conflicted { #expect(settled.merged.first { $0.id == id } == theirsByID[id]) }
    }
  }
}

@Suite struct FileMergeTests {
  @Test func textFilesMergeLineByLineAndConflictsCanBeSettled() throws {
    let base = Data("a\nb\nc\n".utf8)
    let clean = try FileMerge.merge(
      path: "memos/m.md", base: base, ours: Data("A\nb\nc\n".utf8), theirs: Data("a\nb\nC\n".utf8))
    #expect(clean.contents == Data("A\nb\nC\n".utf8) && clean.conflicts.isEmpty)
    let clash = try FileMerge.merge(
      path: "memos/m.md", base: base, ours: Data("x\nb\nc\n".utf8), theirs: Data("y\nb\nc\n".utf8))
    #expect(clash.conflicts.count == 1 && clash.conflicts.first?.id == nil)
    #expect(String(decoding: clash.contents ?? Data(), as: UTF8.self).contains("<<<<<<< ours"))
    let settled = try FileMerge.merge(
      path: "memos/m.md", base: base, ours: Data("x\nb\nc\n".utf8), theirs: Data("y\nb\nc\n".utf8)
    ) { $0.matches("memos/m.md") ? .theirs : nil }
    #expect(settled.contents == Data("y\nb\nc\n".utf8) && settled.conflicts.isEmpty)
    let removed = try FileMerge.merge(path: "memos/m.md", base: base, ours: nil, theirs: base)
    #expect(removed.contents == nil && removed.conflicts.isEmpty)
  }

  @Test func annotationFileRemovalAndMalformedInput() throws {
    let a = AnnotationFormat.encode([Assignment(id: "a", code: "c", start: 0, end: 1, exact: "x")])
    let removed = try FileMerge.merge(
      path: "annotations/ana/d.jsonl", base: a, ours: nil, theirs: a)
    #expect(removed.contents == nil)
    #expect(throws: GlossError.self) {
      try FileMerge.merge(
        path: "annotations/ana/d.jsonl", base: a, ours: Data("{oops\n".utf8), theirs: a)
    }
  }
}
