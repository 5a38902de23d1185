import ArgumentParser
import Foundation
import GlossCore
import Interchange

struct Import: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import",
    abstract: "Bring in work from other tools: Delve, REFI-QDA (.qdpx, .qdc), CSV.",
    subcommands: [ImportDelve.self, ImportQDPX.self, ImportQDC.self, ImportCSV.self])
}

struct ImportDelve: GlossCommand {
  static let configuration = CommandConfiguration(
    commandName: "delve",
    abstract: "Import Delve exports (.txt) as your coding, in one commit.",
    discussion: """
      Blocks are separated by blank lines. '#' headings (speaker turns) stay in the text; a \
      block whose every token is a code name codes the nearest text block before it; the \
      final "Created with the Delve…" line is dropped. Missing codes are created. Ids are \
      derived from coder, document, code and span, so importing again changes nothing. \
      An export without code blocks adds only the document. Only leads add documents: \
      the lead imports the transcripts first (--text-only), then each coder imports their \
      coding onto them. See docs/interchange.md.

      Examples:
        gloss --as lead import delve interview-34.txt --text-only
        gloss --as ana import delve interview-34.txt
        gloss --as ana import delve exports/*.txt --dry-run
        gloss --as ana import delve amin.txt --doc-id interview-34
      """)

  static let formats: Set<OutputFormat> = [.table, .json]
  @OptionGroup var globals: GlobalOptions
  @Argument(help: "Delve export files.") var files: [String]
  @Option(help: "Document id (only with one FILE; default: the file name).") var docId: String?
  @Flag(help: "Import only the transcripts: no codes, no assignments.") var textOnly = false
  @Flag(help: "Show what would be imported without writing anything.") var dryRun = false

  func check() throws {
    if files.isEmpty { throw ValidationError("give at least one FILE") }
    if docId != nil && files.count > 1 { throw ValidationError("--doc-id works with one FILE only") }
  }

  func run(_ session: Session) throws {
    let inputs = try files.map { try DocumentInput(file: $0, id: docId) }
    let outcome = try session.importDelve(inputs, textOnly: textOnly, dryRun: dryRun)
    switch globals.format {
    case .json:
      Output.print(JSON.lines(outcome.reports.map(\.json)))
    case .table, .csv:  // csv never gets here: `formats` refuses it in validate()
      for report in outcome.reports { Output.print(report.text) }
    }
    if dryRun {
      Output.note("dry run: nothing written")
    } else if let commit = outcome.commit {
      Output.note("committed \(commit.commit.short)")
    } else {
      Output.note("nothing to do: already imported, nothing changed")
    }
  }
}

extension DelveImportReport {
  var json: JSON {
    .object([
      ("file", .string(file)), ("doc", .string(doc)), ("document_added", .bool(documentAdded)),
      ("text_blocks", .int(textBlocks)), ("headings", .int(headings)), ("code_blocks", .int(codeBlocks)),
      ("codes_created", .array(codesCreated.map { .string($0.id) })),
      ("assignments_added", .int(assignmentsAdded)), ("assignments_present", .int(assignmentsPresent)),
      ("normalized", .array(changes.map(JSON.string))),
    ])
  }

  var text: String {
    var lines = ["\(file) -> \(doc)" + (documentAdded ? " (new document)" : " (document already present)")]
    if !changes.isEmpty { lines.append("  normalized:    \(changes.joined(separator: "; "))") }
    lines.append("  text blocks:   \(textBlocks)")
    lines.append("  headings:      \(headings)")
    lines.append("  code blocks:   \(codeBlocks)")
    let codes = codesCreated.map(\.id).joined(separator: ", ")
    lines.append("  codes created: \(codesCreated.count)" + (codes.isEmpty ? "" : " (\(codes))"))
    lines.append(
      "  assignments:   \(assignmentsAdded) added"
        + (assignmentsPresent > 0 ? ", \(assignmentsPresent) already there" : ""))
    return lines.joined(separator: "\n")
  }
}

struct ImportCSV: GlossCommand {
  static let configuration = CommandConfiguration(
    commandName: "csv",
    abstract: "Import assignments prepared in a spreadsheet, all or nothing, in one commit.",
    discussion: """
      Columns (header row, any order): doc, code, and start+end (code points, end-exclusive) \
      or quote (must occur exactly once); optional coder, memo, id, exact. An empty coder \
      means you; rows of other coders are refused (coders write only their own folder), or \
      skipped with --skip-others; consensus rows need a lead. Any bad row fails the whole \
      import with its line number. A file from 'gloss export csv' imports back unchanged.

      A lead imports every coder's rows at once with --all (one commit, each row in its \
      coder's folder; --map "Ana Lima=ana" for names that are not coder ids).

      Examples:
        gloss --as ana import csv coding.csv
        gloss --as ana import csv everyone.csv --skip-others --dry-run
        gloss --as lead import csv everyone.csv --all --map "Ana Lima=ana"
      """)

