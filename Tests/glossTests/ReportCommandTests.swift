import Foundation
import Testing

/// `gloss report` through the real binary: every figure equals `gloss agree --format json`,
/// the page is deterministic, self-contained and valid HTML, and it renders in Chromium.
@Suite(.serialized) struct ReportCommandTests {
  /// Three coders, two documents, three codes (one never used, so its figures are n/a, and
  /// one whose name needs escaping), with colours; a few coding commits for the history.
  static func project() throws -> Sandbox {
    let box = try Sandbox()
    let one = try box.write(
      "d1.txt", "First paragraph about data.\n\nSecond paragraph, missing values.\n\nThird one.\n")
    let two = try box.write("d2.txt", "Another transcript.\n\nWith two paragraphs & <markup>.\n")
    try ok(box.gloss("doc", "add", one, two))
    try ok(box.gloss("code", "add", "Alpha", "--color", "#1F77B4"))
    try ok(box.gloss("code", "add", "Beta", "--color", "#ff7f0e"))
    try ok(box.gloss("code", "add", "Gamma \"quoted\" & <tag>", "--id", "gamma"))
    try ok(box.gloss("doc", "assign", "d1", "d2", "--to", "ana", "ben", "cy"))
    try ok(box.gloss("--as", "ana", "add", "d1", "alpha", "--para", "1"))
    try ok(box.gloss("--as", "ben", "add", "d1", "alpha", "--chars", "0-20"))
    try ok(box.gloss("--as", "cy", "add", "d1", "alpha", "--para", "1"))
    try ok(box.gloss("--as", "ana", "add", "d2", "beta", "--para", "2"))
    try ok(box.gloss("--as", "ben", "add", "d1", "beta", "--para", "3"))
    try ok(box.gloss("--as", "cy", "add", "d2", "beta", "--para", "2"))
    return box
  }

  static func ok(_ run: Run, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(run.status == 0, "stderr: \(run.stderr)", sourceLocation: sourceLocation)
  }

