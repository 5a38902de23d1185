import Foundation
import Testing

/// Short handles for ids, and lists of coders and codes (DESIGN §3).
@Suite struct HandleTests {
  /// Adds assignments and returns their full ids, as `add` prints them.
  func add(_ box: Sandbox, _ coder: String, _ paras: [Int]) throws -> [String] {
    try paras.map { para in
      let run = try box.gloss("--as", coder, "add", "interview-34", "data-missing-value", "--para", "\(para)")
      #expect(run.status == 0, "\(run.stderr)")
      return run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
  }

  @Test func tablesShowUniqueHandlesAndEveryCommandTakesThem() throws {
    let box = try codedSandbox()
    try box.gloss("doc", "assign", "interview-34", "--to", "ana,ben")
    let ids = try add(box, "ana", [3, 5, 7]) + add(box, "ben", [9])
    // Made within a minute: their 8-character prefixes (the timestamp) are the same, or
    // two when a 65-second boundary falls in between.
    #expect(Set(ids.map { $0.prefix(8) }).count <= 2)
    let listed = try box.gloss("ls").lines.dropFirst().map { String($0.prefix(while: { $0 != " " })) }
    #expect(listed.count == 4)
    #expect(Set(listed).count == 4)
    for handle in listed {
      #expect(handle.count >= 8 && handle.count < 36)
      #expect(ids.filter { $0.hasSuffix(handle) }.count == 1)
    }
    let handle = { (id: String) in listed.first { id.hasSuffix($0) } ?? "" }
    let edit = try box.gloss("--as", "ana", "edit", handle(ids[0]), "--memo", "by handle")
    #expect(edit.status == 0, "\(edit.stderr)")
    #expect(try box.read("annotations/ana/interview-34.jsonl").contains("by handle"))
    let rm = try box.gloss("--as", "ana", "rm", handle(ids[1]), String(ids[2].prefix(20)))
    #expect(rm.status == 0, "\(rm.stderr)")
    let left = try box.gloss("ls", "--coder", "ana", "--format", "json").stdout
    #expect(left.components(separatedBy: "\"id\"").count == 2)
    // A lead reconciles by handle too.
    let reconcile = try box.gloss("reconcile", "interview-34", "--coders", "ana,ben", "--take", handle(ids[3]))
    #expect(reconcile.status == 0, "\(reconcile.stderr)")
    try box.expectHealthy()
  }

  @Test func ambiguousAndUnknownIdsAreRefusedByName() throws {
    let box = try codedSandbox()
    try box.gloss("doc", "assign", "interview-34", "--to", "ana")
    let ids = try add(box, "ana", [3, 5])
    let before = try box.commitCount()
    let shared = String(zip(ids[0], ids[1]).prefix { $0 == $1 }.map(\.0))  // the timestamp's digits
    #expect(shared.count >= 4)
    let ambiguous = try box.gloss("--as", "ana", "rm", shared)
    #expect(ambiguous.status == 1)
    #expect(ambiguous.stderr.contains("is ambiguous"))
    #expect(ambiguous.stderr.contains(ids[0]) && ambiguous.stderr.contains(ids[1]))
    let unknown = try box.gloss("--as", "ana", "edit", "ffffffff", "--memo", "x")
    #expect(unknown.status == 1)
    #expect(unknown.stderr == "error: no such assignment 'ffffffff' (see 'gloss ls')\n")
    #expect(try box.commitCount() == before)
  }
}

@Suite struct ListOptionTests {
  @Test func coderAndCodeListsAreRepeatedCommaOrSpaceSeparated() throws {
    let box = try codedSandbox()
    try box.gloss("doc", "assign", "interview-34", "--to", "ana", "--to", "ben,cy")
    for (coder, para) in [("ana", 3), ("ben", 3), ("ben", 5), ("cy", 7)] {
      try box.gloss("--as", coder, "add", "interview-34", "data-missing-value", "--para", "\(para)")
    }
    try box.gloss("--as", "ana", "add", "interview-34", "data-containing-outliers", "--para", "9")
    let forms = [["--coders", "ana,ben"], ["--coders", "ana", "ben"], ["--coders", "ana", "--coders", "ben"]]
    let agree = try forms.map { try box.gloss(args: ["agree", "--unit", "para"] + $0) }
    #expect(agree.allSatisfy { $0.status == 0 }, "\(agree.map(\.stderr))")
    #expect(agree[0].stdout.contains("coders: ana, ben;"))
    #expect(Set(agree.map(\.stdout)).count == 1)
    let listed = try [["--coder", "ana,cy"], ["--coder", "ana", "cy"], ["--coder", "ana", "--coder", "cy"]].map {
      try box.gloss(args: ["ls", "--format", "csv"] + $0).stdout
    }
    #expect(Set(listed).count == 1)
    #expect(listed[0].utf8.filter { $0 == 10 }.count == 4)  // header and 3 rows (CSV ends lines with CRLF)
    let codes = try box.gloss("ls", "--code", "data-missing-value", "data-containing-outliers", "--coder", "ana")
    #expect(codes.lines.count == 3)
    let log = try box.gloss("log", "--coder", "ben", "cy", "--format", "csv")
    #expect(log.status == 0 && log.stdout.utf8.filter { $0 == 10 }.count == 4)
    let reconcile = try box.gloss("reconcile", "interview-34", "--coders", "ana", "ben", "--dry-run")
    #expect(reconcile.status == 0 && reconcile.stdout.contains("1 span(s) all coders agree on"))
  }
}

@Suite struct CoderListTests {
  @Test func aLeadUnassignsACoderAddedByMistakeAndThatCoderIsThenRefused() throws {
    let box = try Sandbox(coders: [])
    try box.gloss("doc", "add", Sandbox.example("interview-34.txt"))
    try box.gloss("code", "add", "Data-missing-value")
    #expect(try box.gloss("doc", "assign", "interview-34", "--to", "ana", "anna").status == 0)
    #expect(try box.gloss("--as", "ana", "add", "interview-34", "data-missing-value", "--para", "2").status == 0)
    let before = try box.commitCount()
    let notLead = try box.gloss("--as", "ana", "doc", "unassign", "interview-34", "--from", "anna")
    #expect(notLead.status == 1 && notLead.stderr.contains("only a lead"))
    let coded = try box.gloss("doc", "unassign", "interview-34", "--from", "ana")
    #expect(coded.status == 1 && coded.stderr.contains("ana has 1 assignment(s) on interview-34; --force"))
    #expect(try box.commitCount() == before)
    let done = try box.gloss("doc", "unassign", "interview-34", "--from", "anna")
    #expect(done.status == 0 && done.stdout == "removed annotations/anna/interview-34.jsonl\n")
    #expect(!FileManager.default.fileExists(atPath: box.path + "/annotations/anna/interview-34.jsonl"))
    #expect(try box.commitCount() == before + 1)
    let again = try box.gloss("doc", "unassign", "interview-34", "--from", "anna")
    #expect(again.status == 1 && again.stderr.contains("interview-34 is not assigned to anna"))
    // anna is no longer in the project: her commits are refused.
    let refused = try box.gloss("--as", "anna", "add", "interview-34", "data-missing-value", "--para", "3")
    #expect(refused.status == 1 && refused.stderr.contains("'anna' is not a coder in this project yet"))
    let forced = try box.gloss("doc", "unassign", "interview-34", "--from", "ana", "--force")
    #expect(forced.status == 0 && forced.stdout.contains("(1 assignment(s))"))
    #expect(try box.gloss("validate").status == 0)
    try box.expectHealthy()
  }
}

@Suite struct UndoTests {
  @Test func undoTakesBackYourOwnLastCommitUnlessSomeoneTouchedItsFiles() throws {
    let box = try Sandbox.twoCoders()
    let first = try box.add("ana", "d1", "low", "--para", "1")
    let second = try box.add("ana", "d1", "outlier", "--para", "2")
    try box.add("ben", "d1", "low", "--para", "1")  // another coder's file: no obstacle
    let count = try box.commitCount()
    let undo = try box.gloss("--as", "ana", "undo")
    #expect(undo.status == 0, "\(undo.stderr)")
    #expect(undo.stdout.hasPrefix("undid ") && undo.stdout.contains("gloss: ana adds outlier to d1"))
    var file = try box.read("annotations/ana/d1.jsonl")
    #expect(file.contains(first) && !file.contains(second))
    #expect(try box.read("annotations/ben/d1.jsonl").split(separator: "\n").count == 1)
    #expect(try box.commitCount() == count + 1)
    let message = try box.git("log", "-1", "--format=%B").stdout
    #expect(message.contains("This undoes commit ") && message.hasSuffix("Gloss-Coder: ana\n\n"))
    // Again: the commit before (the first add), not the undo itself.
    #expect(try box.gloss("--as", "ana", "undo").status == 0)
    file = try box.read("annotations/ana/d1.jsonl")
    #expect(!file.contains(first))
    try box.expectHealthy()
    #expect(try box.gloss("validate").status == 0)
  }

