import Foundation
import Testing

/// Blind coding (DESIGN §6) through every command that reads assignments: under `blind: true`
/// ben (not a lead) never sees ana's ids, memos or quotes, and asking for them is refused
/// with one message; the lead sees everything, and so does ben once blind coding is off.
/// Adding a command is one line in `cases`.
@Suite struct BlindPolicyTests {
  /// What a run must show.
  enum Expect: Sendable {
    /// Exit 0 and ana's work (an id, her memo or her quote) in the output.
    case anaWork
    /// Exit 0 and the output passes the check.
    case output(@Sendable (String) -> Bool)
    /// Exit 0.
    case succeeds
    /// Exit 1 with the blind-coding refusal of another coder's work, word for word.
    case blindRefusal
    /// Exit 1 with the refusal of agreement under blind coding, word for word.
    case agreementRefusal
    /// Exit 1 with a refusal naming leads.
    case leadsOnly
    /// Exit 1 (a refusal that has nothing to do with blindness).
    case fails
  }

  struct Case: Sendable, CustomTestStringConvertible {
    /// `{ana}` stands for one of ana's assignment ids, `{root}` for the sandbox folder.
    let args: [String]
    /// As ben, blind coding on.
    var ben: Expect = .succeeds
    /// As the lead, blind coding on.
    var lead: Expect = .anaWork
    /// As ben, blind coding off.
    var open: Expect = .anaWork
    /// The command prints the document text, which holds ana's quote.
    var printsDocument = false
    /// A file the command writes, searched like its output (a .qdpx is unzipped).
    var file: String?
    /// Runs on a branch made before anyone coded, and merges the coding in.
    var onBranch = false

    var testDescription: String { "gloss " + args.joined(separator: " ") }
  }

  static let anaMemo = "ana-private-memo"
  static let anaQuote = "First paragraph about data."

  static let cases: [Case] = [
    Case(args: ["ls"]),
    Case(args: ["ls", "--format", "json"]),
    Case(args: ["ls", "--format", "csv"]),
    Case(args: ["ls", "--review"], lead: .succeeds, open: .succeeds),
    Case(args: ["ls", "--coder", "ana"], ben: .blindRefusal),
    Case(args: ["ls", "--doc", "d1", "--coder", "ben,ana"], ben: .blindRefusal),
    Case(args: ["log"]),
    Case(args: ["log", "--format", "json"]),
    Case(args: ["log", "--coder", "ana"], ben: .blindRefusal),
    Case(args: ["diff", "before"]),
    Case(args: ["diff", "before", "HEAD", "--format", "json"]),
    Case(args: ["diff", "--coders", "ana", "ben"], ben: .blindRefusal),
    Case(args: ["diff", "--coders", "ben", "ana", "--format", "json"], ben: .blindRefusal),
    Case(args: ["doc", "show", "d1", "--coder", "ben"], lead: .succeeds, open: .succeeds, printsDocument: true),
    Case(args: ["doc", "show", "d1", "--coder", "ana"], ben: .blindRefusal, printsDocument: true),
    Case(args: ["doc", "show", "d1", "--coder", "ana", "--format", "json"], ben: .blindRefusal, printsDocument: true),
    Case(
      args: ["doc", "list", "--format", "json"], ben: .output { $0.contains("\"assignments\":1") },
      lead: .output { $0.contains("\"assignments\":3") }, open: .output { $0.contains("\"assignments\":3") }),
    Case(
      args: ["code", "list", "--format", "json"], ben: .output { usesOfLow($0) == 0 },
      lead: .output { usesOfLow($0) == 1 }, open: .output { usesOfLow($0) == 1 }),
    Case(args: ["export", "csv", "-"]),
    Case(args: ["export", "qdpx", "{root}/out.qdpx"], file: "out.qdpx"),
    Case(args: ["export", "qdc", "-"], lead: .succeeds, open: .succeeds),
    Case(args: ["agree"], ben: .agreementRefusal, lead: .succeeds, open: .succeeds),
    Case(
      args: ["agree", "--unit", "para", "--format", "json"], ben: .agreementRefusal, lead: .succeeds, open: .succeeds),
    Case(args: ["agree", "--history", "..HEAD"], ben: .agreementRefusal, lead: .succeeds, open: .succeeds),
    Case(args: ["agree", "--disagreements"], ben: .agreementRefusal),
    Case(
      args: ["report", "-o", "{root}/r.html"], ben: .agreementRefusal, lead: .anaWork, open: .anaWork, file: "r.html"),
    Case(args: ["report", "-o", "-", "--unit", "para"], ben: .agreementRefusal, lead: .succeeds, open: .succeeds),
    Case(args: ["agree", "--disagreements", "--coders", "ana,ben", "--format", "csv"], ben: .agreementRefusal),
    Case(args: ["reconcile", "d1", "--coders", "ana,ben", "--dry-run"], ben: .leadsOnly, open: .leadsOnly),
    Case(args: ["reconcile", "d1", "--coders", "ana,ben", "--take", "{ana}"], ben: .leadsOnly, open: .leadsOnly),
    Case(args: ["rm", "{ana}"], ben: .blindRefusal, lead: .fails, open: .fails),
    Case(args: ["edit", "{ana}", "--memo", "peek"], ben: .blindRefusal, lead: .fails, open: .fails),
    Case(
      args: ["merge", "main"], ben: .output { $0.contains("1 added") }, lead: .output { $0.contains("3 added") },
      open: .output { $0.contains("3 added") }, onBranch: true),
    Case(args: ["merge", "main", "--format", "json"], onBranch: true),
    Case(args: ["pull", "origin", "main", "--format", "json"], onBranch: true),
  ]

