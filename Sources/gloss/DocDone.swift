import ArgumentParser
import GlossCore

struct DocDone: GlossCommand {
  static let configuration = CommandConfiguration(
    commandName: "done",
    abstract: "Mark your work on documents finished (agreement then counts you on them).",
    discussion: """
      Writes the empty file annotations/<you>/<doc>.done beside your annotation file, in one \
      commit; it merges and is checked like your assignments. Once anyone has marked a \
      document done, 'gloss agree' counts on it only the coders who did (--include-unfinished \
      counts everyone), so a coder who has not started does not drag agreement down. \
      'gloss doc list' shows who is done. 'gloss doc reopen' takes the mark off.

      Examples:
        gloss --as ana doc done interview-34
        gloss doc done interview-34 interview-35
      """)

  @OptionGroup var globals: GlobalOptions
  @Argument(help: "Document ids on your list.") var docs: [String]

  func check() throws {
    if docs.isEmpty { throw ValidationError("give at least one DOC") }
  }

  func run(_ session: Session) throws {
    let (result, marked, already) = try session.markDone(docs)
    for doc in marked { Output.print("\(session.coder) is done with \(doc)") }
    for doc in already { Output.note("already done: \(doc)") }
    Output.note("committed \(result.commit.short)")
  }
}
