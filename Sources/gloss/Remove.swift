import ArgumentParser
import GlossCore

struct Remove: GlossCommand {
  static let configuration = CommandConfiguration(
    commandName: "rm",
    abstract: "Remove your assignments, by id or by document, code and span.",
    discussion: """
      Ids may be given in full, as the handle 'gloss ls' shows (the id's end), or as a unique prefix.

      Examples:
        gloss rm 0193a1c2-7e4f-7cc2-9a55-3f1e2d4c5b6a
        gloss rm 0193a1c2 0193a1d9
        gloss rm interview-34 data-low-quantity --para 12
      """)

  @OptionGroup var globals: GlobalOptions
  @Argument(help: "Assignment ids, or DOC CODE followed by a selector.") var items: [String] = []
  @OptionGroup var span: SelectorOptions

  func check() throws {
    if items.isEmpty { throw ValidationError("give assignment ids, or DOC CODE and a selector") }
    if span.given > 1 { throw ValidationError("give at most one of --para, --lines, --chars, --quote") }
    if span.given == 1 && items.count != 2 { throw ValidationError("with a selector, give exactly DOC and CODE") }
  }

  func run(_ session: Session) throws {
    let outcome =
      span.given == 1
      ? try session.removeAssignment(doc: items[0], code: items[1], span: try span.selector())
      : try session.removeAssignments(ids: items)
    for item in outcome.removed {
      Output.print(
        "removed \(item.assignment.id) \(item.doc) \(item.assignment.code) \(item.assignment.start)-\(item.assignment.end)"
      )
    }
    Output.note("committed \(outcome.result.commit.short)")
  }
}