  @OptionGroup var globals: GlobalOptions
  @Argument(help: "The CSV file, or - for standard input.") var file: String
  @Flag(help: "Skip rows of other coders instead of failing.") var skipOthers = false
  @Flag(help: "Leads: import every coder's rows, each into that coder's folder, in one commit.")
  var all = false
  @Option(help: ArgumentHelp("With --all: the coder id of a name in the coder column.", valueName: "NAME=CODER"))
  var map: [String] = []
  @Flag(help: "Check the file and show what would be imported without writing.") var dryRun = false

  func check() throws {
    if all && skipOthers { throw ValidationError("--all imports every coder's rows; leave out --skip-others") }
    if !map.isEmpty && !all { throw ValidationError("--map works with --all") }
    _ = try ImportMap.parse(map)
  }

  func run(_ session: Session) throws {
    let data = try Output.readInput(file, argument: "FILE")
    let (report, commit) = try session.importCSV(
      data, source: file == "-" ? "<stdin>" : file, skipOthers: skipOthers, all: all, map: try ImportMap.parse(map),
      dryRun: dryRun)
    Output.print(
      "\(report.rows) rows: \(report.added) assignments added"
        + (report.present > 0 ? ", \(report.present) already there" : "")
        + (report.skipped > 0 ? ", \(report.skipped) of other coders skipped" : ""))
    if dryRun {
      Output.note("dry run: nothing written")
    } else if let commit {
      Output.note("committed \(commit.commit.short)")
    } else {
      Output.note("nothing to do: every assignment is already there")
    }
  }
}

struct ImportQDPX: GlossCommand {
  static let configuration = CommandConfiguration(
    commandName: "qdpx",
    abstract: "Import a REFI-QDA project (.qdpx) from ATLAS.ti, NVivo, MAXQDA, QualCoder…",
    discussion: """
      Text sources become documents (other kinds are reported and skipped), codes are \
      matched by GUID, then name and parent, or created with their hierarchy, colors and descriptions, and one \
      user's codings become your assignments (memo from the selection's description and \
      notes). By default that user is the one whose name is your coder name; pick another \
      with --user. Other users' codings are counted: each coder imports their own, and \
      running the import again adds only what is new. Only leads add documents: a lead \
      imports the project first, then each coder, or every user at once with --all (one \
      commit, each user's codings in that coder's folder; --map "Ana Lima=ana" for names \
      that are not coders). Positions are read as the producer counted them (NVivo: UTF-16 \
      units), detected per source; --positions overrides. See docs/interchange.md.

      Examples:
        gloss --as lead import qdpx study.qdpx
        gloss --as ana import qdpx study.qdpx
        gloss --as ana import qdpx nvivo-export.qdpx --user "Ana Lima" --dry-run
        gloss --as lead import qdpx nvivo-export.qdpx --all --map "Ana Lima=ana"
      """)

  @OptionGroup var globals: GlobalOptions
  @Argument(help: "The .qdpx file.") var file: String
  @Option(help: "Import this User's codings (name, id or GUID; default: the one named like you).")
  var user: String?
  @Flag(help: "Leads: import every User's codings, each into that coder's folder, in one commit.")
  var all = false
  @Option(help: ArgumentHelp("With --all: the coder of a User whose name is not a coder id.", valueName: "NAME=CODER"))
  var map: [String] = []
  @Option(
    help: ArgumentHelp(
      "How the file counts positions: \(PositionReading.allCases.map(\.rawValue).joined(separator: ", ")) "
        + "(default: detected per source).", valueName: "READING"))
  var positions: String?
  @Flag(help: "Show what would be imported without writing.") var dryRun = false

