import ArgumentParser
import Foundation
import GlossCore
import Interchange

struct DocUpdate: GlossCommand {
  static let configuration = CommandConfiguration(
    commandName: "update",
    abstract: "Replace a transcript's text and re-anchor every coder's spans on it.",
    discussion: """
      FILE is read and normalized as 'doc add' does (.txt, .md, .docx, .odt, .vtt, .srt; \
      --encoding for text files without a byte-order mark). A character-level diff between the old and the \
      new text moves every span of every coder (consensus included) in the same commit. A \
      span whose text changed a little inside is kept with its new text; one whose text was \
      deleted or rewritten keeps its last good position and gets a review mark (see \
      'gloss ls --review'; 'gloss rm' or adding the same span again clears it). Spans \
      whose quote no longer matched the old text are looked up by their quote.

      Moving other coders' spans is a lead's job (gloss.yaml 'leads'), as 'gloss validate \
      --range' checks; a coder may update a document whose change moves only their own \
      spans. --dry-run reports without writing, for anyone.

      Examples:
        gloss doc update interview-34 corrected/interview-34.txt --dry-run
        gloss --as lead doc update interview-34 corrected/interview-34.txt
        gloss --as lead doc update interview-34 corrected/interview-34.docx
      """)

  static let formats: Set<OutputFormat> = [.table, .json]
  @OptionGroup var globals: GlobalOptions
  @Argument(help: "The document id.") var doc: String
  @Argument(help: "The new transcript (.txt, .md, .docx, .odt, .vtt, .srt), or - for standard input.")
  var file: String
  @Option(help: "Encoding of a text file without a byte-order mark.")
  var encoding: TextEncoding?
  @Flag(help: "Report what would change without writing.") var dryRun = false

  func run(_ session: Session) throws {
    let raw = try DocumentInput(file: file, id: doc)
    let transcript = try TranscriptFile(data: raw.data, file: file, encoding: encoding)
    let input = DocumentInput(id: raw.id, data: transcript.data, source: raw.source)
    let report = try session.updateDocument(input, dryRun: dryRun)
    for note in transcript.notes { Output.note("\(file): \(note)") }
    for warning in transcript.warnings { Output.note("warning: \(warning)") }
    Output.print(Self.render(report, dryRun: dryRun, format: globals.format))
    if let commit = report.commit { Output.note("committed \(commit.commit.short)") }
  }

  static func render(_ report: DocumentUpdateReport, dryRun: Bool, format: OutputFormat) -> String {
    let outcomes = AnchorOutcome.allCases
    switch format {
    case .json, .csv:  // csv never gets here: `formats` refuses it in validate()
      let changed = report.spans.filter { $0.span.outcome != .unchanged }
      return JSON.object([
        ("doc", .string(report.doc)), ("dry_run", .bool(dryRun)),
        ("commit", .optional(report.commit?.commit.hex)),
        ("old_length", .int(report.oldLength)), ("new_length", .int(report.newLength)),
        ("normalization", .array(report.normalization.map(JSON.string))),
        ("counts", .object(outcomes.map { ($0.rawValue, .int(report.count($0))) })),
        (
          "spans",
          .array(
            changed.map { item in
              var json = LocatedAssignment(coder: item.coder, doc: report.doc, assignment: item.span.after)
                .json
              if case .object(var members) = json {
                members.insert(("outcome", .string(item.span.outcome.rawValue)), at: 0)
                members.append(
                  (
                    "before",
                    .object([
                      ("start", .int(item.span.before.start)), ("end", .int(item.span.before.end)),
                      ("exact", .string(item.span.before.exact)),
                    ])
                  ))
                json = .object(members)
              }
              return json
            })
        ),
      ]).compact
    case .table:
      var lines: [String] = []
      let verb = dryRun ? "would update" : "updated"
      var head = "\(verb) \(report.doc): \(report.oldLength) -> \(report.newLength) characters"
      if !report.normalization.isEmpty { head += " (\(report.normalization.joined(separator: "; ")))" }
      lines.append(head)
      lines.append(
        "spans: \(report.spans.count) — "
          + outcomes.map { "\(report.count($0)) \($0 == .review ? "marked for review" : $0.rawValue)" }
          .joined(separator: ", "))
      let marked = report.spans.filter { $0.span.outcome == .review }
      if !marked.isEmpty {
        lines.append("marked for review:")
        for item in marked {
          let record = item.span.after
          lines.append(
            "  \(item.coder) \(record.id) \(record.code) \(record.start)-\(record.end): "
              + (record.review ?? ""))
        }
      }
      return lines.joined(separator: "\n")
    }
  }
}
