import ArgumentParser
import GlossCore

struct List: ParsableCommand {
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
      """)

  @OptionGroup var globals: GlobalOptions
  @Option(parsing: .singleValue, help: "Only these documents (repeatable or comma-separated).")
  var doc: [String] = []
  @Option(parsing: .singleValue, help: "Only these codes.") var code: [String] = []
  @Option(parsing: .singleValue, help: "Only these coders.") var coder: [String] = []
  @Option(help: "Revision to read (default: HEAD).") var rev: String?
  @Flag(help: "Only spans marked for review by re-anchoring, with the reason.") var review = false

  func run() throws {
    let project = try globals.project()
    let snapshot = try project.snapshot(at: rev)
    let filter = try AssignmentFilter.checked(
      docs: splitList(doc), codes: splitList(code), coders: splitList(coder), in: snapshot
    )
    .visible(to: try project.policy(explicit: globals.coder))
    let coders = filter.coders
    if !review {
      let streamed = try Output.streamAssignments(format: globals.format) { emit in
        try snapshot.forEachAssignment(docs: filter.docs, coders: coders, codes: filter.codes, emit)
      }
      if streamed { return }
    }
    var items = try snapshot.assignments(docs: filter.docs, coders: coders, codes: filter.codes)
    if review {
      items = items.filter { $0.assignment.review != nil }
      if globals.format == .table {
        Output.print(Output.reviewTable(items))
        return
      }
    }
    Output.print(Output.assignments(items, format: globals.format))
  }
}

extension Output {
  /// `gloss ls --review` as a table: the reason replaces the text column's excerpt.
  static func reviewTable(_ items: [LocatedAssignment]) -> String {
    table(
      ["ID", "CODER", "DOC", "CODE", "SPAN", "REVIEW"],
      items.map {
        [
          $0.assignment.id, $0.coder, $0.doc, $0.assignment.code,
          "\($0.assignment.start)-\($0.assignment.end)", $0.assignment.review ?? "",
        ]
      })
  }
}
