import ArgumentParser
import Foundation
import GlossCore

/// `gloss agree`: inter-coder agreement (DESIGN §4). The figures come from GlossCore; this
/// file only parses options and prints.
struct Agree: ProjectCommand {
  static let configuration = CommandConfiguration(
    commandName: "agree",
    abstract: "Inter-coder agreement per code: Krippendorff's alpha, kappas, percent agreement.",
    discussion: """
      For each code every unit (a code point, a paragraph or a document, --unit) gets from \
      each coder 1 (a span with the code covers it) or 0; a coder without an annotation file \
      for a document gives no value (missing data). 'consensus' counts only when named in \
      --coders. Documents in scope are those at least two selected coders coded. On a \
      document where any selected coder marked their work done ('gloss doc done'), only the \
      coders who did count (--include-unfinished counts everyone); the header says so. A \
      figure that is undefined (no variation, zero units) is null / n/a, never 1. The \
      methods are in docs/agreement.md.

      --gate is the agreement gate of the pre-push hook and the CI script: the threshold, \
      unit and codes come from gloss.yaml's gate: (min, unit, codes) at the measured \
      revision; --min, --unit and --codes override them. Without a threshold, or with \
      nothing to measure yet, the gate passes.

      Examples:
        gloss agree
        gloss agree --unit para --coders ana,ben
        gloss agree --codes data-low-quantity --by doc
        gloss agree --bootstrap 1000 --seed 7 --format json
        gloss agree --unit para --min 0.8          # CI gate: exit 1 below 0.8
        gloss agree --gate                         # the gate gloss.yaml sets
        gloss agree --include-unfinished
        gloss agree --history main~50..main --format csv > alpha-over-time.csv
        gloss agree --disagreements --coders ana,ben --docs interview-34
        gloss agree --by-parent --unit para      # children of a parent as one variable
      """)

  static let formats: Set<OutputFormat> = [.table, .json, .csv]
  @OptionGroup var globals: GlobalOptions

  @Option(help: "Revision to measure (default: HEAD).") var rev: String?
  @Option(
    parsing: .upToNextOption,
    help: "Coders to compare (default: all but consensus).")
  var coders: [String] = []
  @Option(parsing: .upToNextOption, help: "Codes, ids or names (default: all).")
  var codes: [String] = []
  @Option(parsing: .upToNextOption, help: "Documents (default: all).")
  var docs: [String] = []
  @Option(help: "Unit of analysis: char (default), para, doc or segment (unitizing alpha).")
  var unit: UnitOption?
  @Option(help: ArgumentHelp("Also give the figures of each document ('doc').", valueName: "doc"))
  var by: ByOption?
  @Option(help: ArgumentHelp("Bootstrap replicates for a 95% interval of alpha.", valueName: "N"))
  var bootstrap: Int?
  @Option(help: ArgumentHelp("Seed of the bootstrap (reproducible intervals).", valueName: "S"))
  var seed: UInt64 = 0
  @Option(
    name: .customLong("min"),
    help: ArgumentHelp("Exit 1 naming every code whose alpha is below ALPHA.", valueName: "ALPHA"))
  var minimum: Double?
  @Option(
    help: ArgumentHelp(
      "Figures at each commit of A..B (first parent, oldest first).", valueName: "A..B"))
  var history: String?
  @Flag(help: "List the spans where the coders differ, with their text.")
  var disagreements = false
  @Flag(help: "Count every coder, also on documents that others marked done.")
  var includeUnfinished = false
  @Flag(help: "The agreement gate: threshold, unit and codes from gloss.yaml's gate: (see docs/ci.md).")
  var gate = false
  @Flag(
    help: "Per parent code: its children as the categories of one nominal variable.")
  var byParent = false

  enum UnitOption: String, ExpressibleByArgument, CaseIterable {
    case char, para, doc, segment
  }

  enum ByOption: String, ExpressibleByArgument, CaseIterable {
    case doc
  }

