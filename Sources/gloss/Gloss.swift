import ArgumentParser
import Foundation
import GlossCore

/// `gloss`: versioned qualitative coding on git.
struct Gloss: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "gloss",
    abstract: "Versioned qualitative coding: transcripts, codes and agreement in a git repository.",
    discussion: """
      Every change is one commit on the current branch. Global options (-C, --as, --format) \
      work before or after the subcommand. Options taking several coders, codes, documents \
      or ids accept them repeated, comma-separated or space-separated: --coders ana,ben, \
      --coders ana ben and --coders ana --coders ben are the same.

      Examples:
        gloss init study && cd study
        gloss doc add ../interview-34.txt
        gloss code add "Data-low-quantity"
        gloss doc assign interview-34 --to ana
        gloss --as ana add interview-34 data-low-quantity --para 12
        gloss --as ana undo
        gloss ls --format json
      """,
    version: "0.1.0",
    subcommands: [
      Init.self, Doc.self, CodeCommand.self, Add.self, Remove.self, Edit.self, List.self,
      Diff.self, Log.self, Import.self, Export.self, Agree.self, Report.self,
      Merge.self, MergeDriver.self, Clone.self, Fetch.self, Pull.self, Push.self, Status.self, CoderCommand.self,
      Reconcile.self, Blind.self, Undo.self, Serve.self,
      Validate.self, Hooks.self,
    ]
  )

  @OptionGroup var globals: GlobalOptions
}

/// `Gloss` parsed without swift-argument-parser's check for `--generate-completion-script`,
/// which runs two more parsers on every command line (a third of the parse, several million
/// instructions of a `gloss add`); a root with a super-command name skips it. Only command
/// lines that parse to a gloss command are taken from here; everything else (help, usage
/// errors, completions) is parsed again by `Gloss`, so what it prints stays the same.
struct GlossWithoutCompletions: ParsableCommand {
  static let configuration: CommandConfiguration = {
    var configuration = Gloss.configuration
    configuration._superCommandName = "gloss"
    return configuration
  }()

  @OptionGroup var globals: GlobalOptions

  /// The command to run, or nil when only `Gloss` may answer this command line.
  static func command(_ arguments: [String]) -> (any PlainCommand)? {
    guard !arguments.contains(where: { $0.contains("generate-completion-script") }) else { return nil }
    return (try? parseAsRoot(arguments)) as? any PlainCommand
  }
}

/// Runs the command line, printing domain errors as one `error:` line with exit status 1.
@main
enum Main {
  static func main() {
    Project.prepareInBackground()
    do {
      let arguments = Report.arguments(Array(CommandLine.arguments.dropFirst()))
      if let add = Add.quickParse(arguments) { return try GlossError.translatingGitErrors { try add.run() } }
      var command: any ParsableCommand =
        try GlossWithoutCompletions.command(arguments) ?? Gloss.parseAsRoot(arguments)
      try GlossError.translatingGitErrors { try command.run() }
    } catch let error as GlossError {
      fail(error.localizedDescription)
    } catch {
      Gloss.exit(withError: error)
    }
  }

  static func fail(_ message: String) -> Never {
    let line = Output.visible(message.replacingOccurrences(of: "\n", with: " "))
    FileHandle.standardError.write(Data("error: \(line)\n".utf8))
    Foundation.exit(1)
  }
}
