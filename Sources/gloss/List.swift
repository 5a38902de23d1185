import ArgumentParser
import Foundation
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
    // Reads every annotation file and exits: git objects are read without re-hashing.
    Project.readObjectsWithoutRehashing()
    let snapshot = try project.snapshot(at: rev)
    let filter = try AssignmentFilter.checked(
      docs: doc, codes: code, coders: coder, withChildren: !exact, in: snapshot
    )
    .visible(to: try policy(in: project))
    let coders = filter.coders
    let wanted = AssignmentQuery(reviewOnly: review, grep: grep).matches
    if !review && globals.format == .table {
      try printTable(snapshot, filter: filter, wanted: wanted)
      return
    }
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

extension List {
  /// The table of every matching assignment: one read of the files, each row kept as the
  /// cells it shows (not the whole record), then written a chunk at a time. Handles are
  /// unique among all the revision's ids, so a filtered listing reads them in a pass of
  /// its own.
  func printTable(_ snapshot: Snapshot, filter: AssignmentFilter, wanted: (LocatedAssignment) -> Bool) throws {
    var ids: [String] = []
    var rows: [TableRow] = []
    try snapshot.forEachAssignment(docs: filter.docs, coders: filter.coders, codes: filter.codes) { item in
      guard wanted(item) else { return }
      ids.append(item.assignment.id)
      rows.append(
        TableRow(
          coder: Output.visible(item.coder), doc: Output.visible(item.doc), code: Output.visible(item.assignment.code),
          span: "\(item.assignment.start)-\(item.assignment.end)",
          text: Output.visible(Output.excerpt(item.assignment.exact))))
    }
    let everything = filter.docs == nil && filter.codes == nil && filter.coders == nil && grep == nil
    let shown: [String]
    do {
      let handles = everything ? AssignmentHandles(ids: ids) : try snapshot.assignmentHandles()
      shown = ids.map { Output.visible(handles.handle($0)) }
    }
    ids = []
    Output.writeTable(["ID", "CODER", "DOC", "CODE", "SPAN", "TEXT"], count: rows.count) { index in
      [shown[index], rows[index].coder, rows[index].doc, rows[index].code, rows[index].span, rows[index].text]
    }
  }

  /// What one line of the table shows but its handle, escaped for the terminal.
  struct TableRow {
    let coder: String
    let doc: String
    let code: String
    let span: String
    let text: String
  }
}

extension Output {
  /// A table as `table` lays it out, written a chunk at a time: `cells(i)` gives row `i`'s
  /// cells (already through `visible`), called once to size the columns and once to write.
  /// Nothing holds the whole text, so a million rows cost their cells, not their lines.
  static func writeTable(_ header: [String], count: Int, cells: (Int) -> [String]) {
    var widths = header.map(\.count)
    for index in 0..<count {
      for (column, cell) in cells(index).enumerated() where column < widths.count {
        widths[column] = max(widths[column], cell.count)
      }
    }
    var buffer: [UInt8] = []
    buffer.reserveCapacity(1 << 17)
    func write(_ row: [String]) {
      var line = ""
      for (column, cell) in row.enumerated() {
        if column > 0 { line += "  " }
        line += cell
        if column < row.count - 1, column < widths.count, cell.count < widths[column] {
          line += String(repeating: " ", count: widths[column] - cell.count)
        }
      }
      buffer.append(contentsOf: fit(line, terminalWidth).utf8)
      buffer.append(0x0a)
      if buffer.count >= 1 << 16 {
        FileHandle.standardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
      }
    }
    write(header)
    for index in 0..<count { write(cells(index)) }
    FileHandle.standardOutput.write(Data(buffer))
  }

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
