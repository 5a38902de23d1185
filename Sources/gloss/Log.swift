import ArgumentParser
import Foundation
import GlossCore

struct Log: ProjectCommand {
  static let configuration = CommandConfiguration(
    commandName: "log",
    abstract: "History of assignment changes, newest first.",
    discussion: """
      Each commit that changed assignments, with who made it and what changed. Merge \
      commits author nothing of their own, so changes show where they were made.

      Examples:
        gloss log
        gloss log --coder ana --doc interview-34
        gloss log --code data-low-quantity --format json
      """)

  static let formats: Set<OutputFormat> = [.table, .json, .csv]
  @OptionGroup var globals: GlobalOptions
  @Option(parsing: .upToNextOption, help: "Only these documents.") var doc: [String] = []
  @Option(parsing: .upToNextOption, help: "Only these codes.") var code: [String] = []
  @Option(parsing: .upToNextOption, help: "Only these coders.") var coder: [String] = []
  @Option(help: "Start from this revision (default: HEAD).") var rev: String?
  @Option(name: .shortAndLong, help: "Show at most this many commits.") var maxCount: Int?

  func run(_ project: Project) throws {
    let snapshot = try project.snapshot(at: rev)
    let filter = try AssignmentFilter.checked(docs: doc, codes: code, coders: coder, in: snapshot)
      .visible(to: try policy(in: project))
    let entries = try project.log(from: snapshot, filter: filter, limit: maxCount)
    let iso = ISO8601DateFormatter()
    switch globals.format {
    case .json:
      Output.print(
        JSON.lines(
          entries.map {
            .object([
              ("commit", .string($0.commit.hex)), ("date", .string(iso.string(from: $0.date))),
              ("coder", .string($0.coder)), ("message", .string($0.summary)),
              ("changes", .array($0.changes.map(\.json))),
            ])
          }))
    case .csv:
      Output.print(
        Output.csv(
          ["commit", "date", "committer_coder", "change"] + LocatedAssignment.csvHeader,
          entries.flatMap { entry in
            entry.changes.map {
              [entry.commit.hex, iso.string(from: entry.date), entry.coder, $0.kind.rawValue]
                + $0.assignment.csvRow
            }
          }))
    case .table:
      let text = entries.map { entry in
        let head =
          "\(entry.commit.short)  \(iso.string(from: entry.date))  \(entry.coder)  \(entry.summary)"
        let lines = entry.changes.map { change -> String in
          let a = change.assignment
          let mark = change.kind == .added ? "+" : change.kind == .removed ? "-" : "~"
          return
            "    \(mark) \(a.doc) \(a.coder) \(a.assignment.code) \(a.assignment.start)-\(a.assignment.end) \"\(Output.excerpt(a.assignment.exact, limit: 40))\""
        }
        return ([head] + lines).joined(separator: "\n")
      }
      Output.print(text.isEmpty ? "no assignment changes" : text.joined(separator: "\n\n"))
    }
  }
}
