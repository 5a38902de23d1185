import Foundation
import GlossCore

/// Renders a `ReportInput` as one self-contained HTML page: inline CSS and SVG, no script,
/// no reference outside the file, and the same bytes for the same input (no clock, stable
/// order, fixed number formats). Every figure carries `data-figure` / `data-value` hooks
/// named after the keys of `gloss agree --format json`, with `data-code`, `data-doc`,
/// `data-pair` (`a b`), `data-rev` or `data-overall` saying which object it belongs to.
public enum ReportRenderer {
  /// Disagreements listed per code; the rest are counted, with the command that lists them.
  public static let disagreementLimit = 50
  /// Pairs of coders given a kappa column in the tables of figures (four coders).
  public static let pairColumnLimit = 6
  /// Characters of a disagreement's text shown.
  public static let excerptLimit = 300

  public static func html(_ input: ReportInput) -> Data { Data(render(input).utf8) }

  public static func render(_ input: ReportInput) -> String {
    let report = input.report
    var page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    page += "<meta name=\"generator\" content=\"Gloss \(HTML.escape(input.glossVersion))\">\n"
    page += "<title>Agreement: \(HTML.escape(input.projectName)) at \(report.rev.prefix(10))</title>\n"
    page += "<style>\n\(style)</style>\n</head>\n<body>\n"
    page += fragment(input)
    page += "</body>\n</html>\n"
    return page
  }

  /// The report's content without `<html>`, `<head>` or `<body>`, for a page that has its own
  /// (`gloss serve`'s agreement page); it needs `style` in that page.
  public static func fragment(_ input: ReportInput) -> String {
    var html = "<h1>Inter-coder agreement: \(HTML.escape(input.projectName))</h1>\n"
    html += summary(input)
    html += "<nav><ul>"
    for (anchor, title) in sections { html += "<li><a href=\"#\(anchor)\">\(title)</a></li>" }
    html += "</ul></nav>\n"
    html += codeSection(input)
    html += heatmapSection(input)
    html += historySection(input)
    html += documentSection(input)
    html += frequencySection(input)
    html += disagreementSection(input)
    html += methodsSection(input)
    html += pairsTable(input.report.codes, codebook: input.codebook)
    return html
  }

  static let sections = [
    ("figures", "Figures per code"), ("heatmap", "Pairs of coders"), ("history", "Over time"),
    ("documents", "Per document"), ("frequencies", "Code frequencies"),
    ("disagreements", "Disagreements"), ("methods", "Methods"), ("pairs", "Every pair"),
  ]

  // MARK: Summary

  static func summary(_ input: ReportInput) -> String {
    let report = input.report
    func row(_ term: String, _ value: String) -> String { "<dt>\(term)</dt><dd>\(value)</dd>" }
    func count(_ figure: String, _ value: Int) -> String {
      "<span\(HTML.hook(figure, String(value), []))>\(value)</span>"
    }
    var html = "<section id=\"summary\"><dl class=\"summary\">"
    html += row("Revision", "<code>\(report.rev)</code> (\(HTML.escape(report.isoDate)))")
    html += row("Unit", HTML.escape(report.unit.label))
    html += row(
      "Coders",
      count("coders_count", report.coders.count) + ": " + HTML.escape(report.coders.joined(separator: ", ")))
    html += row(
      "Documents",
      count("documents_count", report.documents.count)
        + " coded by at least two of them, of \(input.projectDocumentCount) in the project")
    if let counted = report.counted.headerLine {
      html += row("Counted", HTML.escape(String(counted.dropFirst("counted: ".count))))
    }
    html += row("Codes", count("codes_count", report.codes.count))
    html += row("Assignments", "\(input.assignmentCount) by these coders on these documents and codes")
    if let bootstrap = input.options.bootstrap, bootstrap > 0 {
      html += row("Bootstrap", "\(bootstrap) replicates, seed \(input.options.seed)")
    }
    return html + "</dl></section>\n"
  }

  // MARK: Figures per code

