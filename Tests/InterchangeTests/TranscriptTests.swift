import Foundation
import Testing
import ZIPFoundation

@testable import GlossCore
@testable import Interchange

/// The text `doc add` would get from `data` named `file`.
private func converted(
  _ data: Data, _ file: String, encoding: TextEncoding? = nil, limits: SafeArchive.Limits = .standard
) throws -> String {
  String(decoding: try TranscriptFile(data: data, file: file, encoding: encoding, limits: limits).data, as: UTF8.self)
}

/// The message of the GlossError `body` throws (the one `error:` line the CLI prints).
private func failure(_ body: () throws -> Void) -> String? {
  do {
    try body()
    return nil
  } catch let error as GlossError {
    return error.errorDescription
  } catch {
    return "\(error)"
  }
}

/// A .docx with `body` as the main part's <w:body> content (and optional styles), zipped.
private func docx(_ folder: TempFolder, body: String, styles: String? = nil, extra: [(String, Data)] = []) throws
  -> Data
{
  let w = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\""
  let mc = "xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\""
  var entries: [(String, Data)] = [
    (
      "_rels/.rels",
      Data(
        """
        <?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>
        """.utf8)
    ),
    (
      "word/document.xml",
      Data("<?xml version=\"1.0\"?><w:document \(w) \(mc)><w:body>\(body)</w:body></w:document>".utf8)
    ),
  ]
  if let styles {
    entries.append(
      (
        "word/_rels/document.xml.rels",
        Data(
          """
          <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>
          """.utf8)
      ))
    entries.append(("word/styles.xml", Data("<w:styles \(w)>\(styles)</w:styles>".utf8)))
  }
  return try Data(contentsOf: folder.zip("doc-\(UUID().uuidString).docx", entries + extra))
}

/// An .odt whose body (<office:text>) is `body`.
private func odt(_ folder: TempFolder, body: String) throws -> Data {
  let content = """
    <?xml version="1.0" encoding="UTF-8"?>
    <office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" \
    xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" \
    xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" \
    xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" \
    xmlns:dc="http://purl.org/dc/elements/1.1/">
    <office:body><office:text>\(body)</office:text></office:body></office:document-content>
    """
  return try Data(
    contentsOf: folder.zip(
      "doc-\(UUID().uuidString).odt",
      [("mimetype", Data(OpenDocument.mimeType.utf8)), ("content.xml", Data(content.utf8))]))
}

@Suite struct WordProcessorTests {
  /// The text of Fixtures/transcripts/interview-7.fodt, as LibreOffice's .docx and .odt give it.
  static let interview7 = """
    # Interview 7 – Café owner

    Interviewer: Thank you for  meeting me.

    Owner: We opened in 2019.
    Then the pandemic came.

    Time\tNote

    ## Part two

    Owner: Rent doubled. It hurt.

    Ana: 😀 مرحبا — naïve

    Speaker\tTopic

    Ana\tRent

    Interviewer: Thanks.

    """

  @Test(arguments: ["interview-7.docx", "interview-7.odt"])
  func libreOfficeFilesGiveTheirParagraphs(name: String) throws {
    let file = try TranscriptFile(
      data: try Fixture.data("transcripts/" + name), file: name, encoding: nil)
    #expect(String(decoding: file.data, as: UTF8.self) == Self.interview7)
    #expect(file.notes == ["converted from .\(name.split(separator: ".").last ?? ""): 10 paragraphs"])
  }

