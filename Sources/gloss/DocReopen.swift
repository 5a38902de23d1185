import ArgumentParser
import GlossCore

struct DocReopen: GlossCommand {
  static let configuration = CommandConfiguration(
    commandName: "reopen",
    abstract: "Take your done mark off documents, to work on them again.",
    discussion: """
      Removes annotations/<you>/<doc>.done in one commit; your assignments stay as they are.

      Examples:
        gloss --as ana doc reopen interview-34
      """)

  @OptionGroup var globals: GlobalOptions
  @Argument(help: "Document ids you marked done.") var docs: [String]

  func check() throws {
    if docs.isEmpty { throw ValidationError("give at least one DOC") }
  }

  func run(_ session: Session) throws {
    let (result, reopened, unchanged) = try session.reopen(docs)
    for doc in reopened { Output.print("\(session.coder) reopens \(doc)") }
    for doc in unchanged { Output.note("not marked done: \(doc)") }
    Output.note("committed \(result.commit.short)")
  }
}