  /// A code's name with its codebook colour and id; long names wrap (CSS), never vanish. The
  /// colour is an SVG fill, not a `style` attribute, so the report also shows under a strict
  /// Content-Security-Policy (`gloss serve`'s agreement page).
  static func codeLabel(_ id: String, name: String, codebook: Codebook) -> String {
    var html = ""
    if let color = codebook.code(id)?.color, Code.isColor(color) {
      html +=
        "<svg class=\"swatch\" viewBox=\"0 0 1 1\" aria-hidden=\"true\">"
        + "<rect width=\"1\" height=\"1\" fill=\"\(color.lowercased())\"/></svg>"
    } else {
      html += "<span class=\"swatch none\"></span>"
    }
    html += "<span class=\"name\">\(HTML.escape(name))</span>"
    if name != id { html += " <code>\(HTML.escape(id))</code>" }
    return html
  }

  static func pairsOf(_ coders: [String]) -> [(String, String)] {
    var pairs: [(String, String)] = []
    for (index, a) in coders.enumerated() {
      for b in coders[(index + 1)...] { pairs.append((a, b)) }
    }
    return pairs
  }

  static func cell(_ figure: String, _ value: Double?, _ scope: [(String, String)]) -> String {
    let text = HTML.figure(value)
    return "<td class=\"num\(value == nil ? " na" : "")\"\(HTML.hook(figure, text, scope))>\(text)</td>"
  }

  static func intervalCell(_ interval: ConfidenceInterval?, _ scope: [(String, String)]) -> String {
    guard let interval else { return "<td class=\"num na\"\(HTML.hook("alpha_ci", "n/a", scope))>n/a</td>" }
    let lower = HTML.figure(interval.lower)
    let upper = HTML.figure(interval.upper)
    return "<td class=\"num\">[<span\(HTML.hook("alpha_ci_lower", lower, scope))>\(lower)</span>, "
      + "<span\(HTML.hook("alpha_ci_upper", upper, scope))>\(upper)</span>]</td>"
  }

  /// The table of every figure per code, then the pooled `overall` row.
  static func figuresTable(
    codes: [CodeFigures], overall: OverallFigures, coders: [String], withInterval: Bool,
    scope: [(String, String)], codebook: Codebook
  ) -> String {
    // Many coders make many pairs: their kappas are then in the heatmap and the appendix only.
    let all = pairsOf(coders)
    let pairs = all.count <= pairColumnLimit ? all : []
    var html = "<div class=\"scroll\"><table class=\"figures\"><thead><tr><th scope=\"col\">Code</th>"
    html += "<th scope=\"col\">units</th><th scope=\"col\">prevalence</th><th scope=\"col\">alpha</th>"
    if withInterval { html += "<th scope=\"col\">alpha 95% CI</th>" }
    html += "<th scope=\"col\">pa</th><th scope=\"col\">Fleiss' kappa</th><th scope=\"col\">AC1</th>"
    html += "<th scope=\"col\">BP</th>"
    for (a, b) in pairs { html += "<th scope=\"col\">kappa \(HTML.escape(a))–\(HTML.escape(b))</th>" }
    html += "</tr></thead><tbody>"
    for figures in codes {
      let here = scope + [("code", figures.code)]
      html +=
        "<tr><th scope=\"row\" class=\"code\">"
        + codeLabel(figures.code, name: figures.name, codebook: codebook) + "</th>"
      html += "<td class=\"num\"\(HTML.hook("n_units", String(figures.nUnits), here))>\(figures.nUnits)</td>"
      html += cell("prevalence", figures.prevalence, here) + cell("alpha", figures.alpha, here)
      if withInterval { html += intervalCell(figures.alphaCI, here) }
      html += cell("pa", figures.pa, here) + cell("fleiss_kappa", figures.fleissKappa, here)
      html += cell("ac1", figures.ac1, here) + cell("bp", figures.bp, here)
      for (a, b) in pairs {
        let pair = figures.pairs.first { $0.a == a && $0.b == b }
        html += cell("cohen_kappa", pair?.cohenKappa, here + [("pair", "\(a) \(b)")])
      }
      html += "</tr>"
    }
    let here = scope + [("overall", "true")]
    html += "<tr class=\"overall\"><th scope=\"row\">All codes pooled</th>"
    html += "<td class=\"num\"\(HTML.hook("n_units", String(overall.nUnits), here))>\(overall.nUnits)</td>"
    html += "<td></td>" + cell("alpha", overall.alpha, here)
    if withInterval { html += intervalCell(overall.alphaCI, here) }
    html += cell("pa", overall.pa, here) + "<td></td><td></td><td></td>"
    html += String(repeating: "<td></td>", count: pairs.count)
    html += "</tr></tbody></table></div>\n"
    if pairs.count < all.count {
      html +=
        "<p class=\"note\">Cohen's kappa of the \(all.count) pairs of coders: in the heatmap and the appendix.</p>\n"
    }
    return html
  }

