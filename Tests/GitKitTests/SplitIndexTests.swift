import CLibgit2
import Foundation
import Testing

@testable import GitKit

/// git's split index (`core.splitIndex`), read and written by gloss with git as the witness:
/// git splits and changes the index and gloss lists what git lists; gloss writes split
/// indexes through many random changes and git reads each one.
extension IndexFileTests {
  @Test func readsTheIndexGitSplits() throws {
    var random = Seeded(state: 21)
    let (repo, path) = try populatedRepository(&random, perFolder: 20...40)
    defer { try? FileManager.default.removeItem(atPath: path) }
    // Past the second the files were written in: git keeps racily clean entries out of the
    // shared index, and would write every entry as a replacement.
    Thread.sleep(forTimeInterval: 1.1)
    try shell("/usr/bin/git", ["-C", path, "config", "core.splitIndex", "true"])
    try shell("/usr/bin/git", ["-C", path, "update-index", "--split-index"])
    // Replaced entries, removed ones and added ones, in git's own split index.
    for name in ["annotations/ana/d1.jsonl", "z/d2.jsonl", "x.y/d3.jsonl"] {
      try Data("changed \(name)\n".utf8).write(to: URL(fileURLWithPath: path + "/" + name))
    }
    try Data("new\n".utf8).write(to: URL(fileURLWithPath: path + "/annotations/ana/new.jsonl"))
    try Data("new\n".utf8).write(to: URL(fileURLWithPath: path + "/0-first"))
    try shell(
      "/usr/bin/git",
      ["-C", path, "-c", "splitIndex.maxPercentChange=100", "add", "annotations", "z", "x.y", "0-first"])
    try shell(
      "/usr/bin/git",
      [
        "-C", path, "-c", "splitIndex.maxPercentChange=100", "rm", "-q", "--cached", "x-y/d4.jsonl",
        "documents/d0.jsonl",
      ])
    let file = try #require(IndexFile(path: repo.indexPath))
    let link = try #require(file.link)
    #expect(!link.replaced.isEmpty && !link.deleted.isEmpty && file.entryCount > link.replaced.count)
    let listed = try shell("/usr/bin/git", ["-C", path, "ls-files", "-s"])
    #expect(lsFiles(try #require(file.allEntries())) == listed)
    for line in listed.split(separator: "\n") {
      let fields = line.split(separator: "\t")
      let id = String(fields[0].split(separator: " ")[1])
      #expect(file.entry(String(fields[1]))?.id.hex == id, "\(fields[1])")
    }
    #expect(file.entry("x-y/d4.jsonl") == nil && file.entry("documents/d0.jsonl") == nil)
    #expect(file.entry("missing") == nil)
  }

