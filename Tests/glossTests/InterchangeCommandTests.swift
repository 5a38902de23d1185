import Foundation
import Testing

@Suite struct InterchangeCommandTests {
  @Test func importDelveReportsCommitsOnceAndReimportIsANoOp() throws {
    let box = try Sandbox()
    let file = Sandbox.example("interview-34.txt")
    // The lead brings in the transcripts; the coder's import then adds only the coding.
    let texts = try box.gloss(
      "--as", "lead", "import", "delve", file, Sandbox.example("interview-35.txt"), "--text-only")
    #expect(texts.status == 0, "\(texts.stderr)")
    #expect(texts.stdout.contains("(new document)"))
    let run = try box.gloss("--as", "ana", "import", "delve", file, Sandbox.example("interview-35.txt"))
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("(document already present)") && !run.stdout.contains("(new document)"))
    #expect(run.stdout.contains("code blocks:   32"))
    #expect(run.stdout.contains("codes created: 7"))
    #expect(run.stdout.contains("assignments:   33 added"))
    #expect(try box.commitCount() == 3)
    #expect(try box.git("log", "-1", "--format=%B").stdout.contains("Gloss-Coder: ana"))
    try box.expectHealthy()
    // Global options after the subcommand too; a second import changes nothing.
    let again = try box.gloss("import", "delve", file, "--as", "ana")
    #expect(again.status == 0)
    #expect(again.stderr.contains("nothing to do"))
    #expect(again.stdout.contains("33 already there"))
    #expect(try box.commitCount() == 3)
    let listed = try box.gloss("ls", "--format", "json")
    #expect(listed.stdout.components(separatedBy: "\"coder\":\"ana\"").count - 1 == 33)
  }

  @Test func dryRunAndJSON() throws {
    let box = try Sandbox()
    try box.gloss("--as", "lead", "import", "delve", Sandbox.example("interview-34.txt"), "--text-only")
    let run = try box.gloss(
      "--as", "ana", "import", "delve", Sandbox.example("interview-34.txt"), "--dry-run", "--format", "json")
    #expect(run.status == 0)
    #expect(run.stdout.contains("\"assignments_added\":33"))
    #expect(run.stdout.contains("\"document_added\":false"))
    #expect(run.stderr.contains("dry run"))
    #expect(try box.commitCount() == 2)
  }

  @Test func badDelveFilesFailCleanly() throws {
    let box = try Sandbox()
    let notes = try box.write("notes.txt", "just notes\n")
    let empty = try box.write("empty.txt", "")
    let binary = box.root + "/blob.txt"
    try Data([0x00, 0x01, 0x02, 0xFF]).write(to: URL(fileURLWithPath: binary))
    for file in [notes, empty, binary] {
      let run = try box.gloss("--as", "ana", "import", "delve", file)
      #expect(run.status == 1)
      #expect(run.stderr.hasPrefix("error: \(file)"), "\(run.stderr)")
      #expect(!run.stderr.contains("Fatal") && run.stdout.isEmpty)
    }
    #expect(try box.commitCount() == 1)
    try box.expectHealthy()
  }

  @Test func csvExportImportRoundTrip() throws {
    let box = try Sandbox()
    try box.gloss("--as", "lead", "import", "delve", Sandbox.example("interview-34.txt"), "--text-only")
    try box.gloss("--as", "ana", "import", "delve", Sandbox.example("interview-34.txt"))
    let export = try box.gloss("export", "csv", "-")
    #expect(export.status == 0)
    #expect(export.stdout.hasPrefix("id,coder,doc,code,start,end,exact,memo\r\n"))
    #expect(try box.gloss("export", "csv", box.root + "/all.csv").status == 0)
    let other = try Sandbox()
    try other.gloss("--as", "lead", "import", "delve", Sandbox.example("interview-34.txt"), "--text-only")
    for name in [
      "Data-containing-outliers", "tabular-issue", "Data-collection-web-scrape", "Data-missing-value",
      "Data-collection-system", "Data-low-quantity", "Data-low-quantity-fix",
    ] {
      try other.gloss("code", "add", name)
    }
    let refused = try other.gloss("--as", "ben", "import", "csv", box.root + "/all.csv")
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("all.csv:2: ben cannot write ana's annotations"))
    let imported = try other.gloss("--as", "ana", "import", "csv", box.root + "/all.csv")
    #expect(imported.status == 0, "\(imported.stderr)")
    #expect(try other.gloss("export", "csv", "-").stdout == export.stdout)
    try other.expectHealthy()
  }

  @Test func qdpxExportAndImportRoundTrip() throws {
    let box = try Sandbox()
    try box.gloss("--as", "lead", "import", "delve", Sandbox.example("interview-34.txt"), "--text-only")
    try box.gloss("--as", "ana", "import", "delve", Sandbox.example("interview-34.txt"))
    try box.gloss("--as", "ben", "add", "interview-34", "tabular-issue", "--para", "3", "--memo", "ben says")
    let out = box.root + "/study.qdpx"
    #expect(try box.gloss("export", "qdpx", out).status == 0)
    let qdc = try box.gloss("export", "qdc", "-")
    #expect(qdc.stdout.contains("<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\""))
    let other = try Sandbox()
    // The lead's import brings the documents and codes (no coding of the lead's is in it).
    let lead = try other.gloss("--as", "lead", "import", "qdpx", out)
    #expect(lead.status == 0, "\(lead.stderr)")
    #expect(try !other.gloss("ls", "--format", "json").stdout.contains("\"coder\""))
    let ana = try other.gloss("--as", "ana", "import", "qdpx", out)
    #expect(ana.status == 0, "\(ana.stderr)")
    #expect(ana.stdout.contains("not imported:  1 codings by ben"))
    #expect(try other.gloss("--as", "ben", "import", "qdpx", out).status == 0)
    #expect(try other.gloss("export", "csv", "-").stdout == box.gloss("export", "csv", "-").stdout)
    let again = try other.gloss("--as", "ben", "import", "qdpx", out)
    #expect(again.status == 0 && again.stderr.contains("nothing to do"))
    try other.expectHealthy()
  }

  @Test func hostileQDPXFailsCleanly() throws {
    let box = try Sandbox()
    let garbage = try box.write("garbage.qdpx", "PK not really a zip")
    let run = try box.gloss("--as", "ana", "import", "qdpx", garbage)
    #expect(run.status == 1)
    #expect(run.stderr.hasPrefix("error: \(garbage): is not a .qdpx file"))
    let missing = try box.gloss("--as", "ana", "import", "qdpx", box.root + "/nope.qdpx")
    #expect(missing.status == 1 && missing.stderr.contains("no such file"))
    #expect(try box.commitCount() == 1)
  }

  /// A lead moves a whole team's .qdpx in one commit; `--map` names the coder of a User
  /// whose name is not a coder id; coders cannot use --all.
  @Test func importQDPXAllWithMapInOneCommit() throws {
    let box = try Sandbox()
    try box.gloss("--as", "lead", "import", "delve", Sandbox.example("interview-34.txt"), "--text-only")
    try box.gloss("--as", "ana", "import", "delve", Sandbox.example("interview-34.txt"))
    try box.gloss("--as", "ben", "add", "interview-34", "tabular-issue", "--para", "3", "--memo", "=1+1")
    let out = box.root + "/study.qdpx"
    #expect(try box.gloss("export", "qdpx", out).status == 0)
    let other = try Sandbox()
    let refused = try other.gloss("--as", "ana", "import", "qdpx", out, "--all")
    #expect(refused.status == 1 && refused.stderr.contains("only a lead"), "\(refused.stderr)")
    #expect(try other.gloss("--as", "lead", "import", "qdpx", out, "--map", "x=ana").status != 0)
    let before = try other.commitCount()
    let all = try other.gloss("--as", "lead", "import", "qdpx", out, "--all", "--map", "Ben Bo=ben")
    #expect(all.status == 0, "\(all.stderr)")
    #expect(all.stdout.contains("assignments:   34 added (ana 33, ben 1)"), "\(all.stdout)")
    #expect(try other.commitCount() == before + 1)
    #expect(try other.gloss("export", "csv", "-").stdout == box.gloss("export", "csv", "-").stdout)
    try other.expectHealthy()
  }

  /// `ls --format csv` and `export csv` neutralize formula cells; `import csv --all`
  /// restores them.
  @Test func csvFormulaCellsAndImportAll() throws {
    let box = try Sandbox()
    try box.gloss("--as", "lead", "import", "delve", Sandbox.example("interview-34.txt"), "--text-only")
    try box.gloss("code", "add", "tabular-issue")
    #expect(
      try box.gloss("--as", "ben", "add", "interview-34", "tabular-issue", "--para", "3", "--memo", "=HYPERLINK(\"x\")")
        .status == 0)
    #expect(
      try box.gloss("--as", "ana", "add", "interview-34", "tabular-issue", "--para", "5", "--memo", "@SUM(A1)").status
        == 0)
    let listed = try box.gloss("ls", "--format", "csv")
    #expect(
      listed.stdout.contains("\"'=HYPERLINK(\"\"x\"\")\"") && listed.stdout.contains(",'@SUM(A1)"), "\(listed.stdout)")
    let export = try box.gloss("export", "csv", "-")
    #expect(export.stdout.contains(",'@SUM(A1)") && !export.stdout.contains(",@SUM"))
    let file = try box.write("all.csv", export.stdout)
    let other = try Sandbox()
    try other.gloss("--as", "lead", "import", "delve", Sandbox.example("interview-34.txt"), "--text-only")
    try other.gloss("code", "add", "tabular-issue")
    let imported = try other.gloss("--as", "lead", "import", "csv", file, "--all")
    #expect(imported.status == 0, "\(imported.stderr)")
    #expect(try other.gloss("export", "csv", "-").stdout == export.stdout)
  }

  @Test func importQDCAndPositionsOption() throws {
    let box = try Sandbox()
    let qdc = try box.write(
      "t.qdc",
      "<?xml version=\"1.0\"?><CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\" origin=\"Taguette 1.5.2\"><Codes>"
        + "<Code guid=\"0D4F2C61-5C40-5E4F-9C54-9E5B6F3A1A01\" name=\"Émotion\" isCodable=\"true\"/></Codes><Sets/></CodeBook>"
    )
    let dry = try box.gloss("--as", "lead", "import", "qdc", qdc, "--dry-run")
    #expect(dry.status == 0 && dry.stdout.contains("1 codes: 1 created (emotion)") && dry.stderr.contains("dry run"))
    #expect(try box.gloss("--as", "lead", "import", "qdc", qdc).status == 0)
    let again = try box.gloss("--as", "lead", "import", "qdc", qdc)
    #expect(again.stdout.contains("1 already there") && again.stderr.contains("nothing to do"))
    let bad = try box.gloss("--as", "lead", "import", "qdpx", qdc, "--positions", "bytes")
    #expect(bad.status != 0 && bad.stderr.contains("--positions must be one of codepoints, utf16"))
  }

  /// Gloss → QDPX with a selection past the end of its text: the CLI names it in a report
  /// line and imports the rest (exit 0), never a crash or a silent drop.
  @Test func selectionOutsideItsTextIsAReportLine() throws {
    let box = try Sandbox()
    let qde = """
      <?xml version="1.0" encoding="UTF-8"?>
      <Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="NVivo 12.7">
        <CodeBook><Codes><Code guid="22222222-2222-2222-2222-222222222222" name="C" isCodable="true"/></Codes></CodeBook>
        <Sources><TextSource guid="44444444-4444-4444-4444-444444444444" name="d">
          <PlainTextContent>short text</PlainTextContent>
          <PlainTextSelection guid="55555555-5555-5555-5555-555555555555" startPosition="0" endPosition="5">
            <Coding guid="66666666-6666-6666-6666-666666666666"><CodeRef targetGUID="22222222-2222-2222-2222-222222222222"/></Coding>
          </PlainTextSelection>
          <PlainTextSelection guid="55555555-5555-5555-5555-555555555556" startPosition="6" endPosition="4000">
            <Coding guid="66666666-6666-6666-6666-666666666667"><CodeRef targetGUID="22222222-2222-2222-2222-222222222222"/></Coding>
          </PlainTextSelection>
        </TextSource></Sources>
      </Project>
      """
    let file = try box.write("p.qde", qde)
    let qdpx = box.root + "/p.qdpx"
    #expect(try Shell.run("/usr/bin/env", ["python3", "-c", Self.zipScript, qdpx, file], in: box.root).status == 0)
    let run = try box.gloss("--as", "lead", "import", "qdpx", qdpx)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(
      run.stdout.contains(
        "not imported:  1 codings whose selection lies outside its text: \"d\" 6-4000 (beyond the text's 10 "
          + "characters, counted as codepoints)"), "\(run.stdout)")
    #expect(run.stdout.contains("assignments:   1 added for lead"), "\(run.stdout)")
    try box.expectHealthy()
  }

  static let zipScript = "import sys, zipfile; zipfile.ZipFile(sys.argv[1], 'w').write(sys.argv[2], 'project.qde')"

  /// Gloss → Taguette: Taguette 1.5.2 reads codebooks only as CSV (`import_codebook`, a
  /// `name` column and a `description`); `gloss code list --format csv` is such a file. Runs
  /// Taguette's own reader from the venv deps.d/60-interchange.sh makes.
  @Test(.enabled(if: ProcessInfo.processInfo.environment["GLOSS_SKIP_TOOL_TESTS"] == nil))
  func codebookIntoTaguette() throws {
    let tools = ProcessInfo.processInfo.environment["GLOSS_TOOLS"] ?? "/usr/local/lib/gloss-tools"
    let python = tools + "/taguette/bin/python"
    try #require(
      FileManager.default.isExecutableFile(atPath: python),
      "\(python) is missing: run make deps (deps.d/60-interchange.sh)")
    let box = try Sandbox()
    try box.gloss("--as", "lead", "code", "add", "Émotion", "--description", "joy, \"quoted\", and more")
    try box.gloss("--as", "lead", "code", "add", "Joie", "--parent", "emotion", "--description", "=not a formula")
    let csv = try box.gloss("code", "list", "--format", "csv")
    #expect(csv.status == 0)
    let script = """
      import json, sys
      from taguette.import_codebook import list_tags
      print(json.dumps(list_tags(open(sys.argv[1], 'rb'))))
      """
    func taguetteReads(_ text: String) throws -> [String: String] {
      let file = try box.write("codebook-\(UUID().uuidString).csv", text)
      let run = try Shell.run(python, ["-c", script, file], in: box.root)
      #expect(run.status == 0, "\(run.stderr)")
      let tags = try JSONDecoder().decode([[String: String]].self, from: Data(run.stdout.utf8))
      #expect(tags.count == 2, "\(tags)")
      return Dictionary(tags.map { ($0["path"] ?? "", $0["description"] ?? "") }, uniquingKeysWith: { a, _ in a })
    }
    // Taguette guesses the encoding (chardet): a short UTF-8 file without a byte-order mark
    // reads as Windows-1252, so an accented name comes in garbled ("Ã‰motion"); with the
    // mark that Excel's "CSV UTF-8" also writes, every name arrives (docs/interchange.md).
    let plain = try taguetteReads(csv.stdout)
    #expect(plain["Joie"] == "'=not a formula", "\(plain)")  // the spreadsheet guard stays
    let marked = try taguetteReads("\u{FEFF}" + csv.stdout)
    #expect(marked["Émotion"] == "joy, \"quoted\", and more", "\(marked)")
    #expect(marked["Joie"] == "'=not a formula", "\(marked)")
  }
}
