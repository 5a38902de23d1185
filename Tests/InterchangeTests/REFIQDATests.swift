import Foundation
import GlossCore
import Testing

@testable import Interchange

@Suite struct REFIQDATests {
  /// A project with both exports, ana's Delve coding, a memo, a nested code with a color
  /// and a description that needs escaping, and one of ben's assignments.
  func sample() throws -> (TempFolder, Project) {
    let folder = try TempFolder()
    let project = try folder.project()
    let inputs = try ["interview-34", "interview-35"].map {
      DocumentInput(id: $0, data: try Fixture.data("\($0).txt"), source: "\($0).txt")
    }
    try project.leadImportsTranscripts(inputs)
    try project.session(as: "ana").importDelve(inputs)
    try project.session(as: "lead").addCode(
      name: "Parent code", description: "has <xml> & \"quotes\"\nand lines", color: "#1f77b4")
    try project.session(as: "lead").addCode(name: "Child", parent: "parent-code")
    _ = try project.session(as: "ben").addAssignments(
      [AssignmentRequest(doc: "interview-35", code: "child", span: .chars(0, 12), memo: "ben's\tmemo <&>")])
    return (folder, project)
  }

  @Test(.enabled(if: XMLLint.available, "xmllint not found (apt-get install libxml2-utils, or make deps)"))
  func exportsValidateAgainstThePublishedSchemas() throws {
    let (folder, project) = try sample()
    try project.exportQDPX(to: folder.path("study.qdpx"), policy: .unrestricted)
    let qde = try QDPXTestArchive.entry(folder.path("study.qdpx"), "project.qde")
    try qde.write(to: folder.path("project.qde"))
    #expect(try XMLLint.validate(folder.path("project.qde"), schema: "Project-mrt2019.xsd") == nil)
    try project.exportQDC().write(to: folder.path("codebook.qdc"))
    #expect(try XMLLint.validate(folder.path("codebook.qdc"), schema: "Codebook-mrt2019.xsd") == nil)
  }

  @Test func exportIsDeterministic() throws {
    let (folder, project) = try sample()
    try project.exportQDPX(to: folder.path("a.qdpx"), policy: .unrestricted)
    try project.exportQDPX(to: folder.path("b.qdpx"), policy: .unrestricted)
    #expect(try Data(contentsOf: folder.path("a.qdpx")) == Data(contentsOf: folder.path("b.qdpx")))
  }

  @Test func roundTripKeepsEveryAssignmentCodeCoderAndMemo() throws {
    let (folder, project) = try sample()
    try project.exportQDPX(to: folder.path("study.qdpx"), policy: .unrestricted)
    let fresh = try folder.project("fresh")
    // The lead brings in the transcripts and codes (none of the selections are the lead's).
    let lead = try fresh.session(as: "lead").importQDPX(folder.path("study.qdpx"), source: "study.qdpx")
    #expect(lead.report.documentsAdded == ["interview-34", "interview-35"] && lead.report.assignmentsAdded == 0)
    let first = try fresh.session(as: "ana").importQDPX(folder.path("study.qdpx"), source: "study.qdpx")
    #expect(first.report.otherUsers == ["ben": 1])
    #expect(first.report.documentsAdded.isEmpty && first.report.assignmentsAdded == 33)
    let second = try fresh.session(as: "ben").importQDPX(folder.path("study.qdpx"), source: "study.qdpx")
    #expect(second.report.assignmentsAdded == 1)
    #expect(try fresh.exportCSV(policy: .unrestricted) == project.exportCSV(policy: .unrestricted))
    #expect(try fresh.snapshot().codebook() == project.snapshot().codebook())
    for doc in ["interview-34", "interview-35"] {
      #expect(try fresh.snapshot().requireDocument(doc).string == project.snapshot().requireDocument(doc).string)
    }
    let again = try fresh.session(as: "ana").importQDPX(folder.path("study.qdpx"), source: "study.qdpx")
    #expect(again.commit == nil && again.report.assignmentsPresent == 33)
  }