  @Test func someoneElsesLaterChangeToTheSameFilesBlocksTheUndo() throws {
    let box = try Sandbox.twoCoders()
    let anaID = try box.add("ana", "d1", "low", "--para", "1")
    // A lead's doc update rewrites ana's file after her commit.
    let corrected = try box.write(
      "d1-new.txt", "First paragraph about the data.\n\nSecond paragraph on outliers.\n\nThird one, missing values.\n")
    #expect(try box.gloss("doc", "update", "d1", corrected).status == 0)
    let before = try box.commitCount()
    let refused = try box.gloss("--as", "ana", "undo")
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("annotations/ana/d1.jsonl was changed by lead in"), "\(refused.stderr)")
    #expect(try box.commitCount() == before)
    #expect(try box.read("annotations/ana/d1.jsonl").contains(anaID))
    let nothing = try box.gloss("--as", "ben", "undo")
    #expect(nothing.status == 1 && nothing.stderr.contains("ben has no commit on this branch to undo"))
  }
}

@Suite struct ReviewReasonTests {
  @Test func repeatedUpdatesKeepTheQuoteTheCoderCoded() throws {
    let box = try Sandbox()
    let doc = try box.write("d.txt", "The data was full of outliers today.\n\nAnother paragraph here.\n")
    try box.gloss("doc", "add", doc, "--id", "d")
    try box.gloss("code", "add", "Outliers")
    try box.gloss("doc", "assign", "d", "--to", "ana")
    #expect(try box.gloss("--as", "ana", "add", "d", "outliers", "--quote", "full of outliers").status == 0)
    for (index, replacement) in ["fine", "great"].enumerated() {
      let text = "The data was \(replacement) today.\n\nAnother paragraph here.\n"
      let update = try box.gloss("doc", "update", "d", try box.write("d\(index).txt", text))
      #expect(update.status == 0, "\(update.stderr)")
      let reasons = try box.gloss("ls", "--review", "--format", "json").stdout
      #expect(reasons.contains("was \\\"full of outliers\\\""), "after update \(index + 1): \(reasons)")
      #expect(!reasons.contains("was \\\"fine\\\""))
    }
  }
}

