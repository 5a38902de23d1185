import ArgumentParser
import GlossCore

struct Hooks: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "hooks",
    abstract: "Install the git hooks that keep a repository valid.",
    subcommands: [HooksInstall.self])
}

struct HooksInstall: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "install",
    abstract: "Install the shipped hooks into this repository.",
    discussion: """
      In a coder's clone: pre-commit (validates what is staged) and pre-push (validates the \
      pushed range; with `git config gloss.minAlpha 0.8` also an agreement gate). With \
      --server, in the shared bare repository: pre-receive, which rejects a push with \
      broken or forged annotations. The hooks run `gloss` from PATH, or $GLOSS.

      Examples:
        gloss hooks install
        gloss -C /srv/study.git hooks install --server
      """)

  @OptionGroup var globals: GlobalOptions
  @Flag(help: "Install the server-side hook (pre-receive).") var server = false
  @Flag(help: "Replace hooks gloss did not write.") var force = false

  func run() throws {
    let project = try globals.project()
    for path in try project.installHooks(server: server, force: force) { Output.print("installed \(path)") }
  }
}
