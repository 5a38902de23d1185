import ArgumentParser
import GlossCore

struct CodeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "code",
    abstract: "Manage the codebook.",
    subcommands: [CodeAdd.self, CodeList.self, CodeRename.self, CodeMerge.self, CodeRemove.self])
}

struct CodeAdd: GlossCommand {
  static let configuration = CommandConfiguration(
    commandName: "add",
    abstract: "Add a code to the codebook.",
    discussion: """
      The id is derived from the name (lowercased, other characters to '-') and never \
      changes; the name can be renamed later.

      Examples:
        gloss code add "Data-low-quantity" --parent data --color "#1f77b4"
        gloss code add "Tabular issue" --description "Problems specific to tables."
      """)

  @OptionGroup var globals: GlobalOptions
  @Argument(help: "Display name.") var name: String
  @Option(help: "Explicit code id (default: derived from the name).") var id: String?
  @Option(help: "Parent code (id or name).") var parent: String?
  @Option(help: "What the code means.") var description: String?
  @Option(help: "Display color, #RRGGBB.") var color: String?

  func run(_ session: Session) throws {
    let (code, result) = try session.addCode(
      name: name, id: id, parent: parent, description: description, color: color)
    Output.print(code.id)
    Output.note("committed \(result.commit.short)")
  }
}

struct CodeList: ProjectCommand {
  static let configuration = CommandConfiguration(
    commandName: "list",
    abstract: "List the codes as a tree, with how often each is used.",
    discussion: """
      Examples:
        gloss code list
        gloss code list --format json
      """)

  static let formats: Set<OutputFormat> = [.table, .json, .csv]
  @OptionGroup var globals: GlobalOptions
  @Option(help: "Revision to read (default: HEAD).") var rev: String?

  func run(_ project: Project) throws {
    // Reads every annotation file and exits: git objects are read without re-hashing.
    Project.readObjectsWithoutRehashing()
    let snapshot = try project.snapshot(at: rev)
    let book = try snapshot.codebook()
    let usage = try project.codeUsage(at: snapshot, policy: try policy(in: project))
    let ordered = book.hierarchy()
    switch globals.format {
    case .json:
      Output.print(JSON.lines(ordered.map { code, _ in code.json(uses: usage[code.id] ?? 0) }))
    case .csv:
      Output.print(
        Output.csv(
          ["id", "name", "parent", "description", "color", "uses"],
          ordered.map { code, _ in
            [
              code.id, code.name, code.parent ?? "", code.description ?? "", code.color ?? "",
              String(usage[code.id] ?? 0),
            ]
          }))
    case .table:
      Output.print(
        Output.table(
          ["CODE", "NAME", "USES", "DESCRIPTION"],
          ordered.map { code, depth in
            [
              String(repeating: "  ", count: depth) + code.id, code.name, String(usage[code.id] ?? 0),
              Output.excerpt(code.description ?? "", limit: 60),
            ]
          }))
    }
  }
}

struct CodeRename: GlossCommand {
  static let configuration = CommandConfiguration(
    commandName: "rename",
    abstract: "Give a code a new display name (its id and assignments stay).",
    discussion: """
      Examples:
        gloss code rename data-low-quantity "Too little data"
      """)

  @OptionGroup var globals: GlobalOptions
  @Argument(help: "Code id or current name.") var id: String
  @Argument(help: "New name.") var name: String

  func run(_ session: Session) throws {
    let result = try session.renameCode(id, to: name)
    Output.note("committed \(result.commit.short)")
  }
}

struct CodeMerge: GlossCommand {
  static let configuration = CommandConfiguration(
    commandName: "merge",
    abstract: "Fold one code into another, rewriting every assignment of it.",
    discussion: """
      Every coder's assignments of FROM become INTO; where that makes two identical records \
      the one with the smaller id is kept. FROM's child codes move under INTO.

      Examples:
        gloss code merge data-scarcity data-low-quantity
      """)

  @OptionGroup var globals: GlobalOptions
  @Argument(help: "Code to remove (id or name).") var from: String
  @Argument(help: "Code that takes its assignments (id or name).") var into: String

  func run(_ session: Session) throws {
    let (result, rewritten, dropped) = try session.mergeCodes(from, into: into)
    Output.print(
      "merged \(from) into \(into): \(rewritten) assignment(s) rewritten"
        + (dropped > 0 ? ", \(dropped) duplicate(s) dropped" : ""))
    Output.note("committed \(result.commit.short)")
  }
}

struct CodeRemove: GlossCommand {
  static let configuration = CommandConfiguration(
    commandName: "rm",
    abstract: "Remove a code from the codebook.",
    discussion: """
      Refuses while assignments use the code, unless --force, which removes them too. \
      Child codes move up to the removed code's parent.

      Examples:
        gloss code rm unused-code
        gloss code rm obsolete --force
      """)

  @OptionGroup var globals: GlobalOptions
  @Argument(help: "Code id or name.") var id: String
  @Flag(help: "Also remove every assignment of the code.") var force = false

  func run(_ session: Session) throws {
    let (result, removed) = try session.removeCode(id, force: force)
    if removed > 0 { Output.print("removed \(removed) assignment(s)") }
    Output.note("committed \(result.commit.short)")
  }
}
