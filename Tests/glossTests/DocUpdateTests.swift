import Foundation
import Testing

/// A project with interview 34, one code, and spans by ana and ben.
private func updateSandbox() throws -> (Sandbox, corrected: String) {
  let box = try codedSandbox()
  try box.gloss("--as", "ana", "add", "interview-34", "data-missing-value", "--quote", "I'm from Region X")
  try box.gloss("--as", "ana", "add", "interview-34", "data-missing-value", "--quote", "I ha I enjoy")
  try box.gloss("--as", "ben", "add", "interview-34", "data-containing-outliers", "--para", "2")
  try box.gloss("--as", "ben", "add", "interview-34", "data-missing-value", "--quote", "the Greenest company")
  let text = try box.read("documents/interview-34.txt")
  let corrected =
    text
    .replacingOccurrences(of: "I ha I enjoy", with: "I have, I enjoy")
    .replacingOccurrences(of: "the Greenest company", with: "a company")
    .replacingOccurrences(of: "Interview 34 - Amin", with: "Interview 34 - Amin (corrected)")
  return (box, try box.write("corrected.txt", corrected))
}

@Suite struct DocUpdateCommandTests {
  @Test func aLeadUpdatesInOneCommitAndMarksWhatItCannotPlace() throws {
    let (box, corrected) = try updateSandbox()
    let before = try box.commitCount()
    let run = try box.gloss("--as", "lead", "doc", "update", "interview-34", corrected)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("updated interview-34"))
    #expect(run.stdout.contains("1 marked for review"))
    #expect(run.stdout.contains("the Greenest company"))
    #expect(try box.commitCount() == before + 1)
    let changed = try box.git("show", "--name-only", "--format=", "HEAD").stdout
    #expect(changed.contains("documents/interview-34.txt"))
    #expect(changed.contains("annotations/ana/interview-34.jsonl"))
    #expect(changed.contains("annotations/ben/interview-34.jsonl"))
    // Every span matches the new text or carries a mark: validate passes with a warning.
    let validate = try box.gloss("validate")
    #expect(validate.status == 0, "\(validate.stdout)\(validate.stderr)")
    #expect((validate.stdout + validate.stderr).contains("marked for review"))
    let ana = try box.read("annotations/ana/interview-34.jsonl")
    #expect(ana.contains("\"exact\":\"I have, I enjoy\""))
    #expect(ana.contains("\"exact\":\"I'm from Region X\""))
    let review = try box.gloss("ls", "--review", "--format", "json")
    let items = try #require(json(review.stdout) as? [[String: Any]])
    #expect(items.count == 1)
    #expect(items.first?["coder"] as? String == "ben")
    #expect((items.first?["review"] as? String)?.contains("Greenest") == true)
    // gloss status counts the mark without reading every assignment.
    let status = try box.gloss("status").stdout
    #expect(status.contains("1 span(s) marked for review"), "\(status)")
    #expect(status.contains("  interview-34 (ben): 1"), "\(status)")
    let pending = (json(try box.gloss("status", "--format", "json").stdout) as? [String: Any])?["review"]
    #expect((pending as? [String: Any])?["pending"] as? Int == 1, "\(String(describing: pending))")
    #expect(try box.gloss("ls", "--review").stdout.contains("REVIEW"))
    try box.expectHealthy()
  }

  @Test func dryRunWritesNothingAndCodersMayNotMoveOthersSpans() throws {
    let (box, corrected) = try updateSandbox()
    let before = try box.commitCount()
    let dry = try box.gloss("--as", "ana", "doc", "update", "interview-34", corrected, "--dry-run", "--format", "json")
    #expect(dry.status == 0, "\(dry.stderr)")
    let report = try #require(json(dry.stdout) as? [String: Any])
    #expect(report["dry_run"] as? Bool == true)
    #expect((report["counts"] as? [String: Any])?["review"] as? Int == 1)
    #expect(try box.commitCount() == before)
    let refused = try box.gloss("--as", "ana", "doc", "update", "interview-34", corrected)
    #expect(refused.status == 1)
    #expect(refused.stderr.hasPrefix("error: ") && refused.stderr.contains("only a lead"))
    #expect(try box.commitCount() == before)
    try box.expectHealthy()
  }

  @Test func addingAMarkedSpanAgainOrRemovingItClearsTheMark() throws {
    let (box, corrected) = try updateSandbox()
    try box.gloss("--as", "lead", "doc", "update", "interview-34", corrected)
    let marked = try #require(
      (json(try box.gloss("ls", "--review", "--format", "json").stdout) as? [[String: Any]])?.first)
    let id = try #require(marked["id"] as? String)
    let span = "\(marked["start"] as? Int ?? -1)-\(marked["end"] as? Int ?? -1)"
    let again = try box.gloss("--as", "ben", "add", "interview-34", "data-missing-value", "--chars", span)
    #expect(again.status == 0, "\(again.stderr)")
    #expect(again.stdout.contains(id))
    #expect(try box.gloss("ls", "--review", "--format", "json").stdout == "[]\n")
    // A second add of the same span is a duplicate again.
    let twice = try box.gloss("--as", "ben", "add", "interview-34", "data-missing-value", "--chars", span)
    #expect(twice.status == 1 && twice.stderr.contains("already assigned"))
    try box.expectHealthy()
  }

  @Test func anUnchangedTextIsNothingToDo() throws {
    let (box, _) = try updateSandbox()
    let same = try box.write("same.txt", try box.read("documents/interview-34.txt"))
    let run = try box.gloss("--as", "lead", "doc", "update", "interview-34", same)
    #expect(run.status == 1 && run.stderr.contains("already has this text"))
    let unknown = try box.gloss("--as", "lead", "doc", "update", "nope", same)
    #expect(unknown.status == 1 && unknown.stderr.contains("unknown document"))
  }
}

