import ArgumentParser
import Foundation
import GlossCore

struct DocAdd: GlossCommand {
  static let configuration = CommandConfiguration(
    commandName: "add",
    abstract: "Add transcripts.",
    discussion: """
      Each FILE becomes documents/<id>.txt, stored as UTF-8 without BOM, NFC, LF line \
      endings; gloss says what it changed. The id is the file name without its extension.

      Examples:
        gloss doc add interviews/*.txt
        gloss doc add raw/amin.txt --id interview-34
      """)

  @OptionGroup var globals: GlobalOptions
  @Argument(help: "Transcript files (UTF-8 text).") var files: [String]
  @Option(help: "Document id (only with one FILE).") var id: String?

  func check() throws {
    if files.isEmpty { throw ValidationError("give at least one FILE") }
    if id != nil && files.count > 1 { throw ValidationError("--id works with one FILE only") }
  }

  func run(_ session: Session) throws {
    let inputs = try files.map { try DocumentInput(file: $0, id: id) }
    let (result, changes) = try session.addDocuments(inputs)
    for (doc, notes) in changes {
      Output.print("added \(doc)" + (notes.isEmpty ? "" : " (\(notes.joined(separator: "; ")))"))
    }
    Output.note("committed \(result.commit.short)")
  }
}
