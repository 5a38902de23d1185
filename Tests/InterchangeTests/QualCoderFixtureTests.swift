import Foundation
import GlossCore
import Testing

@testable import Interchange

/// Files written by QualCoder's own REFI-QDA exporter, run headless once by
/// Tests/InterchangeTests/tools/qualcoder_headless.py (provenance in Fixtures/qualcoder/README.md;
/// QualCoder is not on PyPI, so the test suite cannot run it).
@Suite struct QualCoderFixtureTests {
  static func fixture(_ name: String) throws -> URL { try Fixture.url("qualcoder/" + name) }

  @Test func qualCoderProjectImportsTextsCodesAndEveryCoding() throws {
    let folder = try TempFolder()
    let project = try folder.project()
    let (report, commit) = try project.session(as: "lead").importQDPX(
      try Self.fixture("qualcoder.qdpx"), source: "qualcoder.qdpx", all: true)
    #expect(commit != nil)
    #expect(report.documentsAdded == ["interview-1"] && report.skippedSources.isEmpty)
    #expect(report.byCoder == ["ana": 2, "ben": 1])
    let snapshot = try project.snapshot()
    // QualCoder writes its plain-text source with a byte-order mark; it is not part of the text.
    #expect(
      try snapshot.requireDocument("interview-1").string
        == "Interviewer: How do you label data?\nAna: By hand, every week. It takes days.\n")
    let codes = try snapshot.codebook().codes
    let manual = codes.first { $0.name == "Manual labelling" }
    #expect(codes.first { $0.id == manual?.parent }?.name == "Labelling")
    #expect(
      try snapshot.annotations(coder: "ana", doc: "interview-1")?.map(\.exact).sorted() == [
        "By hand", "It takes days.",
      ])
    #expect(try snapshot.annotations(coder: "ben", doc: "interview-1")?.map(\.exact) == ["every week"])
  }

  @Test func qualCoderCodebookImports() throws {
    let folder = try TempFolder()
    let project = try folder.project()
    let data = try Data(contentsOf: try Self.fixture("qualcoder.qdc"))
    let (report, _) = try project.session(as: "lead").importQDC(data, source: "qualcoder.qdc")
    #expect(Set(report.created.map(\.name)) == ["Time cost", "Labelling", "Manual labelling"])
    let codes = try project.snapshot().codebook().codes
    #expect(codes.first { $0.name == "Manual labelling" }?.parent == codes.first { $0.name == "Labelling" }?.id)
  }

  /// QualCoder imported gloss-export.qdpx (a Gloss export: an emoji before the codings, a
  /// sub-code, accented names) and its database held what qualcoder-readback.json shows: the
  /// text, the hierarchy, and every coded segment at the characters Gloss coded. Gloss reads
  /// the same file to the same codings, and exports them again at the same positions, so what
  /// QualCoder was shown is still what Gloss writes.
  @Test func whatQualCoderReadFromAGlossExportIsWhatGlossWrote() throws {
    struct Readback: Decodable {
      struct Source: Decodable { var name, text: String }
      struct Code: Decodable {
        var name: String
        var parent_code: String?
      }
      struct Segment: Decodable {
        var code, source, text_at_positions, owner: String
        var start, end: Int
      }
      var sources: [Source]
      var codes: [Code]
      var segments: [Segment]
    }
    let readback = try JSONDecoder().decode(
      Readback.self, from: try Data(contentsOf: try Self.fixture("qualcoder-readback.json")))
    let folder = try TempFolder()
    let project = try folder.project()
    _ = try project.session(as: "lead").importQDPX(try Self.fixture("gloss-export.qdpx"), source: "g.qdpx", all: true)
    let snapshot = try project.snapshot()
    #expect(readback.sources.map(\.name) == ["interview-9"])
    #expect(try readback.sources.first?.text == snapshot.requireDocument("interview-9").string)
    let codes = try snapshot.codebook().codes
    for code in readback.codes {
      let gloss = codes.first { $0.name == code.name }
      #expect(gloss != nil && codes.first { $0.id == gloss?.parent }?.name == code.parent_code)
    }
    var expected: [String] = []
    for coder in ["ana", "ben"] {
      for record in try snapshot.annotations(coder: coder, doc: "interview-9") ?? [] {
        let name = codes.first { $0.id == record.code }?.name ?? ""
        expected.append("\(coder) \(name) \(record.start)-\(record.end) \(record.exact)")
      }
    }
    let seen = readback.segments.map { "\($0.owner) \($0.code) \($0.start)-\($0.end) \($0.text_at_positions)" }
    #expect(seen.sorted() == expected.sorted() && seen.count == 4)
    // Exported again, the selections sit at the same positions as in the file QualCoder read.
    func selections(_ url: URL) throws -> [String] {
      let entries = try ZIPFoundationArchive(url: url)
      let root = try XMLTree.parse(try entries.read("project.qde"), file: "project.qde")
      return root.first("Sources")?.all("TextSource").flatMap { $0.all("PlainTextSelection") }
        .map { "\($0.attributes["startPosition"] ?? "")-\($0.attributes["endPosition"] ?? "")" }.sorted() ?? []
    }
    try project.exportQDPX(to: folder.path("again.qdpx"), policy: .unrestricted)
    let original = try selections(try Self.fixture("gloss-export.qdpx"))
    let again = try selections(folder.path("again.qdpx"))
    #expect(original.count == 4 && original == again)
  }
}
