import Foundation
import Testing

/// `gloss doc add` with transcripts in the forms researchers have them (docs/transcripts.md).
@Suite struct TranscriptCommandTests {
  /// A file of Tests/InterchangeTests/Fixtures/transcripts (LibreOffice-made, see its README).
  static func fixture(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("InterchangeTests/Fixtures/transcripts/" + name).path
  }

  @Test func subtitleTurnsAreDocumentsThatCanBeCoded() throws {
    let box = try Sandbox()
    let vtt = try box.write(
      "focus group.vtt",
      "\u{FEFF}WEBVTT\r\n\r\n1\r\n00:00:00.000 --> 00:00:02.000\r\n<v Ana Lima>We label <b>by hand</b>,</v>\r\n\r\n"
        + "2\r\n00:00:02.000 --> 00:00:03.000\r\n<v Ana Lima>every week.</v>\r\n\r\n"
        + "3\r\n00:00:03.000 --> 00:00:04.000\r\n<v Ben Okoro>Which takes days.</v>\r\n")
    let added = try box.gloss("doc", "add", vtt)
    #expect(added.status == 0, "\(added.stderr)")
    #expect(added.stdout == "added focus-group (merged 3 cues into 2 paragraphs by speaker, timestamps dropped)\n")
    #expect(
      try box.read("documents/focus-group.txt")
        == "Ana Lima: We label by hand, every week.\n\nBen Okoro: Which takes days.\n")
    #expect(try box.gloss("code", "add", "Manual-labelling").status == 0)
    #expect(try box.gloss("--as", "ana", "add", "focus-group", "manual-labelling", "--quote", "by hand").status == 0)
    #expect(try box.gloss("--as", "ana", "add", "focus-group", "manual-labelling", "--para", "2").status == 0)
    let listed = try box.gloss("ls", "--format", "json")
    #expect(listed.stdout.contains("\"start\":19,\"end\":26,\"exact\":\"by hand\""))
    #expect(listed.stdout.contains("\"exact\":\"Ben Okoro: Which takes days.\""))
    try box.expectHealthy()
  }

  @Test func wordAndOpenDocumentFiles() throws {
    let box = try Sandbox()
    let added = try box.gloss("doc", "add", Self.fixture("interview-7.docx"), "--id", "docx")
    #expect(added.stdout == "added docx (converted from .docx: 10 paragraphs)\n", "\(added.stderr)")
    #expect(try box.gloss("doc", "add", Self.fixture("interview-7.odt")).status == 0)
    let text = try box.read("documents/docx.txt")
    #expect(try box.read("documents/interview-7.txt") == text)
    #expect(text.hasPrefix("# Interview 7 – Café owner\n\nInterviewer: Thank you for  meeting me.\n\nOwner:"))
    #expect(try box.gloss("code", "add", "Pandemic").status == 0)
    #expect(try box.gloss("--as", "ben", "add", "docx", "pandemic", "--para", "3").status == 0)
    #expect(
      try box.gloss("ls", "--format", "json").stdout.contains(
        "\"exact\":\"Owner: We opened in 2019.\\nThen the pandemic came.\""))
    try box.expectHealthy()
  }

  /// `doc update` reads what `doc add` reads: a corrected .docx replaces a text transcript
  /// and every coder's spans move with it; `--encoding` reads old text files.
  @Test func docUpdateReadsACorrectedWordFile() throws {
    let box = try Sandbox()
    try box.gloss("doc", "add", Self.fixture("interview-7.docx"), "--id", "scratch")
    let corrected = try box.read("documents/scratch.txt")
    let draft = corrected.replacingOccurrences(of: "Thank you for  meeting me.", with: "Thanks.")
      .replacingOccurrences(of: "the pandemic came", with: "the pandemik came")
    #expect(draft != corrected)
    try box.gloss("doc", "add", box.write("interview-7.txt", draft))
    try box.gloss("code", "add", "Pandemic")
    #expect(try box.gloss("--as", "ana", "add", "interview-7", "pandemic", "--quote", "We opened in 2019.").status == 0)
    #expect(try box.gloss("--as", "ben", "add", "interview-7", "pandemic", "--quote", "pandemik").status == 0)
    let before = try box.commitCount()
    let docx = Self.fixture("interview-7.docx")
    let refused = try box.gloss("--as", "lead", "doc", "update", "interview-7", docx, "--encoding", "latin1")
    #expect(refused.status == 1 && refused.stderr.hasPrefix("error: --encoding"), "\(refused.stderr)")
    let run = try box.gloss("--as", "lead", "doc", "update", "interview-7", docx)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.contains("\(docx): converted from .docx: 10 paragraphs"), "\(run.stderr)")
    #expect(run.stdout.contains("updated interview-7") && run.stdout.contains("1 moved, 1 adjusted"), "\(run.stdout)")
    #expect(try box.commitCount() == before + 1)
    #expect(try box.read("documents/interview-7.txt") == corrected)
    #expect(try box.read("annotations/ana/interview-7.jsonl").contains("\"exact\":\"We opened in 2019.\""))
    #expect(try box.read("annotations/ben/interview-7.jsonl").contains("\"exact\":\"pandemic\""))
    try box.expectHealthy()
    // A Windows-1252 text file with --encoding.
    let latin = box.root + "/latin.txt"
    try Data(Array(corrected.replacingOccurrences(of: "Café", with: "Cafe").utf8) + [0x43, 0x61, 0x66, 0xE9, 0x0A])
      .write(to: URL(fileURLWithPath: latin))
    #expect(try box.gloss("--as", "lead", "doc", "update", "interview-7", latin).status == 1)
    let old = try box.gloss("--as", "lead", "doc", "update", "interview-7", latin, "--encoding", "windows-1252")
    #expect(old.status == 0, "\(old.stderr)")
    #expect(try box.read("documents/interview-7.txt").hasSuffix("Caf\u{E9}\n"))
  }

  /// A file that cannot be read stops the whole command: one error line, nothing written.
  @Test func badFilesWriteNothing() throws {
    let box = try Sandbox()
    let before = try box.commitCount()
    let good = try box.write("good.txt", "Fine text.\n")
    let fake = try box.write("fake.docx", "not a zip")
    let refused = try box.gloss("doc", "add", good, fake)
    #expect(refused.status == 1)
    #expect(refused.stderr == "error: \(fake): is not a .docx file (not a zip archive)\n")
    let latin = box.root + "/old notes.txt"
    try Data([0x43, 0x61, 0x66, 0xE9, 0x0D, 0x0A]).write(to: URL(fileURLWithPath: latin))
    let invalid = try box.gloss("doc", "add", latin)
    #expect(
      invalid.stderr
        == "error: \(latin):1: is not valid UTF-8 at byte offset 3 (0xE9); if it was saved in another encoding, "
        + "add it with --encoding windows-1252, latin1 or utf-16\n")
    let srt = try box.write("broken.srt", "1\n00:00:01,000 -> 00:00:02,000\nHi\n")
    #expect(
      try box.gloss("doc", "add", srt).stderr
        == "error: \(srt):2: has a malformed cue timing \"00:00:01,000 -> 00:00:02,000\"\n")
    #expect(try box.commitCount() == before)
    #expect(!FileManager.default.fileExists(atPath: box.path + "/documents/good.txt"))

    #expect(try box.gloss("doc", "add", latin, "--encoding", "koi8-r").status == 64)
    let added = try box.gloss("doc", "add", latin, "--encoding", "CP1252")
    #expect(
      added.stdout
        == "added old-notes (converted from Windows-1252 to UTF-8; converted CRLF/CR line endings to LF)\n")
    #expect(try box.read("documents/old-notes.txt") == "Café\n")
  }

  @Test func utf16FromWindowsTools() throws {
    let box = try Sandbox()
    let file = box.root + "/notepad.txt"
    let text = "Ana: “Größe” matters.\r\n"
    try (Data([0xFF, 0xFE]) + Data(text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }))
      .write(to: URL(fileURLWithPath: file))
    let added = try box.gloss("doc", "add", file)
    #expect(added.stdout == "added notepad (converted from UTF-16LE to UTF-8; converted CRLF/CR line endings to LF)\n")
    #expect(try box.read("documents/notepad.txt") == "Ana: “Größe” matters.\n")
  }

  @Test func delveExportAddedAsTextWarns() throws {
    let box = try Sandbox()
    let added = try box.gloss("doc", "add", Sandbox.example("interview-34.txt"))
    #expect(added.status == 0)
    let warnings = added.stderr.split(separator: "\n").filter { $0.hasPrefix("warning: ") }
    #expect(warnings.count == 1)
    #expect(warnings.first?.contains("looks like a Delve export") == true)
    #expect(warnings.first?.contains("'gloss import delve ") == true)
    let plain = try box.gloss("doc", "add", try box.write("plain.txt", "Just words.\n"))
    #expect(!plain.stderr.contains("warning"))
  }
}