  /// Random replacements, removals and additions with `core.splitIndex` true: git reads
  /// every index gloss writes and lists what libgit2 lists for the same changes to an index
  /// that is not split, and most rounds write only the small split part.
  @Test(arguments: [1, 2] as [UInt64])
  func writesSplitIndexesGitReads(seed: UInt64) throws {
    var random = Seeded(state: seed + 40)
    let (repo, path) = try populatedRepository(&random, perFolder: 60...90)
    defer { try? FileManager.default.removeItem(atPath: path) }
    try shell("/usr/bin/git", ["-C", path, "config", "core.splitIndex", "true"])
    let theirs = path + "/.git/theirs-index"
    try FileManager.default.copyItem(atPath: repo.indexPath, toPath: theirs)
    var known = try listedPaths(path)
    var small = 0
    var offsetsKnown = 0
    for round in 0..<60 {
      let changes = randomChanges(
        &random, known: &known, round: round, count: 1...3, replacing: 15, of: 20,
        newName: { "annotations/new\(round % 4)/d\(Int.random(in: 0..<50, using: &$0)).jsonl" })
      let file = try #require(IndexFile(path: repo.indexPath, sums: repo.indexSumsPath), "seed \(seed) round \(round)")
      guard case .written(let sums) = try repo.writeScratchIndex(file, changes) else {
        Issue.record("seed \(seed) round \(round): left to libgit2")
        return
      }
      #expect(rename(repo.scratchIndexPath, repo.indexPath) == 0)
      if let sums { IndexSums.write(repo.indexSumsPath, sums) }
      try libgit2Update(theirs, changes)
      let expected = lsFiles(try #require(IndexFile(path: theirs)?.allEntries()))
      let listed = try shell("/usr/bin/git", ["-C", path, "ls-files", "-s"])
      #expect(listed == expected, "seed \(seed) round \(round): \(changes.map(\.path))")
      if listed != expected { return }
      let reread = try #require(IndexFile(path: repo.indexPath, sums: repo.indexSumsPath))
      let link = try #require(reread.link, "seed \(seed) round \(round)")
      if link.shared.offsetsFromSums { offsetsKnown += 1 }
      if try fileSize(repo.indexPath) * 4 < fileSize(path + "/.git/" + Link.sharedIndexName(link.sharedID)) {
        small += 1
      }
    }
    #expect(small >= 40, "seed \(seed): \(small) of 60 writes kept to the split part")
    // The shared index is read entry by entry once, then its offsets come from the sums.
    #expect(offsetsKnown >= 30, "seed \(seed): \(offsetsKnown) of 60 reads took the offsets from the sums")
    #expect(try shell("/usr/bin/git", ["-C", path, "write-tree", "--missing-ok"]).count == 41)
    // git changes what gloss wrote, and gloss reads it back.
    try shell("/usr/bin/git", ["-C", path, "rm", "-q", "--cached", "x"])
    let afterGit = try #require(IndexFile(path: repo.indexPath, sums: repo.indexSumsPath))
    #expect(
      lsFiles(try #require(afterGit.allEntries())) == (try shell("/usr/bin/git", ["-C", path, "ls-files", "-s"])))
  }

  /// `core.splitIndex` false joins a split index at the next write; unset keeps it split.
  @Test func followsCoreSplitIndex() throws {
    var random = Seeded(state: 33)
    let (repo, path) = try populatedRepository(&random)
    defer { try? FileManager.default.removeItem(atPath: path) }
    try shell("/usr/bin/git", ["-C", path, "update-index", "--split-index"])
    func write() throws -> IndexFile {
      let file = try #require(IndexFile(path: repo.indexPath))
      guard case .written = try repo.writeScratchIndex(file, [("annotations/ana/d1.jsonl", randomEntry(&random))])
      else { throw GitError(code: .other(-1), message: "left to libgit2", operation: "test") }
      #expect(rename(repo.scratchIndexPath, repo.indexPath) == 0)
      return try #require(IndexFile(path: repo.indexPath))
    }
    #expect(try write().link != nil)
    try shell("/usr/bin/git", ["-C", path, "config", "core.splitIndex", "false"])
    #expect(try write().link == nil)
    #expect(try write().link == nil)
    try shell("/usr/bin/git", ["-C", path, "config", "core.splitIndex", "true"])
    #expect(try write().link != nil)
    #expect(try shell("/usr/bin/git", ["-C", path, "ls-files"]).contains("annotations/ana/d1.jsonl"))
  }

  /// EWAH bitmaps gloss writes read back as the same positions, dense or sparse.
  @Test func ewahRoundTrips() {
    var random = Seeded(state: 77)
    for _ in 0..<200 {
      let limit = Int.random(in: 1...5000, using: &random)
      let density = Double.random(in: 0...1, using: &random)
      let positions = (0..<limit).filter { _ in Double.random(in: 0..<1, using: &random) < density }
      let bytes = EWAH.encoded(positions)
      let decoded = bytes.withUnsafeBytes { EWAH.positions($0[...], below: limit) }
      #expect(decoded?.0 == positions && decoded?.1 == bytes.count)
      // A position past the shared index is refused, as is a bitmap cut short.
      if let last = positions.last {
        #expect(bytes.withUnsafeBytes { EWAH.positions($0[...], below: last) } == nil)
      }
      #expect(bytes.withUnsafeBytes { EWAH.positions($0[..<(bytes.count - 1)], below: limit) } == nil)
    }
  }

  // MARK: Support

  /// Entries as `git ls-files -s` prints them.
  private func lsFiles(_ entries: [(path: String, id: Oid, mode: UInt32)]) -> String {
    entries.map { String($0.mode, radix: 8) + " " + $0.id.hex + " 0\t" + $0.path + "\n" }.joined()
  }

  private func fileSize(_ path: String) throws -> Int {
    try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
  }
}
