import Foundation
import GlossCore
import Testing

@testable import Interchange

/// Files as other tools really write them (issue 16): NVivo's `Sources/` and UTF-16
/// positions, QualCoder's CRLF "MAXQDA line endings" and annotations, qc 1.3.2's bare
/// `plainTextPath`, repeated code names, and sizes that must not take quadratic time.
@Suite struct REFIQDAProducerTests {
  static let user = "11111111-1111-1111-1111-111111111111"
  static let code = "22222222-2222-2222-2222-222222222222"

  /// A project.qde around `sources` (TextSource elements) with one code `C` unless `codes`.
  static func qde(
    origin: String = "", codes: String? = nil, users: String? = nil, _ sources: String, notes: String = ""
  )
    -> Data
  {
    Data(
      """
      <?xml version="1.0" encoding="UTF-8"?>
      <Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="\(origin)">
        \(users ?? "<Users><User guid=\"\(user)\" name=\"Ana Lima\" id=\"ana\"/></Users>")
        <CodeBook><Codes>\(codes ?? "<Code guid=\"\(code)\" name=\"C\" isCodable=\"true\"/>")</Codes></CodeBook>
        <Sources>\(sources)</Sources>
        \(notes)
      </Project>
      """.utf8)
  }

  /// A PlainTextSelection with one Coding of `code` by the test user.
  static func selection(_ start: Int, _ end: Int, code: String = code, guid: String = UUID().uuidString) -> String {
    """
    <PlainTextSelection guid="\(guid)" startPosition="\(start)" endPosition="\(end)" creatingUser="\(user)">
      <Coding guid="\(UUID().uuidString)" creatingUser="\(user)"><CodeRef targetGUID="\(code)"/></Coding>
    </PlainTextSelection>
    """
  }

  /// Imports as the lead (documents) and returns the lead's records of `doc`.
  func importAsLead(
    _ entries: [(String, Data)], positions: PositionReading? = nil, in folder: TempFolder, project: Project
  ) throws -> QDPXImportReport {
    let url = try folder.zip("in-\(UUID().uuidString).qdpx", entries)
    return try project.session(as: "lead").importQDPX(url, source: "in.qdpx", user: "ana", positions: positions)
      .report
  }

  func exacts(_ project: Project, coder: String = "ana", doc: String) throws -> [String] {
    try (project.snapshot().annotations(coder: coder, doc: doc) ?? []).sorted { $0.start < $1.start }.map(\.exact)
  }

  /// NVivo for Windows: `Sources/`, a BOM, CRLF, and UTF-16 positions after an emoji.
  @Test func nvivoForWindowsCapitalSourcesFolder() throws {
    let folder = try TempFolder()
    let project = try folder.project()
    let guid = "44444444-4444-4444-4444-444444444444"
    let source = """
      <TextSource guid="\(guid)" name="Interview A" plainTextPath="internal://\(guid).txt">\(Self.selection(0, 5))\
      \(Self.selection(9, 14))</TextSource>
      """
    let text = Data([0xEF, 0xBB, 0xBF] + Array("Hello 😀 world\r\nbye\r\n".utf8))
    let report = try importAsLead(
      [("project.qde", Self.qde(origin: "NVivo 12.6", source)), ("Sources/\(guid).txt", text)],
      in: folder, project: project)
    #expect(report.documentsAdded == ["Interview-A"] && report.skippedSources.isEmpty)
    #expect(report.positions.map(\.reading) == [.utf16])
    #expect(try exacts(project, coder: "lead", doc: "Interview-A") == ["Hello", "world"])
    #expect(try project.snapshot().requireDocument("Interview-A").string == "Hello 😀 world\nbye\n")
  }

  /// NVivo counts UTF-16 units: after an emoji every code point position is one short.
  static let emojiText = "Great 😀 day. We laughed 😂😂 a lot and then went home 🏠 happily."

  /// Where `word` is in `text`, in UTF-16 units (the test's words are all there).
  static func utf16Positions(of word: String, in text: String) -> (Int, Int) {
    let range = text.range(of: word) ?? text.startIndex..<text.startIndex
    return (
      text.utf16.distance(from: text.startIndex, to: range.lowerBound),
      text.utf16.distance(from: text.startIndex, to: range.upperBound)
    )
  }

