import ArgumentParser
import Foundation
import GlossCore

extension MergeSide: ExpressibleByArgument {}

struct Merge: GlossCommand {
  static let configuration = CommandConfiguration(
    commandName: "merge",
    abstract: "Merge a branch into the current one, annotation by annotation.",
    discussion: """
      Fast-forwards when possible; otherwise makes one merge commit with both parents. \
      Annotation files and codebook.yaml merge record by record (keyed by id); other files \
      line by line. When a record was changed differently on both sides, nothing is written: \
      the conflicts are listed and you rerun the merge saying which side to take, per record \
      (--ours ID, --theirs ID; an id's handle or prefix, or a file path, also works) or \
      for all (--prefer ours|theirs). Assignments whose document text changed on the other \
      side are kept and listed for review.

      Examples:
        gloss merge ana
        gloss merge ben --theirs 0193a1c2 --ours 0193a1d7
        gloss merge origin/main --prefer ours
      """)

  static let formats: Set<OutputFormat> = [.table, .json]
  @OptionGroup var globals: GlobalOptions
  @Argument(help: "The branch or revision to merge.") var branch: String
  @OptionGroup(title: "Conflicts") var settle: MergeChoiceOptions

  func run(_ session: Session) throws {
    let project = session.project
    let coder = session.coder
    let report = try session.merge(branch, choices: settle.choices)
      .visible(to: try project.policy(explicit: coder))
    Output.print(Self.render(report, label: branch, rerun: "gloss merge \(branch)", format: globals.format))
    if report.outcome == .conflicts {
      throw GlossError.mergeConflicts(count: report.conflicts.count, merging: branch)
    }
  }

  static func render(_ report: MergeReport, label: String, rerun: String, format: OutputFormat) -> String {
    switch format {
    case .json, .csv:  // csv never gets here: `formats` refuses it in validate()
      let (outcome, commit): (String, CommitID?) = {
        switch report.outcome {
        case .upToDate: return ("up-to-date", nil)
        case .fastForward(let id): return ("fast-forward", id)
        case .merged(let id): return ("merged", id)
        case .conflicts: return ("conflicts", nil)
        }
      }()
      return JSON.object([
        ("outcome", .string(outcome)), ("commit", .optional(commit?.hex)),
        (
          "conflicts",
          .array(
            report.conflicts.map {
              JSON.object([
                ("path", .string($0.path)), ("id", .optional($0.id)), ("reason", .string($0.reason)),
                ("ours", .optional($0.ours)), ("theirs", .optional($0.theirs)),
              ])
            })
        ),
        ("notes", .array(report.notes.map(JSON.string))),
        ("stale", .array(report.staleAnchors.map(\.json))),
        (
          "reanchored",
          .array(
            report.reanchored.map {
              LocatedAssignment(coder: $0.coder, doc: $0.doc, assignment: $0.span.after).json
            })
        ),
        ("changes", .array(report.changes.map(\.json))),
      ]).compact
    case .table:
      var lines: [String] = []
      let counts = Dictionary(grouping: report.changes, by: \.kind).mapValues(\.count)
      let summary =
        "\(counts[.added] ?? 0) added, \(counts[.removed] ?? 0) removed, "
        + "\(counts[.modified] ?? 0) modified assignment(s)"
      switch report.outcome {
      case .upToDate: lines.append("already up to date with \(label)")
      case .fastForward(let id): lines.append("fast-forward to \(id.short): \(summary)")
      case .merged(let id): lines.append("merged \(label) as \(id.short): \(summary)")
      case .conflicts:
        lines.append("\(report.conflicts.count) conflict(s) merging \(label); nothing was written:")
        for conflict in report.conflicts {
          lines.append("  \(conflict.path) \(conflict.id ?? "(whole file)"): \(conflict.reason)")
          if conflict.id != nil {
            lines.append("    ours:   \(conflict.ours.map(flat) ?? "(none)")")
            lines.append("    theirs: \(conflict.theirs.map(flat) ?? "(none)")")
          }
        }
        lines.append(
          "settle each with \(rerun) --ours ID or --theirs ID (or --prefer ours|theirs for all)")
      }
      lines += report.notes.map { "note: \($0)" }
      if !report.reanchored.isEmpty {
        let marked = report.reanchored.filter { $0.span.outcome == .review }
        lines.append(
          "re-anchored \(report.reanchored.count) span(s) made on another version of their document's text"
            + (marked.isEmpty ? "" : "; \(marked.count) marked for review (gloss ls --review):"))
        for item in marked {
          lines.append(
            "  \(item.doc) \(item.coder) \(item.span.after.id) \(item.span.after.code) "
              + "\(item.span.after.start)-\(item.span.after.end): \(item.span.after.review ?? "")")
        }
      }
      if !report.staleAnchors.isEmpty {
        lines.append(
          "kept \(report.staleAnchors.count) assignment(s) made on another version of the text; "
            + "they need re-anchoring:")
        for item in report.staleAnchors {
          lines.append(
            "  \(item.doc) \(item.coder) \(item.assignment.id) \(item.assignment.code) "
              + "\(item.assignment.start)-\(item.assignment.end) \"\(Output.excerpt(item.assignment.exact))\"")
        }
      }
      return lines.joined(separator: "\n")
    }
  }

  private static func flat(_ text: String) -> String {
    text.trimmingCharacters(in: .newlines).replacingOccurrences(of: "\n", with: " ⏎ ")
  }
}

/// How to settle merge conflicts, shared by `merge` and `pull`.
struct MergeChoiceOptions: ParsableArguments {
  @Option(
    name: .customLong("ours"), parsing: .singleValue,
    help: "Keep our side of this conflict (an id, its handle or prefix, or a file path).")
  var oursPicks: [String] = []
  @Option(name: .customLong("theirs"), parsing: .singleValue, help: "Take their side of this conflict.")
  var theirsPicks: [String] = []
  @Option(help: "Side to take for every conflict not named otherwise: ours or theirs.")
  var prefer: MergeSide?

  var choices: MergeChoices {
    MergeChoices(picks: oursPicks.map { ($0, .ours) } + theirsPicks.map { ($0, .theirs) }, prefer: prefer)
  }
}
