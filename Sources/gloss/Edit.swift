import ArgumentParser
import GlossCore

struct Edit: GlossCommand {
  static let configuration = CommandConfiguration(
    commandName: "edit",
    abstract: "Change one of your assignments in place (it keeps its id).",
    discussion: """
      Examples:
        gloss edit 0193a1c2 --memo "clear case of too little data"
        gloss edit 0193a1c2 --code data-quality --chars 118-245
        gloss edit 0193a1c2 --para 12-13   # or --lines, --quote, as in 'gloss add'
        gloss edit 0193a1c2 --memo ""      # clears the memo
      """)

  static let formats: Set<OutputFormat> = [.table, .json, .csv]
  @OptionGroup var globals: GlobalOptions
  @Argument(help: "Assignment id, its handle (as gloss ls shows it) or a unique prefix.") var id: String
  @Option(help: "New memo (empty clears it).") var memo: String?
  @Option(help: "New code (id or name).") var code: String?
  @OptionGroup(title: "New span (at most one; clears a review mark)") var span: SelectorOptions

  func check() throws {
    if span.given > 1 { throw ValidationError("give at most one of --para, --lines, --chars, --quote") }
  }

  func run(_ session: Session) throws {
    let selector = span.given == 1 ? try span.selector() : nil
    let outcome = try session.editAssignment(
      id: id, edit: AssignmentEdit(memo: memo, code: code, span: selector))
    switch globals.format {
    case .table:
      Output.print("edited \(outcome.after.assignment.id)")
    case .json, .csv:
      Output.print(Output.assignments([outcome.after], format: globals.format))
    }
    Output.note("committed \(outcome.result.commit.short)")
  }
}