  func emojiSources(origin: String) -> Data {
    let words = ["day", "a lot", "went home", "happily"]
    let selections = words.map { word -> String in
      let (start, end) = Self.utf16Positions(of: word, in: Self.emojiText)
      return Self.selection(start, end)
    }.joined()
    return Self.qde(
      origin: origin,
      """
      <TextSource guid="44444444-4444-4444-4444-444444444444" name="d">
        <PlainTextContent>\(Self.emojiText)</PlainTextContent>\(selections)
      </TextSource>
      """)
  }

  @Test(arguments: ["NVivo 12.7 (Mac)", ""])
  func utf16PositionsAreReadAsUTF16(origin: String) throws {
    let folder = try TempFolder()
    let project = try folder.project()
    let report = try importAsLead([("project.qde", emojiSources(origin: origin))], in: folder, project: project)
    #expect(try exacts(project, coder: "lead", doc: "d") == ["day", "a lot", "went home", "happily"])
    #expect(report.positions.map(\.reading) == [.utf16])
    #expect(report.positions.first?.reason.contains("8 of 8 selection ends on word boundaries") == true)
  }

  /// `--positions codepoints` reads NVivo's UTF-16 positions as code points: the last
  /// selection then ends beyond the text, and its report line says how positions were counted.
  @Test func positionsOverrideWins() throws {
    let folder = try TempFolder()
    let project = try folder.project()
    let report = try importAsLead(
      [("project.qde", emojiSources(origin: "NVivo"))], positions: .codepoints, in: folder, project: project)
    #expect(report.positions.map(\.reading) == [.codepoints])
    #expect(report.positions.first?.reason == "as asked with --positions")
    #expect(report.assignmentsAdded == 3 && report.outsideText.count == 1)
    #expect(report.outsideText.first?.contains("counted as codepoints") == true)
    // Read as asked, the three that fit are shifted off the words: the user's choice.
    #expect(try exacts(project, coder: "lead", doc: "d") != ["day", "a lot", "went home"])
  }

  @Test func codePointsStayCodePointsWithEmoji() throws {
    let folder = try TempFolder()
    let project = try folder.project()
    func cp(_ word: String) -> (Int, Int) {
      let (start, _) = Self.utf16Positions(of: word, in: Self.emojiText)
      let prefix = String(Self.emojiText.utf16.prefix(start))!
      let s = prefix.unicodeScalars.count
      return (s, s + word.unicodeScalars.count)
    }
    let selections = ["went home", "happily"].map { cp($0) }.map { Self.selection($0.0, $0.1) }.joined()
    let data = Self.qde(
      origin: "QualCoder 3.6",
      """
      <TextSource guid="44444444-4444-4444-4444-444444444444" name="d">
        <PlainTextContent>\(Self.emojiText)</PlainTextContent>\(selections)
      </TextSource>
      """)
    let report = try importAsLead([("project.qde", data)], in: folder, project: project)
    #expect(try exacts(project, coder: "lead", doc: "d") == ["went home", "happily"])
    #expect(report.positions.map(\.reading) == [.codepoints])
  }

  /// QualCoder's "MAXQDA line endings": CRLF text, positions counted as if lines ended in LF.
  @Test func crlfTextWithPositionsWithoutCR() throws {
    let folder = try TempFolder()
    let project = try folder.project()
    let lf = "First line here\nSecond line there\nThird line everywhere\n"
    let crlf = lf.replacingOccurrences(of: "\n", with: "\r\n")
    func at(_ word: String) -> (Int, Int) {
      let range = lf.range(of: word) ?? lf.startIndex..<lf.startIndex
      return (
        lf.distance(from: lf.startIndex, to: range.lowerBound), lf.distance(from: lf.startIndex, to: range.upperBound)
      )
    }
    let selections = ["Second", "there", "Third line", "everywhere"].map(at).map { Self.selection($0.0, $0.1) }.joined()
    let guid = "44444444-4444-4444-4444-444444444444"
    let data = Self.qde(
      origin: "QualCoder 3.5",
      "<TextSource guid=\"\(guid)\" name=\"d\" plainTextPath=\"internal://\(guid).txt\">\(selections)</TextSource>")
    var bytes = Data([0xEF, 0xBB, 0xBF])
    bytes.append(Data(crlf.utf8))
    let report = try importAsLead(
      [("project.qde", data), ("sources/\(guid).txt", bytes)], in: folder, project: project)
    #expect(try exacts(project, coder: "lead", doc: "d") == ["Second", "there", "Third line", "everywhere"])
    #expect(report.positions.map(\.reading) == [.codepointsWithoutCR])
    #expect(try project.snapshot().requireDocument("d").string == lf)
  }

