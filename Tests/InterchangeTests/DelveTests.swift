import Foundation
import Testing

@testable import GlossCore
@testable import Interchange

@Suite struct DelveParseTests {
  @Test func interview34ClassifiesEveryBlock() throws {
    let export = try DelveExport(data: try Fixture.data("interview-34.txt"), file: "interview-34.txt")
    #expect(export.codeBlockCount == 32)
    #expect(export.codings.count == 33)  // one code block holds two codes on one line
    #expect(export.headingCount > 100 && export.textCount > 100)
    #expect(!export.text.contains("Created with the Delve"))
    #expect(!export.text.contains("Data-low-quantity"))
    #expect(export.text.hasPrefix("# Interview 34 - Amin\n\n### Interviewer 1\n\n"))
    #expect(export.text.hasSuffix("Bye. Hi. Hi.\n"))
    let twin = export.blocks.first { $0.codes == ["Data-low-quantity", "Data-low-quantity-fix"] }
    #expect(twin != nil)
    // Every coding covers exactly one paragraph of the stored text: the text block it follows.
    let text = DocumentText(export.text)
    let paragraphs = Set(text.paragraphs)
    for coding in export.codings {
      #expect(paragraphs.contains(coding.start..<coding.end), "coding at line \(coding.line)")
      #expect(!text.slice(coding.start, coding.end).hasPrefix("#"))
    }
    #expect(export.codeNames.count == 7)
    #expect(export.codeNames.contains("tabular-issue"))
  }

  @Test func interview35HasNoCodes() throws {
    let export = try DelveExport(data: try Fixture.data("interview-35.txt"), file: "interview-35.txt")
    #expect(export.codeBlockCount == 0 && export.codings.isEmpty)
    #expect(export.textCount > 100)
  }

  @Test func crlfBomAndNFDGiveTheSameText() throws {
    let original = try String(decoding: Fixture.data("interview-34.txt"), as: UTF8.self)
    let plain = try DelveExport(data: Data(original.utf8), file: "a")
    let crlf = Data([0xEF, 0xBB, 0xBF]) + Data(original.replacingOccurrences(of: "\n", with: "\r\n").utf8)
    let other = try DelveExport(data: crlf, file: "b")
    #expect(other.text == plain.text)
    #expect(other.codings == plain.codings)
    #expect(other.changes.count == 2)
    let nfd =
      "# Entrevista\n\nCafé e\u{301} ação — データ\n\nQualité-données Качество-данных\n\n"
      + "Created with the Delve Qualitative Analysis Tool (http://www.delvetool.com)"
    let decomposed = try DelveExport(data: Data(nfd.decomposedStringWithCanonicalMapping.utf8), file: "c")
    #expect(decomposed.text == "# Entrevista\n\nCafé é ação — データ\n".precomposedStringWithCanonicalMapping)
    #expect(decomposed.codings.map(\.code) == ["Qualité-données", "Качество-данных"])
    let paragraph = try #require(DocumentText(decomposed.text).paragraphs.last)
    #expect(decomposed.codings.allSatisfy { $0.start == paragraph.lowerBound && $0.end == paragraph.upperBound })
  }

  @Test func codeTokensNeedTheCodeShapeOrAKnownName() {
    #expect(DelveExport.looksLikeCode("Data-low-quantity"))
    #expect(DelveExport.looksLikeCode("tabular-issue"))
    #expect(!DelveExport.looksLikeCode("Okay."))
    #expect(!DelveExport.looksLikeCode("bye-bye."))
    #expect(!DelveExport.looksLikeCode("Data--low"))
    #expect(!DelveExport.looksLikeCode("-low"))
    #expect(!DelveExport.looksLikeCode("Word"))
    #expect(DelveExport.codeNames(["Yeah."], isKnownCode: { _ in false }) == nil)
    #expect(DelveExport.codeNames(["Tabular issue"], isKnownCode: { $0 == "Tabular issue" }) == ["Tabular issue"])
    #expect(DelveExport.codeNames(["Data-x", "Data-y Data-x"], isKnownCode: { _ in false }) == ["Data-x", "Data-y"])
  }