  /// The `uses` of code `low` (only ana assigned it) in `code list --format json`.
  static func usesOfLow(_ json: String) -> Int? {
    guard let line = json.split(separator: "\n").first(where: { $0.contains("\"id\":\"low\"") }),
      let range = line.range(of: "\"uses\":")
    else { return nil }
    return Int(line[range.upperBound...].prefix { $0.isNumber })
  }

  /// A project with blind coding on: ana and ben coded d1 (ana with a memo and a quote no
  /// one else used), `before` marks the commit before any coding, `origin` is the project
  /// itself. Built once (a dozen gloss runs) and copied for each case.
  static func project() throws -> (box: Sandbox, ana: [String]) {
    let template = try Self.template.get()
    let box = try Sandbox(initialize: false)
    try FileManager.default.copyItem(atPath: template.folder, toPath: box.path)
    #expect(try box.git("remote", "set-url", "origin", box.path).status == 0)
    return (box, template.ana)
  }

  struct Template: Sendable {
    let folder: String
    let ana: [String]
  }

  struct TemplateError: Error, Sendable {
    let message: String
  }

  /// Where the template lives; removed when the test process exits.
  static let templateFolder = FileManager.default.temporaryDirectory
    .appendingPathComponent("gloss-blind-template-\(UUID().uuidString)").path