  /// A selection of only the CR of a CRLF (or half an emoji) covers nothing once the text
  /// is stored: it is counted and named, never dropped in silence.
  @Test func selectionsThatCoverNothingAreReported() throws {
    let folder = try TempFolder()
    let project = try folder.project()
    let data = Self.qde(
      "<TextSource guid=\"44444444-4444-4444-4444-444444444444\" name=\"d\">"
        + "<PlainTextContent>Hello&#13;\nworld</PlainTextContent>" + Self.selection(0, 5) + Self.selection(5, 6)
        + "</TextSource>")
    let report = try importAsLead([("project.qde", data)], in: folder, project: project)
    #expect(report.assignmentsAdded == 1 && report.unreadable == ["\"d\" 5-6"])
  }

  @Test func sameNamedCodesUnderDifferentParentsStayApart() throws {
    let folder = try TempFolder()
    let project = try folder.project()
    let (positive, negative, e1, e2) = (
      "a0000000-0000-0000-0000-000000000001", "a0000000-0000-0000-0000-000000000002",
      "a0000000-0000-0000-0000-000000000003", "a0000000-0000-0000-0000-000000000004"
    )
    let codes = """
      <Code guid="\(positive)" name="Positive"><Code guid="\(e1)" name="Emotion"/></Code>
      <Code guid="\(negative)" name="Negative"><Code guid="\(e2)" name="Emotion"/>
        <Code guid="a0000000-0000-0000-0000-000000000005" name="Negative"/></Code>
      """
    let data = Self.qde(
      codes: codes,
      """
      <TextSource guid="44444444-4444-4444-4444-444444444444" name="d">
        <PlainTextContent>good bad</PlainTextContent>\(Self.selection(0, 4, code: e1))\(Self.selection(5, 8, code: e2))
      </TextSource>
      """)
    let url = try folder.zip("codes.qdpx", [("project.qde", data)])
    let (report, _) = try project.session(as: "lead").importQDPX(url, source: "codes.qdpx", user: "ana")
    let book = try project.snapshot().codebook()
    #expect(book.code("emotion-positive")?.name == "Emotion (Positive)")
    #expect(book.code("emotion-positive")?.parent == "positive")
    #expect(book.code("emotion-negative")?.parent == "negative")
    #expect(book.code("negative-negative")?.name == "Negative (Negative)")
    #expect(report.codesCreated.count == 5)
    let records = try #require(try project.snapshot().annotations(coder: "lead", doc: "d"))
    #expect(Set(records.map(\.code)) == ["emotion-positive", "emotion-negative"])
    // Importing again finds every code: nothing new.
    let again = try project.session(as: "lead").importQDPX(url, source: "codes.qdpx", user: "ana")
    #expect(again.report.codesCreated.isEmpty && again.commit == nil)
  }

  /// qc 1.3.2 writes `plainTextPath="sources/…"` without `internal://`.
  @Test(arguments: ["sources/X.txt", "X.txt", "Sources/X.txt"])
  func plainTextPathWithoutInternalPrefix(path: String) throws {
    let folder = try TempFolder()
    let project = try folder.project()
    let data = Self.qde(
      origin: "qc",
      "<TextSource guid=\"44444444-4444-4444-4444-444444444444\" name=\"X.txt\" plainTextPath=\"\(path)\">"
        + Self.selection(0, 5) + Self.selection(6, 11) + "</TextSource>")
    let report = try importAsLead(
      [("project.qde", data), ("sources/X.txt", Data("Hello world".utf8))], in: folder, project: project)
    #expect(report.documentsAdded == ["X"] && report.assignmentsAdded == 2)
  }

