import ArgumentParser
import GlossCore

struct List: ProjectCommand {
  static let configuration = CommandConfiguration(
    commandName: "ls",
    abstract: "List assignments.",
    discussion: """
      Sorted by document, coder, start, end, code and id. --format json prints the JSON \
      shape of DESIGN §3, one assignment per line inside one array.

      Examples:
        gloss ls --doc interview-34 --coder ana
        gloss ls --code data-low-quantity --format csv > low-quantity.csv
        gloss ls --rev main~3 --format json
        gloss ls --review           # spans marked after re-anchoring (see 'gloss doc update')
        gloss ls --code data-quality --grep sensor   # the code and its children, text or memo
      """)

  static let formats: Set<OutputFormat> = [.table, .json, .csv]
  @OptionGroup var globals: GlobalOptions
  @Option(parsing: .upToNextOption, help: "Only these documents.")
  var doc: [String] = []
  @Option(parsing: .upToNextOption, help: "Only these codes.") var code: [String] = []
  @Option(parsing: .upToNextOption, help: "Only these coders.") var coder: [String] = []
  @Option(help: "Revision to read (default: HEAD).") var rev: String?
  @Flag(help: "Only spans marked for review by re-anchoring, with the reason.") var review = false
  @Flag(help: "--code means exactly those codes, not their child codes too.") var exact = false
  @Option(help: ArgumentHelp("Only assignments whose text or memo contains TEXT (any case).", valueName: "TEXT"))
  var grep: String?

  func run(_ project: Project) throws {
    let snapshot = try project.snapshot(at: rev)
    let filter = try AssignmentFilter.checked(
      docs: doc, codes: code, coders: coder, withChildren: !exact, in: snapshot
    )
    .visible(to: try policy(in: project))
    let coders = filter.coders
    let wanted = AssignmentQuery(reviewOnly: review, grep: grep).matches
    if !review {
      let streamed = try Output.streamAssignments(format: globals.format) { emit in
        try snapshot.forEachAssignment(docs: filter.docs, coders: coders, codes: filter.codes) {
          if wanted($0) { try emit($0) }
        }
      }
      if streamed { return }
    }
    let items = try snapshot.assignments(docs: filter.docs, coders: coders, codes: filter.codes).filter(wanted)
    if review {
      switch globals.format {
      case .table:
        Output.print(Output.reviewTable(items, handles: try snapshot.assignmentHandles()))
        return
      case .csv:
        // The reason is the point of --review: a column of its own.
        Output.print(
          Output.csv(LocatedAssignment.csvHeader + ["review"], items.map { $0.csvRow + [$0.assignment.review ?? ""] }))
        return
      case .json: break
      }
    }
    let handles = globals.format == .table ? try snapshot.assignmentHandles() : nil
    Output.print(Output.assignments(items, format: globals.format, handles: handles))
  }
}

extension Output {
  /// `gloss ls --review` as a table: the reason replaces the text column's excerpt.
  static func reviewTable(_ items: [LocatedAssignment], handles: AssignmentHandles) -> String {
    table(
      ["ID", "CODER", "DOC", "CODE", "SPAN", "REVIEW"],
      items.map {
        [
          handles.handle($0.assignment.id), $0.coder, $0.doc, $0.assignment.code,
          "\($0.assignment.start)-\($0.assignment.end)", $0.assignment.review ?? "",
        ]
      })
  }
}
