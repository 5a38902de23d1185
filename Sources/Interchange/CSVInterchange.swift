import Foundation
import GlossCore

/// RFC 4180 CSV reading: quoted fields may hold commas, quotes (doubled) and line breaks;
/// records end in CRLF or LF. Each record keeps the line it starts on, for messages.
public enum CSVReader {
  public struct Record: Sendable, Equatable {
    public var line: Int
    public var fields: [String]
  }

  public static func parse(_ data: Data, file: String) throws -> [Record] {
    var bytes = [UInt8](data)
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
    if bytes.contains(0) {
      throw GlossError.invalidInput(file: file, line: nil, message: "contains a NUL byte: not a CSV file")
    }
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw GlossError.invalidInput(file: file, line: nil, message: "is not valid UTF-8 (save it as CSV UTF-8)")
    }
    var records: [Record] = []
    var fields: [String] = []
    var field = String.UnicodeScalarView()
    var line = 1
    var recordLine = 1
    var quoted = false
    var afterQuote = false
    var atFieldStart = true
    var scalars = text.unicodeScalars.makeIterator()
    var pending: Unicode.Scalar? = scalars.next()
    func endField() {
      fields.append(String(field))
      field = String.UnicodeScalarView()
      atFieldStart = true
      afterQuote = false
    }
    func endRecord() {
      endField()
      if !(fields.count == 1 && fields[0].isEmpty) { records.append(Record(line: recordLine, fields: fields)) }
      fields = []
    }
    while let scalar = pending {
      pending = scalars.next()
      if quoted {
        if scalar == "\"" {
          if pending == "\"" {
            field.append("\"")
            pending = scalars.next()
          } else {
            quoted = false
            afterQuote = true
          }
        } else {
          if scalar == "\n" { line += 1 }
          field.append(scalar)
        }
        continue
      }
      switch scalar {
      case ",":
        endField()
      case "\r":
        if pending == "\n" { pending = scalars.next() }
        endRecord()
        line += 1
        recordLine = line
      case "\n":
        endRecord()
        line += 1
        recordLine = line
      case "\"" where atFieldStart:
        quoted = true
        atFieldStart = false
      default:
        if afterQuote || scalar == "\"" {
          throw GlossError.invalidInput(
            file: file, line: line,
            message: "a quote in the middle of a field (quote the whole field and double inner quotes)")
        }
        atFieldStart = false
        field.append(scalar)
      }
    }
    if quoted {
      throw GlossError.invalidInput(file: file, line: recordLine, message: "a quoted field is never closed")
    }
    if !atFieldStart || !fields.isEmpty || afterQuote { endRecord() }
    return records
  }
}

/// What `gloss import csv` did.
public struct CSVImportReport: Sendable {
  public var rows: Int
  public var added: Int
  public var present: Int
  /// Rows for other coders, skipped with `--skip-others`.
  public var skipped: Int
  public var files: [String]
}

extension Project {
  /// The assignments at `revision` that `policy` lets the viewer see, as CSV: the fields of
  /// DESIGN §3, RFC 4180, CRLF.
  public func exportCSV(at revision: String? = nil, policy: Policy) throws -> Data {
    let items = try snapshot(at: revision).assignments(coders: policy.visibleCoders)
    var text = CSV.row(LocatedAssignment.csvHeader)
    for item in items { text += CSV.row(item.csvRow) }
    return Data(text.utf8)
  }
}

