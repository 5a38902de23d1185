import Foundation
import Testing

/// A project with interview 34 and two codes, as most command tests need.
func codedSandbox() throws -> Sandbox {
  let box = try Sandbox()
  try box.gloss("doc", "add", Sandbox.example("interview-34.txt"))
  try box.gloss("code", "add", "Data-containing-outliers")
  try box.gloss("code", "add", "Data-missing-value")
  return box
}

func json(_ text: String) -> Any? {
  try? JSONSerialization.jsonObject(with: Data(text.utf8))
}

@Suite struct InitTests {
  @Test func createsTheProjectInOneCommit() throws {
    let box = try Sandbox(coders: [])
    #expect(
      try box.read("gloss.yaml") == "gloss: 1\nname: project\nleads: [lead]\ncoders:\n  lead: [\"lead@example.org\"]\n")
    #expect(try box.read("codebook.yaml") == "codes: []\n")
    #expect(try box.read(".gitattributes").contains("*.jsonl text eol=lf merge=gloss"))
    #expect(try box.commitCount() == 1)
    let message = try box.git("log", "-1", "--format=%B").stdout
    #expect(message.contains("Gloss-Coder: lead"))
    #expect(try box.git("config", "merge.gloss.driver").stdout == "gloss merge-driver %O %A %B %P\n")
    try box.expectHealthy()
  }

  @Test func refusesAnExistingProject() throws {
    let box = try Sandbox()
    let again = try box.gloss("init", box.path, "--as", "lead", in: box.root)
    #expect(again.status == 1)
    #expect(again.stderr.contains("already a Gloss project"))
    #expect(try box.commitCount() == 1)
  }

  @Test func bareRepositoriesWork() throws {
    let box = try Sandbox(initialize: false)
    let bare = box.root + "/shared.git"
    #expect(try box.gloss("init", "--bare", bare, "--as", "lead", in: box.root).status == 0)
    #expect(try box.gloss("-C", bare, "doc", "add", Sandbox.example("interview-34.txt"), in: box.root).status == 0)
    #expect(try box.gloss("-C", bare, "code", "add", "Outliers", in: box.root).status == 0)
    #expect(try box.gloss("-C", bare, "doc", "assign", "interview-34", "--to", "ana", in: box.root).status == 0)
    let added = try box.gloss("-C", bare, "--as", "ana", "add", "interview-34", "outliers", "--para", "3", in: box.root)
    #expect(added.status == 0, "\(added.stderr)")
    let listed = try box.gloss("-C", bare, "ls", "--format", "json", in: box.root)
    #expect((json(listed.stdout) as? [Any])?.count == 1)
    #expect(try box.git("fsck", "--strict", in: bare).status == 0)
  }

  @Test func needsAnIdentity() throws {
    let box = try Sandbox(initialize: false)
    box.coder = nil
    try box.write("home/.gitconfig", "[init]\n\tdefaultBranch = main\n")
    let result = try box.gloss("init", box.path, in: box.root)
    #expect(result.status == 1)
    #expect(result.stderr.hasPrefix("error: who is coding?"))
    #expect(!FileManager.default.fileExists(atPath: box.path))
  }
}