@Suite struct ListFilterTests {
  @Test func codeIncludesChildrenGrepSearchesTextAndMemoAndReviewCSVKeepsTheReason() throws {
    let box = try Sandbox()
    let doc = try box.write(
      "d.txt", "The data was full of outliers today.\n\nSensor readings were missing.\n\nA third one.\n")
    try box.gloss("doc", "add", doc, "--id", "d")
    try box.gloss("code", "add", "Data quality")
    try box.gloss("code", "add", "Outliers", "--parent", "data-quality")
    try box.gloss("code", "add", "Spikes", "--parent", "outliers")
    try box.gloss("doc", "assign", "d", "--to", "ana")
    try box.gloss("--as", "ana", "add", "d", "data-quality", "--para", "3", "--memo", "About SENSORS")
    try box.gloss("--as", "ana", "add", "d", "outliers", "--para", "1")
    try box.gloss("--as", "ana", "add", "d", "spikes", "--para", "2")
    func count(_ arguments: String...) throws -> Int {
      let run = try box.gloss(args: ["ls", "--format", "json"] + arguments)
      #expect(run.status == 0, "\(run.stderr)")
      return run.stdout.components(separatedBy: "\"id\"").count - 1
    }
    #expect(try count("--code", "data-quality") == 3)
    #expect(try count("--code", "outliers") == 2)
    #expect(try count("--code", "data-quality", "--exact") == 1)
    #expect(try count("--grep", "sensor") == 2)  // the text of ¶2 and the memo of ¶3
    #expect(try count("--grep", "OUTLIERS", "--code", "spikes") == 0)
    #expect(try box.gloss("ls", "--grep", "outliers").lines.count == 2)

    let text = "The data was fine today.\n\nSensor readings were missing.\n\nA third one.\n"
    #expect(try box.gloss("doc", "update", "d", try box.write("d2.txt", text)).status == 0)
    let csv = try box.gloss("ls", "--review", "--format", "csv").stdout
    let rows = csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }
    #expect(rows.first == "id,coder,doc,code,start,end,exact,memo,review")
    #expect(rows.count == 2 && rows[1].contains("was \"\"The data was full of outliers today.\"\""), "\(csv)")
  }
}

