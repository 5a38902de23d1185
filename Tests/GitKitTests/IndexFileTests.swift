import CLibgit2
import CSHA1
import Foundation
import Testing

@testable import GitKit

/// gloss's own index writer (`IndexFile`) against libgit2's and git's: byte for byte the file
/// libgit2 writes for the same changes, read by git, and left to libgit2 whenever the index
/// is of a kind it does not handle.
/// A reproducible generator (SplitMix64), so a failure names the seed that replays it.
struct Seeded: RandomNumberGenerator {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

@Suite struct IndexFileTests {
  @Test func sha1MatchesSha1sumAndThePortableVersion() throws {
    var random = Seeded(state: 7)
    for length in [0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 65_536, 200_003] {
      let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
      var fast = [UInt8](repeating: 0, count: 20)
      var portable = fast
      csha1(bytes, bytes.count, &fast)
      csha1_portable(bytes, bytes.count, &portable)
      #expect(fast == portable, "length \(length)")
      let file = FileManager.default.temporaryDirectory.appendingPathComponent("sha-\(UUID().uuidString)").path
      defer { try? FileManager.default.removeItem(atPath: file) }
      try Data(bytes).write(to: URL(fileURLWithPath: file))
      let sum = try shell("/usr/bin/sha1sum", [file]).prefix(40)
      #expect(fast.map { String(format: "%02x", $0) }.joined() == sum, "length \(length)")
    }
  }

