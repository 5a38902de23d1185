import ArgumentParser
import GlossCore

struct CoderCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "coder",
    abstract: "Who codes, the e-mails their commits carry, and who leads (gloss.yaml coders: and leads:).",
    discussion: """
      The server ties commits to coders by these e-mails: a commit counts as coder X's only \
      when its author e-mail is one of X's. add and rm are for leads; list is for anyone.

      Examples:
        gloss coder add ana --email ana@example.org
        gloss coder add lead2 --email lead2@example.org --lead
        gloss coder list --format json
        gloss coder rm ben
      """,
    subcommands: [CoderAdd.self, CoderRemove.self, CoderList.self])
}

struct CoderAdd: GlossCommand {
  static let configuration = CommandConfiguration(
    commandName: "add", abstract: "Add a coder, or more e-mails for one (leads only); one commit.")

  @OptionGroup var globals: GlobalOptions
  @Argument(help: "The coder's name.") var name: String
  @Option(name: .customLong("email"), help: "An e-mail the coder commits with (repeatable).") var emails: [String] = []
  @Flag(help: "Make the coder a lead.") var lead = false

  func check() throws {
    if emails.isEmpty { throw ValidationError("give at least one --email") }
  }

  func run(_ session: Session) throws {
    let result = try session.addCoder(name, emails: emails, lead: lead)
    Output.print("added \(name); committed \(result.commit.short)")
  }
}

struct CoderRemove: GlossCommand {
  static let configuration = CommandConfiguration(
    commandName: "rm", abstract: "Remove a coder from coders: and leads: (leads only); annotations stay.")

  @OptionGroup var globals: GlobalOptions
  @Argument(help: "The coder's name.") var name: String

  func run(_ session: Session) throws {
    let result = try session.removeCoder(name)
    Output.print("removed \(name); committed \(result.commit.short)")
  }
}

struct CoderList: ProjectCommand {
  static let configuration = CommandConfiguration(commandName: "list", abstract: "List coders, e-mails and leads.")

  static let formats: Set<OutputFormat> = [.table, .json, .csv]
  @OptionGroup var globals: GlobalOptions

  func run(_ project: Project) throws {
    let entries = try project.coderEntries()
    switch globals.format {
    case .json:
      Output.print(
        JSON.array(
          entries.map {
            .object([
              ("name", .string($0.name)), ("emails", .array($0.emails.map(JSON.string))), ("lead", .bool($0.lead)),
            ])
          }
        ).compact)
    case .csv:
      Output.print(
        Output.csv(
          ["name", "emails", "lead"], entries.map { [$0.name, $0.emails.joined(separator: " "), "\($0.lead)"] }))
    case .table:
      Output.print(
        Output.table(
          ["CODER", "LEAD", "E-MAILS"],
          entries.map { [$0.name, $0.lead ? "yes" : "", $0.emails.joined(separator: ", ")] }))
    }
  }
}