@Suite struct DocumentCommandTests {
  @Test func addNormalizesAndSaysWhat() throws {
    let box = try Sandbox()
    let file = box.root + "/raw.txt"
    try (Data([0xEF, 0xBB, 0xBF]) + Data("Cafe\u{301} talk\r\nsecond line\r\n".utf8)).write(
      to: URL(fileURLWithPath: file))
    let result = try box.gloss("doc", "add", file, "--id", "talk-1")
    #expect(result.status == 0)
    #expect(
      result.stdout.contains(
        "added talk-1 (removed the byte-order mark; converted CRLF/CR line endings to LF; normalized Unicode to NFC)"))
    #expect(try box.read("documents/talk-1.txt") == "Caf\u{E9} talk\nsecond line\n")
    try box.expectHealthy()
  }

  @Test func refusesDuplicatesBinaryAndMissingFiles() throws {
    let box = try codedSandbox()
    let before = try box.commitCount()
    let duplicate = try box.gloss("doc", "add", Sandbox.example("interview-34.txt"))
    #expect(
      duplicate.stderr == "error: document 'interview-34' already exists; use 'gloss doc update interview-34 FILE'\n")
    let binary = box.root + "/blob.txt"
    try Data([0x41, 0x00, 0x42]).write(to: URL(fileURLWithPath: binary))
    let refused = try box.gloss("doc", "add", binary)
    #expect(refused.status == 1)
    #expect(refused.stderr == "error: \(binary):1: contains a NUL byte: a binary file, not a transcript\n")
    let missing = try box.gloss("doc", "add", box.root + "/nope.txt")
    #expect(missing.stderr.hasPrefix("error: FILE: "))
    let badID = try box.gloss("doc", "add", Sandbox.example("interview-35.txt"), "--id", "../evil")
    #expect(badID.stderr.hasPrefix("error: invalid document id '../evil'"))
    #expect(try box.commitCount() == before)
    try box.expectHealthy()
  }

  @Test func listShowAndAssign() throws {
    let box = try codedSandbox()
    let assign = try box.gloss("doc", "assign", "interview-34", "--to", "ana", "ben")
    #expect(assign.status == 0)
    #expect(try box.read("annotations/ana/interview-34.jsonl").isEmpty)
    let list = try box.gloss("doc", "list", "--format", "json")
    let rows = json(list.stdout) as? [[String: Any]]
    #expect(rows?.first?["id"] as? String == "interview-34")
    #expect(rows?.first?["coders"] as? [String] == ["ana", "ben"])
    #expect(rows?.first?["length"] as? Int == 22413)
    let show = try box.gloss("doc", "show", "interview-34", "--para")
    #expect(show.stdout.hasPrefix("¶1 # Interview 34 - Amin\n"))
    #expect(show.stdout.contains("\n¶3 Okay. Think it's fine."))
    let again = try box.gloss("doc", "assign", "interview-34", "--to", "ana")
    #expect(again.status == 1)
    try box.expectHealthy()
  }
}

@Suite struct CodeCommandTests {
  @Test func addListRenameMergeRemove() throws {
    let box = try codedSandbox()
    #expect(
      try box.gloss("code", "add", "Outliers in sensors", "--parent", "data-containing-outliers", "--color", "#ff0000")
        .stdout == "outliers-in-sensors\n")
    let clash = try box.gloss("code", "add", "data-missing-VALUE")
    #expect(clash.stderr == "error: code id 'data-missing-value' already exists\n")
    #expect(try box.gloss("code", "rename", "data-missing-value", "Missing values").status == 0)
    #expect(try box.read("codebook.yaml").contains("name: Missing values"))
    try box.gloss("--as", "ana", "add", "interview-34", "outliers-in-sensors", "--para", "23")
    try box.gloss("--as", "ana", "add", "interview-34", "data-containing-outliers", "--para", "23")
    try box.gloss("--as", "ben", "add", "interview-34", "outliers-in-sensors", "--para", "19")
    let inUse = try box.gloss("code", "rm", "outliers-in-sensors")
    #expect(
      inUse.stderr == "error: code 'outliers-in-sensors' is used by 2 assignment(s); use --force to remove them too\n")
    let merged = try box.gloss("code", "merge", "outliers-in-sensors", "data-containing-outliers")
    #expect(merged.stdout.contains("2 assignment(s) rewritten, 1 duplicate(s) dropped"))
    let list = json(try box.gloss("code", "list", "--format", "json").stdout) as? [[String: Any]]
    #expect(list?.map { $0["id"] as? String } == ["data-containing-outliers", "data-missing-value"])
    #expect(list?.first?["uses"] as? Int == 2)
    #expect(try box.gloss("code", "rm", "data-missing-value").status == 0)
    #expect(try box.gloss("code", "rm", "data-containing-outliers", "--force").stdout == "removed 2 assignment(s)\n")
    #expect(try box.read("annotations/ana/interview-34.jsonl").isEmpty)
    try box.expectHealthy()
  }
}