  /// The package folder, for artifacts under .build and the docs image.
  static let packageRoot: URL = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url
  }()

  static func report(_ box: Sandbox, _ arguments: [String] = []) throws -> String {
    let run = try box.gloss(args: ["report", "-o", "-"] + arguments)
    ok(run)
    return run.stdout
  }

  // MARK: Reading the hooks back

  /// Every element carrying `data-figure`, as its attributes (entities decoded).
  static func hooks(_ html: String) throws -> [[String: String]] {
    let tag = try NSRegularExpression(pattern: "<[a-zA-Z]+\\s[^<>]*data-figure=\"[^\"]*\"[^<>]*>")
    let attribute = try NSRegularExpression(pattern: "([a-z-]+)=\"([^\"]*)\"")
    let text = html as NSString
    return tag.matches(in: html, range: NSRange(location: 0, length: text.length)).map { match in
      let element = text.substring(with: match.range) as NSString
      var result: [String: String] = [:]
      for pair in attribute.matches(in: element as String, range: NSRange(location: 0, length: element.length)) {
        let name = element.substring(with: pair.range(at: 1))
        guard name.hasPrefix("data-") else { continue }
        result[String(name.dropFirst(5))] = element.substring(with: pair.range(at: 2))
          .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
          .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&#39;", with: "'")
          .replacingOccurrences(of: "&amp;", with: "&")
      }
      return result
    }
  }

  static func object(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
  }

  /// The JSON value a hook stands for: `NSNull` or a number; nil when the hook names
  /// nothing in the JSON (a failure).
  static func expected(
    _ hook: [String: String], agree: [String: Any], history: [String: [String: Any]], counts: [String: Int]
  ) -> Any? {
    let figure = hook["figure"] ?? ""
    switch figure {
    case "coders_count", "documents_count", "codes_count":
      return (agree[String(figure.dropLast(6))] as? [Any])?.count
    case "assignments":
      return counts["\(hook["code"] ?? "") \(hook["coder"] ?? "")"] ?? 0
    default: break
    }
    var base = agree
    if let rev = hook["rev"] {
      guard let line = history[rev] else { return nil }
      base = line
    } else if let doc = hook["doc"] {
      guard let item = (agree["by_doc"] as? [[String: Any]])?.first(where: { $0["doc"] as? String == doc })
      else { return nil }
      base = item
    }
    var owner: [String: Any]
    if hook["overall"] != nil {
      guard let overall = base["overall"] as? [String: Any] else { return nil }
      owner = overall
    } else if let code = hook["code"] {
      guard let item = (base["codes"] as? [[String: Any]])?.first(where: { $0["code"] as? String == code })
      else { return nil }
      owner = item
    } else {
      return nil
    }
    if let pair = hook["pair"] {
      let names = pair.split(separator: " ").map(String.init)
      guard
        let item = (owner["pairs"] as? [[String: Any]])?.first(where: {
          [$0["a"] as? String ?? "", $0["b"] as? String ?? ""] == names
        })
      else { return nil }
      owner = item
    }
    switch figure {
    case "alpha_ci_lower", "alpha_ci_upper":
      return (owner["alpha_ci"] as? [Any])?[figure.hasSuffix("lower") ? 0 : 1]
    case "pair_pa": return owner["pa"]
    case "pair_n_units": return owner["n_units"]
    default: return owner[figure]
    }
  }

  static func matches(_ shown: String, _ expected: Any) -> Bool {
    if expected is NSNull { return shown == "n/a" }
    if let number = expected as? NSNumber, let value = Double(shown) {
      return abs(value - number.doubleValue) <= 0.0005 + 1e-9
    }
    if let count = expected as? Int { return shown == String(count) }
    return false
  }

  /// Checks every hook of `html` against `agree --by doc --format json` with `options`,
  /// `agree --history HEAD` and `ls`; returns the figures seen.
  static func checkFigures(_ box: Sandbox, _ html: String, options: [String]) throws -> Set<String> {
    let agree = try object(
      try box.gloss(args: ["agree", "--by", "doc", "--format", "json"] + options).stdout)
    let historyRun = try box.gloss(args: ["agree", "--history", "HEAD", "--format", "json"] + options)
    ok(historyRun)
    var history: [String: [String: Any]] = [:]
    for line in historyRun.lines {
      let item = try object(line)
      history[item["rev"] as? String ?? ""] = item
    }
    var counts: [String: Int] = [:]
    let listing = try #require(
      try JSONSerialization.jsonObject(with: Data(try box.gloss("ls", "--format", "json").stdout.utf8))
        as? [[String: Any]])
    for item in listing {
      counts["\(item["code"] as? String ?? "") \(item["coder"] as? String ?? "")", default: 0] += 1
    }
    var seen = Set<String>()
    let found = try hooks(html)
    #expect(found.count > 50)
    for hook in found {
      let shown = hook["value"] ?? ""
      guard let value = expected(hook, agree: agree, history: history, counts: counts) else {
        Issue.record("hook names nothing in the JSON: \(hook)")
        continue
      }
      #expect(matches(shown, value), "\(hook) shows \(shown), JSON says \(value)")
      seen.insert(hook["figure"] ?? "")
      if hook["rev"] != nil { seen.insert("history") }
      if hook["doc"] != nil { seen.insert("by_doc") }
      if shown == "n/a" { seen.insert("n/a") }
    }
    // Every history line is a point of the pooled chart.
    #expect(found.filter { $0["rev"] != nil && $0["overall"] != nil }.count == history.count)
    return seen
  }

  // MARK: Tests

  @Test func everyFigureEqualsAgreeJSON() throws {
    let box = try Self.project()
    let base = [
      "alpha", "pa", "n_units", "prevalence", "fleiss_kappa", "ac1", "bp", "cohen_kappa", "pair_pa",
      "pair_n_units", "coders_count", "documents_count", "codes_count", "assignments", "history", "by_doc", "n/a",
    ]
    let options = ["--bootstrap", "30", "--seed", "4"]
    let html = try Self.report(box, options)
    let seen = try Self.checkFigures(box, html, options: options)
    #expect(Set(base + ["alpha_ci_lower", "alpha_ci_upper"]).isSubset(of: seen), "seen: \(seen.sorted())")
    // The same for another unit and a narrower scope.
    let narrow = ["--unit", "para", "--coders", "ana,ben", "--codes", "alpha,beta"]
    let seenNarrow = try Self.checkFigures(box, try Self.report(box, narrow), options: narrow)
    #expect(seenNarrow.contains("alpha") && seenNarrow.contains("history"))
    // Table cells with numbers all carry hooks: nothing printed that the test cannot check.
    #expect(!html.contains("<td class=\"num\">0") && !html.contains("<td class=\"num\">1"))
    #expect(!html.contains("NaN") && !html.contains("nan<"))
    // Names are escaped, and the colours of the codebook are used.
    #expect(html.contains("Gamma &quot;quoted&quot; &amp; &lt;tag&gt;"))
    #expect(html.contains("fill=\"#1f77b4\"") && html.contains("fill=\"#ff7f0e\""))
    #expect(html.contains("with Gloss 0.1.0 on 2 documents coded independently by 3 coders (ana, ben, cy)"))
  }

  @Test func sameRepositoryAndOptionsGiveTheSameBytes() throws {
    let box = try Self.project()
    let options = ["--bootstrap", "20", "--seed", "9", "--unit", "para"]
    let first = try Self.report(box, options)
    let fileRun = try box.gloss(args: ["report", "-o", box.root + "/r.html"] + options)
    Self.ok(fileRun)
    let file = try String(contentsOfFile: box.root + "/r.html", encoding: .utf8)
    #expect(first == file)
    #expect(first == (try Self.report(box, options)))
    // From another folder with -C, and later in time: still the same bytes.
    let elsewhere = try box.gloss(args: ["-C", box.path, "report", "-o", "-"] + options, in: box.root)
    #expect(elsewhere.stdout == first)
    // --format html in every position means the same page; the listing formats are refused.
    for arguments in [["--format", "html", "report"], ["--format=html", "report"], ["report", "--format=html"]] {
      let run = try box.gloss(args: arguments + ["-o", "-"] + options)
      #expect(run.stdout == first, "\(arguments): \(run.stderr)")
    }
    #expect(try box.gloss("--format", "json", "report", "-o", "-").status == 64)
    #expect(try box.gloss("--format", "json", "agree").status == 0)
    // Without -o the report goes to gloss-report.html in the current folder.
    Self.ok(try box.gloss("-C", box.path, "report", in: box.root))
    #expect(FileManager.default.fileExists(atPath: box.root + "/gloss-report.html"))
  }

  @Test func theReportIsSelfContained() throws {
    let box = try Self.project()
    let html = try Self.report(box)
    let lower = html.lowercased()
    for needle in ["http://", "https://", "<script", " src=", "@import", "<link", "<iframe", "<img", "file:"] {
      #expect(!lower.contains(needle), "the report contains \(needle)")
    }
    // Links and url() references stay inside the page.
    let references = try NSRegularExpression(pattern: "(href=\"|url\\()([^\"\\)]*)")
    for match in references.matches(in: html, range: NSRange(location: 0, length: (html as NSString).length)) {
      let target = (html as NSString).substring(with: match.range(at: 2))
      #expect(target.hasPrefix("#"), "reference outside the page: \(target)")
    }
  }

  @Test func theReportIsValidHTML() throws {
    let box = try Self.project()
    let path = box.root + "/r.html"
    Self.ok(try box.gloss("report", "-o", path, "--bootstrap", "10"))
    let check = try Shell.run(
      "/usr/bin/env",
      [
        "python3", "-c",
        "import sys, html5lib; html5lib.HTMLParser(strict=True).parse(open(sys.argv[1], 'rb').read()); print('valid')",
        path,
      ], in: box.root)
    if check.stderr.contains("No module named 'html5lib'") {
      Issue.record("html5lib is missing: run 'make deps' (pip install html5lib)")
      return
    }
    #expect(check.status == 0 && check.stdout == "valid\n", "html5lib: \(check.stderr)")
  }

  @Test func invalidOptionsFailWithOneErrorAndWriteNothing() throws {
    let box = try Self.project()
    let target = box.root + "/r.html"
    try "old report".write(toFile: target, atomically: true, encoding: .utf8)
    let domainErrors: [[String]] = [
      ["--coders", "ana,nobody"], ["--codes", "no-such-code"], ["--docs", "d9"], ["--rev", "no-such-rev"],
      ["--history", "nope..HEAD"], ["--coders", "ana"],
    ]
    for arguments in domainErrors {
      let run = try box.gloss(args: ["report", "-o", target] + arguments)
      #expect(run.status == 1, "\(arguments): \(run.status)")
      #expect(run.stderr.hasPrefix("error: ") && run.lines.isEmpty, "\(arguments): \(run.stderr)")
      #expect(run.stderr.split(separator: "\n").count == 1, "\(arguments): \(run.stderr)")
    }
    let usageErrors: [[String]] = [
      ["--unit", "word"], ["--bootstrap", "0"], ["--format", "docx"], ["-o", ""], ["--seed", "-1"],
    ]
    for arguments in usageErrors {
      let run = try box.gloss(args: ["report", "-o", target] + arguments)
      #expect(run.status == 64, "\(arguments): \(run.status) \(run.stderr)")
      #expect(run.stderr.lowercased().hasPrefix("error: "), "\(arguments): \(run.stderr)")
    }
    // A folder that does not exist, and a folder in the way.
    for path in [box.root + "/missing/r.html", box.root] {
      let run = try box.gloss("report", "-o", path)
      #expect(run.status == 1 && run.stderr.hasPrefix("error: -o: "), "\(run.stderr)")
    }
    #expect(try String(contentsOfFile: target, encoding: .utf8) == "old report")
    let left = try FileManager.default.contentsOfDirectory(atPath: box.root).filter { $0.hasSuffix(".tmp") }
    #expect(left.isEmpty, "temporary files left: \(left)")
    #expect(!FileManager.default.fileExists(atPath: box.path + "/gloss-report.html"))
  }

  @Test func historyRangeIsTheChosenCommits() throws {
    let box = try Self.project()
    let html = try Self.report(box, ["--history", "HEAD~2..HEAD"])
    let points = try Self.hooks(html).filter { $0["rev"] != nil && $0["overall"] != nil }
    let revs = try box.git("rev-list", "--first-parent", "--reverse", "HEAD~2..HEAD").lines
    #expect(points.map { $0["rev"] ?? "" } == revs)
    #expect(html.contains("Krippendorff's alpha at each commit of HEAD~2..HEAD"))
  }

  // MARK: Chromium

  static let chromium: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
    .first { FileManager.default.isExecutableFile(atPath: $0) }

  /// Screenshots `html` with headless Chromium into .build/test-artifacts/report/NAME.png.
  @discardableResult
  static func screenshot(_ path: String, name: String, size: String = "1200,4000") throws -> URL? {
    guard let chromium else {
      print("skipped: chromium is not installed (make deps installs it); no screenshot of \(name)")
      return nil
    }
    let folder = packageRoot.appendingPathComponent(".build/test-artifacts/report")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let png = folder.appendingPathComponent("\(name).png")
    try? FileManager.default.removeItem(at: png)
    let profile = FileManager.default.temporaryDirectory.appendingPathComponent("gloss-chromium-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: profile) }
    var arguments = [
      "--headless", "--disable-gpu", "--hide-scrollbars", "--user-data-dir=\(profile.path)",
      "--screenshot=\(png.path)", "--window-size=\(size)", URL(fileURLWithPath: path).absoluteString,
    ]
    if geteuid() == 0 { arguments.insert("--no-sandbox", at: 0) }
    let run = try Shell.run(chromium, arguments, in: FileManager.default.temporaryDirectory.path)
    #expect(run.status == 0, "chromium: \(run.stderr)")
    let size = (try? FileManager.default.attributesOfItem(atPath: png.path)[.size] as? Int) ?? 0
    #expect(size > 5_000, "screenshot \(png.path) is missing or blank")
    return png
  }

  @Test func rendersInChromium() throws {
    let box = try Self.project()
    let path = box.root + "/report.html"
    Self.ok(try box.gloss("report", "-o", path, "--bootstrap", "50", "--seed", "1"))
    try Self.screenshot(path, name: "report")
    // One picture per section: the page's head with that section alone.
    let html = try String(contentsOfFile: path, encoding: .utf8)
    let head = try #require(html.range(of: "<body>\n")).upperBound
    for id in [
      "summary", "figures", "heatmap", "history", "documents", "frequencies", "disagreements", "methods", "pairs",
    ] {
      let start = try #require(html.range(of: "<section id=\"\(id)\">"), "section \(id) missing")
      let end = try #require(html.range(of: "</section>\n", range: start.lowerBound..<html.endIndex))
      let page = String(html[..<head]) + String(html[start.lowerBound..<end.upperBound]) + "</body>\n</html>\n"
      let file = box.root + "/section-\(id).html"
      try page.write(toFile: file, atomically: true, encoding: .utf8)
      try Self.screenshot(file, name: "section-\(id)", size: "1200,1000")
    }
    if ProcessInfo.processInfo.environment["GLOSS_UPDATE_DOC_IMAGES"] == "1", Self.chromium != nil {
      let image = try #require(try Self.screenshot(path, name: "report-doc", size: "1000,1400"))
      let target = Self.packageRoot.appendingPathComponent("docs/images/report.png")
      try FileManager.default.createDirectory(
        at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
      try? FileManager.default.removeItem(at: target)
      try FileManager.default.copyItem(at: image, to: target)
    }
  }

  @Test func manyCodesWithLongNamesStayLegible() throws {
    let box = try Sandbox()
    let doc = try box.write("d1.txt", "One.\n\nTwo.\n\nThree.\n\nFour.\n")
    Self.ok(try box.gloss("doc", "add", doc))
    let names = (1...55).map { "Code \($0 < 10 ? "0" : "")\($0): a long descriptive name about sensor data quality" }
    // The codebook in one commit (55 `code add` runs would take seconds).
    var codebook = "codes:\n"
    for (index, name) in names.enumerated() {
      codebook += "  - id: code-\(index < 9 ? "0" : "")\(index + 1)-a-long-descriptive-name-about-sensor-data-quality\n"
      codebook += "    name: \"\(name)\"\n"
    }
    try codebook.write(toFile: box.path + "/codebook.yaml", atomically: true, encoding: .utf8)
    Self.ok(try box.git("commit", "-q", "-am", "55 codes"))
    Self.ok(try box.gloss("doc", "assign", "d1", "--to", "ana", "ben"))
    Self.ok(
      try box.gloss(
        "--as", "ana", "add", "d1", "code-01-a-long-descriptive-name-about-sensor-data-quality", "--para", "1"))
    Self.ok(
      try box.gloss(
        "--as", "ben", "add", "d1", "code-01-a-long-descriptive-name-about-sensor-data-quality", "--para", "2"))
    Self.ok(
      try box.gloss(
        "--as", "ben", "add", "d1", "code-55-a-long-descriptive-name-about-sensor-data-quality", "--para", "3"))
    let path = box.root + "/many.html"
    Self.ok(try box.gloss("report", "-o", path))
    let html = try String(contentsOfFile: path, encoding: .utf8)
    for name in names {
      // Whole in the table, and whole in a tooltip wherever a chart cuts it.
      #expect(html.contains("<span class=\"name\">\(name)</span>"))
      #expect(html.contains("<title>\(name)</title>"))
    }
    try Self.screenshot(path, name: "many-codes", size: "1200,6000")
  }

  @Test func pdfThroughChromiumOrOneErrorWithoutIt() throws {
    let box = try Self.project()
    let target = box.root + "/r.pdf"
    // Without Chromium on PATH: one error line naming it, nothing written.
    var env = box.env
    env["PATH"] = box.root + "/no-such-bin"
    let missing = try Shell.run(Shell.glossPath, ["report", "--format", "pdf", "-o", target], in: box.path, env: env)
    #expect(missing.status == 1 && missing.stderr.hasPrefix("error: --format pdf needs Chromium"), "\(missing.stderr)")
    #expect(missing.stderr.split(separator: "\n").count == 1)
    #expect(!FileManager.default.fileExists(atPath: target))
    guard Self.chromium != nil else {
      print("skipped: chromium is not installed; no PDF made")
      return
    }
    // The global position of --format works too.
    let run = try box.gloss("--format", "pdf", "report", "-o", target)
    Self.ok(run)
    let data = try Data(contentsOf: URL(fileURLWithPath: target))
    #expect(data.starts(with: Data("%PDF-".utf8)) && data.count > 10_000)
  }
}
