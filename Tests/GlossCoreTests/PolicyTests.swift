import Foundation
import Testing

@testable import GlossCore

@Suite struct PolicyTests {
  static func settings(blind: Bool) -> Settings {
    var settings = Settings(name: "t", leads: ["lead"])
    settings.blind = blind
    return settings
  }

  static func item(_ coder: String, _ id: String) -> LocatedAssignment {
    LocatedAssignment(
      coder: coder, doc: "d1", assignment: Assignment(id: id, code: "c", start: 0, end: 1, exact: "x"))
  }

  @Test func aCoderUnderBlindCodingSeesOnlyTheirOwnWork() throws {
    let ben = Policy(settings: Self.settings(blind: true), viewer: "ben")
    #expect(ben.visibleCoders == ["ben"])
    #expect(ben.canSee(coder: "ben") && !ben.canSee(coder: "ana") && !ben.canSee(coder: "consensus"))
    #expect(throws: GlossError.blind(requested: "ana")) { try ben.requireVisible(coder: "ana") }
    #expect(try ben.coders(requested: nil) == ["ben"])
    #expect(try ben.coders(requested: ["ben"]) == ["ben"])
    #expect(throws: GlossError.blind(requested: "ana")) { try ben.coders(requested: ["ana", "ben"]) }
    #expect(ben.filter([Self.item("ana", "a"), Self.item("ben", "b")]).map(\.coder) == ["ben"])
    #expect(!ben.canSeeAgreement)
    #expect(throws: GlossError.leadsOnly(action: .agreement, coder: "ben")) { try ben.requireAgreement() }
    #expect(ben.canSee(path: "annotations/ben/d1.jsonl") && !ben.canSee(path: "annotations/ana/d1.jsonl"))
    #expect(!ben.canSee(path: "memos/reconcile/d1.md") && ben.canSee(path: "codebook.yaml"))
    // The refusals speak of blind coding and name no more than the coder asked for.
    let refusal = GlossError.blind(requested: "ana").localizedDescription
    #expect(refusal.contains("blind coding is on") && refusal.contains("ana's"))
  }

  @Test(arguments: [(true, "lead"), (false, "ben"), (false, nil)] as [(Bool, String?)])
  func leadsAndEveryoneWithoutBlindCodingSeeEverything(blind: Bool, viewer: String?) throws {
    let policy = Policy(settings: Self.settings(blind: blind), viewer: viewer)
    #expect(policy.visibleCoders == nil)
    #expect(policy.canSee(coder: "ana") && policy.canSeeAgreement)
    #expect(try policy.coders(requested: ["ana"]) == ["ana"])
    #expect(try policy.coders(requested: nil) == nil)
    try policy.requireAgreement()
  }

  @Test func blindCodingWithoutAViewerShowsNothing() {
    let nobody = Policy(settings: Self.settings(blind: true), viewer: nil)
    #expect(nobody.visibleCoders == [] && !nobody.canSee(coder: "ana") && !nobody.canSeeAgreement)
  }

  @Test func aMergeReportHidesOtherCodersWork() {
    let ben = Policy(settings: Self.settings(blind: true), viewer: "ben")
    var report = MergeReport(outcome: .conflicts)
    let ana = Self.item("ana", "ana-id")
    let own = Self.item("ben", "ben-id")
    report.changes = [
      AssignmentChange(kind: .added, assignment: ana, before: nil),
      AssignmentChange(kind: .added, assignment: own, before: nil),
    ]
    report.staleAnchors = [ana, own]
    report.notes = ["annotations/ana/d1.jsonl: took ours for ana-id", "codebook.yaml: took ours for code c"]
    report.conflicts = [
      MergeConflict(path: "annotations/ana/d1.jsonl", id: "ana-id", reason: "r", ours: "ana text", theirs: nil),
      MergeConflict(path: "memos/reconcile/d1.md", id: nil, reason: "r", ours: "quote", theirs: "quote"),
      MergeConflict(path: "annotations/ben/d1.jsonl", id: "ben-id", reason: "r", ours: "mine", theirs: nil),
    ]
    let seen = report.visible(to: ben)
    #expect(seen.changes.map(\.assignment.coder) == ["ben"])
    #expect(seen.staleAnchors == [own])
    #expect(seen.notes == ["codebook.yaml: took ours for code c"])
    #expect(seen.conflicts.count == 3)
    #expect(
      seen.conflicts[0] == MergeConflict(path: "annotations/ana/d1.jsonl", id: nil, reason: "r", ours: nil, theirs: nil)
    )
    #expect(seen.conflicts[1].ours == nil && seen.conflicts[2] == report.conflicts[2])
    let lead = report.visible(to: Policy(settings: Self.settings(blind: true), viewer: "lead"))
    #expect(lead.changes == report.changes && lead.conflicts == report.conflicts && lead.notes == report.notes)
  }
}
