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
      try printTable(snapshot, filter: filter, wanted: grep == nil ? nil : wanted)
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
  /// One annotation file's rows, formatted where the file was decoded, as bytes: the ids end
  /// to end, and per row its code, span and text cells (ended at `cellEnds`). The coder and
  /// document cells are the file's.
  private struct Rows: Sendable {
    var coder: [UInt8] = []
    var doc: [UInt8] = []
    var ids: [UInt8] = []
    var idEnds: [Int] = []
    var cells: [UInt8] = []
    var cellEnds: [Int32] = []
    /// The listing's number of the file's first row.
    var firstRow = 0
    /// The widest code and span, in characters.
    var codeWidth = 0
    var spanWidth = 0

    var count: Int { cellEnds.count / 3 }

    /// Adds a row; `text` appends its text cell to the cells.
    mutating func append(
      id: some Collection<UInt8>, code: some Collection<UInt8>, start: Int, end: Int,
      text: (inout [UInt8]) -> Void
    ) {
      ids.append(contentsOf: id)
      idEnds.append(ids.count)
      Output.appendVisible(code, to: &cells)
      cellEnds.append(Int32(cells.count))
      AnnotationFormat.appendInteger(start, to: &cells)
      cells.append(UInt8(ascii: "-"))
      AnnotationFormat.appendInteger(end, to: &cells)
      cellEnds.append(Int32(cells.count))
      text(&cells)
      cellEnds.append(Int32(cells.count))
    }

    /// The cells of row `row`: code, span, text, in `cells`' bytes.
    func cells(_ row: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (
      code: UnsafeBufferPointer<UInt8>, span: UnsafeBufferPointer<UInt8>, text: UnsafeBufferPointer<UInt8>
    ) {
      let start = row == 0 ? 0 : Int(cellEnds[3 * row - 1])
      let (code, span, text) = (Int(cellEnds[3 * row]), Int(cellEnds[3 * row + 1]), Int(cellEnds[3 * row + 2]))
      return (
        UnsafeBufferPointer(rebasing: bytes[start..<code]), UnsafeBufferPointer(rebasing: bytes[code..<span]),
        UnsafeBufferPointer(rebasing: bytes[span..<text])
      )
    }
  }

  /// The table of every matching assignment: the files are read, decoded and formatted on
  /// every core, the columns sized as rows come, then the rows written a chunk at a time.
  /// Handles are unique among all the revision's ids, so a filtered listing reads them in
  /// a pass of its own.
  func printTable(
    _ snapshot: Snapshot, filter: AssignmentFilter, wanted: (@Sendable (LocatedAssignment) -> Bool)?
  ) throws {
    let header = ["ID", "CODER", "DOC", "CODE", "SPAN", "TEXT"]
    var widths = header.map(\.count)
    // Each file's rows as they came (their ids moved to one array for the handles).
    var files: [Rows] = []
    var ids: [UInt8] = []
    var idEnds: [Int] = []
    // Handles unique among the rows listed, when they are all the revision's.
    let everything = filter.docs == nil && filter.codes == nil && filter.coders == nil && grep == nil
    var handles = AssignmentHandles.Lengths()
    let codes = filter.codes
    try snapshot.forEachAnnotationFileContents(
      docs: filter.docs, coders: filter.coders,
      transform: { coder, doc, contents throws(AnnotationFormat.Problem) in
        var rows = Rows()
        rows.coder = Array(Output.visible(coder).utf8)
        rows.doc = Array(Output.visible(doc).utf8)
        // A file as gloss writes it is shown from its bytes; any other through its records.
        if wanted == nil, case .bytes(let data) = contents, let file = AnnotationFormat.CanonicalRecords(data) {
          for record in file.records
          where codes?.contains(String(decoding: file.bytes[record.code], as: UTF8.self)) ?? true {
            rows.append(
              id: file.bytes[record.id], code: file.bytes[record.code], start: record.start, end: record.end
            ) { cells in
              if !file.appendPlainExcerpt(record, limit: Output.excerptLimit, to: &cells) {
                cells.append(contentsOf: Output.visible(Output.excerpt(file.exact(record))).utf8)
              }
            }
          }
        } else {
          for assignment in try contents.records() where codes?.contains(assignment.code) ?? true {
            if let wanted, !wanted(LocatedAssignment(coder: coder, doc: doc, assignment: assignment)) { continue }
            rows.append(
              id: assignment.id.utf8, code: assignment.code.utf8, start: assignment.start, end: assignment.end
            ) { cells in
              if !assignment.exact.appendPlainExcerpt(limit: Output.excerptLimit, to: &cells) {
                cells.append(contentsOf: Output.visible(Output.excerpt(assignment.exact)).utf8)
              }
            }
          }
        }
        // Kept to the end: at their size, not at the capacity they grew to. Sized here, on
        // the worker, so the thread that gathers the rows has less to do.
        (rows.cells, rows.cellEnds) = (Array(rows.cells[...]), Array(rows.cellEnds[...]))
        rows.cells.withUnsafeBufferPointer { bytes in
          for row in 0..<rows.count {
            let cells = rows.cells(row, in: bytes)
            rows.codeWidth = max(rows.codeWidth, Output.characterCount(cells.code))
            rows.spanWidth = max(rows.spanWidth, cells.span.count)
          }
        }
        return rows
      }
    ) { _, _, rows in
      guard !rows.idEnds.isEmpty else { return }
      var rows = rows
      let base = ids.count
      rows.firstRow = idEnds.count
      ids.append(contentsOf: rows.ids)
      idEnds.append(contentsOf: rows.idEnds.lazy.map { $0 + base })
      if everything {
        rows.ids.withUnsafeBufferPointer { bytes in
          for (row, end) in rows.idEnds.enumerated() {
            handles.add(UnsafeBufferPointer(rebasing: bytes[(row == 0 ? 0 : rows.idEnds[row - 1])..<end]))
          }
        }
      }
      (rows.ids, rows.idEnds) = ([], [])
      widths[1] = max(widths[1], Output.characterCount(rows.coder))
      widths[2] = max(widths[2], Output.characterCount(rows.doc))
      widths[3] = max(widths[3], rows.codeWidth)
      widths[4] = max(widths[4], rows.spanWidth)
      files.append(rows)
    }
    let handleLengths: [Int]
    if everything {
      handleLengths = handles.resolved(arena: ids, ends: idEnds)
    } else {
      let projectHandles = try snapshot.assignmentHandles()
      handleLengths = idEnds.indices.map { row in
        let id = String(decoding: ids[(row == 0 ? 0 : idEnds[row - 1])..<idEnds[row]], as: UTF8.self)
        return projectHandles.handle(id).utf8.count
      }
    }
    // Ids of printable ASCII (as gloss makes them) show as they are: a handle is as wide as
    // it is long.
    let plainIDs = ids.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    // Each row's handle is a suffix of its id.
    let handle: @Sendable (Int, inout [UInt8]) -> Void = { [ids, idEnds] row, line in
      let shown = ids[(row == 0 ? 0 : idEnds[row - 1])..<idEnds[row]].suffix(handleLengths[row])
      if plainIDs { line.append(contentsOf: shown) } else { Output.appendVisible(shown, to: &line) }
    }
    if plainIDs {
      widths[0] = max(widths[0], handleLengths.max() ?? 0)
    } else {
      var line: [UInt8] = []
      for row in handleLengths.indices {
        line.removeAll(keepingCapacity: true)
        handle(row, &line)
        widths[0] = max(widths[0], Output.characterCount(line))
      }
    }
    // The lines of `files[range]`, end to end.
    let lines: @Sendable (Range<Int>) -> [UInt8] = { [files, widths, plainIDs] range in
      var out: [UInt8] = []
      var line: [UInt8] = []
      for file in files[range] {
        let (coderCount, docCount) = (Output.characterCount(file.coder), Output.characterCount(file.doc))
        file.cells.withUnsafeBufferPointer { bytes in
          for fileRow in 0..<file.count {
            line.removeAll(keepingCapacity: true)
            handle(file.firstRow + fileRow, &line)
            let shown = plainIDs ? line.count : Output.characterCount(line)
            line.append(contentsOf: repeatElement(UInt8(ascii: " "), count: widths[0] - shown + 2))
            Output.appendCell(file.coder, width: widths[1], count: coderCount, to: &line)
            Output.appendCell(file.doc, width: widths[2], count: docCount, to: &line)
            let cells = file.cells(fileRow, in: bytes)
            Output.appendCell(cells.code, width: widths[3], count: Output.characterCount(cells.code), to: &line)
            Output.appendCell(cells.span, width: widths[4], count: cells.span.count, to: &line)
            line.append(contentsOf: cells.text)
            Output.appendLine(line, to: &out)
          }
        }
      }
      return out
    }
    // Written a batch of files at a time, each batch's two halves formatted side by side.
    var output = Output.BufferedOutput()
    output.line(Output.tableLine(header, widths: widths))
    for start in stride(from: 0, to: files.count, by: 2_048) {
      let end = min(start + 2_048, files.count)
      let middle = (start + end) / 2
      let (first, second) = Output.inParallel({ lines(start..<middle) }, { lines(middle..<end) })
      output.write(first)
      output.write(second)
    }
    output.flush()
  }
}

extension Output {
  /// A table line made of bytes (already `visible`) and its line feed, cut to the
  /// terminal's width as `tableLine` cuts.
  static func appendLine(_ line: [UInt8], to out: inout [UInt8]) {
    if terminalWidth == nil {
      out.append(contentsOf: line)
    } else {
      out.append(contentsOf: fit(String(decoding: line, as: UTF8.self), terminalWidth).utf8)
    }
    out.append(0x0a)
  }

  /// `first()` and `second()` side by side, on two threads.
  static func inParallel(
    _ first: @Sendable () -> [UInt8], _ second: @Sendable () -> [UInt8]
  ) -> ([UInt8], [UInt8]) {
    let results = Halves()
    DispatchQueue.concurrentPerform(iterations: 2) { index in
      let value = index == 0 ? first() : second()
      results.lock.withLock { results.values[index] = value }
    }
    return results.lock.withLock { (results.values[0], results.values[1]) }
  }

  /// Two results written from two threads.
  private final class Halves: @unchecked Sendable {
    let lock = NSLock()
    var values: [[UInt8]] = [[], []]
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
