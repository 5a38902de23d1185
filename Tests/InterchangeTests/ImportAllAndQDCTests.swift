import Foundation
import GlossCore
import Testing

@testable import Interchange

/// `import qdpx|csv --all` (a lead brings in every coder's work in one commit) and
/// `import qdc` (codebooks from other tools).
@Suite struct ImportAllAndQDCTests {
  static let users = """
    <Users><User guid="11111111-1111-1111-1111-111111111111" name="Ana Lima" id="AL"/>
    <User guid="12111111-1111-1111-1111-111111111111" name="ben"/></Users>
    """

  static func twoUsers() -> Data {
    func selection(_ start: Int, _ end: Int, _ user: String) -> String {
      """
      <PlainTextSelection guid="\(UUID().uuidString)" startPosition="\(start)" endPosition="\(end)" creatingUser="\(user)">
        <Coding guid="\(UUID().uuidString)" creatingUser="\(user)"><CodeRef targetGUID="\(REFIQDAProducerTests.code)"/></Coding>
      </PlainTextSelection>
      """
    }
    return REFIQDAProducerTests.qde(
      users: users,
      "<TextSource guid=\"44444444-4444-4444-4444-444444444444\" name=\"d\"><PlainTextContent>Hello world again</PlainTextContent>"
        + selection(0, 5, "11111111-1111-1111-1111-111111111111")
        + selection(6, 11, "12111111-1111-1111-1111-111111111111")
        + selection(12, 17, "12111111-1111-1111-1111-111111111111") + "</TextSource>")
  }