  func check() throws {
    if let bootstrap, bootstrap < 1 { throw ValidationError("--bootstrap needs at least 1 replicate") }
    if history != nil {
      if rev != nil { throw ValidationError("--history and --rev exclude each other") }
      if minimum != nil { throw ValidationError("--min checks one revision; drop --history") }
      if disagreements { throw ValidationError("--disagreements lists one revision; drop --history") }
    }
    if disagreements && (by != nil || bootstrap != nil || minimum != nil || gate) {
      throw ValidationError("--disagreements is a listing; it takes no --by, --bootstrap, --min or --gate")
    }
    if gate && history != nil { throw ValidationError("--gate checks one revision; drop --history") }
    if byParent {
      if unit == .segment { throw ValidationError("--by-parent takes --unit char, para or doc") }
      for (given, name) in [
        (history != nil, "--history"), (disagreements, "--disagreements"), (by != nil, "--by"),
        (bootstrap != nil, "--bootstrap"), (minimum != nil, "--min"), (gate, "--gate"),
      ] where given {
        throw ValidationError("--by-parent measures code groups at one revision; drop \(name)")
      }
    }
  }

  var options: AgreementOptions {
    func list(_ values: [String]) -> [String]? {
      let items = splitList(values)
      return items.isEmpty ? nil : items
    }
    return AgreementOptions(
      unit: unit.flatMap { AgreementUnit(rawValue: $0.rawValue) } ?? .char, coders: list(coders),
      codes: list(codes), docs: list(docs), byDocument: by == .doc, bootstrap: bootstrap,
      seed: seed, includeUnfinished: includeUnfinished)
  }

  /// Checks that need the one-line `error:` of a domain error rather than a usage message.
  func checkValues() throws {
    if let minimum, !minimum.isFinite {
      throw GlossError.invalidArgument(
        argument: "--min", message: "needs a finite threshold such as 0.8, not '\(minimum)'")
    }
    if let bootstrap, bootstrap > AgreementOptions.maximumBootstrap {
      throw GlossError.invalidArgument(
        argument: "--bootstrap",
        message: "at most \(AgreementOptions.maximumBootstrap) replicates, not \(bootstrap)")
    }
  }

  func run(_ project: Project) throws {
    try checkValues()
    try policy(in: project).requireAgreement()
    Project.readObjectsWithoutRehashing()
    if gate { return try runGate(project) }
    let options = self.options
    let format = globals.format
    if let history {
      var reports: [AgreementReport] = []
      let cache = HistoryJSONCache()
      // Lines go out in 64 KiB writes, not one write per commit; what was measured is
      // written also when a later commit fails.
      var output = Output.BufferedOutput()
      defer { output.flush() }
      if format == .csv { output.write(Output.visible(CSV.row(AgreementReport.csvHeader)).utf8) }
      // JSON and CSV lines are formatted and written on a thread of their own while the
      // walk measures the next commits (a tenth to a fifth of the work of a long history).
      let withInterval = bootstrap != nil
      let lines = Pipeline<AgreementReport> { report in
        if format == .json {
          output.line(report.historyLine(withInterval: withInterval, cache: cache, escape: Output.visible))
        } else {
          output.write(Output.visible(report.csvRows.map(CSV.row).joined()).utf8)
        }
      }
      defer { lines.finish() }  // before the flush above: lines of commits measured are written
      try project.agreementHistory(history, options: options) { report in
        if format == .table {
          reports.append(report)
          Output.progress("measuring commits:", reports.count)
        } else {
          lines.send(report)
        }
      }
      lines.finish()
      output.flush()
      Output.progressDone()
      if format == .table { Output.print(Self.historyTable(reports)) }
      return
    }
    if byParent {
      let report = try project.groupAgreement(at: rev, options: options)
      switch format {
      case .json: Output.print(report.json.compact)
      case .csv: Self.write(Output.csv(GroupAgreementReport.csvHeader, report.csvRows))
      case .table: Output.print(Self.groupTable(report))
      }
      return
    }
    if disagreements {
      let items = try project.disagreements(at: rev, options: options)
      let text = Self.render(items, format: format)
      if format == .csv { Self.write(text) } else { Output.print(text) }
      return
    }
    let report = try project.agreement(at: rev, options: options)
    switch format {
    case .json: Output.print(report.json(withInterval: bootstrap != nil).compact)
    case .csv: Self.write(Output.csv(AgreementReport.csvHeader, report.csvRows))
    case .table: Output.print(Self.table(report, withInterval: bootstrap != nil))
    }
    if let minimum { try report.requireAlpha(atLeast: minimum) }
  }

