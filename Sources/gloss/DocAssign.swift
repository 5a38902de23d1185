import ArgumentParser
import GlossCore

struct DocAssign: GlossCommand {
  static let configuration = CommandConfiguration(
    commandName: "assign",
    abstract: "Put documents on coders' lists (creates their empty annotation files).",
    discussion: """
      An empty annotation file means "coded, nothing assigned"; agreement then counts the \
      coder's silence as zeros instead of missing data.

      Examples:
        gloss doc assign interview-34 interview-35 --to ana ben
      """)

  @OptionGroup var globals: GlobalOptions
  @Argument(help: "Document ids.") var docs: [String]
  @Option(parsing: .upToNextOption, help: "Coders to assign the documents to.") var to: [String]

  func check() throws {
    if docs.isEmpty { throw ValidationError("give at least one DOC") }
    if to.isEmpty { throw ValidationError("give the coders with --to") }
  }

  func run(_ session: Session) throws {
    let (result, created, existing) = try session.assignDocuments(docs, to: splitList(to))
    for path in created { Output.print("created \(path)") }
    for path in existing { Output.note("already there: \(path)") }
    Output.note("committed \(result.commit.short)")
  }
}
