import ArgumentParser
import Foundation
import GlossCore
import Interchange

struct Export: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Take work out: REFI-QDA project (.qdpx) or codebook (.qdc), or CSV.",
    subcommands: [ExportQDPX.self, ExportQDC.self, ExportCSV.self])
}

struct ExportQDPX: ProjectCommand {
  static let configuration = CommandConfiguration(
    commandName: "qdpx",
    abstract: "Export the project as a REFI-QDA .qdpx archive.",
    discussion: """
      project.qde holds coders as Users, the codebook, and one PlainTextSelection per \
      assignment (code point positions, memo as its Description); sources/ holds the texts. \
      Opens in ATLAS.ti, NVivo, MAXQDA, QualCoder. See docs/interchange.md.

      Examples:
        gloss export qdpx study.qdpx
        gloss export qdpx before-merge.qdpx --rev main~1
      """)

  @OptionGroup var globals: GlobalOptions
  @Argument(help: "The .qdpx file to write.") var out: String
  @Option(help: "Revision to export (default: HEAD).") var rev: String?

  func run(_ project: Project) throws {
    try project.exportQDPX(
      at: rev, to: URL(fileURLWithPath: out), policy: try policy(in: project))
    Output.note("wrote \(out)")
  }
}

struct ExportQDC: ProjectCommand {
  static let configuration = CommandConfiguration(
    commandName: "qdc",
    abstract: "Export the codebook as a REFI-QDA .qdc file.",
    discussion: """
      Examples:
        gloss export qdc codebook.qdc
        gloss export qdc - | less
      """)

  @OptionGroup var globals: GlobalOptions
  @Argument(help: "The .qdc file to write, or - for standard output.") var out: String
  @Option(help: "Revision to export (default: HEAD).") var rev: String?

  func run(_ project: Project) throws {
    try writeOutput(try project.exportQDC(at: rev), to: out, in: project)
  }
}

struct ExportCSV: ProjectCommand {
  static let configuration = CommandConfiguration(
    commandName: "csv",
    abstract: "Export every assignment as CSV (RFC 4180).",
    discussion: """
      Columns: id, coder, doc, code, start, end, exact, memo (the JSON fields of 'gloss ls'), \
      sorted like 'gloss ls'. 'gloss import csv' reads the file back.

      Examples:
        gloss export csv assignments.csv
        gloss export csv - --rev v1 > v1.csv
      """)

  @OptionGroup var globals: GlobalOptions
  @Argument(help: "The .csv file to write, or - for standard output.") var out: String
  @Option(help: "Revision to export (default: HEAD).") var rev: String?

  func run(_ project: Project) throws {
    try writeOutput(
      try project.exportCSV(at: rev, policy: try policy(in: project)), to: out, in: project)
  }
}

/// Writes an export or a report to a file (through a temporary a kill never leaves behind)
/// or to standard output for `-`; `argument` names the option in errors.
func writeOutput(_ data: Data, to path: String, in project: Project, argument: String = "OUT") throws {
  if path == "-" {
    Output.write(Array(data))
    return
  }
  do {
    try project.writeOutputFile(path) { try data.write(to: URL(fileURLWithPath: $0)) }
  } catch let error as GlossError {
    throw error
  } catch {
    throw GlossError.invalidArgument(
      argument: argument, message: "\(path): cannot write (\(error.localizedDescription))")
  }
  Output.note("wrote \(path)")
}
