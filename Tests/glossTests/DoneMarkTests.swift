import Foundation
import Testing

/// The lead's project with interview-34 assigned to the given coders.
private func assigned(_ coders: String...) throws -> Sandbox {
  let box = try codedSandbox()
  #expect(try box.gloss(args: ["doc", "assign", "interview-34", "--to"] + coders).status == 0)
  return box
}

private func alpha(_ run: Run) -> Double? {
  ((json(run.stdout) as? [String: Any])?["overall"] as? [String: Any])?["alpha"] as? Double
}

private func exists(_ box: Sandbox, _ relative: String) -> Bool {
  FileManager.default.fileExists(atPath: box.path + "/" + relative)
}

/// `gloss doc done` / `doc reopen` (issue 17, finished work): the mark, its errors, and
/// `doc list`.
@Suite struct DoneMarkCommandTests {
  @Test func aCoderMarksTheirOwnDocumentOnceAndReopensIt() throws {
    let box = try assigned("ana", "ben")
    let before = try box.commitCount()
    let done = try box.gloss("--as", "ana", "doc", "done", "interview-34")
    #expect(done.status == 0, "\(done.stderr)")
    #expect(done.stdout == "ana is done with interview-34\n")
    #expect(try box.read("annotations/ana/interview-34.done") == "")
    #expect(try box.commitCount() == before + 1)
    let message = try box.git("log", "-1", "--format=%B").stdout
    #expect(message.contains("gloss: ana marks interview-34 done") && message.contains("Gloss-Coder: ana"))
    try box.expectHealthy()

    // Twice: nothing to change, one error line, no commit.
    let again = try box.gloss("--as", "ana", "doc", "done", "interview-34")
    #expect(again.status == 1)
    #expect(again.stderr == "error: ana has already marked interview-34 done\n")
    // Not on the coder's list, unknown document, consensus: one line each, nothing written.
    let cy = try box.gloss("--as", "cy", "doc", "done", "interview-34")
    #expect(cy.status == 1)
    #expect(
      cy.stderr.hasPrefix("error: interview-34 is not on cy's list") && cy.stderr.split(separator: "\n").count == 1)
    let unknown = try box.gloss("--as", "ana", "doc", "done", "interview-99")
    #expect(unknown.status == 1 && unknown.stderr.hasPrefix("error: unknown document 'interview-99'"))
    let consensus = try box.gloss("--as", "consensus", "doc", "done", "interview-34")
    #expect(consensus.status == 1 && consensus.stderr.contains("'consensus' is the adjudicated set"))
    #expect(try box.commitCount() == before + 1)
    #expect(!exists(box, "annotations/cy/interview-34.done"))

    // doc list says who is done, in every format.
    let table = try box.gloss("doc", "list")
    #expect(table.lines.first?.hasSuffix("CODERS    DONE") == true, "\(table.stdout)")
    #expect(table.lines.last?.hasSuffix("ana, ben  ana") == true, "\(table.stdout)")
    let row = (json(try box.gloss("doc", "list", "--format", "json").stdout) as? [[String: Any]])?.first
    #expect(row?["done"] as? [String] == ["ana"])
    #expect(row?["coders"] as? [String] == ["ana", "ben"])
    let csv = try box.gloss("doc", "list", "--format", "csv").stdout
    #expect(csv.hasPrefix("id,length,paragraphs,coders,assignments,done\r\n"))
    #expect(csv.hasSuffix(",ana ben,0,ana\r\n"), "\(csv)")
    #expect(try box.gloss("validate").status == 0)