  /// Percent agreement and units of every pair of coders, per code.
  static func pairsTable(_ codes: [CodeFigures], codebook: Codebook) -> String {
    var html = "<section id=\"pairs\"><h2>Appendix: every pair of coders</h2>\n"
    html += "<p class=\"note\">Per code, the units both coders coded, their percent agreement and Cohen's kappa.</p>\n"
    html += "<div class=\"scroll\"><table class=\"figures\"><thead><tr><th scope=\"col\">Code</th>"
    html += "<th scope=\"col\">pair</th><th scope=\"col\">units</th><th scope=\"col\">pa</th>"
    html += "<th scope=\"col\">Cohen's kappa</th></tr></thead><tbody>"
    for figures in codes {
      for pair in figures.pairs {
        let here = [("code", figures.code), ("pair", "\(pair.a) \(pair.b)")]
        html +=
          "<tr><th scope=\"row\" class=\"code\">"
          + codeLabel(figures.code, name: figures.name, codebook: codebook) + "</th>"
        html += "<td>\(HTML.escape(pair.a))–\(HTML.escape(pair.b))</td>"
        html += "<td class=\"num\"\(HTML.hook("pair_n_units", String(pair.nUnits), here))>\(pair.nUnits)</td>"
        html += cell("pair_pa", pair.pa, here) + cell("cohen_kappa", pair.cohenKappa, here) + "</tr>"
      }
    }
    return html + "</tbody></table></div></section>\n"
  }

  static func codeSection(_ input: ReportInput) -> String {
    let report = input.report
    let withInterval = (input.options.bootstrap ?? 0) > 0
    var html = "<section id=\"figures\"><h2>Figures per code</h2>\n"
    html +=
      "<p class=\"note\">alpha: Krippendorff's alpha (nominal); pa: percent agreement; Fleiss' kappa, "
      + "Gwet's AC1 and Brennan–Prediger (BP) on the units every coder coded; units: pairable units; "
      + "prevalence: share of units with the code. n/a: undefined (no variation or no units), never 0.</p>\n"
    html += figuresTable(
      codes: report.codes, overall: report.overall, coders: report.coders, withInterval: withInterval, scope: [],
      codebook: input.codebook)
    return html + "</section>\n"
  }

  // MARK: Heatmap

  static func heatmapSection(_ input: ReportInput) -> String {
    let report = input.report
    let pairs = pairsOf(report.coders)
    var html = "<section id=\"heatmap\"><h2>Cohen's kappa by code and pair of coders</h2>\n"
    html += "<p class=\"note\">Each cell prints its value; darker is lower. Hatched cells are undefined.</p>\n"
    let cells = report.codes.map { figures in
      pairs.map { a, b -> Charts.HeatCell in
        let value = figures.pairs.first { $0.a == a && $0.b == b }?.cohenKappa
        let text = HTML.figure(value)
        return Charts.HeatCell(
          value: value,
          hook: HTML.hook("cohen_kappa", text, [("code", figures.code), ("pair", "\(a) \(b)")]),
          title: "\(figures.name), \(a) and \(b): kappa \(text)")
      }
    }
    html += "<div class=\"scroll\">"
    html += Charts.heatmap(
      rows: report.codes.map(\.name), columns: pairs.map { "\($0.0)–\($0.1)" }, cells: cells,
      label: "Heatmap of Cohen's kappa, codes by pairs of coders")
    return html + "</div></section>\n"
  }

  // MARK: History