  @Test(arguments: [
    ("", "is empty"),
    ("\u{0}\u{1}binary\u{0}", "NUL byte"),
    ("just a transcript\n\nwith two paragraphs\n", "is not a Delve export"),
    ("Data-x\n\nCreated with the Delve Qualitative Analysis Tool", "no text block before it"),
    ("Created with the Delve Qualitative Analysis Tool", "has no transcript text"),
    ("text\u{7}bell\n\nCreated with the Delve Qualitative Analysis Tool", "control characters"),
  ])
  func rejectsWhatIsNotADelveExport(contents: String, message: String) {
    #expect {
      _ = try DelveExport(data: Data(contents.utf8), file: "bad.txt")
    } throws: { error in
      let text = (error as? GlossError)?.errorDescription ?? ""
      return text.hasPrefix("bad.txt") && text.contains(message)
    }
  }

  @Test func rejectsInvalidUTF8() {
    #expect(throws: GlossError.self) {
      _ = try DelveExport(data: Data([0x41, 0xFF, 0xFE, 0x0A]), file: "bad.txt")
    }
  }
}

@Suite struct DelveImportTests {
  func input(_ name: String, id: String? = nil, data: Data? = nil) throws -> DocumentInput {
    DocumentInput(
      id: id ?? Identifier.documentID(fromFileName: name), data: try data ?? Fixture.data(name), source: name)
  }

  @Test func importsBothExportsInOneCommitAndAgainChangesNothing() throws {
    let folder = try TempFolder()
    let project = try folder.project()
    try project.leadImportsTranscripts([input("interview-34.txt"), input("interview-35.txt")])
    let before = try head(project)
    let outcome = try project.session(as: "ana").importDelve([input("interview-34.txt"), input("interview-35.txt")])
    #expect(outcome.commit != nil)
    let snapshot = try project.snapshot()
    #expect(try snapshot.documentIDs() == ["interview-34", "interview-35"])
    #expect(try snapshot.codebook().codes.count == 7)
    let records = try #require(try snapshot.annotations(coder: "ana", doc: "interview-34"))
    #expect(records.count == 33)
    #expect(try snapshot.annotations(coder: "ana", doc: "interview-35") == nil)
    let text = try snapshot.requireDocument("interview-34")
    for record in records {
      #expect(text.paragraphs.contains(record.start..<record.end))
      #expect(record.exact == text.slice(record.start, record.end))
      #expect(record.id.dropFirst(14).first == "5")
    }
    #expect(outcome.reports[0].codesCreated.count == 7 && outcome.reports[0].assignmentsAdded == 33)
    let tipOid = try #require(try project.repository.headCommit())
    let message = try project.repository.commit(tipOid).message
    #expect(message.contains("Gloss-Coder: ana"))
    #expect(try head(project) != before)

    let tip = try head(project)
    let again = try project.session(as: "ana").importDelve([input("interview-34.txt"), input("interview-35.txt")])
    #expect(again.commit == nil)
    #expect(again.reports[0].assignmentsPresent == 33 && again.reports[0].assignmentsAdded == 0)
    #expect(try head(project) == tip)
  }

  @Test func dryRunWritesNothing() throws {
    let folder = try TempFolder()
    let project = try folder.project()
    try project.leadImportsTranscripts([input("interview-34.txt")])
    let tip = try head(project)
    let outcome = try project.session(as: "ana").importDelve([input("interview-34.txt")], dryRun: true)
    #expect(outcome.commit == nil)
    #expect(outcome.reports[0].assignmentsAdded == 33 && outcome.reports[0].codesCreated.count == 7)
    #expect(try head(project) == tip)
  }

  @Test func textOnlyThenEachCoderImportsOntoTheSameDocument() throws {
    let folder = try TempFolder()
    let project = try folder.project()
    try project.session(as: "lead").importDelve([input("interview-34.txt")], textOnly: true)
    #expect(try project.snapshot().annotationFiles().isEmpty)
    #expect(try project.snapshot().codebook().codes.isEmpty)
    try project.session(as: "ana").importDelve([input("interview-34.txt")])
    try project.session(as: "ben").importDelve([input("interview-34.txt")])
    let ana = try #require(try project.snapshot().annotations(coder: "ana", doc: "interview-34"))
    let ben = try #require(try project.snapshot().annotations(coder: "ben", doc: "interview-34"))
    #expect(ana.map(\.key) == ben.map(\.key))
    #expect(Set(ana.map(\.id)).isDisjoint(with: ben.map(\.id)))  // ids unique repository-wide
  }

