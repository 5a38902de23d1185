import ArgumentParser
import Foundation
import GlossCore

/// How listings print.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case table, json, csv
}

/// Options every command takes, before or after the subcommand name (as in git).
struct GlobalOptions: ParsableArguments {
  @Option(name: .customShort("C"), help: ArgumentHelp("Run as if gloss was started in <path>.", valueName: "path"))
  var directory: String?

  @Option(
    name: .customLong("as"),
    help: ArgumentHelp(
      "Act as this coder (else GLOSS_CODER, git config gloss.coder, or user.name).",
      valueName: "coder"))
  var coder: String?

  @Option(help: "Output format: table, json or csv; a command refuses one it does not print.")
  var format: OutputFormat = .table

  func project() throws -> Project { try Project.open(at: directory) }

  /// A session for who is making a change: refused when the project does not know that
  /// coder yet.
  func session(in project: Project) throws -> Session {
    try project.session(knownAs: try project.coder(explicit: coder))
  }
}

/// Printing helpers shared by the commands.
enum Output {
  static func print(_ text: String) {
    // Compare bytes: a CSV's final "\r\n" is one Character, which hasSuffix("\n") misses.
    let shown = visible(text)
    write(shown.utf8.last == 0x0a ? shown : shown + "\n")
  }

  /// Writes to standard output, all of it (write(2): FileHandle traps when a write fails).
  /// A failed write (a full disk, a closed pipe) ends the command with an error.
  static func write(_ bytes: [UInt8]) {
    bytes.withUnsafeBufferPointer { buffer in
      var done = 0
      while done < buffer.count, let base = buffer.baseAddress {
        let count = Glibc.write(STDOUT_FILENO, base + done, buffer.count - done)
        if count < 0 && errno == EINTR { continue }
        guard count > 0 else {
          FileHandle.standardError.write(
            Data("error: cannot write the output: \(String(cString: strerror(errno)))\n".utf8))
          exit(1)
        }
        done += count
      }
    }
  }

  static func write(_ text: String) { write(Array(text.utf8)) }

  /// Lines for standard output, written 64 KB at a time.
  struct BufferedOutput {
    private var buffer: [UInt8] = []

    mutating func line(_ text: String) {
      buffer.append(contentsOf: text.utf8)
      buffer.append(0x0a)
      if buffer.count >= 1 << 16 { flush() }
    }

    /// Bytes already laid out as lines.
    mutating func write(_ bytes: some Sequence<UInt8>) {
      buffer.append(contentsOf: bytes)
      if buffer.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
      Output.write(buffer)
      buffer.removeAll(keepingCapacity: true)
    }
  }

  /// Prints text whose user parts already went through `visible`, keeping the caller's own
  /// escapes (highlights).
  static func printStyled(_ text: String) {
    write(text.utf8.last == 0x0a ? text : text + "\n")
  }

  /// Text as it may reach a terminal: every control character a code name, memo or
  /// transcript could smuggle in (ESC, BEL, C0, DEL, C1) is shown as `\u{1B}`, so no output
  /// can recolour, retitle or rewrite the user's terminal. Line feeds, tabs and CRLF line
  /// ends (CSV) stay. Every text and table output goes through here; JSON is escaped by its
  /// encoder instead.
  static func visible(_ text: String) -> String {
    // Fast path without allocating, in the string's own buffer.
    var buffer = text
    guard buffer.withUTF8(needsEscape) else { return text }
    var out = String.UnicodeScalarView()
    var scalars = text.unicodeScalars.makeIterator()
    var next = scalars.next()
    while let scalar = next {
      next = scalars.next()
      let unsafe: Bool
      switch scalar.value {
      case 0x09, 0x0a: unsafe = false
      case 0x0d: unsafe = next != "\n"
      case 0..<0x20, 0x7f...0x9f: unsafe = true
      default: unsafe = false
      }
      if unsafe {
        out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
      } else {
        out.append(scalar)
      }
    }
    return String(out)
  }

  /// Whether `visible` would change these UTF-8 bytes: only bytes below 0x20, DEL and the
  /// UTF-8 lead byte of C1 controls (0xC2) can need escaping; a CR before an LF (CSV's line
  /// end) does not.
  static func needsEscape(_ bytes: some Sequence<UInt8>) -> Bool {
    var previousCR = false
    for byte in bytes {
      if previousCR && byte != 0x0a { return true }
      previousCR = byte == 0x0d
      if (byte < 0x20 && byte != 0x0a && byte != 0x09 && byte != 0x0d) || byte == 0x7f || byte == 0xc2 {
        return true
      }
    }
    return previousCR
  }