  static let template: Result<Template, TemplateError> = {
    do {
      let box = try Sandbox.twoCoders()
      #expect(try box.gloss("blind", "on").status == 0)
      #expect(try box.git("branch", "before").status == 0)
      #expect(try box.git("remote", "add", "origin", box.path).status == 0)
      let batch = try box.gloss(
        "--as", "ana", "add", "--batch", "-",
        stdin: """
          {"doc":"d1","code":"low","quote":"\(anaQuote)","memo":"\(anaMemo)"}
          {"doc":"d1","code":"missing","quote":"missing values","memo":"\(anaMemo)"}

          """)
      let ana = batch.lines.map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.count == 36 }
      guard batch.status == 0, ana.count == 2 else {
        return .failure(TemplateError(message: "ana's batch: \(batch.stdout)\(batch.stderr)"))
      }
      try box.add("ben", "d1", "outlier", "--para", "2", "--memo", "ben's own memo")
      try FileManager.default.copyItem(atPath: box.path, toPath: templateFolder)
      atexit { try? FileManager.default.removeItem(atPath: BlindPolicyTests.templateFolder) }
      return .success(Template(folder: templateFolder, ana: ana))
    } catch {
      return .failure(TemplateError(message: "\(error)"))
    }
  }()

  /// Runs `c` as `coder` and returns its status and everything it showed (output, errors and
  /// the file it wrote).
  static func run(_ c: Case, as coder: String, in box: Sandbox, ana: [String]) throws -> (Int32, String, Run) {
    if c.onBranch { #expect(try box.git("checkout", "-q", "-B", "bens", "before").status == 0) }
    defer { if c.onBranch { _ = try? box.git("checkout", "-q", "main") } }
    let args = c.args.map {
      $0.replacingOccurrences(of: "{ana}", with: ana[0]).replacingOccurrences(of: "{root}", with: box.root)
    }
    box.coder = coder
    defer { box.coder = "lead" }
    let run = try box.gloss(args: args)
    var shown = run.stdout + run.stderr
    if let file = c.file {
      let path = box.root + "/" + file
      shown +=
        file.hasSuffix(".qdpx")
        ? try Shell.run("/usr/bin/unzip", ["-p", path, "project.qde"], in: box.root).stdout
        : (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
      try? FileManager.default.removeItem(atPath: path)
    }
    return (run.status, shown, run)
  }

  static func check(
    _ expect: Expect, _ result: (Int32, String, Run), ana: [String], _ who: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let (status, shown, run) = result
    let context = Comment(rawValue: "\(who): exit \(status)\n\(shown)")
    let refusal =
      "error: blind coding is on: you see only your own assignments, not ana's, until a lead runs "
      + "'gloss blind off'\n"
    switch expect {
    case .anaWork:
      #expect(status == 0, context, sourceLocation: sourceLocation)
      let seen = ana.contains(where: shown.contains) || shown.contains(anaMemo) || shown.contains(anaQuote)
      #expect(seen, context, sourceLocation: sourceLocation)
    case .output(let test):
      #expect(status == 0 && test(shown), context, sourceLocation: sourceLocation)
    case .succeeds:
      #expect(status == 0, context, sourceLocation: sourceLocation)
    case .blindRefusal:
      #expect(status == 1 && run.stderr == refusal && run.stdout.isEmpty, context, sourceLocation: sourceLocation)
    case .agreementRefusal:
      #expect(
        status == 1 && run.stdout.isEmpty
          && run.stderr == "error: blind coding is on: agreement is for the leads (gloss.yaml leads), not ben, "
            + "until a lead runs 'gloss blind off'\n",
        context, sourceLocation: sourceLocation)
    case .leadsOnly:
      #expect(status == 1 && run.stderr.hasPrefix("error: only a lead"), context, sourceLocation: sourceLocation)
    case .fails:
      #expect(status == 1, context, sourceLocation: sourceLocation)
    }
  }

  @Test(arguments: cases)
  func benSeesOnlyHisOwnWorkWhileBlind(_ c: Case) throws {
    let (box, ana) = try Self.project()
    let blind = try Self.run(c, as: "ben", in: box, ana: ana)
    Self.check(c.ben, blind, ana: ana, "ben, blind")
    // Whatever the command did, nothing of ana's reached ben: no id (nor its random tail,
    // which a short handle could show), no memo, no quote unless the document itself is shown.
    var needles = ana + ana.map { String($0.suffix(12)) } + [Self.anaMemo]
    if !c.printsDocument { needles.append(Self.anaQuote) }
    for needle in needles {
      #expect(!blind.1.contains(needle), "ben saw \"\(needle)\":\n\(blind.1)")
    }
    Self.check(c.lead, try Self.run(c, as: "lead", in: box, ana: ana), ana: ana, "lead, blind")
    #expect(try box.gloss("blind", "off").status == 0)
    Self.check(c.open, try Self.run(c, as: "ben", in: box, ana: ana), ana: ana, "ben, not blind")
    try box.expectHealthy()
  }
}
