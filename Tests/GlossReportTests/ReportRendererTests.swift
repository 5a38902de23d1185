import Foundation
import GlossCore
import Testing

@testable import GlossReport

/// The report built through GlossCore and rendered, without the command line.
final class ReportFixture {
  let root: String
  let project: Project

  init() throws {
    root = FileManager.default.temporaryDirectory.appendingPathComponent("gloss-report-\(UUID().uuidString)").path
    (project, _) = try Project.initialize(at: root, name: "Sensors & <data>", leads: ["lead"], coder: "lead")
  }

  deinit { try? FileManager.default.removeItem(atPath: root) }

  /// One document, two codes, ana and ben; ana marks `spans` short stretches ben does not.
  func build(document: String, spans: Int) throws {
    try project.session(as: "lead").addDocuments([DocumentInput(id: "d1", data: Data(document.utf8), source: "d1")])
    _ = try project.session(as: "lead").addCode(name: "Noise", color: "#AA3377")
    _ = try project.session(as: "lead").addCode(name: "Gap")
    _ = try project.session(as: "lead").assignDocuments(["d1"], to: ["ana", "ben"])
    _ = try project.session(as: "ana").addAssignments(
      (0..<spans).map { AssignmentRequest(doc: "d1", code: "noise", span: .chars($0 * 10, $0 * 10 + 3)) })
    _ = try project.session(as: "ben").addAssignments([AssignmentRequest(doc: "d1", code: "noise", span: .chars(0, 3))])
  }

  func input(history: String? = nil, limit: Int = ReportInput.defaultHistoryLimit) throws -> ReportInput {
    try ReportInput.gather(
      project: project, revision: nil, history: history, options: AgreementOptions(), glossVersion: "9.9",
      historyLimit: limit)
  }
}

struct ReportRendererTests {
  @Test func renderingIsAPureFunctionOfTheInput() throws {
    let fixture = try ReportFixture()
    try fixture.build(document: String(repeating: "abcdefghi\n", count: 20), spans: 3)
    let input = try fixture.input()
    let first = ReportRenderer.html(input)
    #expect(first == ReportRenderer.html(input))
    #expect(first == ReportRenderer.html(try fixture.input()))
    let html = String(decoding: first, as: UTF8.self)
    #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
    #expect(html.contains("Inter-coder agreement: Sensors &amp; &lt;data&gt;"))
    #expect(html.contains("with Gloss 9.9 on 1 document coded independently by 2 coders (ana, ben)"))
    // The code's colour is an SVG fill: no `style` attribute, which a strict CSP would block.
    #expect(html.contains("fill=\"#aa3377\"") && !html.contains(" style="))
    // Assignments per code and coder come from the listing in scope.
    #expect(input.frequencies["noise"] == ["ana": 3, "ben": 1])
    #expect(input.assignmentCount == 4)
  }

  @Test func historyIsCappedToTheNewestCommits() throws {
    let fixture = try ReportFixture()
    try fixture.build(document: String(repeating: "abcdefghi\n", count: 20), spans: 3)
    // init, doc add, two code adds, assign, ana, ben: 7 commits; the last 2 are charted.
    let capped = try fixture.input(limit: 2)
    #expect(capped.history.count == 2)
    #expect(capped.history.last?.rev == capped.report.rev)
    #expect(capped.historyDescription.hasPrefix("the last 2 of 7 first-parent commits"))
    let all = try fixture.input()
    // Agreement needs two coders with data: from the assignment of documents on.
    #expect(all.history.count == 3)
    #expect(all.historyDescription.hasPrefix("all 7 first-parent commits"))
    #expect(try fixture.input(history: "HEAD~1..HEAD").history.count == 1)
  }

  @Test func longDisagreementListsAreCutWithTheCommandForTheRest() throws {
    let fixture = try ReportFixture()
    let line = String(repeating: "long text ", count: 40) + "\n"
    try fixture.build(document: String(repeating: "abcdefghi\n", count: 70) + line, spans: 60)
    _ = try fixture.project.session(as: "ana").addAssignments(
      [AssignmentRequest(doc: "d1", code: "gap", span: .chars(700, 700 + line.count - 1))])
    let input = try fixture.input()
    let html = String(decoding: ReportRenderer.html(input), as: UTF8.self)
    let shown = html.components(separatedBy: "<td class=\"offsets\">").count - 1
    // 59 stretches of noise (ben agrees on the first), 50 shown; one of gap.
    #expect(input.disagreements.filter { $0.code == "noise" }.count == 59)
    #expect(shown == ReportRenderer.disagreementLimit + 1)
    #expect(
      html.contains(
        "9 more: <code>gloss agree --rev \(input.report.rev) --unit char --disagreements --codes noise</code>"))
    // The long text is cut at 300 characters.
    #expect(html.contains(String(repeating: "long text ", count: 29) + "long text…"))
  }

  @Test func manyCodersKeepTheirPairKappasInTheHeatmapAndAppendix() throws {
    let fixture = try ReportFixture()
    try fixture.build(document: String(repeating: "abcdefghi\n", count: 20), spans: 3)
    _ = try fixture.project.session(as: "lead").assignDocuments(["d1"], to: ["cy", "di", "ed"])
    let input = try fixture.input()
    #expect(input.report.coders == ["ana", "ben", "cy", "di", "ed"])
    let html = ReportRenderer.render(input)
    // Ten pairs: no kappa columns in the tables, a note instead; all ten in the heatmap.
    #expect(!html.contains("<th scope=\"col\">kappa "))
    #expect(html.contains("Cohen's kappa of the 10 pairs of coders: in the heatmap and the appendix."))
    let heatmap = try #require(html.components(separatedBy: "<section id=\"heatmap\">").last)
      .components(separatedBy: "</section>")[0]
    #expect(heatmap.components(separatedBy: "data-figure=\"cohen_kappa\"").count - 1 == 2 * 10)
  }
}