@Suite struct MergeReanchoringTests {
  /// ben codes on a branch against the old text while the lead corrects it on main.
  @Test func gMergeReanchorsTheOtherSidesSpansAndValidatePasses() throws {
    let (box, corrected) = try updateSandbox()
    try box.shareIdentity("ben")
    // Validate from here on: the earlier commits were made before ben's e-mail was listed.
    let root = try box.git("rev-parse", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(try box.git("branch", "ben-work").status == 0)
    try box.git("checkout", "-q", "ben-work")
    let add = try box.gloss("--as", "ben", "add", "interview-34", "data-missing-value", "--quote", "about three")
    #expect(add.status == 0, "\(add.stderr)")
    try box.git("checkout", "-q", "main")
    let update = try box.gloss("--as", "lead", "doc", "update", "interview-34", corrected)
    #expect(update.status == 0, "\(update.stderr)")
    let merge = try box.gloss("--as", "lead", "merge", "ben-work")
    #expect(merge.status == 0, "\(merge.stdout)\(merge.stderr)")
    #expect(merge.stdout.contains("re-anchored 1 span(s)"))
    let ben = try box.read("annotations/ben/interview-34.jsonl")
    #expect(ben.contains("\"exact\":\"about three\""))
    let validate = try box.gloss("validate")
    #expect(validate.status == 0, "\(validate.stdout)\(validate.stderr)")
    // The merge commit's re-anchoring is redone and accepted by the authorship check.
    let range = try box.gloss("validate", "--range", "\(root)..HEAD")
    #expect(range.status == 0, "\(range.stdout)\(range.stderr)")
    try box.expectHealthy()
  }

  /// The git merge driver sees one file: plain git merge leaves the old offsets, and
  /// validate says so; a lead's `doc update` with the same text re-anchors them by quote.
  @Test func plainGitMergeLeavesStaleSpansForValidate() throws {
    let (box, corrected) = try updateSandbox()
    try box.git("branch", "ben-work")
    try box.git("checkout", "-q", "ben-work")
    try box.gloss("--as", "ben", "add", "interview-34", "data-missing-value", "--quote", "about three")
    try box.git("checkout", "-q", "main")
    try box.gloss("--as", "lead", "doc", "update", "interview-34", corrected)
    let merge = try box.gitDriver("merge", "-q", "--no-edit", "ben-work")
    #expect(merge.status == 0, "\(merge.stderr)")
    let validate = try box.gloss("validate")
    #expect(validate.status == 1)
    #expect(
      validate.stdout.contains("exact text does not match") || validate.stderr.contains("exact text does not match"))
    let same = try box.write("same.txt", try box.read("documents/interview-34.txt"))
    let repair = try box.gloss("--as", "lead", "doc", "update", "interview-34", same)
    #expect(repair.status == 0, "\(repair.stderr)")
    #expect(repair.stdout.contains("1 found"))
    #expect(try box.gloss("validate").status == 0)
  }
}