@Suite struct EditSpanTests {
  @Test func editTakesEverySelectorAddTakes() throws {
    let box = try codedSandbox()
    try box.gloss("doc", "assign", "interview-34", "--to", "ana")
    let id = try box.gloss("--as", "ana", "add", "interview-34", "data-missing-value", "--para", "3").stdout
      .trimmingCharacters(in: .whitespacesAndNewlines)
    func record() throws -> String { try box.read("annotations/ana/interview-34.jsonl") }
    #expect(try box.gloss("--as", "ana", "edit", id, "--quote", "I'm from Region X").status == 0)
    #expect(try record().contains("\"exact\":\"I'm from Region X\""))
    #expect(try box.gloss("--as", "ana", "edit", id, "--para", "5").status == 0)
    let para5 = try box.gloss("--as", "ana", "ls", "--format", "json").stdout
    #expect(try box.gloss("--as", "ana", "edit", id, "--lines", "3-3").status == 0)
    #expect(try record() != para5 && record().contains(id))
    #expect(try box.gloss("--as", "ana", "edit", id, "--chars", "0-5").status == 0)
    #expect(try record().contains("\"start\":0,\"end\":5"))
    let two = try box.gloss("--as", "ana", "edit", id, "--para", "2", "--chars", "0-4")
    #expect(two.status != 0 && two.stderr.contains("at most one of"))
    #expect(try record().contains(id) && record().split(separator: "\n").count == 1)
  }
}

@Suite struct DocShowCodersTests {
  @Test func aLeadSeesSeveralCodersInterleavedWithAMarkerEach() throws {
    let box = try Sandbox.twoCoders()
    try box.add("ana", "d1", "low", "--para", "1")
    try box.add("ben", "d1", "outlier", "--para", "1")
    try box.add("ben", "d1", "missing", "--para", "3")
    let forms = [["--coder", "ana", "ben"], ["--coder", "ana,ben"], ["--coder", "ana", "--coder", "ben"]]
    let shown = try forms.map { try box.gloss(args: ["doc", "show", "d1"] + $0) }
    #expect(shown.allSatisfy { $0.status == 0 }, "\(shown.map(\.stderr))")
    #expect(Set(shown.map(\.stdout)).count == 1)
    let codes = shown[0].lines.filter { $0.contains("↳") }.map { $0.trimmingCharacters(in: .whitespaces) }
    #expect(codes.count == 3)
    #expect(codes[0].hasPrefix("↳ ana low 0-27") || codes[0].hasPrefix("↳ ben outlier 0-27"))
    #expect(codes.filter { $0.hasPrefix("↳ ana ") }.count == 1 && codes.filter { $0.hasPrefix("↳ ben ") }.count == 2)
    #expect(codes[2].hasPrefix("↳ ben missing"))
    // One coder: no marker, as before.
    let one = try box.gloss("doc", "show", "d1", "--coder", "ben").lines.filter { $0.contains("↳") }
    #expect(one.first?.trimmingCharacters(in: .whitespaces).hasPrefix("↳ outlier") == true)
    // Blind coding: a coder asking for another coder among several is refused.
    #expect(try box.gloss("blind", "on").status == 0)
    let blind = try box.gloss("--as", "ana", "doc", "show", "d1", "--coder", "ana", "ben")
    #expect(blind.status == 1 && blind.stderr.contains("blind coding is on"))
  }
}

