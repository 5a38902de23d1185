import ArgumentParser
import Foundation
import GlossCore

struct Reconcile: GlossCommand {
  static let configuration = CommandConfiguration(
    commandName: "reconcile",
    abstract: "Reconcile coders' assignments into annotations/consensus/ (leads only).",
    discussion: """
      Spans every named coder assigned identically (same code, start and end) go into \
      consensus, with the coders' ids as 'sources'. Every other assignment is listed as a \
      disagreement with its text; decide each with --take ID (into consensus; take both \
      sides by taking both ids) or --drop ID (neither). Decisions are recorded in \
      memos/reconcile/<doc>.md and remembered on later runs. One commit per run.

      --majority takes every open span more than half of the coders made identically and \
      drops those fewer than half made; ties stay open. --take-all CODER makes consensus \
      that coder's version: their open spans are taken, everyone else's dropped. Both are \
      recorded exactly as the same --take and --drop decisions by hand.

      Examples:
        gloss reconcile interview-34 --coders ana,ben
        gloss reconcile interview-34 --coders ana,ben --take 0193a1c2 --drop 0193a1d7
        gloss reconcile interview-34 --coders ana,ben,cy --majority
        gloss reconcile interview-34 --coders ana,ben --take-all ben
        gloss reconcile interview-34 --coders ana,ben --dry-run --format json
      """)

  static let formats: Set<OutputFormat> = [.table, .json]
  @OptionGroup var globals: GlobalOptions
  @Argument(help: "Documents to reconcile.") var docs: [String]
  @Option(parsing: .upToNextOption, help: "The coders to compare.")
  var coders: [String] = []
  @Option(parsing: .upToNextOption, help: "Put this assignment into consensus (id, handle or prefix).")
  var take: [String] = []
  @Option(parsing: .upToNextOption, help: "Leave this assignment out of consensus.")
  var drop: [String] = []
  @Flag(help: "Take spans most coders made, drop spans few made (ties stay open).") var majority = false
  @Option(help: ArgumentHelp("Make consensus this coder's version of the open spans.", valueName: "coder"))
  var takeAll: String?
  @Flag(help: "List agreements and disagreements without writing.") var dryRun = false

  func check() throws {
    if docs.isEmpty { throw ValidationError("name at least one document") }
    if majority && takeAll != nil { throw ValidationError("--majority and --take-all are alternatives; pick one") }
  }

  func run(_ session: Session) throws {
    let project = session.project
    let report = try session.reconcile(
      docs: docs, coders: splitList(coders), take: splitList(take), drop: splitList(drop),
      strategy: majority ? .majority : takeAll.map { .takeAll(from: $0) }, dryRun: dryRun)
    switch globals.format {
    case .json, .csv:  // csv never gets here: `formats` refuses it in validate()
      Output.print(
        JSON.object([
          ("commit", .optional(report.commit?.commit.hex)),
          ("agreed", .array(report.agreed.map(\.json))),
          ("written", .array(report.written.map(\.json))),
          (
            "disagreements",
            .array(
              report.disagreements.map {
                JSON.object([("decision", .string($0.decision.rawValue)), ("assignment", $0.assignment.json)])
              })
          ),
        ]).compact)
    case .table:
      let handles = try project.snapshot().assignmentHandles()
      var lines = ["\(report.agreed.count) span(s) all coders agree on"]
      if !report.disagreements.isEmpty {
        lines.append("disagreements:")
        lines += report.disagreements.map { item in
          let a = item.assignment
          return "  \(item.decision.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)) "
            + "\(handles.handle(a.assignment.id)) \(a.doc) \(a.coder) \(a.assignment.code) "
            + "\(a.assignment.start)-\(a.assignment.end) \"\(Output.excerpt(a.assignment.exact))\""
        }
        let open = report.disagreements.filter { $0.decision == .open }.count
        if open > 0 { lines.append("\(open) open: decide with --take ID or --drop ID") }
      }
      if let commit = report.commit {
        lines.append("wrote \(report.written.count) consensus record(s); committed \(commit.commit.short)")
      } else if !dryRun {
        lines.append("consensus already up to date")
      }
      Output.print(lines.joined(separator: "\n"))
    }
  }
}