  @Test func codingsOfASkippedSourceAreCounted() throws {
    let folder = try TempFolder()
    let project = try folder.project()
    let data = Self.qde(
      "<TextSource guid=\"44444444-4444-4444-4444-444444444444\" name=\"far\" plainTextPath=\"absolute://C:/x.txt\">"
        + Self.selection(0, 5) + Self.selection(6, 11) + "</TextSource>")
    let report = try importAsLead([("project.qde", data)], in: folder, project: project)
    #expect(
      report.skippedSources == [
        "TextSource \"far\" (its text absolute://C:/x.txt is not in the archive; 2 codings not imported)"
      ])
  }

  @Test func userByIDAttributeIsAccepted() throws {
    let folder = try TempFolder()
    let project = try folder.project()
    let data = Self.qde(
      users: "<Users><User guid=\"\(Self.user)\" name=\"Ana Lima\" id=\"AL\"/></Users>",
      "<TextSource guid=\"44444444-4444-4444-4444-444444444444\" name=\"d\"><PlainTextContent>Hello world</PlainTextContent>"
        + Self.selection(0, 5) + "</TextSource>")
    let url = try folder.zip("u.qdpx", [("project.qde", data)])
    let (report, _) = try project.session(as: "lead").importQDPX(url, source: "u.qdpx", user: "AL")
    #expect(report.user == "Ana Lima" && report.assignmentsAdded == 1)
  }

  /// A qc re-export names the document `interview-34.txt`: the same text, the same document.
  @Test func textExtensionsAreDropped() throws {
    let folder = try TempFolder()
    let project = try folder.project()
    let first = Self.qde(
      "<TextSource guid=\"44444444-4444-4444-4444-444444444444\" name=\"interview-34\"><PlainTextContent>Hello world</PlainTextContent></TextSource>"
    )
    _ = try importAsLead([("project.qde", first)], in: folder, project: project)
    let again = Self.qde(
      "<TextSource guid=\"55555555-4444-4444-4444-444444444444\" name=\"interview-34.txt\"><PlainTextContent>Hello world</PlainTextContent>"
        + Self.selection(0, 5) + "</TextSource>")
    let report = try importAsLead([("project.qde", again)], in: folder, project: project)
    #expect(report.documentsAdded.isEmpty && report.assignmentsAdded == 1)
    #expect(try project.snapshot().documentIDs() == ["interview-34"])
  }

  /// QualCoder writes an annotation as a Note with its own selection, referred to by the source.
  @Test func annotationsGetAReportLine() throws {
    let folder = try TempFolder()
    let project = try folder.project()
    let note = "99999999-9999-9999-9999-999999999999"
    let data = Self.qde(
      "<TextSource guid=\"44444444-4444-4444-4444-444444444444\" name=\"d\"><PlainTextContent>Hello world</PlainTextContent>"
        + Self.selection(0, 5) + "<NoteRef targetGUID=\"\(note)\"/></TextSource>",
      notes: """
        <Notes><Note guid="\(note)" creatingUser="\(Self.user)"><PlainTextContent>an aside</PlainTextContent>
        <PlainTextSelection guid="98999999-9999-9999-9999-999999999999" startPosition="6" endPosition="11"/></Note></Notes>
        """)
    let report = try importAsLead([("project.qde", data)], in: folder, project: project)
    #expect(report.annotations == ["\"d\" 6-11"])
    #expect(report.assignmentsAdded == 1)
  }

  @Test func codeIDsTransliterate() throws {
    #expect(Identifier.readableSlug("Émotion & ambivalence") == "emotion-ambivalence")
    #expect(Identifier.readableSlug("Első ötlet") == "elso-otlet")
    #expect(Identifier.readableSlug("Straße Æsir Øre Łódź") == "strasse-aesir-ore-lodz")
    #expect(Identifier.slug("Émotion") == "motion")  // the old slug stays for coder names from git
    let folder = try TempFolder()
    let project = try folder.project()
    let data = Self.qde(
      codes: "<Code guid=\"\(Self.code)\" name=\"Émotion &amp; ambivalence\"/>",
      "<TextSource guid=\"44444444-4444-4444-4444-444444444444\" name=\"d\"><PlainTextContent>Hello world</PlainTextContent>"
        + Self.selection(0, 5) + "</TextSource>")
    let report = try importAsLead([("project.qde", data)], in: folder, project: project)
    #expect(report.codesCreated.map(\.id) == ["emotion-ambivalence"])
  }

  /// Many codings on one source: each add scanned (and copied) the records added before,
  /// so 40,000 codings took minutes; now each is a lookup (12,000 here, in seconds).
  @Test(.timeLimit(.minutes(1))) func manyCodingsOnOneSourceImportInLinearTime() throws {
    let folder = try TempFolder()
    let project = try folder.project()
    let count = 12_000
    let text = String(repeating: "we said so. ", count: count)
    var selections = ""
    for index in 0..<count {
      selections += Self.selection(index * 12, index * 12 + 2, guid: StableID.make("m", [String(index)]))
    }
    let data = Self.qde(
      "<TextSource guid=\"44444444-4444-4444-4444-444444444444\" name=\"many\"><PlainTextContent>\(text)"
        + "</PlainTextContent>\(selections)</TextSource>")
    let clock = ContinuousClock()
    let started = clock.now
    let report = try importAsLead([("project.qde", data)], in: folder, project: project)
    let elapsed = clock.now - started
    #expect(report.assignmentsAdded == count)
    #expect(elapsed < .seconds(20), "took \(elapsed)")
  }

  /// A project.qde over 10 MB (an inline 11 MB text here; some 30,000 codings do the same)
  /// was refused as "not well-formed XML" by libxml2's input limit; it is read as a stream.
  @Test func projectFilesOver10MBAreRead() throws {
    let folder = try TempFolder()
    let project = try folder.project()
    let text = String(repeating: "Speaker 1: we talked about the weather and prices.\n", count: 220_000)
    let data = Self.qde(
      "<TextSource guid=\"44444444-4444-4444-4444-444444444444\" name=\"big\"><PlainTextContent>\(text)"
        + "</PlainTextContent>\(Self.selection(11, 13))</TextSource>")
    #expect(data.count > 11_000_000)
    let report = try importAsLead([("project.qde", data)], in: folder, project: project)
    #expect(report.assignmentsAdded == 1 && report.documentsAdded == ["big"])
    #expect(try exacts(project, coder: "lead", doc: "big") == ["we"])
  }

  /// The import is linear in the size of a source: a 3 MB text with thousands of
  /// selections and emoji (so positions are mapped and detected) imports in seconds.
  @Test(.timeLimit(.minutes(1))) func bigSourceImportsInLinearTime() throws {
    let folder = try TempFolder()
    let project = try folder.project()
    // Every other line in NFD (as macOS writes), so both ways of mapping run at scale.
    let lines = [
      "Speaker 1: we talked about the weather 😀 and then about café prices.\r\n",
      "Speaker 2: we talked about the weather 😀 and then about cafe\u{301} prices.\r\n",
    ]
    let count = 40_000
    let text = String(repeating: lines.joined(), count: count / 2)
    let pairUnits = lines.joined().utf16.count
    var selections = ""
    for index in stride(from: 0, to: count, by: 40) {
      let start = index / 2 * pairUnits + 11
      selections += Self.selection(start, start + 2, guid: StableID.make("t", [String(index)]))
    }
    let guid = "44444444-4444-4444-4444-444444444444"
    let data = Self.qde(
      origin: "NVivo 14",
      "<TextSource guid=\"\(guid)\" name=\"big\" plainTextPath=\"internal://\(guid).txt\">\(selections)</TextSource>")
    let clock = ContinuousClock()
    let started = clock.now
    let report = try importAsLead(
      [("project.qde", data), ("sources/\(guid).txt", Data(text.utf8))], in: folder, project: project)
    let elapsed = clock.now - started
    #expect(report.assignmentsAdded == count / 40)
    #expect(report.positions.map(\.reading) == [.utf16])
    #expect(try exacts(project, coder: "lead", doc: "big").allSatisfy { $0 == "we" })
    #expect(elapsed < .seconds(25), "took \(elapsed)")
  }
}