  /// A progress line on a terminal's stderr (`label n/total`), redrawn in place; silent
  /// when stderr is a file or a pipe, so logs and scripts see only results.
  static func progress(_ label: String, _ done: Int, _ total: Int? = nil) {
    guard isatty(STDERR_FILENO) == 1 else { return }
    let count = total.map { "\(done)/\($0)" } ?? "\(done)"
    FileHandle.standardError.write(Data("\r\u{1B}[K\(label) \(count)".utf8))
  }

  /// Clears the progress line.
  static func progressDone() {
    guard isatty(STDERR_FILENO) == 1 else { return }
    FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
  }

  static func note(_ text: String) {
    FileHandle.standardError.write(Data((visible(text) + "\n").utf8))
  }

  /// Aligned columns with a header; the last column is left unpadded.
  static func table(_ header: [String], _ rows: [[String]]) -> String {
    guard !header.isEmpty else { return "" }
    // Escape first, so the columns are sized by what the terminal will show.
    let rows = rows.map { $0.map(visible) }
    var widths = header.map(\.count)
    for row in rows {
      for (index, cell) in row.enumerated() where index < widths.count {
        widths[index] = max(widths[index], cell.count)
      }
    }
    return ([header] + rows).map { tableLine($0, widths: widths) }.joined(separator: "\n")
  }

  /// One line of a table: every cell but the last padded to its column's width (counted in
  /// characters, as the widths are), two spaces apart, cut to the terminal's width.
  static func tableLine(_ cells: [String], widths: [Int]) -> String {
    var line = ""
    for (column, cell) in cells.enumerated() {
      if column > 0 { line += "  " }
      line += cell
      if column < cells.count - 1, column < widths.count {
        let count = cell.count
        if count < widths[column] { line += String(repeating: " ", count: widths[column] - count) }
      }
    }
    return fit(line, terminalWidth)
  }

  /// How many characters a table cell shows: its bytes for ASCII without CR (nearly every
  /// cell), counted as Characters otherwise, as `tableLine` counts them.
  static func characterCount(_ bytes: some Collection<UInt8>) -> Int {
    if !bytes.contains(where: { $0 >= 0x80 || $0 == 0x0d }) { return bytes.count }
    return String(decoding: bytes, as: UTF8.self).count
  }

  /// Appends `visible` of UTF-8 bytes (the bytes themselves when nothing needs escaping).
  static func appendVisible(_ bytes: some Collection<UInt8>, to out: inout [UInt8]) {
    if needsEscape(bytes) {
      out.append(contentsOf: visible(String(decoding: bytes, as: UTF8.self)).utf8)
    } else {
      out.append(contentsOf: bytes)
    }
  }

  /// A table cell that is not the line's last: the cell, padded to `width` characters (it
  /// shows `count`), and the two spaces between columns.
  static func appendCell(_ cell: some Collection<UInt8>, width: Int, count: Int, to line: inout [UInt8]) {
    line.append(contentsOf: cell)
    line.append(contentsOf: repeatElement(UInt8(ascii: " "), count: max(0, width - count) + 2))
  }

  /// The terminal's width when standard output is one (COLUMNS, else TIOCGWINSZ); nil when
  /// output goes to a file or a pipe, which get every table in full.
  static let terminalWidth: Int? = {
    guard isatty(STDOUT_FILENO) == 1 else { return nil }
    if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns > 0 {
      return columns
    }
    var size = winsize()
    guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
    return Int(size.ws_col)
  }()

  /// A table line cut to the terminal's width, marked with "…". The last column (the
  /// text, memo or reason in every table) is the one that gives way.
  static func fit(_ line: String, _ width: Int?) -> String {
    guard let width, width > 1, line.count > width else { return line }
    return String(line.prefix(width - 1)) + "…"
  }

  static func csv(_ header: [String], _ rows: [[String]]) -> String {
    ([header] + rows).map(CSV.row).joined()
  }

  /// A one-line excerpt for tables.
  static func excerpt(_ text: String, limit: Int = excerptLimit) -> String { text.excerpt(limit: limit) }

  /// How many characters of a span's text a table shows.
  static let excerptLimit = 48

  /// Assignments as a listing; tables show each id's short handle (DESIGN §3) when given.
  static func assignments(
    _ items: [LocatedAssignment], format: OutputFormat, handles: AssignmentHandles? = nil
  ) -> String {
    switch format {
    case .json: return JSON.lines(items.map(\.json))
    case .csv: return csv(LocatedAssignment.csvHeader, items.map(\.csvRow))
    case .table:
      return table(
        ["ID", "CODER", "DOC", "CODE", "SPAN", "TEXT"],
        items.map {
          [
            handles?.handle($0.assignment.id) ?? $0.assignment.id, $0.coder, $0.doc, $0.assignment.code,
            "\($0.assignment.start)-\($0.assignment.end)", excerpt($0.assignment.exact),
          ]
        })
    }
  }