@Suite struct AssignmentCommandTests {
  @Test func everySelectorAssignsTheRightText() throws {
    let box = try codedSandbox()
    box.coder = "ana"
    let para = try box.gloss(
      "add", "interview-34", "data-containing-outliers", "--para", "23", "--memo", "sensor range")
    #expect(para.status == 0, "\(para.stderr)")
    let id = para.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(id.count == 36)
    try box.gloss("add", "interview-34", "data-missing-value", "--lines", "1-1")
    try box.gloss("add", "interview-34", "data-missing-value", "--chars", "0-9")
    try box.gloss("add", "interview-34", "Data-containing-outliers", "--quote", "I found the outliers")
    let listed = json(try box.gloss("ls", "--format", "json").stdout) as? [[String: Any]]
    #expect(listed?.count == 4)
    let texts = listed?.map { $0["exact"] as? String ?? "" } ?? []
    #expect(texts.contains("# Interview 34 - Amin"))
    #expect(texts.contains("# Intervi"))
    #expect(texts.contains("I found the outliers"))
    #expect(texts.contains { $0.hasPrefix("The weather, I think") && $0.hasSuffix("on the data in general.") })
    let first = listed?.first
    #expect(first.map { Array($0.keys).sorted() } == ["code", "coder", "doc", "end", "exact", "id", "memo", "start"])
    let message = try box.git("log", "-4", "--format=%s").stdout
    #expect(message.contains("gloss: ana adds data-containing-outliers to interview-34 ¶23"))
    #expect(try box.git("log", "-1", "--format=%B").stdout.contains("Gloss-Coder: ana"))
    // The file is canonical and the work tree and index follow the commit.
    let file = try box.read("annotations/ana/interview-34.jsonl")
    #expect(file.split(separator: "\n").count == 4)
    #expect(file.contains(#""memo":"sensor range"}"#))
    try box.expectHealthy()
  }

  @Test func offsetsAreCodePoints() throws {
    let box = try Sandbox()
    let file = try box.write("multi.txt", "😀 مرحبا e\u{301}te\n\nsecond 👩‍👩‍👧 para\n")
    try box.gloss("doc", "add", file)
    try box.gloss("code", "add", "Greeting")
    box.coder = "ana"
    #expect(try box.gloss("add", "multi", "greeting", "--quote", "مرحبا").status == 0)
    #expect(try box.gloss("add", "multi", "greeting", "--quote", "e\u{301}te").status == 0)
    #expect(try box.gloss("add", "multi", "greeting", "--para", "2").status == 0)
    let rows = json(try box.gloss("ls", "--format", "json").stdout) as? [[String: Any]] ?? []
    #expect(rows.map { "\($0["start"] ?? "")-\($0["end"] ?? "")" } == ["2-7", "8-11", "13-30"])
    #expect(rows.last?["exact"] as? String == "second 👩‍👩‍👧 para")
  }

  @Test func batchIsAllOrNothing() throws {
    let box = try codedSandbox()
    box.coder = "ben"
    let before = try box.commitCount()
    let bad = """
      {"doc":"interview-34","code":"data-missing-value","start":0,"end":9}
      {"doc":"interview-34","code":"no-such-code","start":0,"end":9}
      """
    let refused = try box.gloss("add", "--batch", "-", stdin: bad)
    #expect(refused.status == 1)
    #expect(refused.stderr == "error: <stdin>:2: unknown code 'no-such-code' (see 'gloss code list')\n")
    let malformed = try box.gloss("add", "--batch", "-", stdin: "{\"doc\":\"interview-34\"\n")
    #expect(malformed.stderr == "error: <stdin>:1: not a JSON object\n")
    #expect(try box.commitCount() == before)
    let good = """
      {"doc":"interview-34","code":"data-missing-value","start":0,"end":9}
      {"doc":"interview-34","code":"data-containing-outliers","start":5,"end":20,"memo":"m"}
      {"doc":"interview-34","code":"data-containing-outliers","quote":"I found the outliers"}
      """
    let added = try box.gloss("add", "--batch", "-", stdin: good)
    #expect(added.status == 0, "\(added.stderr)")
    #expect(added.lines.count == 3)
    #expect(try box.commitCount() == before + 1)
    let dup = try box.gloss("add", "--batch", "-", stdin: good)
    #expect(dup.stderr.contains("ben already assigned data-missing-value to chars 0-9 of interview-34"))
    try box.expectHealthy()
  }