  @Test func leadImportsEveryUserInOneCommit() throws {
    let folder = try TempFolder()
    let project = try folder.project()
    let url = try folder.zip("all.qdpx", [("project.qde", Self.twoUsers())])
    // A User that is not a coder needs --map; nothing is written until then.
    let tip = try head(project)
    #expect {
      _ = try project.session(as: "lead").importQDPX(url, source: "all.qdpx", all: true)
    } throws: { error in
      (error as? GlossError)?.errorDescription?.contains("--map \"Ana Lima=CODER\"") == true
    }
    #expect(try head(project) == tip)
    let (report, commit) = try project.session(as: "lead").importQDPX(
      url, source: "all.qdpx", all: true, map: ["Ana Lima": "ana"])
    #expect(commit != nil && report.byCoder == ["ana": 1, "ben": 2] && report.documentsAdded == ["d"])
    let snapshot = try project.snapshot()
    #expect(try snapshot.annotations(coder: "ana", doc: "d")?.map(\.exact) == ["Hello"])
    #expect(try snapshot.annotations(coder: "ben", doc: "d")?.map(\.exact).sorted() == ["again", "world"])
    // Again: nothing new. And a coder cannot use --all.
    #expect(
      try project.session(as: "lead").importQDPX(url, source: "all.qdpx", all: true, map: ["AL": "ana"]).commit == nil)
    #expect(throws: GlossError.leadsOnly(action: .importAll, coder: "ana")) {
      _ = try project.session(as: "ana").importQDPX(url, source: "all.qdpx", all: true)
    }
  }

  @Test func leadImportsEveryCoderOfACSV() throws {
    let folder = try TempFolder()
    let project = try folder.project()
    _ = try project.session(as: "lead").importQDPX(
      try folder.zip("d.qdpx", [("project.qde", Self.twoUsers())]), source: "d.qdpx", user: "ben", dryRun: false)
    let csv = "coder,doc,code,quote,memo\r\nAna Lima,d,C,Hello,'=1+1\r\nben,d,c,again,\r\n,d,c,world,\r\n"
    #expect(throws: GlossError.self) {
      _ = try project.session(as: "lead").importCSV(Data(csv.utf8), source: "all.csv", all: true)
    }
    let (report, commit) = try project.session(as: "lead").importCSV(
      Data(csv.utf8), source: "all.csv", all: true, map: ["Ana Lima": "ana"])
    // The lead's own "world" came with the lead's .qdpx import above.
    #expect(commit != nil && report.added == 2 && report.present == 1)
    let snapshot = try project.snapshot()
    #expect(try snapshot.annotations(coder: "ana", doc: "d")?.first?.memo == "=1+1")
    #expect(try snapshot.annotations(coder: "lead", doc: "d")?.contains { $0.exact == "world" } == true)
    #expect(throws: GlossError.leadsOnly(action: .importAll, coder: "ben")) {
      _ = try project.session(as: "ben").importCSV(Data(csv.utf8), source: "all.csv", all: true)
    }
  }

  /// `--all` writes only folders of the project's coders: a CSV coder cell or a `--map`
  /// naming someone else (a typo, a person never added) is refused, nothing written; before,
  /// `zed` became a coder of its own, counted in the agreement figures.
  @Test func importAllRefusesCodersTheProjectDoesNotHave() throws {
    let folder = try TempFolder()
    let project = try folder.project()
    let url = try folder.zip("d.qdpx", [("project.qde", Self.twoUsers())])
    _ = try project.session(as: "lead").importQDPX(url, source: "d.qdpx", user: "ben")
    let tip = try head(project)
    let csv = "coder,doc,code,quote\r\nben,d,C,again\r\nzed,d,C,Hello\r\n"
    #expect {
      _ = try project.session(as: "lead").importCSV(Data(csv.utf8), source: "all.csv", all: true)
    } throws: { error in
      (error as? GlossError)?.errorDescription
        == "all.csv:3: coder \"zed\" is not a coder of this project; name its coder with --map \"zed=CODER\""
    }
    #expect {
      _ = try project.session(as: "lead").importQDPX(url, source: "d.qdpx", all: true, map: ["Ana Lima": "zed"])
    } throws: { error in
      (error as? GlossError)?.errorDescription?.contains("zed is not a coder of this project") == true
    }
    #expect(try head(project) == tip)
    #expect(try project.snapshot().annotationFiles(coders: nil).allSatisfy { $0.coder != "zed" })
  }

  static let taguette = """
    <?xml version="1.0" encoding="utf-8"?>
    <CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="Taguette 1.5.2"><Codes>\
    <Code guid="0D4F2C61-5C40-5E4F-9C54-9E5B6F3A1A01" name="interesting" isCodable="true"/>\
    <Code guid="0D4F2C61-5C40-5E4F-9C54-9E5B6F3A1A02" name="Émotion.joie" isCodable="true"/>\
    </Codes><Sets/></CodeBook>
    """

  @Test func qdcFromTaguetteWithEmptySets() throws {
    let folder = try TempFolder()
    let project = try folder.project()
    let (report, commit) = try project.session(as: "lead").importQDC(Data(Self.taguette.utf8), source: "t.qdc")
    #expect(commit != nil && report.created.map(\.id) == ["interesting", "emotion.joie"])
    let again = try project.session(as: "lead").importQDC(Data(Self.taguette.utf8), source: "t.qdc")
    #expect(again.commit == nil && again.report.present == 2)
  }

  @Test func qdcRoundTripKeepsHierarchyColoursAndDescriptions() throws {
    let folder = try TempFolder()
    let project = try folder.project()
    try project.session(as: "lead").addCode(name: "Feelings", description: "all <the> \"feelings\"", color: "#aa0011")
    try project.session(as: "lead").addCode(name: "Joy", parent: "feelings")
    try project.session(as: "lead").addCode(name: "Other")
    let qdc = try project.exportQDC()
    let fresh = try folder.project("fresh")
    let (report, _) = try fresh.session(as: "lead").importQDC(qdc, source: "c.qdc")
    #expect(report.created.count == 3)
    #expect(try fresh.snapshot().codebook() == project.snapshot().codebook())
    // Matched by GUID: a renamed code is not created again.
    try fresh.session(as: "lead").renameCode("joy", to: "Happiness")
    #expect(try fresh.session(as: "lead").importQDC(qdc, source: "c.qdc").commit == nil)
  }

  @Test(arguments: [
    ("<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\"><Codes><Code name=\"x\"/></Codes></CodeBook>", "no valid guid"),
    ("<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\"><Codes></Codes></CodeBook>", "has no codes"),
    ("<Project xmlns=\"urn:QDA-XML:project:1.0\"/>", "not a REFI-QDA <CodeBook>"),
    ("<CodeBook xmlns=\"urn:other\"><Codes/></CodeBook>", "not a REFI-QDA <CodeBook>"),
    (
      "<CodeBook><Codes><Code guid=\"0D4F2C61-5C40-5E4F-9C54-9E5B6F3A1A01\" name=\"a\"/>"
        + "<Code guid=\"0D4F2C61-5C40-5E4F-9C54-9E5B6F3A1A01\" name=\"b\"/></Codes></CodeBook>", "used twice"
    ),
    ("<CodeBook><Codes>", "not well-formed"),
  ])
  func badCodebooksAreRefused(xml: String, message: String) throws {
    let folder = try TempFolder()
    let project = try folder.project()
    let tip = try head(project)
    #expect {
      _ = try project.session(as: "lead").importQDC(Data(xml.utf8), source: "bad.qdc")
    } throws: { error in
      let text = (error as? GlossError)?.errorDescription ?? ""
      return text.hasPrefix("bad.qdc") && text.contains(message)
    }
    #expect(try head(project) == tip)
  }
}
