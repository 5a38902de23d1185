import Foundation
import Testing

@testable import GlossCore

/// Done marks as paths, merges and their reader's view (issue 17).
@Suite struct DoneMarksTests {
  let mark = "annotations/ana/interview-34.done"

  @Test func markPathsNeverCollideWithAnnotationFiles() {
    #expect(Layout.doneMark(coder: "ana", doc: "interview-34") == mark)
    #expect(Layout.parseDoneMarkPath(mark)?.coder == "ana")
    #expect(Layout.parseDoneMarkPath(mark)?.doc == "interview-34")
    #expect(Layout.parseAnnotationPath(mark) == nil)
    // A document named like a mark still has a distinct annotation file and mark.
    #expect(Layout.parseDoneMarkPath(Layout.annotation(coder: "ana", doc: "x.done")) == nil)
    #expect(Layout.parseAnnotationPath(Layout.doneMark(coder: "ana", doc: "x.jsonl")) == nil)
    #expect(Layout.parseDoneMarkPath("annotations/ana/sub/x.done") == nil)
  }

  @Test func marksMergeAsPresenceWithoutConflicts() throws {
    func merge(_ base: String?, _ ours: String?, _ theirs: String?) throws -> FileMergeResult {
      try FileMerge.merge(
        path: mark, base: base.map { Data($0.utf8) }, ours: ours.map { Data($0.utf8) },
        theirs: theirs.map { Data($0.utf8) })
    }
    // Added on both sides (even with hand-edited bytes): one empty mark.
    let added = try merge(nil, "", "x\n")
    #expect(added.contents == Data() && added.conflicts.isEmpty)
    // A reopen on one side wins over the unchanged mark on the other.
    let reopened = try merge("", nil, "")
    #expect(reopened.contents == nil && reopened.conflicts.isEmpty)
    #expect(try merge("", "", nil).contents == nil)
    #expect(try merge(nil, nil, "").contents == Data())
  }

  @Test func visibleMarksFollowBlindCoding() {
    let marks = DoneMarks(byDocument: ["d": ["ben", "ana"], "e": []])
    #expect(marks.coders(document: "d") == ["ana", "ben"])
    #expect(marks.byDocument["e"] == nil)
    var settings = Settings(name: "", leads: ["lead"])
    settings.blind = true
    #expect(marks.visible(to: Policy(settings: settings, viewer: "ana")).coders(document: "d") == ["ana"])
    #expect(marks.visible(to: Policy(settings: settings, viewer: "lead")) == marks)
  }

  /// The API `gloss status` and `gloss serve` call: marks as of a revision, only beside the
  /// coder's annotation file, and what the session refuses.
  @Test func theSnapshotAndProjectAnswerWhoIsDone() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("gloss-done-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let (project, _) = try Project.initialize(at: path, name: "t", leads: ["lead"], coder: "lead")
    let lead = try project.session(as: "lead")
    try lead.addDocuments([DocumentInput(id: "d", data: Data("Some text.\n".utf8), source: "d.txt")])
    try lead.assignDocuments(["d"], to: ["ana", "ben"])
    let ana = try project.session(as: "ana")
    #expect(try project.finished(document: "d").isEmpty)
    let (_, marked, already) = try ana.markDone(["d", "d"])
    #expect(marked == ["d"] && already.isEmpty)
    #expect(try project.finished(document: "d") == ["ana"])
    #expect(try project.snapshot().doneMarks() == DoneMarks(byDocument: ["d": ["ana"]]))
    #expect(try project.snapshot().isDone(coder: "ana", doc: "d"))
    #expect(try !project.snapshot().isDone(coder: "ben", doc: "d"))
    #expect(try project.finished(document: "d", at: "HEAD~1").isEmpty)
    #expect(throws: GlossError.nothingToChange(.markedDoneAlready(coder: "ana", docs: ["d"]))) {
      try ana.markDone(["d"])
    }
    #expect(throws: GlossError.notAssigned(doc: "d", coder: "cy")) { try project.session(as: "cy").markDone(["d"]) }
    #expect(throws: GlossError.unknownDocument("e")) { try ana.markDone(["e"]) }
    #expect(throws: GlossError.unknownDocument("e")) { try project.finished(document: "e") }
    // ben forging ana's mark is refused before anything is written, by the same rules as
    // the server's.
    let ben = try project.session(as: "ben")
    #expect(throws: GlossError.self) {
      try ben.commit { transaction -> Change<Void> in
        transaction.write(Layout.doneMark(coder: "ana", doc: "d"), Data())
        return .commit(summary: "forged", value: ())
      }
    }
    try ana.reopen(["d"])
    #expect(try project.snapshot().doneMarks().isEmpty)
  }

  @Test func theGateRoundTripsThroughGlossYAML() throws {
    let text = "gloss: 1\nname: p\nleads: [lead]\ngate:\n  min: 0.667\n  unit: para\n  codes: [a, Data low]\n"
    let settings = try Settings.decode(Data(text.utf8))
    #expect(settings.gate == AgreementGate(minimum: 0.667, unit: .para, codes: ["a", "Data low"]))
    #expect(try Settings.decode(settings.encode()) == settings)
    let options = AgreementOptions().gated(by: settings.gate, explicitUnit: false)
    #expect(options.unit == .para && options.codes == ["a", "Data low"])
    let explicit = AgreementOptions(unit: .doc, codes: ["b"]).gated(by: settings.gate, explicitUnit: true)
    #expect(explicit.unit == .doc && explicit.codes == ["b"])
    #expect(
      throws: GlossError.malformed(
        file: "gloss.yaml", line: 5, message: "'gate.min' must be a number from -1 to 1 (an alpha), like 0.67")
    ) {
      try Settings.decode(Data("gloss: 1\nname: p\nleads: [lead]\ngate:\n  min: .inf\n".utf8))
    }
  }
}
