import ArgumentParser
import GlossCore

/// What every gloss command shares: the global options and the `--format`s it can print.
/// An unsupported `--format` fails in `validate()` with a usage error (exit 64) naming the
/// supported ones, so no command quietly prints another format. Commands put their own
/// argument checks in `check()`, not `validate()` (which would skip the format check).
///
/// Pick the variant by what the command needs:
/// - `GlossCommand`: `run(_ session:)` with the project and a known coder resolved once;
///   for everything that writes or is a lead's (the identity is required).
/// - `ProjectCommand`: `run(_ project:)`; for reads, which resolve the identity only when
///   blind coding needs it (`policy(in:)`), and for commands that work in a bare or empty
///   repository (hooks, validate) by overriding `openProject()`.
/// - `PlainCommand`: `run()` itself; for commands without a project yet (init, clone) or
///   called by git with files (merge-driver).
protocol PlainCommand: ParsableCommand {
  var globals: GlobalOptions { get }
  /// The `--format`s this command prints; `[.table]` unless it says otherwise.
  static var formats: Set<OutputFormat> { get }
  /// Checks of the command's own arguments, after the format check.
  func check() throws
}

extension PlainCommand {
  static var formats: Set<OutputFormat> { [.table] }

  func check() throws {}

  func validate() throws {
    try Self.checkFormat(globals.format)
    try check()
  }

  /// Refuses a `--format` the command does not print, naming those it does.
  static func checkFormat(_ format: OutputFormat) throws {
    guard !formats.contains(format) else { return }
    let supported = OutputFormat.allCases.filter(formats.contains).map(\.rawValue)
    throw ValidationError(
      "--format \(format.rawValue) is not supported by this command (supported: \(supported.joined(separator: ", ")))")
  }
}

/// A command run in a session: the project, opened once, and who is working in it.
protocol GlossCommand: PlainCommand {
  func run(_ session: Session) throws
}

extension GlossCommand {
  mutating func run() throws {
    let project = try globals.project()
    try run(try globals.session(in: project))
  }
}

/// A command run on the project alone: reads, and commands for bare or empty repositories.
protocol ProjectCommand: PlainCommand {
  /// The project to run on; `Project.open(at:)` (a project with gloss.yaml at HEAD) unless
  /// the command says otherwise.
  func openProject() throws -> Project
  func run(_ project: Project) throws
}

extension ProjectCommand {
  func openProject() throws -> Project { try globals.project() }

  mutating func run() throws { try run(try openProject()) }

  /// What the viewer may read; the identity is resolved only when blind coding is on.
  func policy(in project: Project) throws -> Policy { try project.policy(explicit: globals.coder) }

  /// A session for a command that reads but sometimes writes (`blind on`, `validate --fix`).
  func session(in project: Project) throws -> Session {
    try globals.session(in: project)
  }
}