  static func historySection(_ input: ReportInput) -> String {
    let history = input.history
    var html = "<section id=\"history\"><h2>Agreement over time</h2>\n"
    html +=
      "<p class=\"note\">Krippendorff's alpha at each commit of \(HTML.escape(input.historyDescription)) "
      + "(first parent, oldest first; \(history.count) with data in scope), by commit order with commit dates. "
      + "Dashed line: 0.800; dotted: 0.667. Hollow marks on the axis: alpha undefined (n/a).</p>\n"
    guard !history.isEmpty else {
      return html + "<p>No commit in this range has two coders with data in scope.</p></section>\n"
    }
    // Dates on the axis; times when the whole range is one day (a training session).
    let oneDay = Set(history.map { $0.isoDate.prefix(10) }).count == 1
    func axisLabel(_ report: AgreementReport) -> String {
      let date = report.isoDate
      return oneDay ? String(date.dropFirst(11).prefix(8)) : String(date.prefix(10))
    }
    if oneDay, let first = history.first {
      html += "<p class=\"note\">Every commit is of \(first.isoDate.prefix(10)); the axis gives their times.</p>\n"
    }
    func points(_ value: (AgreementReport) -> Double??, scope: [(String, String)]) -> [Charts.LinePoint] {
      history.map { report in
        let figure = value(report) ?? nil
        let text = HTML.figure(figure)
        let hook = HTML.hook("alpha", text, scope + [("rev", report.rev)])
        return Charts.LinePoint(
          value: figure, axisLabel: axisLabel(report),
          title: "\(report.isoDate) \(report.rev.prefix(10)): alpha \(text)",
          hook: hook)
      }
    }
    html += "<h3>All codes pooled</h3>\n"
    html += Charts.lineChart(
      points({ $0.overall.alpha }, scope: [("overall", "true")]), width: 860, height: 220,
      label: "Alpha of all codes pooled over time")
    html += "\n<div class=\"multiples\">"
    for figures in input.report.codes {
      html +=
        "<figure><figcaption title=\"\(HTML.escape(figures.name))\">"
        + codeLabel(figures.code, name: figures.name, codebook: input.codebook) + "</figcaption>"
      html += Charts.lineChart(
        points(
          { report in report.codes.first { $0.code == figures.code }.map(\.alpha) },
          scope: [("code", figures.code)]),
        width: 280, height: 140, label: "Alpha of \(figures.name) over time")
      html += "</figure>"
    }
    return html + "</div></section>\n"
  }

  // MARK: Per document

  static func documentSection(_ input: ReportInput) -> String {
    var html = "<section id=\"documents\"><h2>Figures per document</h2>\n"
    html +=
      "<p class=\"note\">Each document on its own, over the coders who coded it "
      + "(as <code>gloss agree --by doc</code>).</p>\n"
    for document in input.report.byDocument ?? [] {
      html +=
        "<h3 id=\"doc-\(HTML.escape(document.doc))\">\(HTML.escape(document.doc))"
        + " <small>coders: \(HTML.escape(document.coders.joined(separator: ", ")))</small></h3>\n"
      html += figuresTable(
        codes: document.codes, overall: document.overall, coders: document.coders, withInterval: false,
        scope: [("doc", document.doc)], codebook: input.codebook)
    }
    return html + "</section>\n"
  }

  // MARK: Frequencies

  static func frequencySection(_ input: ReportInput) -> String {
    let report = input.report
    var html = "<section id=\"frequencies\"><h2>Code frequencies per coder</h2>\n"
    html += "<p class=\"note\">Assignments (coded spans) per code and coder on the documents in scope.</p>\n"
    let groups = report.codes.map { figures in
      Charts.BarGroup(
        label: figures.name,
        bars: report.coders.enumerated().map { index, coder in
          let value = input.frequencies[figures.code]?[coder] ?? 0
          return Charts.Bar(
            label: coder, value: value, color: Charts.categorical[index % Charts.categorical.count],
            hook: HTML.hook("assignments", String(value), [("code", figures.code), ("coder", coder)]))
        })
    }
    html += "<div class=\"scroll\">"
    html += Charts.barChart(groups, label: "Assignments per code and coder")
    return html + "</div></section>\n"
  }

  // MARK: Disagreements