@Suite struct SuggestedCommandTests {
  @Test func theImportReportSuggestsACommandThatWorksForConsensus() throws {
    let box = try Sandbox.twoCoders()
    try box.add("ana", "d1", "low", "--para", "1")
    try box.add("ben", "d1", "low", "--para", "1")
    #expect(try box.gloss("reconcile", "d1", "--coders", "ana,ben").status == 0)
    let file = box.root + "/study.qdpx"
    #expect(try box.gloss("export", "qdpx", file).status == 0)
    let other = try Sandbox()
    #expect(try other.gloss("--as", "lead", "import", "qdpx", file).status == 0)  // the transcripts
    let report = try other.gloss("--as", "ana", "import", "qdpx", file)
    #expect(report.status == 0, "\(report.stderr)")
    let line = try #require(report.lines.first { $0.contains("codings by consensus") })
    let suggested = try #require(line.split(separator: "(").last?.dropLast())
    #expect(suggested == "gloss --as lead import qdpx \(file) --user consensus")
    let arguments = suggested.split(separator: " ").dropFirst().map(String.init)
    let run = try other.gloss(args: arguments)
    #expect(run.status == 0, "\(suggested): \(run.stderr)")
    #expect(try other.read("annotations/consensus/d1.jsonl").split(separator: "\n").count == 1)
  }
}

extension SuggestedCommandTests {
  @Test func pullsConflictHintNamesTheBranchAndWorksAsTyped() throws {
    let box = try Sandbox.twoCoders()
    let id = try box.add("ana", "d1", "low", "--para", "1")
    let bare = box.root + "/study.git"
    #expect(try box.git("init", "-q", "--bare", bare, in: box.root).status == 0)
    try box.git("remote", "add", "origin", bare)
    #expect(try box.gloss("push", "origin", "main").status == 0)
    let clone = box.root + "/ana"
    #expect(try box.gloss("clone", bare, "ana", in: box.root).status == 0)
    #expect(try box.gloss("--as", "ana", "edit", id, "--memo", "theirs", in: clone).status == 0)
    #expect(try box.gloss("push", in: clone).status == 0)
    #expect(try box.gloss("--as", "ana", "edit", id, "--memo", "ours").status == 0)
    let pull = try box.gloss("--as", "ana", "pull")
    #expect(pull.status == 1)
    let hint = try #require(pull.lines.first { $0.hasPrefix("settle each with ") }, "\(pull.stdout)")
    #expect(hint.hasPrefix("settle each with gloss pull origin main --ours ID"), "\(hint)")
    let settled = try box.gloss("--as", "ana", "pull", "origin", "main", "--theirs", String(id.suffix(8)))
    #expect(settled.status == 0, "\(settled.stderr)")
    #expect(try box.read("annotations/ana/d1.jsonl").contains("\"memo\":\"theirs\""))
  }
}

extension SuggestedCommandTests {
  @Test func diffHelpNamesTheLabelsItPrints() throws {
    let box = try Sandbox.twoCoders()
    try box.add("ana", "d1", "low", "--para", "1")
    try box.add("ben", "d1", "outlier", "--para", "2")
    let help = try box.gloss("diff", "--help").stdout.replacingOccurrences(of: "\n", with: " ")
      .split(separator: " ").joined(separator: " ")
    let pair = try box.gloss("diff", "--coders", "ana", "ben").lines
    #expect(pair.map { $0.split(separator: " ").prefix(2).joined(separator: " ") } == ["only ana", "only ben"])
    #expect(help.contains("'only A', 'only B', or 'differs'"))
    let last = try box.gloss("diff").lines
    #expect(last.first?.hasPrefix("+ ") == true && help.contains("'+' (added)"))
  }
}

extension UndoTests {
  @Test func undoingACodeAddIsRefusedWhileSomeoneUsesTheCode() throws {
    let box = try Sandbox.twoCoders()
    #expect(try box.gloss("--as", "ana", "code", "add", "Fresh").status == 0)
    try box.add("ben", "d1", "fresh", "--para", "1")
    try box.add("ana", "d1", "low", "--para", "2")
    #expect(try box.gloss("--as", "ana", "undo").status == 0)  // her add
    let before = try box.commitCount()
    let refused = try box.gloss("--as", "ana", "undo")  // her code add: ben uses it
    #expect(
      refused.status == 1 && refused.stderr.contains("code 'fresh' is used since by ben on d1"), "\(refused.stderr)")
    #expect(try box.commitCount() == before)
    #expect(try box.gloss("validate").status == 0)
  }
}