  /// `ls --format json|csv` written as it is read: each annotation file's rows are formatted
  /// on the core that decoded it (`rows` gives the ones to list), and written here in file
  /// order, 64 KB at a time.
  static func streamAssignments(
    format: OutputFormat, snapshot: Snapshot, docs: Set<String>?, coders: Set<String>?,
    rows: @escaping @Sendable (_ coder: String, _ doc: String, _ records: [Assignment]) -> [LocatedAssignment]
  ) throws {
    var output = BufferedOutput()
    // Each JSON row comes after ",\n  "; the first one's separator is the array's opening.
    let separator = Array(",\n  ".utf8)
    var empty = true
    if format == .csv { output.write(CSV.row(LocatedAssignment.csvHeader).utf8) }
    try snapshot.forEachAnnotationFile(
      docs: docs, coders: coders,
      transform: { coder, doc, records in
        var bytes: [UInt8] = []
        var row: [UInt8] = []
        for item in rows(coder, doc, records) {
          if format == .json {
            bytes.append(contentsOf: separator)
            item.appendJSON(to: &bytes)
          } else {
            appendCSVRow(item, to: &bytes, scratch: &row)
          }
        }
        return bytes
      }
    ) { _, _, bytes in
      guard !bytes.isEmpty else { return }
      if format == .json && empty {
        output.write("[\n  ".utf8)
        output.write(bytes[separator.count...])
      } else {
        output.write(bytes)
      }
      empty = false
    }
    if format == .json { output.write((empty ? "[]\n" : "\n]\n").utf8) }
    output.flush()
  }

  /// `visible(CSV.row(item.csvRow))`'s bytes, written field by field into `scratch` (the
  /// listing's rows, a million of them, make no strings).
  static func appendCSVRow(_ item: LocatedAssignment, to out: inout [UInt8], scratch row: inout [UInt8]) {
    row.removeAll(keepingCapacity: true)
    let assignment = item.assignment
    appendCSVField(assignment.id, to: &row)
    appendCSVField(item.coder, to: &row)
    appendCSVField(item.doc, to: &row)
    appendCSVField(assignment.code, to: &row)
    AnnotationFormat.appendInteger(assignment.start, to: &row)
    row.append(UInt8(ascii: ","))
    AnnotationFormat.appendInteger(assignment.end, to: &row)
    row.append(UInt8(ascii: ","))
    appendCSVField(assignment.exact, to: &row)
    appendCSVField(assignment.memo ?? "", to: &row, last: true)
    row.append(contentsOf: [0x0d, 0x0a])
    appendVisible(row, to: &out)
  }

  /// `CSV.field(text)` and the comma after it (unless `last`).
  private static func appendCSVField(_ text: String, to row: inout [UInt8], last: Bool = false) {
    defer { if !last { row.append(UInt8(ascii: ",")) } }
    var text = text
    text.withUTF8 { bytes in
      // A cell a spreadsheet could run (or one starting with the guard's apostrophe) takes
      // CSV.field's own way.
      if let first = bytes.first, "'=+-@\t\r".utf8.contains(first) {
        return row.append(contentsOf: CSV.field(String(decoding: bytes, as: UTF8.self)).utf8)
      }
      var quotes = false
      var needsQuotes = false
      for byte in bytes where byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == 0x0a || byte == 0x0d {
        needsQuotes = true
        if byte == UInt8(ascii: "\"") { quotes = true }
      }
      guard needsQuotes else { return row.append(contentsOf: bytes) }
      row.append(UInt8(ascii: "\""))
      if quotes {
        for byte in bytes {
          row.append(byte)
          if byte == UInt8(ascii: "\"") { row.append(byte) }
        }
      } else {
        row.append(contentsOf: bytes)
      }
      row.append(UInt8(ascii: "\""))
    }
  }

  /// Reads a file named on the command line, or standard input for `-`.
  static func readInput(_ path: String, argument: String) throws -> Data {
    if path == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
      throw GlossError.invalidArgument(argument: argument, message: "\(path): no such file")
    }
    guard !isFolder.boolValue else {
      throw GlossError.invalidArgument(argument: argument, message: "\(path) is a folder")
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw GlossError.invalidArgument(argument: argument, message: "\(path): cannot be read")
    }
    return data
  }
}

extension DocumentInput {
  /// A transcript named on the command line (`-` for standard input), with the id given or
  /// else the file name's (`doc add`, `doc update`, `import delve`).
  init(file: String, id: String?) throws {
    self.init(
      id: id ?? Identifier.documentID(fromFileName: (file as NSString).lastPathComponent),
      data: try Output.readInput(file, argument: "FILE"), source: file)
  }
}