  /// Writes text as is: CSV rows already end in CRLF, which `Output.print` would not see
  /// as a line end (Swift treats CRLF as one character).
  static func write(_ text: String) { Output.write(Output.visible(text)) }

  /// `--gate`: the threshold, unit and codes of gloss.yaml's `gate:` at the revision, each
  /// overridden by its option. No threshold, or nothing to measure yet (no document with two
  /// coders' data, or two finished coders'), passes: a gate must not keep coders from pushing
  /// the work that will make it measurable.
  func runGate(_ project: Project) throws {
    let settings = try project.snapshot(at: rev).settings()
    guard let threshold = minimum ?? settings.gate?.minimum else {
      return passUnmeasured("no agreement gate: gloss.yaml sets no gate: min, and no --min is given")
    }
    let options = self.options.gated(by: settings.gate, explicitUnit: unit != nil)
    let report: AgreementReport
    do {
      report = try project.agreement(at: rev, options: options)
    } catch GlossError.nothingToChange(let reason) {
      return passUnmeasured("agreement gate passes: nothing to measure yet (\(reason))")
    }
    switch globals.format {
    case .json: Output.print(report.json().compact)
    case .csv: Self.write(Output.csv(AgreementReport.csvHeader, report.csvRows))
    case .table:
      let codes = options.codes.map { $0.joined(separator: ", ") } ?? "every code"
      Output.print("Agreement gate: alpha >= \(Self.number(threshold)) for \(codes)")
      Output.print(Self.table(report, withInterval: false))
    }
    try report.requireAlpha(atLeast: threshold)
  }

  /// A gate that passes without figures, said in the format asked for: a sentence, a JSON
  /// object, or a CSV with the header and no rows.
  func passUnmeasured(_ reason: String) {
    switch globals.format {
    case .json:
      Output.print(
        JSON.object([("passed", .bool(true)), ("measured", .bool(false)), ("reason", .string(reason))]).compact)
    case .csv: Self.write(CSV.row(AgreementReport.csvHeader))
    case .table: Output.print(reason)
    }
  }

  // MARK: Tables

  /// A figure with three decimals; `n/a` when undefined.
  static func number(_ value: Double?) -> String {
    guard let value, value.isFinite else { return "n/a" }
    return String(format: "%.3f", value)
  }

  static func table(_ report: AgreementReport, withInterval: Bool) -> String {
    var lines = [
      "Agreement at \(report.rev.prefix(10)), unit: \(report.unit.label)",
      "coders: \(report.coders.joined(separator: ", ")); documents (\(report.documents.count)): "
        + Output.excerpt(report.documents.joined(separator: ", "), limit: 80),
    ]
    if let counted = report.counted.headerLine { lines.append(Output.excerpt(counted, limit: 200)) }
    lines.append("")
    let alphaU = report.unit == .segment
    lines.append(
      codeTable(report.codes, overall: report.overall, withInterval: withInterval, alphaU: alphaU))
    lines.append("")
    lines.append("Cohen's kappa per pair of coders (all codes in scope pooled):")
    lines.append(kappaMatrix(report.coders, pairs: report.overall.pairs))
    for document in report.byDocument ?? [] {
      lines.append("")
      lines.append("\(document.doc) (coders: \(document.coders.joined(separator: ", ")))")
      lines.append(
        codeTable(document.codes, overall: document.overall, withInterval: false, alphaU: alphaU))
    }
    return lines.joined(separator: "\n")
  }

