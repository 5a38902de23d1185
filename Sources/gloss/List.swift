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
    let query = AssignmentQuery(reviewOnly: review, grep: grep)
    let wanted: @Sendable (LocatedAssignment) -> Bool = { query.matches($0) }
    if !review && globals.format == .table {
      try printTable(snapshot, filter: filter, wanted: wanted)
      return
    }
    if !review {
      let codes = filter.codes
      try Output.streamAssignments(format: globals.format, snapshot: snapshot, docs: filter.docs, coders: coders) {
        coder, doc, records in
        records.lazy.filter { codes?.contains($0.code) ?? true }
          .map { LocatedAssignment(coder: coder, doc: doc, assignment: $0) }.filter(wanted)
      }
      return
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
  /// One annotation file's rows, formatted where the file was decoded: the ids end to end,
  /// and each row's cells but the handle, each ended by a NUL (which `visible` never leaves).
  private struct Rows: Sendable {
    var ids: [UInt8] = []
    var idEnds: [Int] = []
    var cells: [UInt8] = []
    var widths = [Int](repeating: 0, count: 5)
  }

  /// The table of every matching assignment: the files are read, decoded and formatted on
  /// every core, the columns sized as rows come, then the rows written a chunk at a time.
  /// Handles are unique among all the revision's ids, so a filtered listing reads them in
  /// a pass of its own.
  func printTable(
    _ snapshot: Snapshot, filter: AssignmentFilter, wanted: @escaping @Sendable (LocatedAssignment) -> Bool
  ) throws {
    let header = ["ID", "CODER", "DOC", "CODE", "SPAN", "TEXT"]
    var widths = header.map(\.count)
    var ids: [UInt8] = []
    var idEnds: [Int] = []
    var cells: [UInt8] = []
    let codes = filter.codes
    try snapshot.forEachAnnotationFile(
      docs: filter.docs, coders: filter.coders,
      transform: { coder, doc, records in
        var rows = Rows()
        let (coderCell, docCell) = (Output.visible(coder), Output.visible(doc))
        for assignment in records where codes?.contains(assignment.code) ?? true {
          guard wanted(LocatedAssignment(coder: coder, doc: doc, assignment: assignment)) else { continue }
          rows.ids.append(contentsOf: assignment.id.utf8)
          rows.idEnds.append(rows.ids.count)
          let row = [
            coderCell, docCell, Output.visible(assignment.code), "\(assignment.start)-\(assignment.end)",
            Output.visible(Output.excerpt(assignment.exact)),
          ]
          for (column, cell) in row.enumerated() {
            rows.widths[column] = max(rows.widths[column], cell.count)
            rows.cells.append(contentsOf: cell.utf8)
            rows.cells.append(0)
          }
        }
        return rows
      }
    ) { _, _, rows in
      let base = ids.count
      ids.append(contentsOf: rows.ids)
      idEnds.append(contentsOf: rows.idEnds.lazy.map { $0 + base })
      cells.append(contentsOf: rows.cells)
      for column in 0..<5 { widths[column + 1] = max(widths[column + 1], rows.widths[column]) }
    }
    let everything = filter.docs == nil && filter.codes == nil && filter.coders == nil && grep == nil
    var shown: [String] = []
    shown.reserveCapacity(idEnds.count)
    if everything {
      for (row, length) in AssignmentHandles.lengths(arena: ids, ends: idEnds).enumerated() {
        shown.append(Output.visible(String(decoding: ids[idEnds[row] - length..<idEnds[row]], as: UTF8.self)))
      }
    } else {
      let handles = try snapshot.assignmentHandles()
      for (row, end) in idEnds.enumerated() {
        let id = String(decoding: ids[(row == 0 ? 0 : idEnds[row - 1])..<end], as: UTF8.self)
        shown.append(Output.visible(handles.handle(id)))
      }
    }
    ids = []
    idEnds = []
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
