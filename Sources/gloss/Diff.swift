import ArgumentParser
import GlossCore

struct Diff: ProjectCommand {
  static let configuration = CommandConfiguration(
    commandName: "diff",
    abstract: "Show assignment-level differences between revisions or between coders.",
    discussion: """
      With no revision: what the last commit changed (HEAD^ against HEAD). With one: that \
      revision against HEAD. With two: the first against the second. Lines start with '+' \
      (added), '-' (removed) or '~' (modified, followed by a 'was:' line with the earlier \
      version). With --coders A B: how B's coding differs from A's at one revision (HEAD, or \
      the revision given), on the documents both coded: 'only A', 'only B', or 'differs' \
      (the same code on overlapping but different spans, with A's under 'was:'). JSON and \
      CSV name the same changes 'added', 'removed' and 'modified' ('only A' is removed, \
      'only B' added).

      Examples:
        gloss diff
        gloss diff main ana-branch
        gloss diff --coders ana ben --doc interview-34
        gloss diff main~5 main --format json
      """)

  static let formats: Set<OutputFormat> = [.table, .json, .csv]
  @OptionGroup var globals: GlobalOptions
  @Argument(help: "Revisions to compare.") var revisions: [String] = []
  @Option(parsing: .upToNextOption, help: "Compare two coders at one revision.") var coders: [String] = []
  @Option(parsing: .upToNextOption, help: "Only these documents.") var doc: [String] = []
  @Option(parsing: .upToNextOption, help: "Only these codes.") var code: [String] = []

  func check() throws {
    if revisions.count > 2 { throw ValidationError("give at most two revisions") }
    if !coders.isEmpty {
      if splitList(coders).count != 2 { throw ValidationError("--coders takes exactly two coders") }
      if revisions.count > 1 { throw ValidationError("--coders compares at one revision") }
    }
  }

  func run(_ project: Project) throws {
    let pair = splitList(coders)
    let diff = try project.diff(
      revisions: revisions, coders: pair.isEmpty ? nil : pair, docs: doc, codes: code, policy: try policy(in: project))
    Output.print(Self.render(diff, format: globals.format))
  }

  static func render(_ diff: AssignmentDiff, format: OutputFormat) -> String {
    let changes = diff.changes
    switch format {
    case .json:
      return JSON.object([
        ("from", .optional(diff.from?.hex)), ("to", .optional(diff.to?.hex)),
        ("changes", .array(changes.map(\.json))),
      ]).compact
    case .csv:
      return Output.csv(
        ["change"] + LocatedAssignment.csvHeader,
        changes.flatMap { change -> [[String]] in
          var rows = [[change.kind.rawValue] + change.assignment.csvRow]
          if let before = change.before { rows.insert(["before"] + before.csvRow, at: 0) }
          return rows
        })
    case .table:
      guard !changes.isEmpty else { return "no differences" }
      return changes.map { change in
        let a = change.assignment
        let label: String
        switch change.kind {
        case .added: label = diff.coders.map { "only \($0.second)" } ?? "+"
        case .removed: label = diff.coders.map { "only \($0.first)" } ?? "-"
        case .modified: label = diff.coders == nil ? "~" : "differs"
        }
        var line =
          "\(label) \(a.doc) \(a.coder) \(a.assignment.code) \(a.assignment.start)-\(a.assignment.end) \"\(Output.excerpt(a.assignment.exact))\""
        if let before = change.before {
          let b = before.assignment
          line += "\n    was: \(before.coder) \(b.code) \(b.start)-\(b.end) \"\(Output.excerpt(b.exact))\""
          if b.memo != a.assignment.memo { line += " memo \"\(b.memo ?? "")\" → \"\(a.assignment.memo ?? "")\"" }
        }
        return line
      }.joined(separator: "\n")
    }
  }
}
