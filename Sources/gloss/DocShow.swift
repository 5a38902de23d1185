import ArgumentParser
import Foundation
import GlossCore

struct DocShow: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "show",
    abstract: "Print a document, with paragraph numbers and a coder's highlights.",
    discussion: """
      Paragraphs are runs of non-blank lines, numbered from 1 (the numbers --para uses). With \
      --coder, each paragraph is followed by the codes that coder assigned in it, and on a \
      terminal the coded text is highlighted.

      Examples:
        gloss doc show interview-34 --para
        gloss doc show interview-34 --coder ana
      """)

  @OptionGroup var globals: GlobalOptions
  @Argument(help: "Document id.") var doc: String
  @Flag(help: "Number the paragraphs.") var para = false
  @Option(help: "Show this coder's assignments.") var coder: String?
  @Option(help: "Revision to read (default: HEAD).") var rev: String?

  func run() throws {
    let project = try globals.project()
    let snapshot = try project.snapshot(at: rev)
    let text = try snapshot.requireDocument(doc)
    var assignments: [Assignment] = []
    if let coder {
      try project.policy(explicit: globals.coder).requireVisible(coder: coder)
      guard let found = try snapshot.annotations(coder: coder, doc: doc) else {
        throw GlossError.unknownCoder("\(coder)' on document '\(doc)")
      }
      assignments = found
    }
    switch globals.format {
    case .json, .csv:
      let paragraphs = text.paragraphs.enumerated().map { index, range in
        JSON.object([("n", .int(index + 1)), ("start", .int(range.lowerBound)), ("end", .int(range.upperBound))])
      }
      Output.print(
        JSON.object([
          ("id", .string(doc)), ("length", .int(text.length)), ("text", .string(text.string)),
          ("paragraphs", .array(paragraphs)),
          (
            "assignments",
            .array(assignments.map { LocatedAssignment(coder: coder ?? "", doc: doc, assignment: $0).json })
          ),
        ]).compact)
    case .table:
      guard para || coder != nil else {
        Output.print(text.string)
        return
      }
      Output.print(render(text, assignments: assignments, color: isatty(STDOUT_FILENO) == 1))
    }
  }

  private func render(_ text: DocumentText, assignments: [Assignment], color: Bool) -> String {
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
          let piece = text.slice(cursor, next)
          body += on ? "\u{1B}[4;33m\(piece)\u{1B}[0m" : piece
          cursor = next
        }
      } else {
        body = text.slice(range.lowerBound, range.upperBound)
      }
      let indent = String(repeating: " ", count: number.count + 1)
      out.append(number + " " + body.replacingOccurrences(of: "\n", with: "\n" + indent))
      for item in assignments where range.contains(item.start) {
        let memo = item.memo.map { "  (\($0))" } ?? ""
        let review = item.review.map { "  [review: \($0)]" } ?? ""
        out.append(
          indent
            + "↳ \(item.code) \(item.start)-\(item.end) \"\(Output.excerpt(item.exact, limit: 40))\"\(memo)\(review)")
      }
      out.append("")
    }
    return out.joined(separator: "\n")
  }
}
