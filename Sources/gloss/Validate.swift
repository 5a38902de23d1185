import ArgumentParser
import GlossCore

struct Validate: ProjectCommand {
  static let configuration = CommandConfiguration(
    commandName: "validate",
    abstract: "Check the project against the Gloss format, and a range of commits for authorship.",
    discussion: """
      Without options: the work tree (HEAD in a bare repository). Every rule of the format is \
      checked: gloss.yaml, the codebook, document encodings, annotation paths and every \
      record (JSON, key order, offsets, exact text, known code, unique ids, duplicates, \
      sorting), and that there is no symbolic link or submodule (links are never followed). \
      --range also checks who wrote each commit, under the rules (gloss.yaml) of the commit \
      before it when that builds on --rules-from (default: A), else under --rules-from's; \
      root commits count as adding every file. Missing history (a shallow clone) is an \
      error. Prints path:line: error: message \
      and exits 1 when there is any error; warnings (spans marked for review) do not fail.

      Examples:
        gloss validate
        gloss validate --staged                 # what the pre-commit hook runs
        gloss validate --range origin/main..HEAD
        gloss validate --range ..HEAD --rules-from origin/main
        gloss validate --fix                    # rewrite order and canonical form in one commit
      """)

  static let formats: Set<OutputFormat> = [.table, .json, .csv]
  @OptionGroup var globals: GlobalOptions
  @Option(help: "Validate this revision.") var rev: String?
  @Option(help: ArgumentHelp("Validate commits A..B, authorship included.", valueName: "A..B")) var range: String?
  @Option(
    help: ArgumentHelp(
      "With --range: the trusted commit whose gloss.yaml is in force (default: A).",
      valueName: "rev"))
  var rulesFrom: String?
  @Option(
    help: ArgumentHelp(
      "With --range: leave out commits this remote already has, and with no A take its HEAD's rules.",
      valueName: "remote"))
  var newTo: String?
  @Flag(help: "Validate the staged files.") var staged = false
  @Flag(help: "Rewrite what can be fixed mechanically at HEAD, in one commit.") var fix = false

  func check() throws {
    if [rev != nil, range != nil, staged].filter({ $0 }).count > 1 {
      throw ValidationError("give at most one of --rev, --range, --staged")
    }
    if fix && (rev != nil || range != nil || staged) { throw ValidationError("--fix works on HEAD only") }
    if (rulesFrom != nil || newTo != nil) && range == nil {
      throw ValidationError("--rules-from and --new-to go with --range")
    }
  }

  func run(_ project: Project) throws {
    if fix {
      let (result, fixed) = try session(in: project).fixFormat()
      fixed.forEach { Output.print("fixed \($0)") }
      Output.note("committed \(result.commit.short)")
    } else {
      // Only reads from here on: git objects are read without re-hashing each (git fsck's
      // job, and receive-pack's for a push); validation checks their content.
      Project.readObjectsWithoutRehashing()
    }
    let target: ValidationTarget =
      staged
      ? .staged
      : range.map { .range($0, rulesFrom: rulesFrom, newTo: newTo) } ?? rev.map(ValidationTarget.revision) ?? .current
    let findings = try project.validate(target) { done, total in
      if done % 64 == 0 { Output.progress("validating annotation files:", done, total) }
    }
    Output.progressDone()
    switch globals.format {
    case .json: Output.print(JSON.lines(findings.map(\.json)))
    case .csv:
      Output.print(
        Output.csv(
          ["severity", "path", "line", "message", "commit"],
          findings.map { [$0.severity.rawValue, $0.path, $0.line.map(String.init) ?? "", $0.message, $0.commit ?? ""] })
      )
    case .table:
      findings.forEach { Output.print($0.text) }
      let errors = findings.filter { $0.severity == .error }.count
      let warnings = findings.count - errors
      Output.note(
        errors == 0
          ? "valid" + (warnings > 0 ? " (\(warnings) warning(s))" : "") : "\(errors) error(s), \(warnings) warning(s)")
    }
    if findings.contains(where: { $0.severity == .error }) { throw ExitCode(1) }
  }
}
