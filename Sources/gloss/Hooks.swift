import ArgumentParser
import Foundation
import GlossCore

struct Hooks: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "hooks",
    abstract: "Install the git hooks that keep a repository valid, and run the server's check.",
    subcommands: [HooksInstall.self, HooksCheck.self])
}

struct HooksInstall: ProjectCommand {
  static let configuration = CommandConfiguration(
    commandName: "install",
    abstract: "Install the shipped hooks into this repository.",
    discussion: """
      In a coder's clone: pre-commit (validates what is staged) and pre-push (validates the \
      pushed range, and the agreement gate `gloss agree --gate`: gloss.yaml gate:, or `git config gloss.minAlpha 0.8`). With \
      --server, in the shared bare repository (empty or not): pre-receive and update, which \
      run 'gloss hooks check' on every pushed reference. Warns when gloss.yaml has no \
      coders: map, since authorship then rests on Gloss-Coder trailers alone. The hooks run \
      `gloss` from PATH, or $GLOSS.

      Examples:
        gloss hooks install
        gloss -C /srv/study.git hooks install --server
      """)

  @OptionGroup var globals: GlobalOptions
  @Flag(help: "Install the server-side hooks (pre-receive and update).") var server = false
  @Flag(help: "Replace hooks gloss did not write.") var force = false

  /// Any git repository, bare or empty: the hooks guard a project before it has gloss.yaml.
  func openProject() throws -> Project { try Project.openRepository(at: globals.directory) }

  func run(_ project: Project) throws {
    for path in try project.installHooks(server: server, force: force) { Output.print("installed \(path)") }
    if server, let warning = project.authorshipWarning() { Output.note("warning: \(warning)") }
  }
}

struct HooksCheck: ProjectCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "The server's check of a push: reads 'OLD NEW REF' lines on stdin, as pre-receive gets them.",
    discussion: """
      Run by the pre-receive and update hooks inside the receiving repository. Every \
      reference is checked (branches, tags, notes, anything): deletions and non-fast-forward \
      updates are refused unless a lead set 'git config gloss.allowRewrite true'; every \
      commit new to the repository is validated (format, and who may write what under the \
      rules of the history already there), and each new tip is validated whole. Prints \
      commit: path: error: message and exits 1 when the push must be refused.

      Examples:
        echo "$OLD $NEW refs/heads/main" | gloss hooks check
      """)

  @OptionGroup var globals: GlobalOptions

  /// Any git repository, bare or empty: the hooks guard a project before it has gloss.yaml.
  func openProject() throws -> Project { try Project.openRepository(at: globals.directory) }

  func run(_ project: Project) throws {
    var lines: [String] = []
    while let line = readLine() { lines.append(line) }
    let findings = try project.checkPush(try RefUpdate.parse(lines: lines))
    findings.forEach { Output.print($0.text) }
    let errors = findings.filter { $0.severity == .error }.count
    Output.note(errors == 0 ? "gloss: push valid" : "gloss: \(errors) error(s)")
    if errors > 0 { throw ExitCode(1) }
  }
}
