import Foundation
import Testing

@testable import GitKit

/// `changedFiles`, gloss's own walk of two trees, against `git diff-tree` on random trees
/// with files, executables, symbolic links and gitlinks, names that sort around "/",
/// a file that becomes a folder (and the reverse), and path prefixes.
@Suite struct ChangedFilesTests {
  @Test(arguments: [1, 2, 3] as [UInt64])
  func equalsGitDiffTree(seed: UInt64) throws {
    var random = Seeded(state: seed)
    let (repo, path) = try temporaryRepository()
    defer { try? FileManager.default.removeItem(atPath: path) }
    let blobs = try ["one\n", "two\n", "three\n"].map { try run(path, ["hash-object", "-w", "--stdin"], input: $0) }
    let gitlink = String(repeating: "ab", count: 20)
    let names = ["x", "x.y", "x-y", "a", "a-b", "a.b", "b"]
    let folders = ["", "a/", "a-b/", "a.b/", "a/b/", "annotations/ana/", "annotations/ben/", "z/"]
    func randomTree() -> [String: (mode: String, id: String)] {
      var entries: [String: (mode: String, id: String)] = [:]
      for _ in 0..<Int.random(in: 0...14, using: &random) {
        let path = folders.randomElement(using: &random)! + names.randomElement(using: &random)!
        let mode = ["100644", "100644", "100755", "120000", "160000"].randomElement(using: &random)!
        entries[path] = (mode, mode == "160000" ? gitlink : blobs.randomElement(using: &random)!)
      }
      // A path cannot be a file and a folder at once: drop files named like a folder in use.
      return entries.filter { file in !entries.keys.contains { $0.hasPrefix(file.key + "/") } }
    }
    func write(_ entries: [String: (mode: String, id: String)]) throws -> Oid {
      let info = entries.map { "\($0.value.mode) \($0.value.id)\t\($0.key)" }.joined(separator: "\n")
      let index = path + "/.git/scratch-\(UUID().uuidString)"
      defer { try? FileManager.default.removeItem(atPath: index) }
      _ = try run(path, ["update-index", "--add", "--index-info"], input: info + "\n", index: index)
      let tree = try run(path, ["write-tree"], index: index)
      return try #require(Oid(hex: tree), "write-tree: \(tree.debugDescription)")
    }
    for round in 0..<40 {
      let before = randomTree()
      var after = before
      for _ in 0..<Int.random(in: 1...5, using: &random) {
        let step = Int.random(in: 0..<4, using: &random)
        if step == 0, let key = after.keys.randomElement(using: &random) { after[key] = nil }
        if step == 1, let key = after.keys.randomElement(using: &random) {
          after[key] = (["100644", "100755", "120000"].randomElement(using: &random)!, blobs[1])
        }
        if step == 2, let key = after.keys.randomElement(using: &random) {
          after[key] = nil
          after[key + "/" + names.randomElement(using: &random)!] = ("100644", blobs[0])
        }
        if step == 3 { after.merge(randomTree()) { old, _ in old } }
      }
      after = after.filter { file in !after.keys.contains { $0.hasPrefix(file.key + "/") } }
      let (old, new) = (try write(before), try write(after))
      for prefixes in [[], ["annotations"], ["a"], [after.keys.sorted().first ?? "x"]] {
        let ours = try repo.changedFiles(from: old, to: new, under: prefixes).map {
          "\($0.status) \($0.path) \($0.oldBlob?.hex ?? "-") \($0.newBlob?.hex ?? "-") \($0.kind)"
        }
        #expect(ours == (try gitDiff(path, old, new, prefixes)), "seed \(seed) round \(round) \(prefixes)")
      }
      // Against the empty tree: everything added, or deleted.
      #expect(try repo.changedFiles(from: nil, to: new).count == after.count)
      #expect(try repo.changedFiles(from: old, to: nil).allSatisfy { $0.status == .deleted })
    }
  }

  /// `git diff-tree`'s answer in `changedFiles`'s terms: a type change (T) is a deletion then
  /// an addition, as libgit2 reports it without type changes.
  private func gitDiff(_ path: String, _ old: Oid, _ new: Oid, _ prefixes: [String]) throws -> [String] {
    let raw = try run(path, ["diff-tree", "-r", "--no-renames", "-z", old.hex, new.hex, "--"] + prefixes)
    let fields = raw.split(separator: "\0", omittingEmptySubsequences: false).map(String.init)
    var result: [String] = []
    var index = 0
    func kind(_ mode: String) -> String { mode == "120000" ? "symlink" : mode == "160000" ? "gitlink" : "blob" }
    while index + 1 < fields.count {
      let meta = fields[index].split(separator: " ").map(String.init)
      let file = fields[index + 1]
      index += 2
      guard meta.count == 5 else { continue }
      let (oldMode, newMode, oldID, newID) = (meta[0].dropFirst(), meta[1], meta[2], meta[3])
      switch meta[4] {
      case "A": result.append("added \(file) - \(newID) \(kind(newMode))")
      case "D": result.append("deleted \(file) \(oldID) - \(kind(String(oldMode)))")
      case "T":
        result.append("deleted \(file) \(oldID) - \(kind(String(oldMode)))")
        result.append("added \(file) - \(newID) \(kind(newMode))")
      default: result.append("modified \(file) \(oldID) \(newID) \(kind(newMode))")
      }
    }
    return result
  }

  @discardableResult
  private func run(_ path: String, _ arguments: [String], input: String = "", index: String? = nil) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
    process.arguments = ["-C", path] + arguments
    if let index { process.environment = ProcessInfo.processInfo.environment.merging(["GIT_INDEX_FILE": index]) { $1 } }
    let (output, feed) = (Pipe(), Pipe())
    process.standardOutput = output
    process.standardInput = feed
    process.standardError = output
    try process.run()
    feed.fileHandleForWriting.write(Data(input.utf8))
    try feed.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
  }
}