  @Test func aCodersImportOfANewDocumentIsRefusedWithTheLeadsCommand() throws {
    let folder = try TempFolder()
    let project = try folder.project()
    let tip = try head(project)
    for dryRun in [false, true] {
      #expect {
        try project.session(as: "ana").importDelve([input("interview-34.txt")], dryRun: dryRun)
      } throws: { error in
        (error as? GlossError)?.errorDescription
          == "documents/interview-34.txt is new, and only leads add documents: a lead (lead) imports the "
          + "transcripts first (gloss import delve FILE --text-only); then ana's import adds ana's coding to them"
      }
    }
    #expect(try head(project) == tip)
    try project.leadImportsTranscripts([input("interview-34.txt")])
    let before = try project.snapshot().tree
    let outcome = try project.session(as: "ana").importDelve([input("interview-34.txt")])
    #expect(outcome.reports[0].assignmentsAdded == 33 && !outcome.reports[0].documentAdded)
    // Onto the lead's documents, the coder's import writes only ana's folder and new codes.
    let changed = try project.repository.changedFiles(from: before, to: project.snapshot().tree).map(\.path)
    #expect(changed.sorted() == [Codebook.path, Layout.annotation(coder: "ana", doc: "interview-34")].sorted())
  }

  @Test func crlfAndBomVariantImportsIdempotentlyOverTheOriginal() throws {
    let folder = try TempFolder()
    let project = try folder.project()
    try project.leadImportsTranscripts([input("interview-34.txt")])
    try project.session(as: "ana").importDelve([input("interview-34.txt")])
    let original = try Fixture.data("interview-34.txt")
    let windows =
      Data([0xEF, 0xBB, 0xBF])
      + Data(
        String(decoding: original, as: UTF8.self)
          .replacingOccurrences(of: "\n", with: "\r\n").utf8)
    let again = try project.session(as: "ana").importDelve([input("interview-34.txt", data: windows)])
    #expect(again.commit == nil)
  }

  @Test func badFilesFailWithTheirNameAndNoCommit() throws {
    let folder = try TempFolder()
    let project = try folder.project()
    let tip = try head(project)
    #expect {
      try project.session(as: "ana").importDelve(
        [input("interview-34.txt"), input("notes.txt", data: Data("plain notes\n".utf8))])
    } throws: { error in
      (error as? GlossError)?.errorDescription?.hasPrefix("notes.txt:") == true
    }
    #expect(throws: GlossError.self) {
      try project.session(as: "ana").importDelve([input("empty.txt", data: Data())])
    }
    #expect(throws: GlossError.self) {
      try project.session(as: "consensus").importDelve([input("interview-34.txt")])
    }
    #expect(try head(project) == tip)
  }

  @Test func aDifferentTextUnderTheSameIdIsRefused() throws {
    let folder = try TempFolder()
    let project = try folder.project()
    try project.leadImportsTranscripts([input("interview-34.txt")])
    try project.session(as: "ana").importDelve([input("interview-34.txt")])
    let other = Data("# Other\n\nText\n\nCreated with the Delve Qualitative Analysis Tool".utf8)
    #expect {
      try project.session(as: "ana").importDelve([input("x.txt", id: "interview-34", data: other)])
    } throws: { error in
      (error as? GlossError)?.errorDescription?.contains("already exists with different text") == true
    }
  }

  @Test func codesWithoutLatinLettersGetHashIds() throws {
    let folder = try TempFolder()
    let project = try folder.project()
    let export = "# Интервью\n\nДанные плохие.\n\nКачество-данных\n\nCreated with the Delve Qualitative Analysis Tool"
    try project.leadImportsTranscripts([input("ru.txt", data: Data(export.utf8))])
    let outcome = try project.session(as: "ana").importDelve([input("ru.txt", data: Data(export.utf8))])
    let code = try #require(outcome.reports[0].codesCreated.first)
    #expect(code.name == "Качество-данных" && code.id.hasPrefix("code-") && Identifier.isCode(code.id))
    let records = try #require(try project.snapshot().annotations(coder: "ana", doc: "ru"))
    #expect(records.map(\.exact) == ["Данные плохие."])
  }
}
