import Foundation
import Testing

/// The command line's entry: command lines that only `Gloss` answers (help, version,
/// completions, usage errors) print what swift-argument-parser prints for it, although a
/// command is first parsed without the completion-script check (`GlossWithoutCompletions`).
@Suite struct EntryTests {
  @Test func completionScriptsAreGeneratedWhereverTheFlagIs() throws {
    let box = try Sandbox(coders: [])
    let bash = try box.gloss("--generate-completion-script", "bash")
    #expect(bash.status == 0)
    #expect(bash.stdout.contains("complete -o filenames -F _gloss gloss"))
    #expect(bash.stdout.contains("add"))
    let zsh = try box.gloss("--generate-completion-script=zsh")
    #expect(zsh.status == 0 && zsh.stdout.hasPrefix("#compdef gloss"))
    // After a subcommand and its arguments, as swift-argument-parser has always taken it.
    let fish = try box.gloss("add", "doc", "code", "--chars", "1-2", "--generate-completion-script", "fish")
    #expect(fish.status == 0 && fish.stdout.contains("function __gloss_should_offer_completions"))
    #expect(try box.commitCount() == 1)
  }

  @Test func helpVersionAndUsageErrorsAreUnchanged() throws {
    let box = try Sandbox(coders: [])
    let help = try box.gloss("add", "--help")
    #expect(help.status == 0)
    #expect(help.stdout.contains("USAGE: gloss add"))
    #expect(try box.gloss("help", "add").stdout == help.stdout)
    let root = try box.gloss("--help")
    #expect(root.status == 0 && root.stdout.contains("SUBCOMMANDS:"))
    #expect(root.stdout.contains("USAGE: gloss [-C <path>] [--as <coder>] [--format <format>] <subcommand>"))
    #expect(try box.gloss("--version").stdout == "0.1.0\n")
    let group = try box.gloss("doc")
    #expect(group.stdout.contains("USAGE: gloss doc <subcommand>"))
    let usage = try box.gloss("add", "--chars", "1-2")
    #expect(usage.status == 64)
    #expect(usage.stderr.contains("Error: give DOC and CODE (or --batch FILE)"))
    #expect(usage.stderr.contains("Usage: gloss add"))
    let unknown = try box.gloss("add", "doc", "code", "--chars", "1-2", "--no-such-option")
    #expect(unknown.status == 64 && unknown.stderr.contains("Unknown option '--no-such-option'"))
    #expect(try box.commitCount() == 1)
  }
}
