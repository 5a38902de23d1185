import ArgumentParser
import GlossCore

struct Undo: GlossCommand {
  static let configuration = CommandConfiguration(
    commandName: "undo",
    abstract: "Take back your own last gloss commit, as a new commit.",
    discussion: """
      Restores the files your last commit on this branch changed, in a new commit (history \
      keeps both). Run it again to go further back. Refused when someone changed those \
      files since (another coder, a lead's doc update, a merge): then fix it with rm or edit.

      Examples:
        gloss --as ana undo
      """)

  @OptionGroup var globals: GlobalOptions

  func run(_ session: Session) throws {
    let outcome = try session.undoLast()
    Output.print("undid \(outcome.undone) \(outcome.summary)")
    Output.note("committed \(outcome.result.commit.short)")
  }
}
