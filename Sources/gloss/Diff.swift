import ArgumentParser
import GlossCore

struct Diff: ParsableCommand {
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

  @OptionGroup var globals: GlobalOptions
  @Argument(help: "Revisions to compare.") var revisions: [String] = []
  @Option(parsing: .upToNextOption, help: "Compare two coders at one revision.") var coders: [String] = []
  @Option(parsing: .upToNextOption, help: "Only these documents.") var doc: [String] = []
  @Option(parsing: .upToNextOption, help: "Only these codes.") var code: [String] = []

  func validate() throws {
    if revisions.count > 2 { throw ValidationError("give at most two revisions") }
    if !coders.isEmpty {
      if splitList(coders).count != 2 { throw ValidationError("--coders takes exactly two coders") }
      if revisions.count > 1 { throw ValidationError("--coders compares at one revision") }
    }
  }

  func run() throws {
    let project = try globals.project()
    let from: Snapshot
    let to: Snapshot
    let changes: [AssignmentChange]
    let pair = splitList(coders)
    if pair.count == 2 {
      to = try project.snapshot(at: revisions.first)
      from = to
      let filter = try AssignmentFilter.checked(docs: splitList(doc), codes: splitList(code), coders: [], in: to)
      let policy = try project.policy(explicit: globals.coder)
      for coder in pair { try policy.requireVisible(coder: coder) }
      changes = try project.coderChanges(pair[0], pair[1], at: to, filter: filter)
    } else {
      switch revisions.count {
      case 0:
        to = try project.snapshot()
        from = try project.snapshot(at: (to.commit?.hex ?? "HEAD") + "^")
      case 1:
        from = try project.snapshot(at: revisions[0])
        to = try project.snapshot()
      default:
        from = try project.snapshot(at: revisions[0])
        to = try project.snapshot(at: revisions[1])
      }
      let filter = try AssignmentFilter.checked(docs: splitList(doc), codes: splitList(code), coders: [], in: to)
        .visible(to: try project.policy(explicit: globals.coder))
      changes = try project.changes(from: from, to: to, filter: filter)
    }
    Output.print(Self.render(changes, from: from, to: to, coders: pair.count == 2 ? pair : nil, format: globals.format))
  }

  static func render(
    _ changes: [AssignmentChange], from: Snapshot, to: Snapshot, coders: [String]?, format: OutputFormat
  ) -> String {
    switch format {
    case .json:
      return JSON.object([
        ("from", .optional(from.commit?.hex)), ("to", .optional(to.commit?.hex)),
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
        case .added: label = coders.map { "only \($0[1])" } ?? "+"
        case .removed: label = coders.map { "only \($0[0])" } ?? "-"
        case .modified: label = coders == nil ? "~" : "differs"
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