    // Reopen: the mark goes; reopening again is nothing to change.
    let reopen = try box.gloss("--as", "ana", "doc", "reopen", "interview-34")
    #expect(reopen.status == 0 && reopen.stdout == "ana reopens interview-34\n", "\(reopen.stderr)")
    #expect(!exists(box, "annotations/ana/interview-34.done"))
    #expect(try box.git("log", "-1", "--format=%s").stdout == "gloss: ana reopens interview-34\n")
    let twice = try box.gloss("--as", "ana", "doc", "reopen", "interview-34")
    #expect(twice.status == 1 && twice.stderr == "error: ana has not marked interview-34 done; nothing to reopen\n")
    #expect(try box.gloss("doc", "list").lines.last?.hasSuffix("ana, ben  -") == true)
    try box.expectHealthy()
  }

  @Test func unassigningTakesTheMarkAlongAndBlindCodersSeeOnlyTheirOwn() throws {
    let box = try assigned("ana", "ben")
    #expect(try box.gloss("--as", "ana", "doc", "done", "interview-34").status == 0)
    #expect(try box.gloss("--as", "ben", "doc", "done", "interview-34").status == 0)
    #expect(try box.gloss("blind", "on").status == 0)
    let ben = (json(try box.gloss("--as", "ben", "doc", "list", "--format", "json").stdout) as? [[String: Any]])?.first
    #expect(ben?["done"] as? [String] == ["ben"])
    let lead = (json(try box.gloss("doc", "list", "--format", "json").stdout) as? [[String: Any]])?.first
    #expect(lead?["done"] as? [String] == ["ana", "ben"])
    #expect(try box.gloss("doc", "unassign", "interview-34", "--from", "ben").status == 0)
    #expect(!exists(box, "annotations/ben/interview-34.done"))
    #expect(exists(box, "annotations/ana/interview-34.done"))
    #expect(try box.gloss("validate").status == 0)
  }

  /// In a large study the line names a coder's first five unfinished documents and counts
  /// the rest; the JSON lists them all.
  @Test func statusNamesAFewUnfinishedDocumentsAndCountsTheRest() throws {
    let box = try assigned("ben")
    for number in 1...6 {
      let file = try box.write("doc\(number).txt", "Text of document \(number).\n")
      #expect(try box.gloss("doc", "add", file).status == 0)
      #expect(try box.gloss("doc", "assign", "doc\(number)", "--to", "ben").status == 0)
    }
    let table = try box.gloss("status").stdout
    #expect(
      table.contains("ben: 0 of 7 document(s) done (not done: doc1, doc2, doc3, doc4, doc5 and 2 more)"), "\(table)")
    let work = (json(try box.gloss("status", "--format", "json").stdout) as? [String: Any])?["work"] as? [[String: Any]]
    #expect((work?.last?["unfinished"] as? [String])?.count == 7)
  }

  @Test func statusListsEachCodersFinishedAndUnfinishedDocumentsAsTheViewerMaySee() throws {
    let box = try assigned("ana", "ben")
    #expect(try box.gloss("--as", "ana", "doc", "done", "interview-34").status == 0)
    let table = try box.gloss("status").stdout
    #expect(table.contains("ana: 1 of 1 document(s) done"), "\(table)")
    #expect(table.contains("ben: 0 of 1 document(s) done (not done: interview-34)"), "\(table)")
    let work = (json(try box.gloss("status", "--format", "json").stdout) as? [String: Any])?["work"] as? [[String: Any]]
    #expect(work?.map { $0["coder"] as? String } == ["ana", "ben"], "\(String(describing: work))")
    #expect(work?.first?["done"] as? [String] == ["interview-34"])
    #expect(work?.last?["unfinished"] as? [String] == ["interview-34"])
    // Blind coding: ben sees his own list only, not whether ana is done.
    #expect(try box.gloss("blind", "on").status == 0)
    let ben = try box.gloss("--as", "ben", "status").stdout
    #expect(ben.contains("ben: 0 of 1") && !ben.contains("ana:"), "\(ben)")
  }
}