  /// One row per code and an `overall` row; `alphaU` adds the ALPHA_U column (segment).
  static func codeTable(
    _ codes: [CodeFigures], overall: OverallFigures, withInterval: Bool, alphaU: Bool
  ) -> String {
    var header = ["CODE", "ALPHA"] + (alphaU ? ["ALPHA_U"] : []) + ["PA", "N", "PREVALENCE"]
    if withInterval { header.append("95% CI") }
    func interval(_ value: ConfidenceInterval?) -> String {
      value.map { "[\(number($0.lower)), \(number($0.upper))]" } ?? "n/a"
    }
    var rows = codes.map { figures -> [String] in
      var row = [figures.code, number(figures.alpha)] + (alphaU ? [number(figures.alphaU)] : [])
      row += [number(figures.pa), String(figures.nUnits), number(figures.prevalence)]
      if withInterval { row.append(interval(figures.alphaCI)) }
      return row
    }
    var last = ["overall", number(overall.alpha)] + (alphaU ? [number(overall.alphaU)] : [])
    last += [number(overall.pa), String(overall.nUnits), ""]
    if withInterval { last.append(interval(overall.alphaCI)) }
    rows.append(last)
    return Output.table(header, rows)
  }

  static func groupTable(_ report: GroupAgreementReport) -> String {
    var lines = [
      "Agreement per code group at \(report.rev.prefix(10)), unit: \(report.unit.label)",
      "each parent's children are the categories of one variable (plus none)",
      "coders: \(report.coders.joined(separator: ", ")); documents (\(report.documents.count)): "
        + Output.excerpt(report.documents.joined(separator: ", "), limit: 80),
      "",
    ]
    lines.append(
      Output.table(
        ["PARENT", "CATEGORIES", "ALPHA", "PA", "FLEISS", "AC1", "BP", "N", "MULTIPLE"],
        report.groups.map { group in
          [
            group.parent, String(group.children.count + 1), number(group.alpha), number(group.pa),
            number(group.fleissKappa), number(group.ac1), number(group.bp), String(group.nUnits),
            String(group.nMultiple),
          ]
        }))
    for group in report.groups {
      lines.append("")
      lines.append("\(group.parent): \(group.children.joined(separator: ", ")); Cohen's kappa per pair:")
      lines.append(kappaMatrix(report.coders, pairs: group.pairs))
    }
    return lines.joined(separator: "\n")
  }

  static func kappaMatrix(_ coders: [String], pairs: [PairFigures]) -> String {
    var kappa: [String: Double?] = [:]
    for pair in pairs {
      kappa[pair.a + "\u{0}" + pair.b] = pair.cohenKappa
      kappa[pair.b + "\u{0}" + pair.a] = pair.cohenKappa
    }
    let rows = coders.map { row in
      [row]
        + coders.map { column in
          row == column ? "-" : number(kappa[row + "\u{0}" + column] ?? nil)
        }
    }
    return Output.table([""] + coders, rows)
  }

  static func historyTable(_ reports: [AgreementReport]) -> String {
    var codes: [String] = []
    for report in reports {
      for code in report.codes where !codes.contains(code.code) { codes.append(code.code) }
    }
    let rows = reports.map { report in
      let alphas = Dictionary(report.codes.map { ($0.code, $0.alpha) }, uniquingKeysWith: { a, _ in a })
      return [String(report.rev.prefix(10)), report.isoDate, number(report.overall.alpha)]
        + codes.map { number(alphas[$0] ?? nil) }
    }
    return Output.table(["COMMIT", "DATE", "OVERALL"] + codes, rows)
  }

  static func render(_ items: [Disagreement], format: OutputFormat) -> String {
    switch format {
    case .json: return JSON.lines(items.map(\.json))
    case .csv: return Output.csv(Disagreement.csvHeader, items.map(\.csvRow))
    case .table:
      guard !items.isEmpty else { return "no disagreements" }
      return Output.table(
        ["DOC", "CODE", "SPAN", "CODED", "NOT CODED", "TEXT"],
        items.map {
          [
            $0.doc, $0.code, "\($0.start)-\($0.end)", $0.coded.joined(separator: ","),
            $0.notCoded.joined(separator: ","), Output.excerpt($0.text),
          ]
        })
    }
  }
}
