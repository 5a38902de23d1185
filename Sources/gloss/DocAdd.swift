import ArgumentParser
import Foundation
import GlossCore
import Interchange

extension TextEncoding: ExpressibleByArgument {
  public init?(argument: String) { self.init(name: argument) }
}

struct DocAdd: GlossCommand {
  static let configuration = CommandConfiguration(
    commandName: "add",
    abstract: "Add transcripts.",
    discussion: """
      Each FILE becomes documents/<id>.txt, stored as UTF-8 without BOM, NFC, LF line \
      endings; gloss says what it changed. The id is the file name without its extension.

      FILE may be plain text (.txt, .md; UTF-8, or UTF-16 with a byte-order mark; \
      --encoding for others), a Word or OpenDocument file (.docx, .odt: paragraphs, headings \
      as '#' lines, a table row per paragraph) or a subtitle transcript (.vtt, .srt from \
      Zoom, Teams or Otter: cues merged into 'Speaker: text' turns, timestamps dropped); \
      text and Word transcripts with a 'Name  0:03' line above each turn (Otter, Teams, \
      Zoom) are merged the same way. See docs/transcripts.md.

      Examples:
        gloss doc add interviews/*.txt
        gloss doc add raw/amin.txt --id interview-34
        gloss doc add zoom/focus-group.vtt interviews/ana.docx
        gloss doc add old/notes.txt --encoding windows-1252
      """)

  @OptionGroup var globals: GlobalOptions
  @Argument(help: "Transcript files (.txt, .md, .docx, .odt, .vtt, .srt).") var files: [String]
  @Option(help: "Document id (only with one FILE).") var id: String?
  @Option(help: "Encoding of text files without a byte-order mark.")
  var encoding: TextEncoding?

  func check() throws {
    if files.isEmpty { throw ValidationError("give at least one FILE") }
    if id != nil && files.count > 1 { throw ValidationError("--id works with one FILE only") }
  }

  func run(_ session: Session) throws {
    var notes: [String: [String]] = [:]
    var warnings: [String] = []
    let inputs = try files.map { file in
      let raw = try DocumentInput(file: file, id: id)
      let transcript = try TranscriptFile(data: raw.data, file: file, encoding: encoding)
      warnings += transcript.warnings
      notes[raw.id] = transcript.notes
      return DocumentInput(id: raw.id, data: transcript.data, source: file)
    }
    let (result, changes) = try session.addDocuments(inputs)
    for (doc, normalized) in changes {
      let all = (notes[doc] ?? []) + normalized
      Output.print("added \(doc)" + (all.isEmpty ? "" : " (\(all.joined(separator: "; ")))"))
    }
    for warning in warnings { Output.note("warning: \(warning)") }
    Output.note("committed \(result.commit.short)")
  }
}
