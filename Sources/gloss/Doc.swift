import ArgumentParser

struct Doc: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "doc",
    abstract: "Add, list, show and assign transcripts.",
    subcommands: [DocAdd.self, DocList.self, DocShow.self, DocAssign.self])
}