/// Issue 17's scenario: a lead assigns a coder who has not started, and agreement falls;
/// once the coders who finished mark it, it no longer does.
@Suite struct FinishedAgreementTests {
  @Test func aCoderWhoHasNotStartedNoLongerDragsAlphaDown() throws {
    let box = try assigned("ana", "ben")
    for (coder, chars) in [("ana", "400-900"), ("ben", "450-900"), ("ana", "1500-1700"), ("ben", "1500-1650")] {
      #expect(try box.gloss("--as", coder, "add", "interview-34", "data-missing-value", "--chars", chars).status == 0)
    }
    let two = try box.gloss("agree", "--format", "json")
    let pair = try #require(alpha(two))
    #expect(!two.stdout.contains("\"counted\""))  // no marks: the output is as before

    // The lead assigns cy, who has not started: her empty file counts as zeros.
    #expect(try box.gloss("doc", "assign", "interview-34", "--to", "cy").status == 0)
    let dropped = try #require(alpha(try box.gloss("agree", "--format", "json")))
    #expect(dropped < pair - 0.1, "alpha \(pair) -> \(dropped)")

    // ana and ben mark their work done: only they count, and the report says so.
    #expect(try box.gloss("--as", "ana", "doc", "done", "interview-34").status == 0)
    #expect(try box.gloss("--as", "ben", "doc", "done", "interview-34").status == 0)
    let finished = try box.gloss("agree", "--format", "json")
    #expect(alpha(finished) == pair)
    let object = try #require(json(finished.stdout) as? [String: Any])
    #expect(object["counted"] as? String == "finished coders only")
    #expect(object["coders"] as? [String] == ["ana", "ben"])
    let unfinished = object["unfinished"] as? [[String: Any]]
    #expect(unfinished?.count == 1)
    #expect(unfinished?.first?["doc"] as? String == "interview-34")
    #expect(unfinished?.first?["coders"] as? [String] == ["cy"])
    let keys = finished.stdout.components(separatedBy: "\"documents\"")
    #expect(keys.count == 2 && keys[1].contains("\"counted\"") && !keys[0].contains("\"counted\""))
    let table = try box.gloss("agree")
    #expect(table.lines.contains { $0.hasPrefix("counted: finished coders only") && $0.contains("interview-34 (cy)") })

    // --include-unfinished counts everyone again, and says so.
    let everyone = try box.gloss("agree", "--include-unfinished", "--format", "json")
    #expect(alpha(everyone) == dropped)
    #expect((json(everyone.stdout) as? [String: Any])?["counted"] as? String == "all coders")
    #expect(try box.gloss("agree", "--include-unfinished").stdout.contains("counted: all coders"))
    // --history applies the rule at each commit, with that commit's marks: while only ana
    // had finished, nothing was measurable, so that commit has no line.
    let history = try box.gloss("agree", "--history", "HEAD~3..HEAD", "--format", "json")
    let lines = history.lines.compactMap { json($0) as? [String: Any] }
    #expect(lines.count == 2, "\(history.stdout)")
    #expect(lines.first?["counted"] == nil && alpha(Run(status: 0, stdout: history.lines[0], stderr: "")) == dropped)
    #expect(lines.last?["counted"] as? String == "finished coders only")
    #expect(lines.last?["rev"] as? String == object["rev"] as? String)
    // The HTML report says it too.
    #expect(try box.gloss("report", "-o", box.root + "/r.html").status == 0)
    let html = try String(contentsOfFile: box.root + "/r.html", encoding: .utf8)
    #expect(html.contains("<dt>Counted</dt><dd>finished coders only"))
    #expect(html.contains("only the coders who did were counted"))
  }

  @Test func onlyOneFinishedCoderLeavesNothingToMeasureAndSaysWhy() throws {
    let box = try assigned("ana", "ben")
    #expect(try box.gloss("--as", "ana", "add", "interview-34", "data-missing-value", "--chars", "10-90").status == 0)
    #expect(try box.gloss("--as", "ana", "doc", "done", "interview-34").status == 0)
    let run = try box.gloss("agree")
    #expect(run.status == 1)
    #expect(run.stderr.contains("marked done") && run.stderr.contains("--include-unfinished"))
    #expect(try box.gloss("agree", "--include-unfinished").status == 0)
  }
}

