import ArgumentParser
import Foundation
import GlossCore

struct Add: GlossCommand {
  static let configuration = CommandConfiguration(
    commandName: "add",
    abstract: "Assign a code to a span of a document.",
    discussion: """
      Prints the new assignment's id. --quote must match exactly once; otherwise gloss lists \
      the matches. With --batch, each line of FILE (or standard input for -) is a JSON object \
      {"doc","code","start","end"[,"memo"]} (or "quote" instead of start/end); all are added \
      in one commit, or none.

      Examples:
        gloss add interview-34 data-low-quantity --para 12
        gloss add interview-34 tabular-issue --quote "the weather state" --memo "sensor data"
        gloss add interview-34 data-low-quantity --chars 120-245
        gloss add --batch codes.jsonl
      """)

  static let formats: Set<OutputFormat> = [.table, .json, .csv]
  @OptionGroup var globals: GlobalOptions
  @Argument(help: "Document id.") var doc: String?
  @Argument(help: "Code id or name.") var code: String?
  @OptionGroup var span: SelectorOptions
  @Option(help: "A note on why this code applies.") var memo: String?
  @Option(help: ArgumentHelp("Add many assignments from JSON lines (- for stdin).", valueName: "FILE"))
  var batch: String?

  func check() throws {
    if batch != nil {
      if doc != nil || code != nil || span.given > 0 || memo != nil {
        throw ValidationError("--batch takes no DOC, CODE, selector or --memo")
      }
      return
    }
    guard doc != nil, code != nil else { throw ValidationError("give DOC and CODE (or --batch FILE)") }
    if span.given != 1 {
      throw ValidationError("choose the span with exactly one of --para, --lines, --chars, --quote")
    }
  }

  func run(_ session: Session) throws {
    Session.readObjectsForOneCommit()
    let requests: [AssignmentRequest]
    if let batch {
      let data = try Output.readInput(batch, argument: "--batch")
      requests = try Project.parseBatch(data, source: batch == "-" ? "<stdin>" : batch)
    } else if let doc, let code {
      requests = [AssignmentRequest(doc: doc, code: code, span: try span.selector(), memo: memo)]
    } else {
      throw ValidationError("give DOC and CODE (or --batch FILE)")
    }
    let (result, added) = try session.addAssignments(requests)
    switch globals.format {
    case .table: added.forEach { Output.print($0.assignment.id) }
    case .json, .csv: Output.print(Output.assignments(added, format: globals.format))
    }
    Output.note("committed \(result.commit.short)")
  }
}