  @Test func removeAndEdit() throws {
    let box = try codedSandbox()
    box.coder = "ana"
    let id = try box.gloss("add", "interview-34", "data-missing-value", "--para", "5").stdout
      .trimmingCharacters(in: .whitespacesAndNewlines)
    try box.gloss("add", "interview-34", "data-missing-value", "--para", "6")
    let edited = try box.gloss(
      "edit", id, "--memo", "clear case", "--code", "data-containing-outliers", "--format", "json")
    #expect(edited.status == 0, "\(edited.stderr)")
    let after = (json(edited.stdout) as? [[String: Any]])?.first
    #expect(after?["id"] as? String == id)
    #expect(after?["code"] as? String == "data-containing-outliers")
    #expect(after?["memo"] as? String == "clear case")
    let other = try box.gloss("--as", "ben", "rm", id)
    #expect(other.stderr == "error: assignment \(id) belongs to ana; coders remove only their own\n")
    #expect(try box.gloss("rm", String(id.prefix(8))).status == 1)
    #expect(try box.gloss("rm", id).status == 0)
    let bySelector = try box.gloss("rm", "interview-34", "data-missing-value", "--para", "6")
    #expect(bySelector.status == 0, "\(bySelector.stderr)")
    #expect(try box.read("annotations/ana/interview-34.jsonl").isEmpty)
    let none = try box.gloss("rm", "interview-34", "data-missing-value", "--para", "6")
    #expect(none.stderr.hasPrefix("error: no such assignment 'data-missing-value on chars"))
    try box.expectHealthy()
  }

  @Test(arguments: [
    (["add", "nope", "data-missing-value", "--para", "1"], "error: unknown document 'nope' (see 'gloss doc list')\n"),
    (["add", "interview-34", "nope", "--para", "1"], "error: unknown code 'nope' (see 'gloss code list')\n"),
    (
      ["add", "interview-34", "data-missing-value", "--para", "999"],
      "error: --para 999: the document has 278 paragraphs\n"
    ),
    (
      ["add", "interview-34", "data-missing-value", "--chars", "10-5"],
      "error: --chars 10-5: start must be less than end\n"
    ),
    (
      ["add", "interview-34", "data-missing-value", "--chars", "0-99999"],
      "error: --chars 0-99999: end is past the end of the document (22413 characters)\n"
    ),
    (
      ["add", "interview-34", "data-missing-value", "--lines", "0-2"], "error: --lines 0-2: lines are numbered from 1\n"
    ),
    (
      ["add", "interview-34", "data-missing-value", "--quote", "no such words"],
      "error: --quote: text not found in the document: \"no such words\"\n"
    ),
    (
      ["add", "interview-34", "data-missing-value", "--para", "x"],
      "error: --para x: expected a number or a range like 3-5\n"
    ),
    (["ls", "--rev", "no-such-rev"], "error: unknown revision 'no-such-rev'\n"),
    (
      ["--as", "Bad Name", "add", "interview-34", "data-missing-value", "--para", "1"],
      "error: invalid coder 'Bad Name': must match ^[a-z0-9][a-z0-9_-]{0,63}$\n"
    ),
    (
      ["--as", "consensus", "add", "interview-34", "data-missing-value", "--para", "1"],
      "error: 'consensus' is the adjudicated set, not a coder; code as yourself with --as\n"
    ),
  ])
  func badInputIsOneLineAndCommitsNothing(arguments: [String], message: String) throws {
    let box = try codedSandbox()
    let before = try box.commitCount()
    let result = try box.gloss(args: arguments)
    #expect(result.status == 1)
    #expect(result.stderr == message)
    #expect(result.stdout.isEmpty)
    #expect(try box.commitCount() == before)
    try box.expectHealthy()
  }

  @Test func ambiguousQuoteListsMatches() throws {
    let box = try codedSandbox()
    let result = try box.gloss("add", "interview-34", "data-missing-value", "--quote", "the outliers")
    #expect(result.status == 1)
    #expect(
      result.stderr
        == "error: --quote: \"the outliers\" occurs 2 times (at ¶23 chars 2159-2171, ¶23 chars 2239-2251); quote more text or use --chars\n"
    )
  }

  @Test func usageErrorsUseTheParserStatus() throws {
    let box = try codedSandbox()
    let result = try box.gloss("add", "interview-34", "data-missing-value")
    #expect(result.status == 64)
    #expect(result.stderr.contains("--para, --lines, --chars"))
  }
}

