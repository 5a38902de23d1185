import Foundation
import Testing

/// Helpers for scenarios with coders on branches.
extension Sandbox {
  /// The environment git needs to find `gloss` for the merge driver.
  var envWithGloss: [String: String] {
    var env = self.env
    let folder = (Shell.glossPath as NSString).deletingLastPathComponent
    env["PATH"] = folder + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
    return env
  }

  /// Runs git so that it can call `gloss merge-driver`.
  @discardableResult
  func gitDriver(_ arguments: String..., in folder: String? = nil) throws -> Run {
    try Shell.run("/usr/bin/git", arguments, in: folder ?? path, env: envWithGloss)
  }

  /// A project with one document, three codes and the document assigned to ana and ben.
  static func twoCoders() throws -> Sandbox {
    let box = try Sandbox()
    let doc = try box.write(
      "d1.txt", "First paragraph about data.\n\nSecond paragraph on outliers.\n\nThird one, missing values.\n")
    #expect(try box.gloss("doc", "add", doc).status == 0)
    for name in ["Low", "Outlier", "Missing"] { #expect(try box.gloss("code", "add", name).status == 0) }
    #expect(try box.gloss("doc", "assign", "d1", "--to", "ana", "ben").status == 0)
    return box
  }

  /// Adds an assignment as `coder` on the current branch and returns its id.
  @discardableResult
  func add(_ coder: String, _ args: String...) throws -> String {
    let run = try gloss(args: ["--as", coder, "add"] + args)
    #expect(run.status == 0, "gloss add \(args): \(run.stderr)")
    return run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  func listing(_ rev: String? = nil) throws -> [String] {
    let run = try gloss(args: ["ls", "--format", "csv"] + (rev.map { ["--rev", $0] } ?? []))
    // CSV rows end in CRLF, which Swift reads as one Character, so split on scalars.
    return run.stdout.unicodeScalars.split(separator: "\n").map {
      String(String.UnicodeScalarView($0)).trimmingCharacters(in: .whitespacesAndNewlines)
    }
  }

  func tree(_ rev: String = "HEAD") throws -> String {
    try git("rev-parse", rev + "^{tree}").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
  }
}

@Suite(.serialized) struct MergeCommandTests {
  /// ana and ben code on their own branches; returns the ids each added.
  func branches(_ box: Sandbox) throws -> (ana: [String], ben: [String]) {
    try box.git("checkout", "-q", "-b", "ana", "main")
    let a1 = try box.add("ana", "d1", "low", "--para", "1")
    let a2 = try box.add("ana", "d1", "outlier", "--para", "2", "--memo", "readings")
    try box.git("checkout", "-q", "-b", "ben", "main")
    let b1 = try box.add("ben", "d1", "outlier", "--para", "2")
    let b2 = try box.add("ben", "d1", "missing", "--para", "3")
    try box.git("checkout", "-q", "main")
    return ([a1, a2], [b1, b2])
  }

  @Test func mergesTwoCodersBranchesKeepingEverything() throws {
    let box = try Sandbox.twoCoders()
    let ids = try branches(box)
    let first = try box.gloss("merge", "ana")
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stdout.contains("fast-forward"))
    let second = try box.gloss("merge", "ben")
    #expect(second.status == 0, "\(second.stderr)")
    #expect(second.stdout.contains("merged ben"), "\(second.stdout)")
    let listing = try box.listing().joined(separator: "\n")
    for id in ids.ana + ids.ben { #expect(listing.contains(id)) }
    let parents = try box.git("log", "-1", "--format=%P").stdout.split(separator: " ")
    #expect(parents.count == 2)
    let message = try box.git("log", "-1", "--format=%B").stdout
    #expect(message.contains("Gloss-Coder: lead"))
    try box.expectHealthy()
    #expect(try box.gloss("merge", "ben").stdout.contains("already up to date"))
  }

  @Test func plainGitMergeAndRebaseGiveTheSameResultAsGlossMerge() throws {
    let box = try Sandbox.twoCoders()
    _ = try branches(box)
    // Both branches also touch the same files: ana codes on both (two machines, the same
    // span twice under two ids), and each adds a code, where a line merge would conflict.
    try box.git("checkout", "-q", "ana")
    try box.add("ana", "d1", "missing", "--para", "3")
    #expect(try box.gloss("code", "add", "Alpha").status == 0)
    try box.git("checkout", "-q", "ben")
    try box.add("ben", "d1", "low", "--para", "1")
    try box.add("ana", "d1", "missing", "--para", "3")
    try box.add("ana", "d1", "low", "--para", "2")
    #expect(try box.gloss("code", "add", "Beta").status == 0)
    try box.git("checkout", "-q", "main")
    // A clone merges with git; the project itself with gloss.
    let clone = box.root + "/clone"
    #expect(try box.git("clone", "-q", box.path, clone, in: box.root).status == 0)
    for (key, value) in [
      ("merge.gloss.driver", "gloss merge-driver %O %A %B %P"), ("user.name", "Test Lead"),
      ("user.email", "lead@example.org"),
    ] {
      try box.git("config", key, value, in: clone)
    }
    for branch in ["ana", "ben"] {
      try box.git("branch", "-q", branch, "origin/\(branch)", in: clone)
    }
    #expect(try box.gloss("merge", "ana").status == 0)
    let glossMerge = try box.gloss("merge", "ben")
    #expect(glossMerge.status == 0, "\(glossMerge.stdout) \(glossMerge.stderr)")
    #expect(glossMerge.stdout.contains("both sides assigned missing"), "\(glossMerge.stdout)")
    let codes = try box.gloss("code", "list", "--format", "json").stdout
    #expect(codes.contains("alpha") && codes.contains("beta"))
    #expect(try box.gitDriver("merge", "-q", "--no-edit", "ana", in: clone).status == 0)
    // Without the driver, git's line merge stops on this file.
    let plain = try box.git("merge", "--no-commit", "ben", in: clone)
    #expect(plain.status != 0)
    try box.git("merge", "--abort", in: clone)
    let viaGit = try box.gitDriver("merge", "-q", "--no-edit", "ben", in: clone)
    #expect(viaGit.status == 0, "git merge: \(viaGit.stdout) \(viaGit.stderr)")
    let gitTree = try box.git("rev-parse", "HEAD^{tree}", in: clone).stdout
    #expect(try box.tree() + "\n" == gitTree)
    // git rebase replays ben's commits on ana's through the same driver.
    try box.git("checkout", "-q", "-b", "rebased", "ben", in: clone)
    let rebase = try box.gitDriver("rebase", "-q", "ana", in: clone)
    #expect(rebase.status == 0, "git rebase: \(rebase.stdout) \(rebase.stderr)")
    #expect(try box.git("rev-parse", "HEAD^{tree}", in: clone).stdout == gitTree)
    try box.expectHealthy()
  }

  @Test func conflictsAreListedAndSettledPerRecord() throws {
    let box = try Sandbox.twoCoders()
    let id = try box.add("ana", "d1", "low", "--para", "1")
    try box.git("checkout", "-q", "-b", "other", "main")
    #expect(try box.gloss("--as", "ana", "edit", id, "--memo", "theirs").status == 0)
    try box.git("checkout", "-q", "main")
    #expect(try box.gloss("--as", "ana", "edit", id, "--memo", "ours").status == 0)
    let before = try box.git("rev-parse", "HEAD").stdout
    let clash = try box.gloss("merge", "other")
    #expect(clash.status == 1)
    #expect(clash.stdout.contains("1 conflict(s)"), "\(clash.stdout)")
    #expect(clash.stdout.contains(id) && clash.stdout.contains("changed differently on both sides"))
    #expect(try box.git("rev-parse", "HEAD").stdout == before)
    try box.expectHealthy()
    // The git driver writes markers around the record and reports a conflict.
    let clone = box.root + "/clone"
    try box.git("clone", "-q", box.path, clone, in: box.root)
    try box.git("config", "merge.gloss.driver", "gloss merge-driver %O %A %B %P", in: clone)
    let viaGit = try box.gitDriver("merge", "-q", "--no-edit", "origin/other", in: clone)
    #expect(viaGit.status != 0)
    let file = try String(contentsOfFile: clone + "/annotations/ana/d1.jsonl", encoding: .utf8)
    #expect(
      file.hasPrefix("<<<<<<< ours\n") && file.contains("\"memo\":\"theirs\"") && file.hasSuffix(">>>>>>> theirs\n"))
    // Settled by id prefix, in one commit.
    let settled = try box.gloss("merge", "other", "--theirs", String(id.prefix(13)))
    #expect(settled.status == 0, "\(settled.stdout) \(settled.stderr)")
    #expect(settled.stdout.contains("took theirs"))
    #expect(try box.read("annotations/ana/d1.jsonl").contains("\"memo\":\"theirs\""))
    try box.expectHealthy()
  }

  @Test func sameSpanOnBothSidesIsKeptOnceAndReported() throws {
    let box = try Sandbox.twoCoders()
    try box.git("checkout", "-q", "-b", "one", "main")
    let x = try box.add("ana", "d1", "low", "--para", "1")
    try box.git("checkout", "-q", "-b", "two", "main")
    let y = try box.add("ana", "d1", "low", "--para", "1")
    try box.git("checkout", "-q", "one")
    let run = try box.gloss("merge", "two")
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("kept \(min(x, y))"), "\(run.stdout)")
    let listing = try box.listing()
    #expect(listing.filter { $0.contains(min(x, y)) }.count == 1)
    #expect(!listing.joined().contains(max(x, y)))
  }

