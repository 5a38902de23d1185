import ArgumentParser
import GlossCore

struct DocUnassign: GlossCommand {
  static let configuration = CommandConfiguration(
    commandName: "unassign",
    abstract: "Take documents off coders' lists (removes their annotation files; leads only).",
    discussion: """
      For a coder assigned by mistake. A coder's file with assignments is kept unless \
      --force, which removes the assignments too. One commit.

      Examples:
        gloss doc unassign interview-34 --from cy
        gloss doc unassign interview-34 interview-35 --from cy,di --force
      """)

  @OptionGroup var globals: GlobalOptions
  @Argument(help: "Document ids.") var docs: [String]
  @Option(parsing: .upToNextOption, help: "Coders to take the documents from.") var from: [String]
  @Flag(help: "Remove the files even if they hold assignments.") var force = false

  func check() throws {
    if docs.isEmpty { throw ValidationError("give at least one DOC") }
    if from.isEmpty { throw ValidationError("give the coders with --from") }
  }

  func run(_ session: Session) throws {
    let (result, removed) = try session.unassignDocuments(docs, from: splitList(from), force: force)
    for item in removed {
      Output.print("removed \(item.path)" + (item.assignments > 0 ? " (\(item.assignments) assignment(s))" : ""))
    }
    Output.note("committed \(result.commit.short)")
  }
}
