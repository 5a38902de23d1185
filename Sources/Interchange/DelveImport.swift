import Foundation
import GlossCore

/// What `gloss import delve` found in one file and did with it.
public struct DelveImportReport: Sendable {
  public var file: String
  public var doc: String
  public var headings: Int
  public var textBlocks: Int
  public var codeBlocks: Int
  /// Codes this import adds to the codebook (id and name).
  public var codesCreated: [Code]
  /// Assignments written, and those the coder's file already had (a re-import).
  public var assignmentsAdded: Int
  public var assignmentsPresent: Int
  public var documentAdded: Bool
  /// What normalization changed (BOM, CRLF, NFC).
  public var changes: [String]
}

/// The outcome of an import: per-file reports, and the commit (nil for a dry run or when
/// everything was already there).
public struct ImportOutcome<Report: Sendable>: Sendable {
  public var reports: [Report]
  public var commit: CommitResult?
}

extension Session {
  /// Imports Delve exports as one coder's work, in one commit. Each file becomes a document
  /// (unless the project has exactly that text already), missing codes are created, and
  /// every code block becomes an assignment of the whole text block it follows, with an id
  /// derived from (coder, document, code, span) so that importing again adds nothing.
  /// An export without code blocks adds the document only: no annotation file, since an
  /// uncoded export says nothing about what the coder would have coded.
  /// With `textOnly`, only the transcripts come in (no codes, no assignments): a lead sets
  /// up the documents that coders then import their own Delve coding onto.
  @discardableResult
  public func importDelve(
    _ inputs: [DocumentInput], textOnly: Bool = false, dryRun: Bool = false
  ) throws
    -> ImportOutcome<DelveImportReport>
  {
    guard !inputs.isEmpty else { throw GlossError.nothingToChange(.noFilesGiven) }
    try DocumentInput.checkIDs(inputs)
    // Read every file once up front so a bad file fails before anything is staged.
    let headBook = try project.snapshot().codebook()
    for input in inputs {
      _ = try DelveExport(data: input.data, file: input.source) { headBook.lookup($0) != nil }
    }
    let (commit, reports) = try runImport(
      leadImportHint: "gloss import delve FILE --text-only", dryRun: dryRun
    ) { stage in
      var reports: [DelveImportReport] = []
      if coder == Identifier.consensus && !textOnly {
        throw GlossError.consensusIsNotACoder(action: "import")
      }
      for input in inputs {
        let book = stage.codebook
        let export = try DelveExport(data: input.data, file: input.source) { book.lookup($0) != nil }
        let status = try stage.document(input.id, text: export.text, source: input.source)
        let before = stage.createdCodes.count
        var added = 0
        var present = 0
        let text = DocumentText(export.text)
        for coding in export.codings where !textOnly {
          let code = try stage.code(named: coding.code)
          let record = Assignment(
            id: StableID.assignment(
              source: "delve", coder: coder, doc: input.id, code: code.id, start: coding.start, end: coding.end),
            code: code.id, start: coding.start, end: coding.end, exact: text.slice(coding.start, coding.end))
          switch try stage.add(record, coder: coder, doc: input.id) {
          case .added: added += 1
          case .present: present += 1
          }
        }
        reports.append(
          DelveImportReport(
            file: input.source, doc: input.id, headings: export.headingCount, textBlocks: export.textCount,
            codeBlocks: export.codeBlockCount, codesCreated: Array(stage.createdCodes[before...]),
            assignmentsAdded: added, assignmentsPresent: present, documentAdded: status == .added,
            changes: export.changes))
      }
      let list = DocumentInput.messageList(inputs.map(\.id))
      let total = reports.reduce(0) { $0 + $1.assignmentsAdded }
      let summary =
        textOnly
        ? "gloss: \(coder) imports the text of \(list) from Delve"
        : "gloss: \(coder) imports \(list) from Delve (\(total) assignments)"
      return (summary, reports)
    }
    return ImportOutcome(reports: reports, commit: commit)
  }
}
