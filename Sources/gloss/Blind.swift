import ArgumentParser
import GlossCore

struct Blind: ProjectCommand {
  static let configuration = CommandConfiguration(
    commandName: "blind",
    abstract: "Blind coding: coders see only their own assignments until a lead opens the comparison.",
    discussion: """
      'on' and 'off' (leads only) set 'blind:' in gloss.yaml in one commit. While it is on, \
      a coder who is not a lead sees only their own assignments in ls, log, diff, doc show, \
      export and merge or pull output, and only their own counts in doc list and code list; \
      asking for another coder's work is refused, and agree is for the leads. It prevents \
      accidental peeking in gloss; it is not access control (git holds every file).

      Examples:
        gloss blind on
        gloss blind off
        gloss blind
      """)

  enum Mode: String, ExpressibleByArgument, CaseIterable { case on, off, status }

  @OptionGroup var globals: GlobalOptions
  @Argument(help: "on, off, or status (default).") var mode: Mode = .status

  func run(_ project: Project) throws {
    switch mode {
    case .status:
      Output.print("blind coding is \(try project.snapshot().settings().blind ? "on" : "off")")
    case .on, .off:
      let result = try session(in: project).setBlind(mode == .on)
      Output.print("blind coding is \(mode.rawValue); committed \(result.commit.short)")
    }
  }
}
