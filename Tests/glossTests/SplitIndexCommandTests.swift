import Foundation
import Testing

/// A project whose index git splits (`core.splitIndex`, git's answer for large indexes):
/// gloss commits into it writing only the split part, and every command that reads the
/// index (status, `validate --staged` in the pre-commit hook) reads it, with git as the
/// witness.
@Suite struct SplitIndexCommandTests {
  @Test func glossWorksOnASplitIndex() throws {
    let box = try Sandbox.twoCoders()
    try box.git("config", "core.splitIndex", "true")
    // A project this small would pass git's 20 % at the second add and split anew.
    try box.git("config", "splitIndex.maxPercentChange", "100")
    try box.git("update-index", "--split-index")
    let shared = try sharedIndexes(box)
    #expect(shared.count == 1)
    for start in 0..<6 {
      #expect(try box.gloss("--as", "ana", "add", "d1", "low", "--chars", "\(start)-\(start + 4)").status == 0)
    }
    try box.expectHealthy()
    #expect(try sharedIndexes(box).count == 1, "each add wrote only the split part")
    let index = try Data(contentsOf: URL(fileURLWithPath: box.path + "/.git/index"))
    #expect(index.range(of: Data("link".utf8)) != nil, "still split")
    #expect(try box.gloss("ls").lines.count == 7)
    // A change git stages shows in gloss status, read through the joined index.
    try box.write("project/memos/notes.md", "notes\n")
    try box.git("add", "memos/notes.md")
    let status = try box.gloss("status")
    #expect(status.status == 0, "\(status.stderr)")
    #expect(status.stdout.contains("memos/notes.md"), "\(status.stdout)")
    // The pre-commit hook reads the split index git writes for the commit.
    #expect(try box.gloss("hooks", "install").status == 0)
    let glossFolder = (Shell.glossPath as NSString).deletingLastPathComponent
    let pathEnv = glossFolder + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
    let environment = box.env.merging(["PATH": pathEnv]) { $1 }
    let good = try Shell.run("/usr/bin/git", ["commit", "-qm", "notes"], in: box.path, env: environment)
    #expect(good.status == 0, "\(good.stderr)")
    try box.write("project/annotations/ana/d1.jsonl", "not json\n")
    try box.git("add", "-A")
    let broken = try Shell.run("/usr/bin/git", ["commit", "-qm", "broken"], in: box.path, env: environment)
    #expect(broken.status != 0)
    #expect((broken.stdout + broken.stderr).contains("annotations/ana/d1.jsonl:1: error:"))
    try box.git("reset", "-q", "--hard")
    // git joins the index again: gloss follows.
    try box.git("config", "core.splitIndex", "false")
    #expect(try box.gloss("--as", "ben", "add", "d1", "missing", "--chars", "1-4").status == 0)
    let joined = try Data(contentsOf: URL(fileURLWithPath: box.path + "/.git/index"))
    #expect(joined.range(of: Data("link".utf8)) == nil)
    try box.expectHealthy()
  }

  /// A project whose index has grown past 4 MB hears of the split index from gloss status,
  /// until core.splitIndex is set either way.
  @Test func statusSuggestsTheSplitIndexForALargeIndex() throws {
    let box = try Sandbox.twoCoders()
    #expect(try box.gloss("status").stdout.contains("core.splitIndex") == false)
    let blobID = try box.git("rev-parse", "HEAD:gloss.yaml").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let entries = (0..<50_000).map { "100644 \(blobID) 0\tbulk/folder-\($0 / 1000)/file-\($0).txt" }
    let staged = try Shell.run(
      "/usr/bin/git", ["update-index", "--index-info"], in: box.path, env: box.env,
      stdin: entries.joined(separator: "\n") + "\n")
    #expect(staged.status == 0, "\(staged.stderr)")
    let status = try box.gloss("status")
    #expect(status.status == 0, "\(status.stderr)")
    #expect(status.stdout.contains("'git config core.splitIndex true'"), "\(status.stdout)")
    try box.git("config", "core.splitIndex", "false")
    #expect(try box.gloss("status").stdout.contains("core.splitIndex") == false)
  }

  private func sharedIndexes(_ box: Sandbox) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: box.path + "/.git").filter { $0.hasPrefix("sharedindex.") }
  }
}