  func check() throws {
    if all && user != nil { throw ValidationError("--all imports every user; leave out --user") }
    if !map.isEmpty && !all { throw ValidationError("--map works with --all") }
    if let positions, PositionReading(rawValue: positions) == nil {
      throw ValidationError(
        "--positions must be one of \(PositionReading.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    _ = try ImportMap.parse(map)
  }

  func run(_ session: Session) throws {
    guard FileManager.default.isReadableFile(atPath: file) else {
      throw GlossError.invalidArgument(argument: "FILE", message: "\(file): no such file")
    }
    let (report, commit) = try session.importQDPX(
      URL(fileURLWithPath: file), source: file, user: user, all: all, map: try ImportMap.parse(map),
      positions: positions.flatMap(PositionReading.init(rawValue:)), dryRun: dryRun)
    var lines = ["\(file): REFI-QDA project '\(Output.visible(report.projectName))'"]
    lines.append("  text sources:  \(report.textSources)")
    for skipped in report.skippedSources { lines.append("  skipped:       \(Output.visible(skipped))") }
    for (source, reading, reason) in report.positions {
      lines.append("  positions:     \(Output.visible(source)): \(reading.rawValue) (\(reason))")
    }
    if !report.unreadable.isEmpty {
      lines.append(
        "  not imported:  \(report.unreadable.count) codings whose selection covers no whole character: "
          + Output.visible(report.unreadable.joined(separator: ", ")))
    }
    if !report.outsideText.isEmpty {
      lines.append(
        "  not imported:  \(report.outsideText.count) codings whose selection lies outside its text: "
          + Output.visible(report.outsideText.joined(separator: ", ")))
    }
    if !report.annotations.isEmpty {
      lines.append(
        "  not imported:  \(report.annotations.count) notes on selections without a code (annotations; "
          + "Gloss keeps memos on coded segments): \(Output.visible(report.annotations.joined(separator: ", ")))")
    }
    lines.append(
      "  documents:     \(report.documentsAdded.count) added"
        + (report.documentsAdded.isEmpty ? "" : " (\(report.documentsAdded.joined(separator: ", ")))"))
    let codes = report.codesCreated.map(\.id).joined(separator: ", ")
    lines.append("  codes created: \(report.codesCreated.count)" + (codes.isEmpty ? "" : " (\(codes))"))
    if all {
      let each = report.byCoder.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
      lines.append(
        "  assignments:   \(report.assignmentsAdded) added" + (each.isEmpty ? "" : " (\(each.joined(separator: ", ")))")
          + (report.assignmentsPresent > 0 ? ", \(report.assignmentsPresent) already there" : ""))
    } else {
      lines.append(
        "  assignments:   \(report.assignmentsAdded) added for \(report.coder)"
          + (report.user.map { " (user \"\(Output.visible($0))\")" } ?? "")
          + (report.assignmentsPresent > 0 ? ", \(report.assignmentsPresent) already there" : ""))
    }
    for (other, count) in report.otherUsers.sorted(by: { $0.key < $1.key }) {
      let how =
        "gloss --as \(report.importer(for: other)) import qdpx \(file)"
        + (other == Identifier.consensus ? " --user \(other)" : "")
      lines.append("  not imported:  \(count) codings by \(other) (\(how))")
    }
    Output.print(lines.joined(separator: "\n"))
    if dryRun {
      Output.note("dry run: nothing written")
    } else if let commit {
      Output.note("committed \(commit.commit.short)")
    } else {
      Output.note("nothing to do: everything is already there")
    }
  }
}

/// `--map "Ana Lima=ana"`: a name in the imported file and the coder it stands for.
enum ImportMap {
  static func parse(_ values: [String]) throws -> [String: String] {
    var result: [String: String] = [:]
    for value in values {
      guard let equals = value.lastIndex(of: "=") else {
        throw ValidationError("--map needs NAME=CODER, got \"\(value)\"")
      }
      let name = value[..<equals].trimmingCharacters(in: .whitespaces)
      let coder = value[value.index(after: equals)...].trimmingCharacters(in: .whitespaces)
      guard !name.isEmpty, Identifier.isCoder(coder) else {
        throw ValidationError("--map needs NAME=CODER with a coder id after =, got \"\(value)\"")
      }
      result[name] = coder
    }
    return result
  }
}

struct ImportQDC: GlossCommand {
  static let configuration = CommandConfiguration(
    commandName: "qdc",
    abstract: "Import a REFI-QDA codebook (.qdc): codes with hierarchy, colours and descriptions.",
    discussion: """
      A code is matched by GUID (a Gloss export), then by name and parent; codes already \
      there are left as they are, the others are created in one commit. Same-named codes \
      under different parents stay different codes. See docs/interchange.md.

      Examples:
        gloss --as lead import qdc codebook.qdc
        gloss --as lead import qdc taguette-codebook.qdc --dry-run
      """)

  @OptionGroup var globals: GlobalOptions
  @Argument(help: "The .qdc file, or - for standard input.") var file: String
  @Flag(help: "Show what would be imported without writing.") var dryRun = false

  func run(_ session: Session) throws {
    let data = try Output.readInput(file, argument: "FILE")
    let (report, commit) = try session.importQDC(data, source: file == "-" ? "<stdin>" : file, dryRun: dryRun)
    let created = report.created.map(\.id).joined(separator: ", ")
    Output.print(
      "\(report.codes) codes: \(report.created.count) created" + (created.isEmpty ? "" : " (\(created))")
        + (report.present > 0 ? ", \(report.present) already there" : ""))
    if dryRun {
      Output.note("dry run: nothing written")
    } else if let commit {
      Output.note("committed \(commit.commit.short)")
    } else {
      Output.note("nothing to do: every code is already there")
    }
  }
}