  /// python-docx writes from a template Microsoft Word saved: its heading styles are found
  /// by name in styles.xml; list bullets are formatting, not text.
  @Test func pythonDocxFile() throws {
    let text = try converted(try Fixture.data("transcripts/python-docx.docx"), "python-docx.docx")
    #expect(
      text == """
        # Focus group 3

        Moderator: Who labels the images?

        Participant 2: We do, by hand.
        Every\tFriday.

        ## Tools

        Spreadsheets

        Tool\tUsers

        Excel\teveryone

        Moderator: Thank you – naïve question, sorry 🙂

        """)
  }

  @Test func wordConstructsThatAreNotText() throws {
    let folder = try TempFolder()
    let body = """
      <w:p><w:pPr><w:pStyle w:val="berschrift1"/><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>\
      <w:r><w:t>Einleitung</w:t></w:r></w:p>\
      <w:p><w:pPr><w:outlineLvl w:val="2"/></w:pPr><w:r><w:t>Level three</w:t></w:r></w:p>\
      <w:p><w:r><w:t xml:space="preserve">Ana: we </w:t></w:r><w:del w:id="1"><w:r><w:tab/><w:delText>never </w:delText></w:r></w:del>\
      <w:ins w:id="2"><w:r><w:t xml:space="preserve">always </w:t></w:r></w:ins><w:r><w:t>label</w:t></w:r>\
      <w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>\
      <w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t xml:space="preserve"> twice</w:t></w:r>\
      <w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t>.</w:t><w:br/><w:br/><w:t>Really</w:t>\
      <w:noBreakHyphen/><w:t>really.</w:t></w:r></w:p>\
      <w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent><w:p><w:r>\
      <w:t>Box text</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict>\
      <w:txbxContent><w:p><w:r><w:t>Box text</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback>\
      </mc:AlternateContent></w:r><w:r><w:t>Ben: beside the box.</w:t></w:r></w:p>\
      <w:p/><w:p><w:r><w:t xml:space="preserve">   </w:t></w:r></w:p>\
      <w:tbl><w:tr><w:tc><w:p><w:r><w:t>A1</w:t></w:r></w:p><w:p><w:r><w:t>more</w:t></w:r></w:p></w:tc>\
      <w:tc><w:tbl><w:tr><w:tc><w:p><w:r><w:t>inner</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:tc></w:tr>\
      <w:tr><w:tc><w:p/></w:tc><w:tc><w:p/></w:tc></w:tr></w:tbl>\
      <w:sdt><w:sdtContent><w:p><w:r><w:t>In a content control.</w:t></w:r></w:p></w:sdtContent></w:sdt>
      """
    let styles = """
      <w:style w:type="paragraph" w:styleId="berschrift1"><w:name w:val="heading 1"/></w:style>\
      <w:style w:type="character" w:styleId="Speaker"><w:name w:val="heading 2"/></w:style>
      """
    // No text at all gives an empty text, which `doc add` refuses ("x.docx: is empty").
    #expect(try converted(try docx(folder, body: "<w:p/><w:p><w:r><w:br/></w:r></w:p>"), "x.docx") == "")
    let text = try converted(try docx(folder, body: body, styles: styles), "x.docx")
    #expect(
      text == """
        # Einleitung

        ### Level three

        Ana: we always label twice.
        Really-really.

        Box text

        Ben: beside the box.

        A1 more\tinner

        In a content control.

        """)
  }

  @Test func openDocumentWhiteSpaceAndNonText() throws {
    let folder = try TempFolder()
    let body = """
      <text:sequence-decls><text:sequence-decl text:name="Figure"/></text:sequence-decls>
      <text:h text:outline-level="2">  A
         heading </text:h>
      <text:p>Ana:   we<text:s/>  <text:s text:c="3"/>label<text:tab/>it<text:line-break/>
        again<text:note><text:note-citation>1</text:note-citation><text:note-body><text:p>footnote</text:p>\
      </text:note-body></text:note>.<office:annotation><dc:creator>ben</dc:creator><text:p>a comment</text:p>\
      </office:annotation></text:p>
      <text:tracked-changes><text:changed-region><text:deletion><text:p>deleted words</text:p></text:deletion>\
      </text:changed-region></text:tracked-changes>
      <text:list><text:list-item><text:p>first item</text:p></text:list-item></text:list>
      <text:p><draw:frame><draw:text-box><text:p>framed</text:p></draw:text-box></draw:frame>Ben: outside</text:p>
      <table:table><table:table-row><table:table-cell><text:p>x</text:p></table:table-cell>\
      <table:covered-table-cell><text:p>hidden</text:p></table:covered-table-cell>\
      <table:table-cell><text:p>y</text:p></table:table-cell></table:table-row></table:table>
      <text:table-of-content><text:table-of-content-source><text:index-title-template>Contents\
      </text:index-title-template></text:table-of-content-source></text:table-of-content>
      """
    let text = try converted(try odt(folder, body: body), "x.odt")
    #expect(
      text == """
        ## A heading

        Ana: we     label\tit
        again.

        first item

        framed

        Ben: outside

        x\ty

        """)
  }

  @Test func hostileArchivesFailWithOneMessage() throws {
    let folder = try TempFolder()
    let small = SafeArchive.Limits(maxEntries: 20, maxEntryBytes: 100_000)
    // A zip bomb: 20 MB of spaces deflate to about 20 KB.
    let bomb = try docx(
      folder, body: "<w:p><w:r><w:t>" + String(repeating: " ", count: 20_000_000) + "</w:t></w:r></w:p>")
    #expect(bomb.count < 200_000)
    #expect(
      failure({ _ = try converted(bomb, "bomb.docx", limits: small) })
        == "bomb.docx: entry \"word/document.xml\" unpacks to more than 100000 bytes; refused")
    // The same bomb whose headers claim 10 bytes: the limit holds while unpacking.
    var lying = bomb
    for (signature, field) in [([UInt8]([0x50, 0x4B, 0x03, 0x04]), 22), ([0x50, 0x4B, 0x01, 0x02], 24)] {
      var from = lying.startIndex
      while let found = lying.range(of: Data(signature), in: from..<lying.endIndex) {
        let name = String(decoding: lying[(found.lowerBound + (field == 22 ? 30 : 46))...].prefix(17), as: UTF8.self)
        if name == "word/document.xml" {
          lying.replaceSubrange((found.lowerBound + field)..<(found.lowerBound + field + 4), with: [10, 0, 0, 0])
        }
        from = found.upperBound
      }
    }
    #expect(lying != bomb)
    #expect(
      failure({ _ = try converted(lying, "lying.docx", limits: small) })
        == "lying.docx: entry \"word/document.xml\" unpacks to more than 100000 bytes; refused")
    let many = try docx(folder, body: "", extra: (0..<30).map { ("f\($0)", Data()) })
    #expect(
      failure({ _ = try converted(many, "many.docx", limits: small) }) == "many.docx: has more than 20 entries; refused"
    )

    let laughs = """
      <?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "hahahahaha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>\
      <w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&b;\
      </w:t></w:r></w:p></w:body></w:document>
      """
    let external = """
      <?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>\
      <w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&x;\
      </w:t></w:r></w:p></w:body></w:document>
      """
    for (name, xml) in [("laughs.docx", laughs), ("external.docx", external)] {
      let data = try Data(contentsOf: folder.zip(name, [("word/document.xml", Data(xml.utf8))]))
      #expect(
        failure({ _ = try converted(data, name) })
          == "\(name):word/document.xml: has a DOCTYPE or entity declarations; refused")
    }
    let utf16XML = try Data(
      contentsOf: folder.zip("u16.odt", [("content.xml", Data([0xFF, 0xFE, 0x3C, 0x00, 0x61, 0x00]))]))
    #expect(failure({ _ = try converted(utf16XML, "u16.odt") }) == "u16.odt:content.xml: is not UTF-8 XML; refused")

    let malformed = try docx(folder, body: "<w:p><w:r><w:t>open</w:r></w:p>")
    let message = try #require(failure({ _ = try converted(malformed, "bad.docx") }))
    #expect(message.hasPrefix("bad.docx:word/document.xml:1: is not well-formed XML"))
    #expect(!message.contains("\n"))

    let deep = try docx(
      folder, body: String(repeating: "<w:sdt>", count: 500) + String(repeating: "</w:sdt>", count: 500))
    #expect(failure({ _ = try converted(deep, "deep.docx") })?.hasSuffix("elements nested deeper than 400") == true)

    #expect(
      failure({ _ = try converted(Data("just text".utf8), "fake.docx") })
        == "fake.docx: is not a .docx file (not a zip archive)")
    #expect(
      failure({ _ = try converted(Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]), "locked.docx") })
        == "locked.docx: is not a .docx file (not a zip archive) (a password-protected or old binary file: "
        + "save it as .docx without a password)")
    let empty = try Data(contentsOf: folder.zip("empty.odt", [("mimetype", Data(OpenDocument.mimeType.utf8))]))
    #expect(failure({ _ = try converted(empty, "empty.odt") }) == "empty.odt: has no content.xml: not a .odt file")
    let sheet = try Data(
      contentsOf: folder.zip("sheet.odt", [("mimetype", Data("application/vnd.oasis.opendocument.spreadsheet".utf8))]))
    #expect(
      failure({ _ = try converted(sheet, "sheet.odt") })
        == "sheet.odt: is application/vnd.oasis.opendocument.spreadsheet, not an OpenDocument text (.odt)")
  }

  /// A long transcript's document.xml over 10 MB: Foundation's XMLParser, given the whole
  /// part at once, failed with "NSXMLParserErrorDomain error 1" from libxml2's input limit.
  @Test func documentPartsOver10MBAreRead() throws {
    let folder = try TempFolder()
    let paragraph = "<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>Ana: we talked about the weather and prices.</w:t></w:r></w:p>"
    let count = 11_000_000 / paragraph.utf8.count
    let data = try docx(folder, body: String(repeating: paragraph, count: count))
    let text = try converted(data, "long.docx")
    #expect(text.components(separatedBy: "\n\n").count == count)
  }

  /// Relationship targets that climb out of the archive or point elsewhere are not followed;
  /// entry names are only looked up, never used as paths, so `../` entries are inert.
  @Test func pathTricksAreInert() throws {
    let folder = try TempFolder()
    let rels = """
      <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
      <Relationship Id="r" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
      Target="../../../etc/passwd"/></Relationships>
      """
    let data = try Data(
      contentsOf: folder.zip(
        "tricks.docx",
        [
          ("_rels/.rels", Data(rels.utf8)), ("../../evil.txt", Data("evil".utf8)),
          (
            "word/document.xml",
            Data(
              "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>safe</w:t></w:r></w:p></w:body></w:document>"
                .utf8)
          ),
        ]))
    #expect(try converted(data, "tricks.docx") == "safe\n")
    #expect(SafeArchive.resolve("../../etc/passwd", from: "word/document.xml") == nil)
    #expect(SafeArchive.resolve("/word/document.xml", from: "x") == "word/document.xml")
    #expect(SafeArchive.resolve("../media/a.png", from: "word/document.xml") == "media/a.png")
  }

  @Test func otherDocumentFormatsAreNamed() {
    #expect(
      failure({ _ = try converted(Data("{\\rtf1 Hello}".utf8), "Interview.RTF") })
        == "Interview.RTF: is a .rtf file, which gloss does not read: save the transcript as .docx, .odt or "
        + "plain text (.txt), or give its subtitles (.vtt, .srt)")
    #expect(failure({ _ = try converted(Data("%PDF-1.7".utf8), "i.pdf") })?.hasPrefix("i.pdf: is a .pdf file") == true)
  }

  @Test func encodingIsForTextFilesOnly() throws {
    let data = try Fixture.data("transcripts/interview-7.docx")
    #expect(
      failure({ _ = try converted(data, "a.docx", encoding: .latin1) })
        == "--encoding: latin1 applies to text files (.txt, .md, .vtt, .srt), not a.docx, "
        + "whose encoding the .docx format declares")
  }
}

