import ArgumentParser
import Foundation
import GlossCore

struct Init: PlainCommand {
  static let configuration = CommandConfiguration(
    commandName: "init",
    abstract: "Create a new Gloss project.",
    discussion: """
      Creates the repository (unless DIR already is one), gloss.yaml, an empty codebook.yaml, \
      .gitattributes and the merge driver configuration, in one commit.

      Examples:
        gloss init study
        gloss init study --name "ML data-quality interviews" --lead lead
        gloss init --bare /srv/study.git
      """)

  @OptionGroup var globals: GlobalOptions
  @Argument(help: "Folder for the project (default: the current folder).") var dir: String?
  @Option(help: "Project name (default: the folder name).") var name: String?
  @Option(name: .customLong("lead"), help: "A coder allowed to write consensus (repeatable; default: you).")
  var leads: [String] = []
  @Flag(help: "Create a bare repository (for a shared remote).") var bare = false

  func run() throws {
    let base = globals.directory ?? FileManager.default.currentDirectoryPath
    let target = dir.map { $0.hasPrefix("/") ? $0 : base + "/" + $0 } ?? base
    let (_, result) = try Project.initialize(
      at: target, name: name, leads: leads, coder: globals.coder, bare: bare)
    Output.print("Initialized Gloss project in \(target) (\(result.commit.short))")
  }
}