extension Session {
  /// Imports assignments from CSV (columns `doc`, `code`, `start` and `end` or `quote`;
  /// optional `coder`, `memo`, `id`, `exact`), all or nothing, in one commit. Rows belong to
  /// the importing coder: an empty `coder` means the importer; `consensus` rows need a
  /// lead; rows of other coders are refused, or skipped with `skipOthers` (DESIGN §6).
  /// With `all` (leads only) every row goes to its coder's folder in one commit; `map` turns
  /// names in the coder column (`Ana Lima`) into coder ids.
  public func importCSV(
    _ data: Data, source: String, skipOthers: Bool = false, all: Bool = false, map: [String: String] = [:],
    dryRun: Bool = false
  )
    throws -> (report: CSVImportReport, commit: CommitResult?)
  {
    let records = try CSVReader.parse(data, file: source)
    guard let header = records.first else {
      throw GlossError.invalidInput(file: source, line: nil, message: "is empty (expected a header row)")
    }
    let allowed = ["id", "coder", "doc", "code", "start", "end", "quote", "exact", "memo"]
    var column: [String: Int] = [:]
    for (index, raw) in header.fields.enumerated() {
      let name = raw.trimmingCharacters(in: .whitespaces).lowercased()
      guard allowed.contains(name) else {
        throw GlossError.invalidInput(
          file: source, line: header.line,
          message: "unknown column \"\(raw)\" (expected \(allowed.joined(separator: ", ")))")
      }
      guard column[name] == nil else {
        throw GlossError.invalidInput(file: source, line: header.line, message: "column \"\(name)\" given twice")
      }
      column[name] = index
    }
    for required in ["doc", "code"] where column[required] == nil {
      throw GlossError.invalidInput(file: source, line: header.line, message: "missing column \"\(required)\"")
    }
    guard (column["start"] != nil && column["end"] != nil) || column["quote"] != nil else {
      throw GlossError.invalidInput(
        file: source, line: header.line, message: "needs columns \"start\" and \"end\", or \"quote\"")
    }
    let (commit, report) = try runImport(dryRun: dryRun) { stage in
      var report = CSVImportReport(rows: 0, added: 0, present: 0, skipped: 0, files: [])
      if all, !stage.isLead(coder) { throw GlossError.leadsOnly(action: .importAll, coder: coder) }
      let known = Session.knownCoders(stage.settings)
      var texts: [String: DocumentText] = [:]
      var touched: [String] = []
      for record in records.dropFirst() {
        func value(_ name: String) -> String {
          guard let index = column[name], index < record.fields.count else { return "" }
          return CSV.restored(record.fields[index])
        }
        func fail(_ message: String) -> GlossError {
          GlossError.invalidInput(file: source, line: record.line, message: message)
        }
        guard record.fields.count <= header.fields.count else {
          throw fail("\(record.fields.count) fields, but the header has \(header.fields.count)")
        }
        report.rows += 1
        do {
          let cell = value("coder").trimmingCharacters(in: .whitespaces)
          let target = cell.isEmpty ? coder : map[cell] ?? cell
          // With --all a row may go to any coder of the project, and only to one: a name
          // that is not one (a typo, someone never added) would start a coder of its own.
          if all && !known.contains(target) {
            throw fail(
              "coder \"\(cell)\" is not a coder of this project; name its coder with --map \"\(cell)=CODER\"")
          }
          try Identifier.requireCoder(target)
          if target != coder && target != Identifier.consensus && skipOthers && !all {
            report.skipped += 1
            continue
          }
          if !all { try stage.checkWritable(target, importer: coder) }
          let doc = value("doc").trimmingCharacters(in: .whitespaces)
          // One DocumentText per document, not per row (a sheet of 40,000 rows on a long text).
          let text: DocumentText
          if let cached = texts[doc] {
            text = cached
          } else {
            guard let string = try stage.documentText(doc) else { throw GlossError.unknownDocument(doc) }
            text = DocumentText(string)
            texts[doc] = text
          }
          let codeName = value("code").trimmingCharacters(in: .whitespaces)
          guard let code = stage.codebook.lookup(codeName) else { throw GlossError.unknownCode(codeName) }
          let range: Range<Int>
          let startText = value("start").trimmingCharacters(in: .whitespaces)
          let endText = value("end").trimmingCharacters(in: .whitespaces)
          if !startText.isEmpty || !endText.isEmpty || value("quote").isEmpty {
            guard let start = Int(startText), let end = Int(endText) else {
              throw fail("\"start\" and \"end\" must be whole numbers (or leave them empty and give \"quote\")")
            }
            range = try SpanSelector.chars(start, end).resolve(in: text)
          } else {
            range = try SpanSelector.quote(value("quote")).resolve(in: text)
          }
          let exact = text.slice(range.lowerBound, range.upperBound)
          if column["exact"] != nil, !value("exact").isEmpty, value("exact") != exact {
            throw fail(
              "\"exact\" does not match the text at \(range.lowerBound)-\(range.upperBound) of \(doc)")
          }
          let givenID = value("id").trimmingCharacters(in: .whitespaces).lowercased()
          if !givenID.isEmpty && !AssignmentID.isValid(givenID) { throw fail("\"id\" is not a UUID: \(givenID)") }
          let id =
            givenID.isEmpty
            ? StableID.assignment(
              source: "csv", coder: target, doc: doc, code: code.id, start: range.lowerBound, end: range.upperBound)
            : givenID
          let memo = value("memo")
          let assignment = Assignment(
            id: id, code: code.id, start: range.lowerBound, end: range.upperBound, exact: exact,
            memo: memo.isEmpty ? nil : memo)
          switch try stage.add(assignment, coder: target, doc: doc) {
          case .added: report.added += 1
          case .present: report.present += 1
          }
          let path = Layout.annotation(coder: target, doc: doc)
          if !touched.contains(path) { touched.append(path) }
        } catch let error as GlossError {
          if case .invalidInput = error { throw error }
          throw fail(error.errorDescription ?? "invalid row")
        }
      }
      report.files = touched
      guard report.rows > 0 else {
        throw GlossError.invalidInput(file: source, line: nil, message: "has no rows after the header")
      }
      return (
        "gloss: \(coder) imports \(report.added) assignments from \((source as NSString).lastPathComponent)", report
      )
    }
    return (report, commit)
  }
}