  @Test func foreignProjectWithCRLFNotesColorsAndOtherSources() throws {
    let folder = try TempFolder()
    let project = try folder.project()
    let text = "Line one\r\nCafe\u{301} two\r\nthree"
    let qde = """
      <?xml version="1.0" encoding="UTF-8"?>
      <Project xmlns="urn:QDA-XML:project:1.0" name="NVivo study" origin="NVivo">
        <Users><User guid="{11111111-1111-1111-1111-111111111111}" name="Ana Lima"/></Users>
        <CodeBook><Codes>
          <Code guid="22222222-2222-2222-2222-222222222222" name="Themes" isCodable="false" color="#abc">
            <Description>Top level</Description>
            <Code guid="33333333-3333-3333-3333-333333333333" name="Quality" isCodable="true"/>
          </Code>
        </Codes></CodeBook>
        <Sources>
          <TextSource guid="44444444-4444-4444-4444-444444444444" name="Interview A.docx">
            <PlainTextContent>\(text.replacingOccurrences(of: "\r", with: "&#13;"))</PlainTextContent>
            <PlainTextSelection guid="55555555-5555-5555-5555-555555555555" startPosition="10" endPosition="19"
                creatingUser="11111111-1111-1111-1111-111111111111">
              <Description>why</Description>
              <Coding guid="66666666-6666-6666-6666-666666666666"><CodeRef targetGUID="33333333-3333-3333-3333-333333333333"/>
                <NoteRef targetGUID="77777777-7777-7777-7777-777777777777"/></Coding>
            </PlainTextSelection>
          </TextSource>
          <PictureSource guid="88888888-8888-8888-8888-888888888888" name="photo.jpg"/>
        </Sources>
        <Notes><Note guid="77777777-7777-7777-7777-777777777777" name="n"><PlainTextContent>a note</PlainTextContent></Note></Notes>
      </Project>
      """
    let url = try folder.zip("nvivo.qdpx", [("project.qde", Data(qde.utf8))])
    let (lead, _) = try project.session(as: "lead").importQDPX(url, source: "nvivo.qdpx")
    #expect(lead.documentsAdded == ["Interview-A"] && lead.assignmentsAdded == 0)
    let (report, _) = try project.session(as: "ana").importQDPX(url, source: "nvivo.qdpx", user: "Ana Lima")
    #expect(report.skippedSources == ["PictureSource \"photo.jpg\""])
    #expect(report.documentsAdded.isEmpty)
    let snapshot = try project.snapshot()
    #expect(try snapshot.requireDocument("Interview-A").string == "Line one\nCafé two\nthree")
    let records = try #require(try snapshot.annotations(coder: "ana", doc: "Interview-A"))
    #expect(records.count == 1)
    #expect(records[0].exact == "Café two")  // positions 10-19 in the CRLF/NFD text
    #expect(records[0].id == "66666666-6666-6666-6666-666666666666")
    #expect(records[0].memo == "why\n\na note")
    let book = try snapshot.codebook()
    #expect(book.code("themes")?.color == "#aabbcc" && book.code("themes")?.description == "Top level")
    #expect(book.code("quality")?.parent == "themes")
  }