/// Marks merge record by record: two coders' (and one coder's on two branches) with no
/// conflict, through `gloss merge` and plain `git merge`, and a reopen wins over an
/// unchanged mark.
@Suite struct DoneMarkMergeTests {
  @Test func marksOnTwoBranchesMergeWithGlossAndWithGit() throws {
    let box = try assigned("ana", "ben")
    #expect(try box.gloss("doc", "add", Sandbox.example("interview-35.txt")).status == 0)
    #expect(try box.gloss("doc", "assign", "interview-35", "--to", "ana").status == 0)
    let base = try box.git("rev-parse", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    try box.git("checkout", "-q", "-b", "a")
    #expect(try box.gloss("--as", "ana", "doc", "done", "interview-34", "interview-35").status == 0)
    try box.git("checkout", "-q", "-b", "b", base)
    #expect(try box.gloss("--as", "ben", "doc", "done", "interview-34").status == 0)
    #expect(try box.gloss("--as", "ana", "doc", "done", "interview-34").status == 0)  // same mark on both sides
    try box.git("checkout", "-q", "main")
    for branch in ["a", "b"] {
      let merged = try box.gloss("merge", branch)
      #expect(merged.status == 0, "\(merged.stderr)")
    }
    let marks = [
      "annotations/ana/interview-34.done", "annotations/ana/interview-35.done", "annotations/ben/interview-34.done",
    ]
    let tree = try box.git("ls-tree", "-r", "--name-only", "HEAD", "annotations").stdout
    for mark in marks { #expect(tree.contains(mark + "\n"), "\(tree)") }
    #expect(try box.git("rev-list", "--parents", "-1", "HEAD").stdout.split(separator: " ").count == 3)
    try box.expectHealthy()
    #expect(try box.gloss("validate", "--range", "\(base)..HEAD").status == 0)

    // Plain git agrees: the same branches merge cleanly with git's own merge.
    try box.git("checkout", "-q", "-b", "plain", base)
    for branch in ["a", "b"] {
      let merged = try box.git("merge", "-q", "--no-edit", branch)
      #expect(merged.status == 0, "\(merged.stdout)\(merged.stderr)")
    }
    #expect(try box.git("ls-tree", "-r", "--name-only", "HEAD", "annotations").stdout == tree)
    #expect(try box.gloss("validate", "--range", "\(base)..HEAD").status == 0)

    // A reopen on one side wins over the unchanged mark on the other.
    try box.git("checkout", "-q", "main")
    let marked = try box.git("rev-parse", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    try box.git("checkout", "-q", "-b", "r")
    #expect(try box.gloss("--as", "ben", "doc", "reopen", "interview-34").status == 0)
    try box.git("checkout", "-q", "main")
    #expect(try box.gloss("--as", "ana", "add", "interview-34", "data-missing-value", "--chars", "10-20").status == 0)
    #expect(try box.gloss("merge", "r").status == 0)
    #expect(!exists(box, "annotations/ben/interview-34.done") && exists(box, "annotations/ana/interview-34.done"))
    #expect(try box.gloss("validate", "--range", "\(marked)..HEAD").status == 0)
    try box.expectHealthy()
  }
}

/// Who writes a mark, and its format, as validation and the server hooks see them.
@Suite struct DoneMarkValidationTests {
  @Test func aForgedMarkForAnotherCoderIsRefusedByTheServer() throws {
    let box = try assigned("ana", "ben")
    #expect(try box.gloss("coder", "add", "ana", "--email", "ana@example.org").status == 0)
    #expect(try box.gloss("coder", "add", "ben", "--email", "ben@example.org").status == 0)
    let server = try BareRemote(box, from: box.path)
    // ben marks ana's document done for her, by hand, under his own name.
    let ben = try server.clone(as: "ben")
    try "".write(toFile: ben + "/annotations/ana/interview-34.done", atomically: true, encoding: .utf8)
    try server.git(ben, "add", "annotations/ana/interview-34.done")
    try server.git(ben, "commit", "-qm", "ana is done", "--trailer", "Gloss-Coder: ben")
    try server.expectRefused(
      from: ben, "HEAD:refs/heads/main",
      naming: ["annotations/ana/interview-34.done", "changed by coder ben; only ana (or a lead) writes it"])
    // gloss refuses the same up front.
    let upFront = try box.gloss("-C", ben, "--as", "ben", "validate", "--range", "origin/main..HEAD")
    #expect(upFront.status == 1 && upFront.stdout.contains("only ana (or a lead) writes it"))
    // Honest: ana marks her own.
    let ana = try server.clone(as: "ana")
    #expect(try box.gloss("-C", ana, "--as", "ana", "doc", "done", "interview-34").status == 0)
    try server.expectAccepted(from: ana, "HEAD:refs/heads/main")
  }

  @Test func validateRejectsMalformedMarksWithFileAndLine() throws {
    let box = try assigned("ana")
    let base = try box.git("rev-parse", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    try "yes\n".write(toFile: box.path + "/annotations/ana/interview-34.done", atomically: true, encoding: .utf8)
    try "".write(toFile: box.path + "/annotations/ana/interview-99.done", atomically: true, encoding: .utf8)
    try box.git("add", "annotations")
    try box.git("commit", "-qm", "hand-made marks", "--trailer", "Gloss-Coder: ana")
    let run = try box.gloss("validate")
    #expect(run.status == 1)
    #expect(
      run.stdout.contains(
        "annotations/ana/interview-34.done:1: error: a done mark is an empty file, and this one holds 4 byte(s)"),
      "\(run.stdout)")
    #expect(
      run.stdout.contains("annotations/ana/interview-99.done: error: done mark for unknown document 'interview-99'"))
    let range = try box.gloss("validate", "--range", "\(base)..HEAD")
    #expect(range.status == 1 && range.stdout.contains("interview-34.done:1: error: a done mark is an empty file"))
    // validate --fix empties the mark; the one for no document is the user's to remove.
    try box.git("rm", "-q", "annotations/ana/interview-99.done")
    try box.git("commit", "-qm", "no such document", "--trailer", "Gloss-Coder: ana")
    let fix = try box.gloss("--as", "ana", "validate", "--fix")
    #expect(fix.status == 0, "\(fix.stderr)")
    #expect(try box.read("annotations/ana/interview-34.done") == "")
    #expect(try box.gloss("validate").status == 0)
    // A mark without the coder's annotation file is a warning, not an error.
    try box.git("mv", "annotations/ana/interview-34.jsonl", "annotations/ana/kept.jsonl.bak")
    try box.git("rm", "-q", "--cached", "annotations/ana/kept.jsonl.bak")
    try FileManager.default.removeItem(atPath: box.path + "/annotations/ana/kept.jsonl.bak")
    try box.git("add", "-A", "annotations")
    try box.git("commit", "-qm", "orphan", "--trailer", "Gloss-Coder: ana")
    let orphan = try box.gloss("validate")
    #expect(orphan.status == 0, "\(orphan.stdout)")
    #expect(orphan.stdout.contains("annotations/ana/interview-34.done: warning: done mark without"))
  }
}

/// The agreement gate: gloss.yaml's `gate:` chooses the unit and codes (issue 17), checked
/// with one error line naming gloss.yaml and the line.
@Suite struct AgreementGateTests {
  /// ana and ben agree on which paragraph has the code (paragraph 5 is 250-359) but not on
  /// its exact characters: para alpha 1, char alpha below 0.9.
  private func coded() throws -> Sandbox {
    let box = try assigned("ana", "ben")
    #expect(try box.gloss("--as", "ana", "add", "interview-34", "data-missing-value", "--para", "5").status == 0)
    #expect(try box.gloss("--as", "ben", "add", "interview-34", "data-missing-value", "--chars", "300-320").status == 0)
    return box
  }

  private func setGate(_ box: Sandbox, _ gate: String) throws {
    let yaml = try box.read("gloss.yaml").components(separatedBy: "gate:\n")[0]
    try (yaml + gate).write(toFile: box.path + "/gloss.yaml", atomically: true, encoding: .utf8)
    // With GLOSS set, so the pre-commit hook, where installed, finds gloss.
    let commit = try Shell.run(
      "/usr/bin/git", ["commit", "-qam", "gate", "--trailer", "Gloss-Coder: lead"], in: box.path,
      env: box.env.merging(["GLOSS": Shell.glossPath]) { $1 })
    #expect(commit.status == 0, "\(commit.stderr)")
  }

  @Test func theGateTakesUnitAndCodesFromGlossYAML() throws {
    let box = try coded()
    #expect(try box.gloss("agree", "--unit", "para", "--min", "0.9").status == 0)
    #expect(try box.gloss("agree", "--min", "0.9").status == 1)
    let none = try box.gloss("agree", "--gate")
    #expect(none.status == 0 && none.stdout.hasPrefix("no agreement gate"))
    let noneJSON = json(try box.gloss("agree", "--gate", "--format", "json").stdout) as? [String: Any]
    #expect(noneJSON?["passed"] as? Bool == true && noneJSON?["measured"] as? Bool == false)
    try setGate(box, "gate:\n  min: 0.9\n  unit: para\n  codes: [data-missing-value]\n")
    let passes = try box.gloss("agree", "--gate")
    #expect(passes.status == 0, "\(passes.stdout)\(passes.stderr)")
    #expect(passes.stdout.contains("unit: para"))
    // --unit and --min override gloss.yaml.
    let char = try box.gloss("agree", "--gate", "--unit", "char")
    #expect(char.status == 1 && char.stderr.contains("data-missing-value"))
    #expect(try box.gloss("agree", "--gate", "--min", "1.5").status == 1)
    try setGate(box, "gate:\n  min: 0.9\n")
    let defaultUnit = try box.gloss("agree", "--gate")
    #expect(defaultUnit.status == 1 && defaultUnit.stderr.contains("data-missing-value"))
    // gloss.yaml survives gloss rewriting it.
    try setGate(box, "gate:\n  min: 0.9\n  unit: para\n  codes: [data-missing-value]\n")
    #expect(try box.gloss("coder", "add", "eve", "--email", "eve@example.org").status == 0)
    #expect(try box.read("gloss.yaml").contains("gate:\n  min: 0.9\n  unit: para\n  codes: [data-missing-value]\n"))
  }

  @Test func badGateValuesAreOneErrorNamingTheLine() throws {
    let box = try coded()
    let line = try box.read("gloss.yaml").split(separator: "\n", omittingEmptySubsequences: false).count + 1
    for (gate, message) in [
      ("  min: nan\n", "'gate.min' must be a number from -1 to 1"),
      ("  min: 2\n", "'gate.min' must be a number from -1 to 1"),
      ("  unit: chars\n", "'gate.unit' must be one of char, para, doc, segment"),
      ("  codes: []\n", "'gate.codes' must list code ids or names"),
      ("  units: para\n", "unknown key 'gate.units'"),
    ] {
      try setGate(box, "gate:\n" + gate)
      for args in [["agree", "--gate"], ["doc", "list"]] {
        let run = try box.gloss(args: args)
        #expect(run.status == 1)
        #expect(run.stderr.hasPrefix("error: gloss.yaml:\(line): \(message)"), "\(run.stderr)")
        #expect(run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
      }
      let validate = try box.gloss("validate")
      #expect(validate.status == 1 && validate.stderr.hasPrefix("error: gloss.yaml:\(line): \(message)"))
      try box.git("reset", "-q", "--hard", "HEAD~1")
    }
  }

  @Test func theCIScriptGatesWithGlossYAMLsGate() throws {
    let box = try coded()
    func check() throws -> Run {
      try Shell.run(
        "/bin/sh", [CIRecipeTests.repositoryRoot + "/hooks/ci/gloss-check.sh"], in: box.path,
        env: box.env.merging(["GLOSS": Shell.glossPath]) { $1 })
    }
    try setGate(box, "gate:\n  min: 0.9\n  unit: para\n")
    let para = try check()
    #expect(para.status == 0, "\(para.stdout)\(para.stderr)")
    try setGate(box, "gate:\n  min: 0.9\n  unit: char\n")
    let char = try check()
    #expect(char.status != 0 && char.stderr.contains("data-missing-value"), "\(char.stdout)\(char.stderr)")
  }

  @Test func thePrePushHookGatesWithGlossYAMLsUnitAndPassesWhenNothingIsMeasurable() throws {
    let box = try assigned("ana", "ben")
    #expect(try box.gloss("hooks", "install").status == 0)
    let remote = box.root + "/remote.git"
    try box.git("init", "-q", "--bare", remote)
    try box.git("remote", "add", "origin", remote)
    let env = box.env.merging(["GLOSS": Shell.glossPath]) { $1 }
    func push() throws -> Run {
      try Shell.run("/usr/bin/git", ["push", "-q", "origin", "main"], in: box.path, env: env)
    }
    // A gate set before anyone coded twice: nothing to measure, the push goes through.
    try setGate(box, "gate:\n  min: 0.9\n  unit: para\n")
    let early = try push()
    #expect(early.status == 0, "\(early.stderr)")
    #expect(try box.gloss("--as", "ana", "add", "interview-34", "data-missing-value", "--para", "5").status == 0)
    #expect(try box.gloss("--as", "ben", "add", "interview-34", "data-missing-value", "--chars", "300-320").status == 0)
    let para = try push()
    #expect(para.status == 0, "\(para.stderr)")
    // The same figures at unit char fail the gate: the hook used gloss.yaml's unit.
    try setGate(box, "gate:\n  min: 0.9\n  unit: char\n")
    let char = try push()
    #expect(char.status != 0)
    #expect(char.stderr.contains("data-missing-value"), "\(char.stderr)")
  }
}