  /// Random additions, replacements and removals, chained over 80 rounds (25 for the large one) on an index git
  /// wrote (with its cache tree): each result equals libgit2's byte for byte, and git reads
  /// the last one. Seed 3's index holds thousands of entries (several hash checkpoints).
  @Test(arguments: [1, 2, 3] as [UInt64])
  func writesWhatLibgit2Writes(seed: UInt64) throws {
    var random = Seeded(state: seed)
    let (repo, path) = try populatedRepository(&random, perFolder: seed == 3 ? 400...600 : 3...12)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let ours = path + "/.git/ours-index"
    let theirs = path + "/.git/theirs-index"
    let sums = path + "/.git/ours-sums"
    try FileManager.default.copyItem(atPath: repo.indexPath, toPath: ours)
    try FileManager.default.copyItem(atPath: repo.indexPath, toPath: theirs)
    var known = try listedPaths(path)
    for round in 0..<(seed == 3 ? 25 : 80) {
      let folders = ["annotations/ana", "annotations/ben-2", "annotations/new\(round % 3)", "x.y", "z"]
      let changes = randomChanges(
        &random, known: &known, round: round, count: 1...4, replacing: 5, of: 10,
        newName: { "\(folders.randomElement(using: &$0)!)/d\(Int.random(in: 0..<700, using: &$0)).jsonl" })
      // From the second round on, the file is checked by the sums the round before wrote,
      // so a wrong checkpoint there shows as a checksum unlike libgit2's.
      let file = try #require(IndexFile(path: ours, sums: sums), "seed \(seed) round \(round)")
      #expect(file.checkedBySums == (round > 0), "seed \(seed) round \(round)")
      let update = try #require(file.update(changes), "seed \(seed) round \(round)")
      let written = file.contents(of: update)
      let checksum = file.checksum(of: update)
      // Replaced, not written over: `file` maps the old one, as the engine's does.
      try Data(written).write(to: URL(fileURLWithPath: ours), options: .atomic)
      IndexSums.write(sums, checksum)
      #expect(checksum.size == written.count && update.size + 20 == written.count)
      try libgit2Update(theirs, changes)
      let expected = try [UInt8](Data(contentsOf: URL(fileURLWithPath: theirs)))
      let same = written == expected
      #expect(same, "seed \(seed) round \(round): \(changes.map(\.path))")
      if !same { return }
      let reread = try #require(IndexFile(path: ours))
      var last: [String: Oid?] = [:]
      for change in changes { last[change.path] = change.entry.map { Oid($0.id) } }
      for (path, id) in last { #expect(reread.entry(path)?.id == id, "seed \(seed) round \(round) \(path)") }
    }
    // git checks the checksum and the cache tree's format as it reads.
    try FileManager.default.removeItem(atPath: repo.indexPath)
    try FileManager.default.copyItem(atPath: ours, toPath: repo.indexPath)
    let listed = try shell("/usr/bin/git", ["-C", path, "ls-files", "--stage"])
    #expect(Set(listed.split(separator: "\n").map { String($0.split(separator: "\t")[1]) }) == known)
    #expect(try shell("/usr/bin/git", ["-C", path, "write-tree", "--missing-ok"]).count == 41)
  }

  /// What libgit2 must handle: a damaged checksum, index version 4, a split index without
  /// its shared index, an untracked cache, a conflict at the changed path, a file where a folder is.
  @Test func leavesOtherIndexesToLibgit2() throws {
    var random = Seeded(state: 11)
    let (repo, path) = try populatedRepository(&random)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let change: [IndexFile.Change] = [("annotations/ana/d1.jsonl", randomEntry(&random))]
    #expect(IndexFile(path: repo.indexPath)?.updated(change) != nil)
    // A file where a folder is, and a folder where a file is.
    #expect(IndexFile(path: repo.indexPath)?.updated([("annotations", randomEntry(&random))]) == nil)
    #expect(IndexFile(path: repo.indexPath)?.updated([("x.y/d1.jsonl/deeper", randomEntry(&random))]) == nil)

    var damaged = try [UInt8](Data(contentsOf: URL(fileURLWithPath: repo.indexPath)))
    damaged[20] ^= 1
    let copy = path + "/.git/damaged-index"
    try Data(damaged).write(to: URL(fileURLWithPath: copy))
    #expect(IndexFile(path: copy) == nil)
    #expect(IndexFile(path: path + "/.git/missing-index") == nil)

    // An entry cut short whose flags claim a long name past the extended flags: left to
    // libgit2, not read past the end.
    var truncated: [UInt8] = Array("DIRC".utf8) + [0, 0, 0, 3, 0, 0, 0, 1] + [UInt8](repeating: 0, count: 60)
    truncated += [0x4F, 0xFF] + [UInt8](repeating: 0, count: 20)
    try Data(truncated).write(to: URL(fileURLWithPath: copy))
    #expect(IndexFile(path: copy) == nil)

    _ = try shell("/usr/bin/git", ["-C", path, "update-index", "--index-version", "4"])
    #expect(IndexFile(path: repo.indexPath) == nil)
    _ = try shell("/usr/bin/git", ["-C", path, "update-index", "--index-version", "2"])
    #expect(IndexFile(path: repo.indexPath) != nil)
    // A split index is read (`SplitIndexTests`), but not without its shared index.
    _ = try shell("/usr/bin/git", ["-C", path, "update-index", "--split-index"])
    let shared = try #require(IndexFile(path: repo.indexPath)?.link?.sharedID).map { String(format: "%02x", $0) }
    try FileManager.default.moveItem(
      atPath: path + "/.git/sharedindex." + shared.joined(), toPath: path + "/.git/shared-elsewhere")
    #expect(IndexFile(path: repo.indexPath) == nil)
    try FileManager.default.moveItem(
      atPath: path + "/.git/shared-elsewhere", toPath: path + "/.git/sharedindex." + shared.joined())
    _ = try shell("/usr/bin/git", ["-C", path, "update-index", "--no-split-index"])
    _ = try shell("/usr/bin/git", ["-C", path, "-c", "core.untrackedCache=true", "status"])
    _ = try shell("/usr/bin/git", ["-C", path, "update-index", "--untracked-cache"])
    _ = try shell("/usr/bin/git", ["-C", path, "status"])
    #expect(IndexFile(path: repo.indexPath) == nil)
    _ = try shell("/usr/bin/git", ["-C", path, "update-index", "--no-untracked-cache"])
    #expect(IndexFile(path: repo.indexPath) != nil)

    // A conflict: the path at stages 1-3.
    let blob = try shell("/usr/bin/git", ["-C", path, "rev-parse", "HEAD:annotations/ana/d1.jsonl"]).prefix(40)
    let stages = (1...3).map { "100644 \(blob) \($0)\tannotations/ana/d1.jsonl" }.joined(separator: "\n")
    _ = try shell("/usr/bin/git", ["-C", path, "update-index", "--force-remove", "annotations/ana/d1.jsonl"])
    _ = try shell("/usr/bin/git", ["-C", path, "update-index", "--index-info"], input: stages + "\n")
    let conflicted = try #require(IndexFile(path: repo.indexPath))
    #expect(conflicted.updated(change) == nil)
    #expect(conflicted.entry("annotations/ana/d1.jsonl") == nil)
  }

  /// Sums that do not belong to the index, or are damaged, are ignored: the file is hashed
  /// and checked as if there were none.
  @Test func ignoresSumsOfAnotherIndexOrDamagedOnes() throws {
    var random = Seeded(state: 5)
    let (repo, path) = try populatedRepository(&random, perFolder: 400...600)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let sums = path + "/.git/gloss-index-sums"
    let file = try #require(IndexFile(path: repo.indexPath))
    let update = try #require(file.update([("annotations/ana/d1.jsonl", randomEntry(&random))]))
    IndexSums.write(sums, file.checksum(of: update))
    try Data(file.contents(of: update)).write(to: URL(fileURLWithPath: repo.indexPath), options: .atomic)
    #expect(try #require(IndexFile(path: repo.indexPath, sums: sums)).checkedBySums)
    let good = try Data(contentsOf: URL(fileURLWithPath: sums))
    for position in [0, 9, 20, 40, 60, good.count / 2, good.count - 1] {
      var damaged = good
      damaged[position] ^= 0x10
      try damaged.write(to: URL(fileURLWithPath: sums))
      #expect(try #require(IndexFile(path: repo.indexPath, sums: sums)).checkedBySums == false, "byte \(position)")
    }
    try good.prefix(good.count - 1).write(to: URL(fileURLWithPath: sums))
    #expect(try #require(IndexFile(path: repo.indexPath, sums: sums)).checkedBySums == false)
    // git rewrites the index: the sums no longer match its checksum.
    try good.write(to: URL(fileURLWithPath: sums))
    _ = try shell("/usr/bin/git", ["-C", path, "update-index", "--force-remove", "annotations/ana/d2.jsonl"])
    let rewritten = try #require(IndexFile(path: repo.indexPath, sums: sums))
    #expect(rewritten.checkedBySums == false)
    #expect(rewritten.entry("annotations/ana/d2.jsonl") == nil)
    // A damaged index is refused even beside sums that were right for it before.
    IndexSums.write(sums, rewritten.checksum(of: try #require(rewritten.update([]))))
    #expect(try #require(IndexFile(path: repo.indexPath, sums: sums)).checkedBySums)
    var index = try [UInt8](Data(contentsOf: URL(fileURLWithPath: repo.indexPath)))
    index[index.count - 1] ^= 1
    try Data(index).write(to: URL(fileURLWithPath: repo.indexPath))
    #expect(IndexFile(path: repo.indexPath, sums: sums) == nil)
  }

  /// The streamed hash equals a one-shot hash however the bytes are cut, and keeps the
  /// state at every stride.
  @Test func streamHashMatchesOneShotHashes() {
    var random = Seeded(state: 9)
    for _ in 0..<40 {
      let length = Int.random(in: 0...300_000, using: &random)
      let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
      var hash = StreamHash(stride: 1 << 12)
      var at = 0
      while at < length {
        let piece = min(length - at, [1, 63, 64, 65, 4095, 4096, 10_000].randomElement(using: &random)!)
        bytes.withUnsafeBytes { hash.feed(UnsafeRawBufferPointer(rebasing: $0[at..<at + piece])) }
        at += piece
      }
      var expected = [UInt8](repeating: 0, count: 20)
      csha1_portable(bytes, bytes.count, &expected)
      #expect(hash.digest() == expected, "length \(length)")
      #expect(hash.checkpoints.count == length / (1 << 12) + 1)
      #expect(hash.checkpoints.enumerated().allSatisfy { Int($1.length) == $0 << 12 })
    }
  }

  // MARK: Support

  /// A repository git committed, with folders whose names sort around "/" ("ben-2", "x.y").
  func populatedRepository(_ random: inout Seeded, perFolder: ClosedRange<Int> = 3...12) throws -> (
    Repository, String
  ) {
    let (repo, path) = try temporaryRepository()
    for folder in ["annotations/ana", "annotations/ben", "annotations/ben-2", "documents", "x.y", "x-y", "z"] {
      try FileManager.default.createDirectory(atPath: path + "/" + folder, withIntermediateDirectories: true)
      for n in 0..<Int.random(in: perFolder, using: &random) {
        try Data("\(folder) \(n)\n".utf8).write(to: URL(fileURLWithPath: "\(path)/\(folder)/d\(n).jsonl"))
      }
    }
    try Data("top\n".utf8).write(to: URL(fileURLWithPath: path + "/x"))
    _ = try shell("/usr/bin/git", ["-C", path, "add", "-A"])
    _ = try shell(
      "/usr/bin/git", ["-C", path, "-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-qm", "files"])
    return (repo, path)
  }

  func listedPaths(_ path: String) throws -> Set<String> {
    Set(try shell("/usr/bin/git", ["-C", path, "ls-files"]).split(separator: "\n").map(String.init))
  }

  /// Random changes to an index listing `known` (kept up to date): out of `outOf`,
  /// `replacing` replace an entry, two add one named by `newName`, two remove one, and the
  /// rest remove a path that is not there.
  func randomChanges(
    _ random: inout Seeded, known: inout Set<String>, round: Int, count: ClosedRange<Int>, replacing: Int,
    of outOf: Int, newName: (inout Seeded) -> String
  ) -> [IndexFile.Change] {
    var changes: [IndexFile.Change] = []
    for _ in 0..<Int.random(in: count, using: &random) {
      let pick = Int.random(in: 0..<outOf, using: &random)
      if pick < replacing, let name = known.randomElement(using: &random) {
        changes.append((name, randomEntry(&random)))
      } else if pick < replacing + 2 {
        let name = newName(&random)
        changes.append((name, randomEntry(&random)))
        known.insert(name)
      } else if pick < replacing + 4, let name = known.randomElement(using: &random) {
        changes.append((name, nil))
        known.remove(name)
      } else {
        changes.append(("annotations/absent\(round).jsonl", nil))
      }
    }
    return changes
  }

  func randomEntry(_ random: inout Seeded) -> git_index_entry {
    var entry = git_index_entry()
    entry.ctime = git_index_time(seconds: Int32.random(in: 0...Int32.max, using: &random), nanoseconds: 5)
    entry.mtime = git_index_time(
      seconds: Int32.random(in: 0...Int32.max, using: &random),
      nanoseconds: UInt32.random(in: 0..<1_000_000_000, using: &random))
    entry.dev = UInt32.random(in: 0...UInt32.max, using: &random)
    entry.ino = UInt32.random(in: 0...UInt32.max, using: &random)
    entry.mode = Bool.random(using: &random) ? 0o100644 : 0o100755
    entry.uid = 1000
    entry.gid = 1000
    entry.file_size = UInt32.random(in: 0...100_000, using: &random)
    withUnsafeMutableBytes(of: &entry.id.id) { bytes in
      for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255, using: &random) }
    }
    return entry
  }

  /// The same changes through libgit2, as the engine made them before `IndexFile`.
  func libgit2Update(_ file: String, _ changes: [IndexFile.Change]) throws {
    var index: OpaquePointer?
    try check(git_index_open(&index, file), "open")
    defer { git_index_free(index) }
    for (path, entry) in changes {
      if var entry {
        try path.withCString { name in
          entry.path = name
          try check(git_index_add(index, &entry), "add")
        }
      } else {
        _ = git_index_remove(index, path, 0)
      }
    }
    try check(git_index_write(index), "write")
  }

  @discardableResult
  func shell(_ tool: String, _ arguments: [String], input: String? = nil) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    let feed = Pipe()
    process.standardInput = feed
    try process.run()
    if let input { feed.fileHandleForWriting.write(Data(input.utf8)) }
    try feed.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
  }
}
