import ArgumentParser
import GlossCore

struct DocList: ProjectCommand {
  static let configuration = CommandConfiguration(
    commandName: "list",
    abstract: "List documents with their size, coders, and who is done with them.",
    discussion: """
      DONE names the coders who marked the document done ('gloss doc done'); under blind \
      coding a coder sees only their own mark.

      Examples:
        gloss doc list
        gloss doc list --format json
      """)

  static let formats: Set<OutputFormat> = [.table, .json, .csv]
  @OptionGroup var globals: GlobalOptions
  @Option(help: "Revision to read (default: HEAD).") var rev: String?

  func run(_ project: Project) throws {
    // Reads every annotation file and exits: git objects are read without re-hashing.
    Project.readObjectsWithoutRehashing()
    let summaries = try project.documentSummaries(
      at: try project.snapshot(at: rev), policy: try policy(in: project))
    switch globals.format {
    case .json:
      Output.print(JSON.lines(summaries.map(\.json)))
    case .csv:
      Output.print(
        Output.csv(
          ["id", "length", "paragraphs", "coders", "assignments", "done"],
          summaries.map {
            [
              $0.id, String($0.length), String($0.paragraphs), $0.coders.joined(separator: " "),
              String($0.assignments), $0.done.joined(separator: " "),
            ]
          }))
    case .table:
      Output.print(
        Output.table(
          ["DOC", "CHARS", "PARAS", "ASSIGNMENTS", "CODERS", "DONE"],
          summaries.map {
            [
              $0.id, String($0.length), String($0.paragraphs), String($0.assignments),
              $0.coders.joined(separator: ", "), $0.done.isEmpty ? "-" : $0.done.joined(separator: ", "),
            ]
          }))
    }
  }
}