  @Test func annotationsOnChangedTextAreKeptAndReported() throws {
    let box = try Sandbox.twoCoders()
    try box.git("checkout", "-q", "-b", "fix", "main")
    try "First paragraph about the data.\n\nSecond paragraph on outliers.\n\nThird one, missing values.\n"
      .write(toFile: box.path + "/documents/d1.txt", atomically: true, encoding: .utf8)
    try box.git("commit", "-qam", "fix typo\n\nGloss-Coder: lead")
    try box.git("checkout", "-q", "main")
    let id = try box.add("ana", "d1", "outlier", "--para", "2")
    let run = try box.gloss("merge", "fix")
    #expect(run.status == 0, "\(run.stderr)")
    // Issue 8 re-anchors the span onto the corrected text; nothing is lost either way.
    #expect(run.stdout.contains("re-anchored"), "\(run.stdout)")
    #expect(try box.listing().joined().contains(id))
    try box.expectHealthy()
  }

  @Test func mergeDriverRejectsMissingFiles() throws {
    let box = try Sandbox()
    let run = try box.gloss("merge-driver", "/nonexistent/a", "/nonexistent/b", "/nonexistent/c", "x.jsonl")
    #expect(run.status == 1)
    #expect(run.stderr.hasPrefix("error: "))
  }
}
