import ArgumentParser
import Foundation
import GlossCore
import Interchange

struct Import: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import",
    abstract: "Bring in work from other tools: Delve, REFI-QDA (.qdpx), CSV.",
    subcommands: [ImportDelve.self])
}

struct ImportDelve: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "delve",
    abstract: "Import Delve exports (.txt) as your coding, in one commit.",
    discussion: """
      Blocks are separated by blank lines. '#' headings (speaker turns) stay in the text; a \
      block whose every token is a code name codes the nearest text block before it; the \
      final "Created with the Delve…" line is dropped. Missing codes are created. Ids are \
      derived from coder, document, code and span, so importing again changes nothing. \
      An export without code blocks adds only the document. See docs/interchange.md.

      Examples:
        gloss --as ana import delve interview-34.txt
        gloss --as ana import delve exports/*.txt --dry-run
        gloss --as ana import delve amin.txt --doc-id interview-34
        gloss --as lead import delve interview-34.txt --text-only
      """)

  @OptionGroup var globals: GlobalOptions
  @Argument(help: "Delve export files.") var files: [String]
  @Option(help: "Document id (only with one FILE; default: the file name).") var docId: String?
  @Flag(help: "Import only the transcripts: no codes, no assignments.") var textOnly = false
  @Flag(help: "Show what would be imported without writing anything.") var dryRun = false

  func validate() throws {
    if files.isEmpty { throw ValidationError("give at least one FILE") }
    if docId != nil && files.count > 1 { throw ValidationError("--doc-id works with one FILE only") }
  }

  func run() throws {
    let project = try globals.project()
    let coder = try globals.identity(in: project)
    let inputs = try files.map { file in
      DocumentInput(
        id: docId ?? Identifier.documentID(fromFileName: (file as NSString).lastPathComponent),
        data: try Output.readInput(file, argument: "FILE"), source: file)
    }
    let outcome = try project.importDelve(inputs, as: coder, textOnly: textOnly, dryRun: dryRun)
    switch globals.format {
    case .json:
      Output.print(JSON.lines(outcome.reports.map(\.json)))
    case .table, .csv:
      for report in outcome.reports { Output.print(report.text) }
    }
    if dryRun {
      Output.note("dry run: nothing written")
    } else if let commit = outcome.commit {
      Output.note("committed \(commit.commit.short)")
    } else {
      Output.note("nothing to do: already imported, nothing changed")
    }
  }
}

extension DelveImportReport {
  var json: JSON {
    .object([
      ("file", .string(file)), ("doc", .string(doc)), ("document_added", .bool(documentAdded)),
      ("text_blocks", .int(textBlocks)), ("headings", .int(headings)), ("code_blocks", .int(codeBlocks)),
      ("codes_created", .array(codesCreated.map { .string($0.id) })),
      ("assignments_added", .int(assignmentsAdded)), ("assignments_present", .int(assignmentsPresent)),
      ("normalized", .array(changes.map(JSON.string))),
    ])
  }

  var text: String {
    var lines = ["\(file) -> \(doc)" + (documentAdded ? " (new document)" : " (document already present)")]
    if !changes.isEmpty { lines.append("  normalized:    \(changes.joined(separator: "; "))") }
    lines.append("  text blocks:   \(textBlocks)")
    lines.append("  headings:      \(headings)")
    lines.append("  code blocks:   \(codeBlocks)")
    let codes = codesCreated.map(\.id).joined(separator: ", ")
    lines.append("  codes created: \(codesCreated.count)" + (codes.isEmpty ? "" : " (\(codes))"))
    lines.append(
      "  assignments:   \(assignmentsAdded) added"
        + (assignmentsPresent > 0 ? ", \(assignmentsPresent) already there" : ""))
    return lines.joined(separator: "\n")
  }
}
