import ArgumentParser

struct Doc: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "doc",
    abstract: "Add, list, show, assign and update transcripts.",
    subcommands: [DocAdd.self, DocList.self, DocShow.self, DocAssign.self, DocUnassign.self, DocUpdate.self])
}
