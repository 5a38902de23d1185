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
  /// bytes of the cells it shows (not the record), the columns sized as rows come, then
  /// written a chunk at a time. Handles are unique among all the revision's ids, so a
  /// filtered listing reads them in a pass of its own.
  func printTable(_ snapshot: Snapshot, filter: AssignmentFilter, wanted: (LocatedAssignment) -> Bool) throws {
    let header = ["ID", "CODER", "DOC", "CODE", "SPAN", "TEXT"]
    var widths = header.map(\.count)
    var ids: [String] = []
    // Every row's cells but the handle, each ended by a NUL (which `visible` never leaves).
    var cells: [UInt8] = []
    try snapshot.forEachAssignment(docs: filter.docs, coders: filter.coders, codes: filter.codes) { item in
      guard wanted(item) else { return }
      ids.append(item.assignment.id)
      let row = [
        Output.visible(item.coder), Output.visible(item.doc), Output.visible(item.assignment.code),
        "\(item.assignment.start)-\(item.assignment.end)", Output.visible(Output.excerpt(item.assignment.exact)),
      ]
      for (column, cell) in row.enumerated() {
        widths[column + 1] = max(widths[column + 1], cell.count)
        cells.append(contentsOf: cell.utf8)
        cells.append(0)
      }
    }
    let everything = filter.docs == nil && filter.codes == nil && filter.coders == nil && grep == nil
    let shown: [String]
    do {
      let handles = everything ? AssignmentHandles(ids: ids) : try snapshot.assignmentHandles()
      shown = ids.map { Output.visible(handles.handle($0)) }
    }
    ids = []
    for handle in shown { widths[0] = max(widths[0], handle.count) }
    var output = Output.BufferedOutput()
    output.line(Output.tableLine(header, widths: widths))
    var cursor = 0
    for handle in shown {
      var row = [handle]
      for _ in 1..<header.count {
        var end = cursor
        while end < cells.count, cells[end] != 0 { end += 1 }
        row.append(String(decoding: cells[cursor..<end], as: UTF8.self))
        cursor = end + 1
      }
      output.line(Output.tableLine(row, widths: widths))
    }
    output.flush()
  }
}

extension Output {
  /// Lines for standard output, written 64 KB at a time.
  struct BufferedOutput {
    private var buffer: [UInt8] = []

    mutating func line(_ text: String) {
      buffer.append(contentsOf: text.utf8)
      buffer.append(0x0a)
      if buffer.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
      FileHandle.standardOutput.write(Data(buffer))
      buffer.removeAll(keepingCapacity: true)
    }
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