@Suite struct SubtitleTests {
  @Test func zoomNamesInCueText() throws {
    let file = try TranscriptFile(data: try Fixture.data("transcripts/zoom.vtt"), file: "zoom.vtt", encoding: nil)
    #expect(
      String(decoding: file.data, as: UTF8.self) == """
        Ana Lima: Thanks for joining. Can you tell me about your role? Just briefly, and then we'll get into the data.

        Ben Okoro: Sure. I lead the labelling team, we're about twelve people. Mostly contractors.

        Ana Lima: And the data itself: where does it come from?

        """)
    #expect(file.notes == ["merged 5 cues into 3 paragraphs by speaker, timestamps dropped"])
  }

  @Test func teamsVoiceTags() throws {
    #expect(
      try converted(try Fixture.data("transcripts/teams.vtt"), "teams.vtt") == """
        Ana Lima: Okay, so let's start with the data. Where does it come from?

        Ben Okoro: From three hospitals & one lab, and it is messy.

        """)
  }

  @Test func otterSpeakerLinesWithCRLF() throws {
    #expect(
      try converted(try Fixture.data("transcripts/otter.srt"), "otter.srt") == """
        Speaker 1: So how did the project start?

        Ana Lima: It started with a grant in 2019. We had no data at all.

        Speaker 1: Interesting.

        """)
  }

  @Test func withoutSpeakersPausesMakeParagraphs() throws {
    let srt = """
      \u{FEFF}1
      00:00:01,000 --> 00:00:02,000
      {\\an8}<i>The point is: we</i>
      <font color="#ffffff">had nothing.</font>

      2
      00:00:02,500 --> 00:00:03,000
      Nothing at all.

      3
      00:00:09,000 --> 00:00:10,000
      Later &lt;much later&gt;.
      """
    #expect(
      try converted(Data(srt.utf8), "s.srt")
        == "The point is: we had nothing. Nothing at all.\n\nLater <much later>.\n")
    let vtt = """
      WEBVTT - with a title
      Kind: captions

      NOTE a comment
      that spans lines

      STYLE
      ::cue { color: red }

      00:01.000 --> 00:02.000 align:start position:10%
      <c.yellow>Hello</c> <00:01.500>there
      """
    #expect(try converted(Data(vtt.utf8), "v.vtt") == "Hello there\n")
  }

  @Test func utf16Subtitles() throws {
    let teams = try Fixture.data("transcripts/teams.vtt")
    let utf16 = Data(
      [0xFF, 0xFE] + String(decoding: teams, as: UTF8.self).utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
    #expect(try converted(utf16, "teams.vtt") == (try converted(teams, "teams.vtt")))
  }

  /// Otter's generic names are names even when they start only one cue.
  @Test func otterGenericSpeakerOnce() throws {
    let srt = """
      1
      00:00:00,000 --> 00:00:02,000
      Ana Lima
      We had a grant.

      2
      00:00:02,000 --> 00:00:04,000
      Speaker 2
      Really?

      3
      00:00:04,000 --> 00:00:06,000
      Ana Lima
      Yes, in 2019.
      """
    #expect(
      try converted(Data(srt.utf8), "o.srt")
        == "Ana Lima: We had a grant.\n\nSpeaker 2: Really?\n\nAna Lima: Yes, in 2019.\n")
  }

  @Test func markupIsRemovedOnlyWhereItIsMarkup() {
    #expect(
      Subtitles.stripMarkup("I <3 this> a < b and c > d<00:00:01.000> x {\\an8}y &amp;&bogus; &#233;")
        == "I <3 this> a < b and c > d x y &&bogus; é")
    // Many `<` before one `>`: linear, not quadratic.
    let hostile = String(repeating: "<", count: 200_000) + " >"
    let clock = ContinuousClock()
    let start = clock.now
    #expect(Subtitles.stripMarkup(hostile).count == 200_002)
    #expect(clock.now - start < .seconds(5))
  }

  @Test func malformedSubtitlesNameFileAndLine() throws {
    #expect(
      failure({ _ = try converted(Data("1\n00:00:01,000 --> soon\nHi\n".utf8), "bad.srt") })
        == "bad.srt:2: has a malformed cue timing \"00:00:01,000 --> soon\"")
    #expect(
      failure({ _ = try converted(Data("Hello\n\nthere\n".utf8), "plain.srt") })
        == "plain.srt:1: expected a cue timing (00:00:01,000 --> 00:00:04,000)")
    #expect(
      failure({ _ = try converted(Data("1\n00:00:01,000 --> 00:00:02,000\nHi\n".utf8), "srt.vtt") })
        == "srt.vtt:1: does not start with WEBVTT: not a WebVTT file")
    #expect(failure({ _ = try converted(Data("WEBVTT\n\nNOTE nothing\n".utf8), "e.vtt") }) == "e.vtt: has no cues")
  }

  /// A damaged timing in a later cue is named with its line; before, the cue (times and
  /// all) joined the turn before it, and hex, `inf` or 99-minute times were taken as times.
  @Test(arguments: [
    ("00:00:05,000 -> 00:00:07,000", 6, "malformed cue timing \"00:00:05,000 -> 00:00:07,000\""),
    ("00:00:05,000 00:00:07,000", 6, "malformed cue timing"),
    ("00:00:05,000 --> 00:00:0x,000", 6, "malformed cue timing"),
    ("00:00:05,000 --> inf", 6, "malformed cue timing"),
    ("00:99:05,000 --> 00:99:07,000", 6, "malformed cue timing"),
    ("00:00:05,000 --> 00:00:07,000,5", 6, "malformed cue timing"),
    ("Ben: the timing line is gone", 6, "cue 2 has no timing line"),
  ])
  func brokenTimestampsInALaterCueAreNamed(timing: String, line: Int, message: String) throws {
    let srt =
      "1\n00:00:01,000 --> 00:00:02,000\nAna: Hello there\n\n2\n\(timing)\nBen: next\n\n"
      + "3\n00:00:08,000 --> 00:00:09,000\nAna: bye\n"
    let error = failure({ _ = try converted(Data(srt.utf8), "broken.srt") })
    #expect(
      error?.hasPrefix("broken.srt:\(line): ") == true && error?.contains(message) == true, "\(error ?? "no error")")
  }

  @Test func wellFormedTimesStillRead() {
    #expect(Subtitles.seconds("01:02:03,500") == 3723.5 && Subtitles.seconds("02:03.25") == 123.25)
    #expect(Subtitles.seconds("100:00:00.000") == 360_000 && Subtitles.seconds(" 00:00:01 ") == 1)
    for bad in ["0x1:00", "1e3:00", "00:60", "00:00:-1", ":00", "00:00,5:00", "00::00", "1:2:3:4"] {
      #expect(Subtitles.seconds(bad) == nil, "\(bad)")
    }
    #expect(!Subtitles.looksLikeTiming("Ana: 10:30 is fine") && !Subtitles.looksLikeTiming("10:30"))
  }
}