@Suite struct ProjectLocationTests {
  @Test func globalOptionsWorkBeforeAndAfterTheSubcommand() throws {
    let box = try codedSandbox()
    box.coder = nil
    let forms: [[String]] = [
      ["-C", box.path, "--as", "ana", "add", "interview-34", "data-missing-value", "--para", "1"],
      ["add", "-C", box.path, "--as", "ben", "interview-34", "data-missing-value", "--para", "1"],
      ["-C", box.path, "add", "--as", "cy", "interview-34", "data-missing-value", "--para", "1"],
    ]
    for form in forms {
      let result = try box.gloss(args: form, in: box.root)
      #expect(result.status == 0, "\(form): \(result.stderr)")
    }
    let coders = (json(try box.gloss("ls", "--format", "json", in: box.path).stdout) as? [[String: Any]])?
      .map { $0["coder"] as? String ?? "" }
    #expect(coders == ["ana", "ben", "cy"])
    #expect(
      try box.gloss("-C", box.path, "ls", "--format", "csv", in: box.root).stdout.hasPrefix(
        "id,coder,doc,code,start,end,exact,memo\r\n"))
  }

  @Test func nonexistentFolderAndNonProject() throws {
    let box = try Sandbox()
    let missing = try box.gloss("-C", box.root + "/nope", "ls", in: box.root)
    #expect(missing.stderr == "error: -C \(box.root)/nope: no such folder\n")
    let plain = box.root + "/plain"
    try FileManager.default.createDirectory(atPath: plain, withIntermediateDirectories: true)
    let notRepo = try box.gloss("-C", plain, "ls", in: box.root)
    #expect(notRepo.status == 1)
    #expect(notRepo.stderr.hasPrefix("error: \(plain): not a git repository"))
    try box.git("init", "-q", plain)
    let notProject = try box.gloss("-C", plain, "ls", in: box.root)
    #expect(notProject.stderr.contains("not a Gloss project"))
  }

  @Test func refusesAFormatFromTheFuture() throws {
    let box = try codedSandbox()
    try "gloss: 2\nname: future\nleads: [lead]\n".write(
      toFile: box.path + "/gloss.yaml", atomically: true, encoding: .utf8)
    try box.git("commit", "-qam", "future")
    let before = try box.commitCount()
    let result = try box.gloss("--as", "ana", "add", "interview-34", "data-missing-value", "--para", "1")
    #expect(
      result.stderr == "error: gloss.yaml: format version 2 is newer than this gloss understands (1); upgrade gloss\n")
    #expect(try box.commitCount() == before)
  }

  @Test func refusesToOverwriteUncommittedEdits() throws {
    let box = try codedSandbox()
    box.coder = "ana"
    try box.gloss("add", "interview-34", "data-missing-value", "--para", "1")
    let path = box.path + "/annotations/ana/interview-34.jsonl"
    try "hand edit\n".write(toFile: path, atomically: true, encoding: .utf8)
    let before = try box.commitCount()
    let result = try box.gloss("add", "interview-34", "data-missing-value", "--para", "2")
    #expect(
      result.stderr
        == "error: uncommitted changes in annotations/ana/interview-34.jsonl; commit or discard them first\n")
    #expect(try box.commitCount() == before)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "hand edit\n")
    // Another coder's file is not in the way.
    #expect(try box.gloss("--as", "ben", "add", "interview-34", "data-missing-value", "--para", "2").status == 0)
  }

  @Test func identityFromGitConfig() throws {
    let box = try codedSandbox()
    box.coder = nil
    try box.git("config", "gloss.coder", "dora")
    #expect(try box.gloss("add", "interview-34", "data-missing-value", "--para", "1").status == 0)
    try box.git("config", "--unset", "gloss.coder")
    // Then user.name ("Test Lead" -> test-lead), a coder the project does not know: refused,
    // rather than starting a new coder because --as was forgotten.
    let before = try box.commitCount()
    let unknown = try box.gloss("add", "interview-34", "data-missing-value", "--para", "2")
    #expect(unknown.status == 1)
    #expect(
      unknown.stderr.hasPrefix("error: 'test-lead' is not a coder in this project yet (did you forget --as?)")
        && unknown.stderr.contains("gloss doc assign DOC --to test-lead"))
    #expect(try box.commitCount() == before)
    let coders = Set(
      (json(try box.gloss("ls", "--format", "json").stdout) as? [[String: Any]])?.map { $0["coder"] as? String ?? "" }
        ?? [])
    #expect(coders == ["dora"])
    // Once a lead assigns them a document, they may code.
    #expect(try box.gloss("--as", "lead", "doc", "assign", "interview-34", "--to", "test-lead").status == 0)
    #expect(try box.gloss("add", "interview-34", "data-missing-value", "--para", "2").status == 0)
  }
}