  func rejects(_ entries: [(String, Data)], limits: REFIQDA.Limits = .standard, _ message: String) throws {
    let folder = try TempFolder()
    let project = try folder.project()
    let tip = try head(project)
    let url = try folder.zip("bad.qdpx", entries)
    #expect {
      _ = try project.session(as: "ana").importQDPX(url, source: "bad.qdpx", limits: limits)
    } throws: { error in
      let text = (error as? GlossError)?.errorDescription ?? "\(error)"
      return text.hasPrefix("bad.qdpx") && text.contains(message)
    }
    #expect(try head(project) == tip)
  }

  static let minimal = """
    <?xml version="1.0" encoding="UTF-8"?>
    <Project xmlns="urn:QDA-XML:project:1.0" name="p">
      <CodeBook><Codes><Code guid="22222222-2222-2222-2222-222222222222" name="C" isCodable="true"/></Codes></CodeBook>
      <Sources><TextSource guid="44444444-4444-4444-4444-444444444444" name="d">
        <PlainTextContent>short text</PlainTextContent>
        <PlainTextSelection guid="55555555-5555-5555-5555-555555555555" startPosition="START" endPosition="END">
          <Coding guid="66666666-6666-6666-6666-666666666666"><CodeRef targetGUID="CODE"/></Coding>
        </PlainTextSelection>
      </TextSource></Sources>
    </Project>
    """

  func project(start: String = "0", end: String = "5", code: String = "22222222-2222-2222-2222-222222222222")
    -> Data
  {
    Data(
      Self.minimal.replacingOccurrences(of: "START", with: start).replacingOccurrences(of: "END", with: end)
        .replacingOccurrences(of: "CODE", with: code).utf8)
  }

  @Test func minimalProjectImports() throws {
    let folder = try TempFolder()
    let project = try folder.project()
    let url = try folder.zip("ok.qdpx", [("project.qde", self.project())])
    let (report, commit) = try project.session(as: "lead").importQDPX(url, source: "ok.qdpx")
    #expect(report.assignmentsAdded == 1 && report.documentsAdded == ["d"] && commit != nil)
  }

  /// A source whose document exists with other text is refused in one short line that names
  /// the file and the document, never the transcript itself.
  @Test func aDocumentClashNamesTheFileAndDocumentOnly() throws {
    let folder = try TempFolder()
    let project = try folder.project()
    _ = try project.session(as: "lead").importQDPX(
      try folder.zip("ok.qdpx", [("project.qde", self.project())]), source: "ok.qdpx")
    let tip = try head(project)
    let changed = Data(
      String(decoding: self.project(), as: UTF8.self).replacingOccurrences(of: "short text", with: "other words").utf8)
    let url = try folder.zip("changed.qdpx", [("project.qde", changed)])
    #expect {
      _ = try project.session(as: "ana").importQDPX(url, source: "changed.qdpx")
    } throws: { error in
      let text = (error as? GlossError)?.errorDescription ?? "\(error)"
      return text.hasPrefix("changed.qdpx: source \"d\": document 'd' already exists with different text")
        && !text.contains("other words") && !text.contains("short text") && !text.contains("selections")
    }
    #expect(try head(project) == tip)
  }

  @Test func hostileArchivesAreRefused() throws {
    try rejects([("project.qde", project()), ("../evil.txt", Data("x".utf8))], "unsafe entry name")
    try rejects([("project.qde", project()), ("/etc/evil", Data("x".utf8))], "unsafe entry name")
    try rejects([("project.qde", project()), ("sources\\..\\..\\evil", Data("x".utf8))], "unsafe entry name")
    let big = Data(repeating: 0x20, count: 4096)
    try rejects(
      [("project.qde", project()), ("sources/big.txt", big)],
      limits: REFIQDA.Limits(maxEntryBytes: 1024, maxTotalBytes: 1 << 20, maxEntries: 10), "over the 1024-byte limit")
    try rejects(
      [("project.qde", project()), ("a.txt", big), ("b.txt", big)],
      limits: REFIQDA.Limits(maxEntryBytes: 1 << 20, maxTotalBytes: 6000, maxEntries: 10), "unpacks to more than")
    try rejects([("other.xml", project())], "no project.qde")
  }

  @Test func hostileXMLIsRefused() throws {
    try rejects(
      [("project.qde", Data("<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"p\"><Sources>".utf8))],
      "not well-formed XML")
    try rejects([("project.qde", Data("<Codebook/>".utf8))], "not a REFI-QDA <Project>")
    let laughs = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">]><Project name=\"&lol;\"/>"
    try rejects([("project.qde", Data(laughs.utf8))], "DOCTYPE")
    try rejects([("project.qde", project(start: "x", end: "5"))], "integer startPosition")
    try rejects(
      [("project.qde", project(code: "99999999-9999-9999-9999-999999999999"))], "refers to an unknown code")
  }

  /// A selection past the end of its text, negative, or ending before it starts is a
  /// report line naming the source, span and how the text was counted; the rest comes in.
  @Test(arguments: [
    ("3", "500", "beyond the text's 10 characters, counted as codepoints"), ("-1", "5", "beyond"),
    ("5", "5", "ends before it starts"), ("7", "2", "ends before it starts"),
  ])
  func selectionsOutsideTheTextAreReported(start: String, end: String, why: String) throws {
    let folder = try TempFolder()
    let project = try folder.project()
    let url = try folder.zip("out.qdpx", [("project.qde", self.project(start: start, end: end))])
    let (report, commit) = try project.session(as: "lead").importQDPX(url, source: "out.qdpx")
    #expect(report.documentsAdded == ["d"] && commit != nil)
    #expect(report.assignmentsAdded == 0)
    #expect(report.outsideText.count == 1)
    #expect(report.outsideText.first?.hasPrefix("\"d\" \(start)-\(end) (") == true)
    #expect(report.outsideText.first?.contains(why) == true, "\(report.outsideText)")
  }

  @Test func notAZipIsRefused() throws {
    let folder = try TempFolder()
    let project = try folder.project()
    let url = folder.path("x.qdpx")
    try Data("hello".utf8).write(to: url)
    #expect(throws: GlossError.self) { _ = try project.session(as: "ana").importQDPX(url, source: "x.qdpx") }
  }

  @Test func textMappingFollowsNormalization() {
    let mapping = TextMapping("\u{FEFF}a\r\nbe\u{301}c")
    #expect(mapping.text == "a\nbéc")
    #expect(mapping.length(.codepoints) == 7)
    #expect((0...7).map { mapping.offset($0) } == [0, 1, 1, 2, 3, 3, 4, 5])
    // The same text counted without the CR of CRLF, and in UTF-16 units around an emoji.
    #expect((0...6).map { mapping.offset($0, .codepointsWithoutCR) } == [0, 1, 2, 3, 3, 4, 5])
    let emoji = TextMapping("a😀b\r\nc")
    #expect(emoji.distinctReadings == PositionReading.allCases)
    #expect((0...6).map { emoji.offset($0, .utf16) } == [0, 1, 1, 2, 3, 3, 4])
    // A long line is normalized in segments that split only where NFC allows it.
    let long = String(repeating: "cafe\u{301} 😀 Ångström o\u{308}\u{301}\r\n", count: 1000).replacingOccurrences(
      of: "\r\n", with: "")
    let segmented = TextMapping(long)
    #expect(segmented.text.unicodeScalars.elementsEqual(long.precomposedStringWithCanonicalMapping.unicodeScalars))
    #expect(segmented.offset(segmented.length(.utf16), .utf16) == segmented.storedLength)
    #expect(segmented.storedLength == segmented.text.unicodeScalars.count)
  }
}

/// Reads one entry of an exported archive.
enum QDPXTestArchive {
  static func entry(_ url: URL, _ path: String) throws -> Data {
    let archive = try ZIPFoundationArchive(url: url)
    return try archive.read(path)
  }
}
