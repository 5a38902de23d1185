import ArgumentParser
import GlossCore

struct DocList: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list",
    abstract: "List documents with their size and coders.",
    discussion: """
      Examples:
        gloss doc list
        gloss doc list --format json
      """)

  @OptionGroup var globals: GlobalOptions
  @Option(help: "Revision to read (default: HEAD).") var rev: String?

  func run() throws {
    let project = try globals.project()
    let summaries = try project.documentSummaries(
      at: try project.snapshot(at: rev), policy: try project.policy(explicit: globals.coder))
    switch globals.format {
    case .json:
      Output.print(JSON.lines(summaries.map(\.json)))
    case .csv:
      Output.print(
        Output.csv(
          ["id", "length", "paragraphs", "coders", "assignments"],
          summaries.map {
            [$0.id, String($0.length), String($0.paragraphs), $0.coders.joined(separator: " "), String($0.assignments)]
          }))
    case .table:
      Output.print(
        Output.table(
          ["DOC", "CHARS", "PARAS", "ASSIGNMENTS", "CODERS"],
          summaries.map {
            [
              $0.id, String($0.length), String($0.paragraphs), String($0.assignments),
              $0.coders.joined(separator: ", "),
            ]
          }))
    }
  }
}