@Suite struct TextEncodingTests {
  static let sample = "Café “quoted” – naïve\r\nsecond line\n"

  @Test func utf16WithByteOrderMarksIsDetected() throws {
    for (bom, littleEndian) in [([UInt8(0xFF), 0xFE], true), ([0xFE, 0xFF], false)] {
      var bytes = bom
      for unit in Self.sample.utf16 {
        bytes += littleEndian ? [UInt8(unit & 0xFF), UInt8(unit >> 8)] : [UInt8(unit >> 8), UInt8(unit & 0xFF)]
      }
      let file = try TranscriptFile(data: Data(bytes), file: "u.txt", encoding: nil)
      #expect(String(decoding: file.data, as: UTF8.self) == Self.sample)
      #expect(file.notes == ["converted from UTF-16\(littleEndian ? "LE" : "BE") to UTF-8"])
    }
  }

  @Test func utf16WithoutBOMNeedsTheOption() throws {
    let bytes = Data("Hello, world\n😀\n".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
    #expect(
      failure({ _ = try converted(bytes, "u.txt") })
        == "u.txt: looks like UTF-16 without a byte-order mark; add it with --encoding utf-16")
    #expect(try converted(bytes, "u.txt", encoding: .utf16) == "Hello, world\n😀\n")
    let bigEndian = Data("Hi there\n".utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] })
    #expect(try converted(bigEndian, "u.txt", encoding: .utf16) == "Hi there\n")
    #expect(
      failure({ _ = try converted(Data([0xFF, 0xFE, 0x41]), "odd.txt") })
        == "odd.txt: has an odd number of bytes, so it is not UTF-16")
    #expect(
      failure({ _ = try converted(Data([0xFF, 0xFE, 0x41, 0x00, 0x00, 0xD8, 0x41, 0x00]), "s.txt") })
        == "s.txt: is not valid UTF-16 at byte offset 4 (an unpaired surrogate)")
  }

  @Test func latin1AndWindows1252() throws {
    let windows: [UInt8] = [0x93, 0x43, 0x61, 0x66, 0xE9, 0x94, 0x20, 0x96, 0x20, 0x80, 0x35, 0x0A]
    #expect(try converted(Data(windows), "w.txt", encoding: .windows1252) == "“Café” – €5\n")
    #expect(
      failure({ _ = try converted(Data(windows), "w.txt", encoding: .latin1) })
        == "w.txt:1: byte offset 0 is 0x93, a control character in Latin-1: the file is probably "
        + "Windows-1252; add it with --encoding windows-1252")
    #expect(try converted(Data([0x43, 0x61, 0x66, 0xE9, 0x0A, 0xDF, 0x0A]), "l.txt", encoding: .latin1) == "Café\nß\n")
    #expect(
      failure({ _ = try converted(Data([0x41, 0x0A, 0x81]), "w.txt", encoding: .windows1252) })
        == "w.txt:2: byte offset 2 is 0x81, which Windows-1252 leaves undefined")
  }

  @Test func invalidUTF8NamesTheByteAndSuggestsAnEncoding() throws {
    let bytes = Data("first line\nCaf".utf8) + Data([0xE9]) + Data(" au lait\n".utf8)
    #expect(
      failure({ _ = try converted(bytes, "cafe.txt") })
        == "cafe.txt:2: is not valid UTF-8 at byte offset 14 (0xE9); if it was saved in another encoding, "
        + "add it with --encoding windows-1252, latin1 or utf-16")
    #expect(
      failure({ _ = try converted(Data([0xFF, 0xFE, 0x41, 0x00]), "u.txt", encoding: .utf8) })
        == "u.txt: starts with a UTF-16 byte-order mark; add it with --encoding utf-16")
  }

  @Test func encodingNamesAndAliases() {
    #expect(TextEncoding(name: "windows-1252") == .windows1252)
    #expect(TextEncoding(name: "CP1252") == .windows1252)
    #expect(TextEncoding(name: "ISO-8859-1") == .latin1)
    #expect(TextEncoding(name: "latin_1") == .latin1)
    #expect(TextEncoding(name: "UTF8") == .utf8)
    #expect(TextEncoding(name: "koi8-r") == nil)
  }

  /// Valid UTF-8 goes on untouched, so the normalizer reports the BOM and CRLF as before.
  @Test func utf8PassesThrough() throws {
    let bytes = Data([0xEF, 0xBB, 0xBF]) + Data("a\r\nb".utf8)
    let file = try TranscriptFile(data: bytes, file: "a.md", encoding: nil)
    #expect(file.data == bytes)
    #expect(file.notes.isEmpty && file.warnings.isEmpty)
  }

  @Test func delveExportsAsTextAreFlagged() throws {
    let delve = try TranscriptFile(data: try Fixture.data("interview-34.txt"), file: "i34.txt", encoding: nil)
    #expect(delve.warnings.count == 1)
    #expect(delve.warnings.first?.contains("'gloss import delve i34.txt' also reads its codes") == true)
    let plain = try TranscriptFile(
      data: Data("Ana: I read it.\n\nCreated with the Delve mention mid-text.\n\nThe end.\n".utf8), file: "p.txt",
      encoding: nil)
    #expect(plain.warnings.isEmpty)
  }
}

