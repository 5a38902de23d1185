import ArgumentParser

struct Doc: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "doc",
    abstract: "Add, list, show, assign and update transcripts; mark your work on them done.",
    subcommands: [
      DocAdd.self, DocList.self, DocShow.self, DocAssign.self, DocUnassign.self, DocUpdate.self,
      DocDone.self, DocReopen.self,
    ])
}
