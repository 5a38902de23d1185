import ArgumentParser
import Foundation
import GlossCore

struct DocShow: ProjectCommand {
  static let configuration = CommandConfiguration(
    commandName: "show",
    abstract: "Print a document, with paragraph numbers and a coder's highlights.",
    discussion: """
      Paragraphs are runs of non-blank lines, numbered from 1 (the numbers --para uses). With \
      --coder, each paragraph is followed by the codes that coder assigned in it, and on a \
      terminal the coded text is highlighted. With several coders (a lead comparing them), \
      their codes are interleaved in text order, each line marked with the coder's name.

      Examples:
        gloss doc show interview-34 --para
        gloss doc show interview-34 --coder ana
        gloss doc show interview-34 --coder ana ben      # or --coder ana,ben
      """)

  static let formats: Set<OutputFormat> = [.table, .json]
  @OptionGroup var globals: GlobalOptions
  @Argument(help: "Document id.") var doc: String
  @Flag(help: "Number the paragraphs.") var para = false
  @Option(parsing: .upToNextOption, help: "Show these coders' assignments.") var coder: [String] = []
  @Option(help: "Revision to read (default: HEAD).") var rev: String?

  func run(_ project: Project) throws {
    let snapshot = try project.snapshot(at: rev)
    let text = try snapshot.requireDocument(doc)
    let coders = splitList(coder)
    let assignments = try snapshot.assignments(onDocument: doc, coders: coders, policy: try policy(in: project))
    switch globals.format {
    case .json, .csv:  // csv never gets here: `formats` refuses it in validate()
      let paragraphs = text.paragraphs.enumerated().map { index, range in
        JSON.object([("n", .int(index + 1)), ("start", .int(range.lowerBound)), ("end", .int(range.upperBound))])
      }
      Output.print(
        JSON.object([
          ("id", .string(doc)), ("length", .int(text.length)), ("text", .string(text.string)),
          ("paragraphs", .array(paragraphs)),
          (
            "assignments",
            .array(assignments.map(\.json))
          ),
        ]).compact)
    case .table:
      guard para || !coders.isEmpty else {
        Output.print(text.string)
        return
      }
      Output.printStyled(
        render(text, assignments: assignments, markers: coders.count > 1, color: isatty(STDOUT_FILENO) == 1))
    }
  }

  /// The document with its codes under each paragraph. User text is escaped here (the
  /// highlight's own escapes must pass), so the result is printed as is.
  private func render(_ text: DocumentText, assignments located: [LocatedAssignment], markers: Bool, color: Bool)
    -> String
  {
    let assignments = located.map(\.assignment)
    let width = located.map(\.coder.count).max() ?? 0
    var out: [String] = []
    for (index, range) in text.paragraphs.enumerated() {
      let number = "¶\(index + 1)"
      var body = ""
      if color {
        var cursor = range.lowerBound
        let covered = assignments.filter { $0.start < range.upperBound && range.lowerBound < $0.end }
        var marks = Set<Int>()
        for item in covered {
          for offset in max(item.start, range.lowerBound)..<min(item.end, range.upperBound) { marks.insert(offset) }
        }
        while cursor < range.upperBound {
          let on = marks.contains(cursor)
          var next = cursor
          while next < range.upperBound && marks.contains(next) == on { next += 1 }
          let piece = Output.visible(text.slice(cursor, next))
          body += on ? "\u{1B}[4;33m\(piece)\u{1B}[0m" : piece
          cursor = next
        }
      } else {
        body = Output.visible(text.slice(range.lowerBound, range.upperBound))
      }
      let indent = String(repeating: " ", count: number.count + 1)
      out.append(number + " " + body.replacingOccurrences(of: "\n", with: "\n" + indent))
      for entry in located where range.contains(entry.assignment.start) {
        let item = entry.assignment
        let memo = item.memo.map { "  (\($0))" } ?? ""
        let review = item.review.map { "  [review: \($0)]" } ?? ""
        let marker = markers ? entry.coder.padding(toLength: width, withPad: " ", startingAt: 0) + " " : ""
        out.append(
          indent
            + Output.visible(
              "↳ \(marker)\(item.code) \(item.start)-\(item.end) \"\(Output.excerpt(item.exact, limit: 40))\"\(memo)\(review)"
            ))
      }
      out.append("")
    }
    return out.joined(separator: "\n")
  }
}
