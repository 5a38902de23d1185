import ArgumentParser
import Foundation
import GlossCore
import GlossReport

/// `gloss report`: the agreement report as one self-contained HTML page (or PDF), DESIGN §9.
/// GlossCore computes, GlossReport renders; this file parses, writes the file, and runs
/// Chromium for PDF.
struct Report: ProjectCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "Write the agreement report: one self-contained HTML file (or PDF) to read or send.",
    discussion: """
      The report holds every figure of 'gloss agree' per code (with names and colours), a \
      heatmap of Cohen's kappa by code and pair of coders, alpha over the history, figures per \
      document, code frequencies per coder, the disagreements with their text, and a methods \
      paragraph to paste. The HTML has no script and no link outside the file, and the same \
      repository and options give the same bytes. History: the last 200 first-parent commits of \
      --rev unless --history A..B names a range. Without -o the report goes to gloss-report.html \
      (or .pdf) in the current folder; -o - writes to standard output. --format pdf needs \
      Chromium (Debian: apt-get install chromium). Blind coding: leads only. -C and --as work \
      as for every command.

      Examples:
        gloss report
        gloss report -o reliability.html --unit para --coders ana,ben
        gloss report --history main~50..main --bootstrap 1000 --seed 7
        gloss report --format pdf -o supplement.pdf
      """)

  // -C and --as as everywhere (hidden here so that help does not offer the global --format,
  // which `arguments` turns into --report-format for this command).
  @OptionGroup(visibility: .hidden) var globals: GlobalOptions
  @Option(
    name: .customLong("report-format"),
    help: ArgumentHelp("html (default) or pdf (headless Chromium); --format works too.", valueName: "format"))
  var reportFormat: String = ReportFormat.html.rawValue

  /// The format asked for; `check()` has refused any other, as every command refuses a
  /// `--format` it does not print.
  var format: ReportFormat { ReportFormat(rawValue: reportFormat) ?? .html }

  @Option(name: .short, help: ArgumentHelp("File to write, or - for standard output.", valueName: "FILE"))
  var output: String?
  @Option(help: "Revision to report on (default: HEAD).") var rev: String?
  @Option(help: "Unit of analysis: char, para, doc or segment (unitizing alpha).")
  var unit: Agree.UnitOption = .char
  @Option(
    help: ArgumentHelp(
      "Chart alpha over the commits of A..B (default: the last 200 of --rev).", valueName: "A..B"))
  var history: String?
  @Option(
    parsing: .singleValue, help: "Coders to compare, comma-separated (default: all but consensus).")
  var coders: [String] = []
  @Option(parsing: .singleValue, help: "Codes (ids or names), comma-separated (default: all).")
  var codes: [String] = []
  @Option(parsing: .singleValue, help: "Documents, comma-separated (default: all).")
  var docs: [String] = []
  @Option(help: ArgumentHelp("Bootstrap replicates for a 95% interval of alpha.", valueName: "N"))
  var bootstrap: Int?
  @Option(help: ArgumentHelp("Seed of the bootstrap (reproducible intervals).", valueName: "S"))
  var seed: UInt64 = 0

  enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case html, pdf
  }

  /// The command line with `--format` renamed `--report-format` (and moved after the
  /// subcommand) when the subcommand is `report`: the root's global `--format` (table, json,
  /// csv) would otherwise claim it.
  static func arguments(_ arguments: [String]) -> [String] {
    var before: [String] = []
    var formats: [String] = []
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      if argument == "--" { return arguments }
      if argument == "--format" || argument.hasPrefix("--format=") {
        let value = argument == "--format" ? (index + 1 < arguments.count ? [arguments[index + 1]] : []) : []
        formats += [argument == "--format" ? "--report-format" : "--report-" + argument.dropFirst(2)] + value
        index += 1 + value.count
        continue
      }
      if argument == "-C" || argument == "--as" {
        before += arguments[index..<min(index + 2, arguments.count)]
        index += 2
        continue
      }
      if argument.hasPrefix("-") {
        before.append(argument)
        index += 1
        continue
      }
      guard argument == "report" else { return arguments }
      break
    }
    guard index < arguments.count else { return arguments }
    var after: [String] = []
    var passed = false
    for argument in arguments[(index + 1)...] {
      if argument == "--" { passed = true }
      if !passed && argument == "--format" {
        after.append("--report-format")
      } else if !passed && argument.hasPrefix("--format=") {
        after.append("--report-" + argument.dropFirst(2))
      } else {
        after.append(argument)
      }
    }
    return ["report"] + before + formats + after
  }

  func check() throws {
    guard ReportFormat(rawValue: reportFormat) != nil else {
      throw ValidationError("--format \(reportFormat) is not supported by this command (supported: html, pdf)")
    }
    if let bootstrap, bootstrap < 1 { throw ValidationError("--bootstrap needs at least 1 replicate") }
    if let output, output.isEmpty { throw ValidationError("-o needs a file name (or - for standard output)") }
  }

  var options: AgreementOptions {
    func list(_ values: [String]) -> [String]? {
      let items = splitList(values)
      return items.isEmpty ? nil : items
    }
    return AgreementOptions(
      unit: AgreementUnit(rawValue: unit.rawValue) ?? .char, coders: list(coders), codes: list(codes),
      docs: list(docs), byDocument: true, bootstrap: bootstrap, seed: seed)
  }

  func run(_ project: Project) throws {
    try policy(in: project).requireAgreement()
    let destination = output ?? "gloss-report.\(format.rawValue)"
    // Fail before the work when the file could not be written anyway.
    if destination != "-" { try checkOutputFolder(of: destination, argument: "-o") }
    let input = try ReportInput.gather(
      project: project, revision: rev, history: history, options: options,
      glossVersion: Gloss.configuration.version)
    var data = ReportRenderer.html(input)
    if format == .pdf { data = try Chromium.pdf(fromHTML: data) }
    try writeOutput(data, to: destination, in: project, argument: "-o")
  }
}

/// Refuses an output path whose folder is missing or that is a folder, before the work.
func checkOutputFolder(of path: String, argument: String) throws {
  let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
  var isFolder: ObjCBool = false
  guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
    throw GlossError.invalidArgument(argument: argument, message: "\(path): no folder \(folder)")
  }
  if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
    throw GlossError.invalidArgument(argument: argument, message: "\(path) is a folder")
  }
}

/// Headless Chromium, for `--format pdf`: found on PATH as Debian and others install it.
enum Chromium {
  static let names = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]

  static func executable() -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    for folder in path.split(separator: ":") {
      for name in names {
        let candidate = "\(folder)/\(name)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
      }
    }
    return nil
  }

  /// Prints `html` to PDF in a private temporary folder and returns the PDF's bytes.
  static func pdf(fromHTML html: Data) throws -> Data {
    guard let chromium = executable() else {
      throw GlossError.pdfNeedsChromium(status: nil)
    }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gloss-report-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let page = folder.appendingPathComponent("report.html")
    let pdf = folder.appendingPathComponent("report.pdf")
    try html.write(to: page)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: chromium)
    var arguments = [
      "--headless", "--disable-gpu", "--no-pdf-header-footer", "--user-data-dir=\(folder.path)/profile",
      "--print-to-pdf=\(pdf.path)", page.absoluteString,
    ]
    // Chromium refuses to run as root with its sandbox (containers, CI).
    if geteuid() == 0 { arguments.insert("--no-sandbox", at: 0) }
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0, let data = FileManager.default.contents(atPath: pdf.path), !data.isEmpty
    else {
      throw GlossError.pdfNeedsChromium(status: process.terminationStatus)
    }
    return data
  }
}