/// Damaged files (bytes flipped, cut short) convert or fail with a GlossError; never a crash.
@Suite struct DamagedTranscriptTests {
  @Test(arguments: ["interview-7.docx", "interview-7.odt", "zoom.vtt", "otter.srt"])
  func flippedAndTruncatedBytes(name: String) throws {
    let original = [UInt8](try Fixture.data("transcripts/" + name))
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next() -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int(truncatingIfNeeded: state >> 33)
    }
    for round in 0..<150 {
      var bytes = original
      if round % 3 == 0 {
        bytes.removeLast(next() % bytes.count)
      } else {
        for _ in 0..<(1 + next() % 8) { bytes[next() % bytes.count] = UInt8(truncatingIfNeeded: next()) }
      }
      do {
        _ = try TranscriptFile(data: Data(bytes), file: name, encoding: nil)
      } catch let error as GlossError {
        let message = try #require(error.errorDescription)
        #expect(message.hasPrefix(name))
      }
    }
  }

  /// Damaged XML inside a sound archive: markup characters dropped in at random places
  /// (undeclared prefixes, broken tags, stray entities) must give one error, never a trap.
  @Test func damagedXML() throws {
    let folder = try TempFolder()
    let archive = try Archive(data: try Fixture.data("transcripts/interview-7.docx"), accessMode: .read)
    let entry = try #require(archive["word/document.xml"])
    var xml = Data()
    _ = try archive.extract(entry) { xml.append($0) }
    let original = [UInt8](xml)
    let marks = [UInt8]("<>/=\":&;# x\u{00}é".utf8)
    var state: UInt64 = 42
    func next() -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int(truncatingIfNeeded: state >> 33)
    }
    for _ in 0..<100 {
      var bytes = original
      for _ in 0..<(1 + next() % 6) { bytes[next() % bytes.count] = marks[next() % marks.count] }
      let data = try Data(contentsOf: folder.zip("d\(next()).docx", [("word/document.xml", Data(bytes))]))
      do {
        _ = try TranscriptFile(data: data, file: "d.docx", encoding: nil)
      } catch let error as GlossError {
        #expect(error.errorDescription?.hasPrefix("d.docx") == true)
      }
    }
    let undeclared = try Data(
      contentsOf: folder.zip(
        "u.docx", [("word/document.xml", Data("<w:document><q:body x:y='1'><w:p/></q:body></w:document>".utf8))]))
    #expect(
      failure({ _ = try converted(undeclared, "u.docx") })?.hasPrefix(
        "u.docx:word/document.xml:1: is not well-formed XML")
        == true)
  }
}

