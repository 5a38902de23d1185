import Foundation
import Testing

/// `gloss status` and the upstream `gloss push` sets (used by pull and push without
/// arguments), with git as the witness of branches, counts and changed files.
@Suite struct StatusTests {
  func json(_ box: Sandbox, in folder: String? = nil) throws -> [String: Any] {
    let run = try box.gloss("status", "--format", "json", in: folder)
    #expect(run.status == 0, "\(run.stderr)")
    return try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any] ?? [:]
  }

  @Test func aheadBehindChangesAndReviewMarks() throws {
    let box = try Sandbox.twoCoders()
    _ = try SyncTests().publish(box)
    var status = try json(box)
    #expect(status["branch"] as? String == "main")
    #expect(status["upstream"] as? String == "origin/main", "push did not set the upstream: \(status)")
    #expect(status["ahead"] as? Int == 0 && status["behind"] as? Int == 0)
    #expect((status["changes"] as? [Any])?.isEmpty == true)

    // Two commits to push; git counts the same.
    #expect(try box.gloss("--as", "ana", "add", "d1", "low", "--para", "1").status == 0)
    #expect(try box.gloss("--as", "ana", "add", "d1", "outlier", "--para", "2").status == 0)
    status = try json(box)
    let gitAhead = try box.git("rev-list", "--count", "origin/main..main").stdout
    #expect("\(status["ahead"] as? Int ?? -1)\n" == gitAhead)
    #expect(try box.gloss("status").stdout.contains("2 commit(s) to push ('gloss push')"))

    // A span marked for review (as re-anchoring marks one), an edit and a new memo, uncommitted.
    let file = box.path + "/annotations/ana/d1.jsonl"
    var lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map(String.init)
    lines[0] = String(lines[0].dropLast()) + #","review":"text changed"}"#
    try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
    try FileManager.default.createDirectory(atPath: box.path + "/memos", withIntermediateDirectories: true)
    try "a note\n".write(toFile: box.path + "/memos/ana.md", atomically: true, encoding: .utf8)
    status = try json(box)
    let changes = (status["changes"] as? [[String: Any]] ?? []).map { "\($0["state"] ?? "") \($0["path"] ?? "")" }
    #expect(changes == ["modified annotations/ana/d1.jsonl", "untracked memos/ana.md"], "\(changes)")
    let porcelain = try box.git("status", "--porcelain").stdout
    #expect(porcelain.contains(" M annotations/ana/d1.jsonl") && porcelain.contains("?? memos/"), "\(porcelain)")
    #expect(try box.git("commit", "-qam", "mark", "--trailer", "Gloss-Coder: ana").status == 0)
    status = try json(box)
    let review = status["review"] as? [String: Any]
    #expect(review?["pending"] as? Int == 1, "\(status)")
    let table = try box.gloss("status").stdout
    #expect(table.contains("1 span(s) marked for review") && table.contains("d1 (ana): 1"), "\(table)")
  }

  @Test func pushSetsTheUpstreamThatPullAndPushUse() throws {
    let box = try Sandbox.twoCoders()
    let bare = try SyncTests().publish(box)
    #expect(try box.git("checkout", "-qb", "ana-work").status == 0)
    #expect(try box.gloss("status").stdout.contains("no upstream"))
    #expect(try box.gloss("--as", "ana", "add", "d1", "low", "--para", "1").status == 0)
    let push = try box.gloss("push")
    #expect(push.status == 0, "\(push.stderr)")
    #expect(push.stderr.contains("ana-work now tracks origin/ana-work"), "\(push.stderr)")
    #expect(try box.git("config", "branch.ana-work.remote").stdout == "origin\n")
    #expect(try box.git("config", "branch.ana-work.merge").stdout == "refs/heads/ana-work\n")
    #expect(try box.git("--git-dir", bare, "rev-parse", "ana-work", in: box.root).status == 0)

    // Someone else pushes to ana-work; pull without arguments takes it from the upstream.
    let other = box.root + "/other"
    #expect(try box.gloss("clone", bare, other, in: box.root).status == 0)
    #expect(try box.git("checkout", "-q", "ana-work", in: other).status == 0)
    #expect(try box.gloss("--as", "ben", "add", "d1", "outlier", "--para", "2", in: other).status == 0)
    #expect(try box.gloss("push", in: other).status == 0)
    #expect(try box.gloss("fetch").status == 0)
    #expect(try json(box)["behind"] as? Int == 1)
    let pull = try box.gloss("--as", "ana", "pull")
    #expect(pull.status == 0 && pull.stdout.contains("fast-forward"), "\(pull.stdout) \(pull.stderr)")
    #expect(try json(box)["behind"] as? Int == 0)
  }

  @Test func withoutUpstreamOrOriginPushSaysWhatToName() throws {
    let box = try Sandbox()
    let push = try box.gloss("push")
    #expect(push.status == 1)
    #expect(push.stderr.contains("main has no upstream and there is no remote 'origin'"), "\(push.stderr)")
    let status = try json(box)
    #expect(status["upstream"] is NSNull && status["ahead"] is NSNull)
  }
}