@Suite struct HistoryCommandTests {
  @Test func diffBetweenRevisionsAndCoders() throws {
    let box = try codedSandbox()
    let base = try box.git("rev-parse", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let first = try box.gloss("--as", "ana", "add", "interview-34", "data-missing-value", "--para", "5").stdout
      .trimmingCharacters(in: .whitespacesAndNewlines)
    try box.gloss("--as", "ana", "add", "interview-34", "data-containing-outliers", "--para", "23")
    try box.gloss("--as", "ana", "edit", first, "--memo", "note")
    try box.gloss("--as", "ben", "add", "interview-34", "data-missing-value", "--para", "5")
    try box.gloss("--as", "ben", "add", "interview-34", "data-containing-outliers", "--quote", "I found the outliers")
    try box.gloss("--as", "ben", "add", "interview-34", "data-missing-value", "--para", "7")

    let last = json(try box.gloss("diff", "--format", "json").stdout) as? [String: Any]
    #expect((last?["changes"] as? [[String: Any]])?.first?["change"] as? String == "added")
    let range = json(try box.gloss("diff", base, "HEAD", "--format", "json").stdout) as? [String: Any]
    #expect(range?["from"] as? String == base)
    let changes = range?["changes"] as? [[String: Any]] ?? []
    #expect(changes.count == 5)
    #expect(changes.allSatisfy { $0["change"] as? String == "added" })

    let memo = json(try box.gloss("diff", "HEAD~4", "HEAD~3", "--format", "json").stdout) as? [String: Any]
    let modified = (memo?["changes"] as? [[String: Any]])?.first
    #expect(modified?["change"] as? String == "modified")
    #expect((modified?["before"] as? [String: Any])?["memo"] as? String == "")
    #expect((modified?["assignment"] as? [String: Any])?["memo"] as? String == "note")

    let coders = json(try box.gloss("diff", "--coders", "ana", "ben", "--format", "json").stdout) as? [String: Any]
    let kinds = (coders?["changes"] as? [[String: Any]])?.map { $0["change"] as? String ?? "" }
    #expect(kinds == ["added", "modified"])
    let table = try box.gloss("diff", "--coders", "ana", "ben").stdout
    #expect(table.contains("differs interview-34 ben data-containing-outliers"))
    #expect(table.contains("only ben interview-34 ben data-missing-value"))
    let unknown = try box.gloss("diff", "--coders", "ana", "zed")
    #expect(unknown.stderr == "error: no annotations by coder 'zed'\n")
  }

  @Test func logShowsWhoChangedWhatNewestFirst() throws {
    let box = try codedSandbox()
    try box.gloss("--as", "ana", "add", "interview-34", "data-missing-value", "--para", "5")
    try box.gloss("--as", "ben", "add", "interview-34", "data-containing-outliers", "--para", "23")
    let entries = json(try box.gloss("log", "--format", "json").stdout) as? [[String: Any]] ?? []
    #expect(entries.map { $0["coder"] as? String ?? "" } == ["ben", "ana"])
    let onlyAna = json(try box.gloss("log", "--coder", "ana", "--format", "json").stdout) as? [[String: Any]] ?? []
    #expect(onlyAna.count == 1)
    let byCode =
      json(try box.gloss("log", "--code", "data-containing-outliers", "--format", "json").stdout) as? [[String: Any]]
      ?? []
    #expect(byCode.count == 1)
    #expect(try box.gloss("log").stdout.contains("+ interview-34 ana data-missing-value"))
  }

  @Test func lsFiltersAndSorts() throws {
    let box = try codedSandbox()
    try box.gloss("--as", "ben", "add", "interview-34", "data-missing-value", "--para", "9")
    try box.gloss("--as", "ana", "add", "interview-34", "data-missing-value", "--para", "9")
    try box.gloss("--as", "ana", "add", "interview-34", "data-containing-outliers", "--para", "3")
    let all = json(try box.gloss("ls", "--format", "json").stdout) as? [[String: Any]] ?? []
    #expect(all.map { "\($0["coder"] ?? "")/\($0["start"] ?? "")" }.count == 3)
    #expect(all.map { $0["coder"] as? String ?? "" } == ["ana", "ana", "ben"])
    let filtered =
      json(try box.gloss("ls", "--coder", "ana", "--code", "data-missing-value", "--format", "json").stdout)
      as? [[String: Any]]
    #expect(filtered?.count == 1)
    #expect(
      try box.gloss("ls", "--rev", "HEAD~2", "--format", "json").stdout.components(separatedBy: "\"id\"").count == 2)
    #expect(try box.gloss("ls", "--doc", "nope").stderr == "error: unknown document 'nope' (see 'gloss doc list')\n")
  }
}