/// Meeting tools' text and Word transcripts: a `Name  0:03` line above what was said.
@Suite struct SpeakerLineTests {
  static let otter = """
    Speaker 1  0:03
    So thanks for joining. Could you tell me how your team labels data?

    Ana Lima  0:11
    Mostly by hand. Every week we go through the new images,

    Ana Lima  0:19
    and it takes days, honestly.

    Speaker 1  1:02
    Why not automate it?

    Ana Lima  1:05
    We tried. The tool kept mislabelling the outliers.



    Transcribed by https://otter.ai

    """

  @Test func otterTextMergesIntoTurns() throws {
    let text = try converted(Data(Self.otter.replacingOccurrences(of: "\n", with: "\r\n").utf8), "otter.txt")
    #expect(
      text == """
        Speaker 1: So thanks for joining. Could you tell me how your team labels data?

        Ana Lima: Mostly by hand. Every week we go through the new images, and it takes days, honestly.

        Speaker 1: Why not automate it?

        Ana Lima: We tried. The tool kept mislabelling the outliers.

        Transcribed by https://otter.ai

        """)
    let file = try TranscriptFile(data: Data(Self.otter.utf8), file: "otter.txt", encoding: nil)
    #expect(file.notes == ["merged 5 speaker lines into 4 turns, timestamps dropped"])
  }

  @Test func zoomSavedTranscriptMerges() throws {
    let zoom =
      "[Ana Lima] 10:02:03\nHello everyone.\n[Ben Okoro] 10:02:09\nHi Ana. Shall we start\n"
      + "[Ben Okoro] 10:02:12\nwith the backlog?\n"
    #expect(
      try converted(Data(zoom.utf8), "meeting_saved_closed_caption.txt")
        == "Ana Lima: Hello everyone.\n\nBen Okoro: Hi Ana. Shall we start with the backlog?\n")
  }

  /// Teams' "Download as .docx": a title, date and length, then a paragraph with the speaker
  /// and time above each paragraph said.
  @Test func teamsWordTranscriptMerges() throws {
    let folder = try TempFolder()
    let paragraphs = [
      "Weekly sync-20261201_100212-Meeting Recording", "December 1, 2026, 10:02AM", "12m 3s",
      "Ana Lima   0:03", "Hello everyone, can you hear me?", "Ben Okoro   0:07", "Yes, loud and clear.",
      "Ana Lima   0:09", "Good. So, about the labelling backlog…", "Ana Lima   0:15", "It grew again.",
      "Ana Lima stopped transcription",
    ]
    let body = paragraphs.map { "<w:p><w:r><w:t xml:space=\"preserve\">\($0)</w:t></w:r></w:p>" }.joined()
    let data = try docx(folder, body: body)
    #expect(
      try converted(data, "Weekly sync.docx") == """
        Weekly sync-20261201_100212-Meeting Recording

        December 1, 2026, 10:02AM

        12m 3s

        Ana Lima: Hello everyone, can you hear me?

        Ben Okoro: Yes, loud and clear.

        Ana Lima: Good. So, about the labelling backlog… It grew again.

        Ana Lima stopped transcription

        """)
    let file = try TranscriptFile(data: data, file: "w.docx", encoding: nil)
    #expect(file.notes.last == "merged 4 speaker lines into 3 turns, timestamps dropped")
  }

  /// Prose with times in it, or one speaker line, is left alone.
  @Test(arguments: [
    "We met at  10:30\nand left.\n",
    "Agenda\n\nStart 9:00\nCoffee and intros, then the long part of the day\nwith many lines\nof notes\nand more\n"
      + "End 17:00\nWrap up\nand more notes\nand still more\nnotes\n",
    "Ana Lima  0:09\nHello.\n\nBen  0:03\nTime going backwards is not a transcript.\n",
    "Interview 4 took 1:30:00\nIt went well.\n",
  ])
  func proseStaysProse(text: String) throws {
    #expect(try converted(Data(text.utf8), "notes.txt") == text)
  }

  @Test func timestamps() {
    #expect(SpeakerLines.isTimestamp("0:03") && SpeakerLines.isTimestamp("1:02:03"))
    #expect(SpeakerLines.isTimestamp("00:00:03.450") && SpeakerLines.isTimestamp("12:07"))
    #expect(!SpeakerLines.isTimestamp("3") && !SpeakerLines.isTimestamp("0:3") && !SpeakerLines.isTimestamp("123:00"))
    #expect(!SpeakerLines.isTimestamp("1:02:03:04") && !SpeakerLines.isTimestamp("a:bc"))
  }
}
