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

  /// `gloss add` lines of the everyday shape are read without the parser (`Add.quickParse`);
  /// they add what the parser's reading of the same line adds, and fail as it fails.
  @Test func quickAddIsTheParsersAdd() throws {
    let box = try codedSandbox()
    try box.gloss("doc", "assign", "interview-34", "--to", "ana")
    // The same line, read quickly and (`--opt=value` is left to the parser) by the parser.
    let quick = try box.gloss(
      "-C", box.path, "--as", "ana", "add", "interview-34", "Data-missing-value", "--para", "2", "--memo", "m",
      "--format", "json", in: box.root)
    let parsed = try box.gloss(
      "-C", box.path, "--as=ana", "add", "interview-34", "Data-containing-outliers", "--para=2", "--memo=m",
      "--format=json", in: box.root)
    #expect(quick.status == 0 && parsed.status == 0, "\(quick.stderr)\(parsed.stderr)")
    // All but the id and the code (one span cannot have the same code twice).
    func withoutID(_ output: String) -> [String: String] {
      guard let list = json(output) as? [[String: Any]], let item = list.first else { return [:] }
      return item.filter { $0.key != "id" && $0.key != "code" }.mapValues { "\($0)" }
    }
    #expect(!withoutID(quick.stdout).isEmpty && withoutID(quick.stdout) == withoutID(parsed.stdout))
    let line = try box.gloss("--as", "ana", "add", "interview-34", "Data-missing-value", "--chars", "0-5").lines
    #expect(line.count == 1 && line[0].count == 36)
    // Errors: a domain error is the same line; a failed check, a bad value or an option of
    // `add` before `add` goes to the parser, which prints its usage error.
    let cases: [([String], [String])] = [
      (
        ["--as", "ana", "add", "nosuch", "Data-missing-value", "--chars", "0-5"],
        ["--as=ana", "add", "nosuch", "Data-missing-value", "--chars=0-5"]
      ),
      (
        ["--as", "ana", "add", "interview-34", "Data-missing-value", "--chars", "0-5", "--para", "1"],
        ["--as=ana", "add", "interview-34", "Data-missing-value", "--chars=0-5", "--para=1"]
      ),
      (
        ["--as", "ana", "add", "interview-34", "Data-missing-value", "--format", "xml", "--chars", "0-5"],
        ["--as=ana", "add", "interview-34", "Data-missing-value", "--format=xml", "--chars=0-5"]
      ),
      (
        ["--chars", "0-5", "--as", "ana", "add", "interview-34", "Data-missing-value"],
        ["--chars=0-5", "--as=ana", "add", "interview-34", "Data-missing-value"]
      ),
    ]
    for (quickLine, parserLine) in cases {
      let first = try box.gloss(args: quickLine)
      let second = try box.gloss(args: parserLine)
      #expect(first.status != 0 && first.status == second.status, "\(quickLine)")
      #expect(first.stderr == second.stderr, "\(quickLine)")
    }
    #expect(try box.commitCount() == 8)
    try box.expectHealthy()
  }
}