  static func disagreementSection(_ input: ReportInput) -> String {
    let report = input.report
    var html = "<section id=\"disagreements\"><h2>Disagreements</h2>\n"
    html +=
      "<p class=\"note\">Stretches where the coders differ (as <code>gloss agree --disagreements</code>), "
      + "by code, then by who applied the code and who did not. At most \(disagreementLimit) per code; "
      + "texts cut at \(excerptLimit) characters.</p>\n"
    let byCode = Dictionary(grouping: input.disagreements, by: \.code)
    if byCode.isEmpty { html += "<p>The coders agree everywhere.</p>\n" }
    for figures in report.codes {
      guard let items = byCode[figures.code], !items.isEmpty else { continue }
      html +=
        "<h3>" + codeLabel(figures.code, name: figures.name, codebook: input.codebook)
        + " <small>\(items.count) stretch\(items.count == 1 ? "" : "es")</small></h3>\n"
      let shown = items.prefix(disagreementLimit)
      var patterns: [String] = []
      var byPattern: [String: [Disagreement]] = [:]
      for item in shown {
        let pattern =
          "Coded by \(item.coded.joined(separator: ", ")), not by \(item.notCoded.joined(separator: ", "))"
        if byPattern[pattern] == nil { patterns.append(pattern) }
        byPattern[pattern, default: []].append(item)
      }
      for pattern in patterns.sorted() {
        html +=
          "<h4>\(HTML.escape(pattern))</h4>\n<table class=\"disagreements\"><thead><tr>"
          + "<th scope=\"col\">Document</th><th scope=\"col\">Code points</th><th scope=\"col\">Text</th>"
          + "</tr></thead><tbody>"
        for item in byPattern[pattern] ?? [] {
          html +=
            "<tr><td>\(HTML.escape(item.doc))</td><td class=\"offsets\">\(item.start)–\(item.end)</td>"
            + "<td class=\"text\">\(HTML.escape(HTML.truncate(item.text, excerptLimit)))</td></tr>"
        }
        html += "</tbody></table>\n"
      }
      if items.count > disagreementLimit {
        html +=
          "<p class=\"note\">\(items.count - disagreementLimit) more: <code>"
          + HTML.escape(agreeCommand(input, extra: " --disagreements --codes \(figures.code)", format: false))
          + "</code></p>\n"
      }
    }
    return html + "</section>\n"
  }

  // MARK: Methods

  /// The `gloss agree` command giving the same figures.
  static func agreeCommand(_ input: ReportInput, extra: String = "", format: Bool = true) -> String {
    let options = input.options
    var command = "gloss agree --rev \(input.report.rev) --unit \(options.unit.rawValue)"
    if let coders = options.coders { command += " --coders \(coders.joined(separator: ","))" }
    if let codes = options.codes { command += " --codes \(codes.joined(separator: ","))" }
    if let docs = options.docs { command += " --docs \(docs.joined(separator: ","))" }
    if options.includeUnfinished { command += " --include-unfinished" }
    command += extra
    if extra.isEmpty, let bootstrap = options.bootstrap, bootstrap > 0 {
      command += " --bootstrap \(bootstrap) --seed \(options.seed)"
    }
    return command + (format ? " --format json" : "")
  }

  static func methodsSection(_ input: ReportInput) -> String {
    let report = input.report
    let options = input.options
    let unitText: String
    switch report.unit {
    case .char: unitText = "Krippendorff's alpha (nominal, character units: each Unicode code point is one unit)"
    case .para: unitText = "Krippendorff's alpha (nominal, paragraph units: maximal runs of non-blank lines)"
    case .doc: unitText = "Krippendorff's alpha (nominal, document units)"
    case .segment:
      unitText = "Krippendorff's unitizing alpha (2016 revision, on the continuum of character positions)"
    }
    let coders = report.coders.joined(separator: ", ")
    let overall = HTML.figure(report.overall.alpha)
    let pa = HTML.figure(report.overall.pa)
    var text =
      "\(unitText) was computed with Gloss \(HTML.escape(input.glossVersion)) on "
      + "\(report.documents.count) document\(report.documents.count == 1 ? "" : "s") coded independently by "
      + "\(report.coders.count) coders (\(HTML.escape(coders))) for \(report.codes.count) "
      + "code\(report.codes.count == 1 ? "" : "s"), each treated as a binary variable (applied or not), "
      + "at commit <code>\(report.rev.prefix(10))</code> (\(report.isoDate.prefix(10))). "
      + "A coder without an annotation file for a document counts as missing data. "
      + (report.counted.rule == .finished
        ? "On a document that coders marked finished, only the coders who did were counted. " : "")
      + "Pooling all codes, alpha = <span\(HTML.hook("alpha", overall, [("overall", "true")]))>\(overall)</span>"
    if let interval = report.overall.alphaCI {
      let lower = HTML.figure(interval.lower)
      let upper = HTML.figure(interval.upper)
      let pooled = [("overall", "true")]
      text +=
        " (95% CI <span\(HTML.hook("alpha_ci_lower", lower, pooled))>\(lower)</span> to "
        + "<span\(HTML.hook("alpha_ci_upper", upper, pooled))>\(upper)</span>)"
    }
    text += " with percent agreement <span\(HTML.hook("pa", pa, [("overall", "true")]))>\(pa)</span>."
    if let bootstrap = options.bootstrap, bootstrap > 0 {
      text +=
        " Confidence intervals are 95% percentile intervals from \(bootstrap) bootstrap resamples of "
        + "documents (seed \(options.seed))."
    }
    text +=
      " Percent agreement, Fleiss' kappa, Gwet's AC1, Brennan and Prediger's coefficient and Cohen's kappa "
      + "for each pair of coders are reported alongside; undefined coefficients (no variation) are reported as n/a."
    var html = "<section id=\"methods\"><h2>Methods</h2>\n<p class=\"methods\">\(text)</p>\n"
    html += "<p class=\"note\">The same figures: <code>\(HTML.escape(agreeCommand(input)))</code></p>\n"
    return html + "</section>\n"
  }

