import Foundation
import Testing

@testable import GitKit

/// The crash-safety pieces of moving a branch, at the GitKit level.
@Suite struct BranchUpdateTests {
  let someone = Signature(name: "T", email: "t@example.org", time: Date(timeIntervalSince1970: 1_700_000_000))

  /// A temporary recorded by a process that is gone is removed by the next command; one of a
  /// live process is left alone.
  @Test func orphanedTemporariesAreRemoved() throws {
    let (repo, path) = try temporaryRepository()
    defer { try? FileManager.default.removeItem(atPath: path) }
    let dead = Process()
    dead.executableURL = URL(fileURLWithPath: "/bin/true")
    try dead.run()
    dead.waitUntilExit()
    var kept = ""
    for (pid, name) in [(dead.processIdentifier, "gone"), (getpid(), "live")] {
      let temporary = path + "/.\(name).qdpx.\(pid).gloss-tmp"
      #expect(FileManager.default.createFile(atPath: temporary, contents: Data("zip".utf8)))
      try Data(temporary.utf8).write(to: URL(fileURLWithPath: repo.gitDirectory + "gloss-tmp-\(pid)"))
      if name == "live" { kept = temporary }
    }
    repo.recoverIfNeeded()
    #expect(!FileManager.default.fileExists(atPath: path + "/.gone.qdpx.\(dead.processIdentifier).gloss-tmp"))
    #expect(FileManager.default.fileExists(atPath: kept))
  }

  /// A journal left by a sync that never ran: the next command brings the index and the file
  /// to HEAD's content, so git sees no staged revert.
  @Test func interruptedSyncIsFinished() throws {
    let (repo, path) = try temporaryRepository()
    defer { try? FileManager.default.removeItem(atPath: path) }
    let first: [TreeUpdate] = [.write(path: "a/x.txt", contents: Data("one\n".utf8))]
    let c1 = try repo.createCommit(
      tree: try repo.tree(applying: first, to: nil), parents: [], message: "1\n", author: someone)
    try repo.moveBranch(
      "refs/heads/main", from: nil, to: c1, updates: first, holding: try repo.lockIndex(), logMessage: "1")
    let second: [TreeUpdate] = [.write(path: "a/x.txt", contents: Data("two\n".utf8))]
    let c2 = try repo.createCommit(
      tree: try repo.tree(applying: second, to: try repo.commit(c1).tree), parents: [c1], message: "2\n",
      author: someone)
    // What a kill right after the compare-and-swap leaves: journal, moved branch, old files.
    let old = try repo.entry(at: "a/x.txt", inTree: try repo.commit(c1).tree)?.id.hex
    let new = try repo.entry(at: "a/x.txt", inTree: try repo.commit(c2).tree)?.id.hex
    let journal = SyncJournal(
      branch: "refs/heads/main", commit: c2.hex, entries: [.init(path: "a/x.txt", old: old, new: new)])
    try journal.json.write(to: URL(fileURLWithPath: repo.gitDirectory + "gloss-sync"))
    try repo.compareAndSwap(reference: "refs/heads/main", expected: c1, new: c2, logMessage: "2")
    #expect(try git("status", "--porcelain", in: path) == "M  a/x.txt\n")
    repo.recoverIfNeeded()
    #expect(try git("status", "--porcelain", in: path).isEmpty)
    #expect(try String(contentsOfFile: path + "/a/x.txt", encoding: .utf8) == "two\n")
    #expect(!FileManager.default.fileExists(atPath: repo.gitDirectory + "gloss-sync"))
  }

  /// The journal written by hand reads back through JSONDecoder as it was, whatever the
  /// paths hold (quotes, backslashes, control characters, non-ASCII), as JSONEncoder's did.
  @Test func journalJSONReadsBackAsWritten() throws {
    let paths = ["a/x.txt", "q\"uote\\back/slash", "tab\tnew\nline\u{1}\u{1F}", "ü/😀 space", ""]
    let journal = SyncJournal(
      branch: "refs/heads/naïve", commit: String(repeating: "ab", count: 20),
      entries: paths.enumerated().map { index, path in
        .init(path: path, old: index % 2 == 0 ? "0a" : nil, new: index % 3 == 0 ? nil : "1b")
      })
    let read = try JSONDecoder().decode(SyncJournal.self, from: journal.json)
    #expect(read.branch == journal.branch && read.commit == journal.commit)
    #expect(read.entries.map(\.path) == paths)
    #expect(read.entries.map(\.old) == journal.entries.map(\.old))
    #expect(read.entries.map(\.new) == journal.entries.map(\.new))
    #expect(
      try JSONDecoder().decode(SyncJournal.self, from: SyncJournal(branch: "b", commit: "c", entries: []).json).entries
        .isEmpty)
  }
}