  // MARK: Style

  /// The report's CSS (no external fonts or images).
  public static let style = """
    body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
      color: #1a1a1a; background: #ffffff; margin: 2rem auto; max-width: 1100px; padding: 0 1rem;
      line-height: 1.4; }
    h1 { font-size: 1.6rem; margin-bottom: 0.5rem; }
    h2 { font-size: 1.25rem; border-bottom: 1px solid #d0d0d0; padding-bottom: 0.2rem; margin-top: 2rem; }
    h3 { font-size: 1.05rem; margin: 1.2rem 0 0.4rem; }
    h4 { font-size: 0.95rem; margin: 0.8rem 0 0.3rem; font-weight: 600; }
    small { font-weight: normal; color: #555555; }
    code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.85em; }
    nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.4rem 1.2rem; }
    nav a { color: #0b5394; }
    dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; margin: 0; }
    dl.summary dt { font-weight: 600; }
    dl.summary dd { margin: 0; overflow-wrap: anywhere; }
    .note { color: #444444; font-size: 0.9rem; }
    .scroll { overflow-x: auto; }
    table { border-collapse: collapse; font-size: 0.88rem; margin: 0.4rem 0 1rem; }
    th, td { border-bottom: 1px solid #e0e0e0; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
    thead th { border-bottom: 2px solid #999999; font-weight: 600; }
    td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
    td.offsets { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
    td.na { color: #777777; font-style: italic; }
    th.code { font-weight: normal; max-width: 22rem; overflow-wrap: anywhere; }
    tr.overall th, tr.overall td { border-top: 2px solid #999999; font-weight: 600; }
    .swatch { display: inline-block; width: 0.8em; height: 0.8em; border: 1px solid #555555;
      margin-right: 0.35em; vertical-align: -0.05em; }
    .swatch.none { background: repeating-linear-gradient(45deg, #ffffff 0 2px, #bbbbbb 2px 3px); }
    td.text { white-space: pre-wrap; max-width: 44rem; overflow-wrap: anywhere; }
    .multiples { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; }
    figure { margin: 0; width: 280px; }
    figcaption { font-size: 0.85rem; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
    .methods { background: #f5f5f5; border-left: 4px solid #999999; padding: 0.6rem 0.8rem; }
    svg.chart { display: block; font-size: 12px; max-width: 100%; height: auto; }
    svg.chart .tick { fill: #444444; font-size: 11px; }
    svg.chart .group { font-weight: 600; }
    svg.chart .grid { stroke: #e6e6e6; stroke-width: 1; }
    svg.chart .axis { stroke: #555555; stroke-width: 1; }
    svg.chart .guide { stroke: #777777; stroke-width: 1; }
    svg.chart .guide.good { stroke-dasharray: 6 3; }
    svg.chart .guide.fair { stroke-dasharray: 2 3; }
    svg.chart .series { fill: none; stroke: #0072b2; stroke-width: 2; }
    svg.chart .marker { fill: #0072b2; }
    svg.chart .marker.na { fill: #ffffff; stroke: #555555; stroke-width: 1; }
    svg.chart .empty { fill: #777777; font-style: italic; }
    @media print { body { margin: 0; max-width: none; } nav { display: none; } }

    """
}
