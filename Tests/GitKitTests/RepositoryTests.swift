import Foundation
import Testing

@testable import GitKit

/// A fresh repository in a temporary folder.
func temporaryRepository(bare: Bool = false) throws -> (Repository, String) {
  let path = FileManager.default.temporaryDirectory.appendingPathComponent("gitkit-\(UUID().uuidString)").path
  return (try Repository.create(at: path, bare: bare), path)
}

func git(_ arguments: String..., in folder: String) throws -> String {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
  process.arguments = arguments
  process.currentDirectoryURL = URL(fileURLWithPath: folder)
  let pipe = Pipe()
  process.standardOutput = pipe
  process.standardError = Pipe()
  try process.run()
  let data = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return String(decoding: data, as: UTF8.self)
}

let someone = Signature(name: "Tester", email: "tester@example.org", time: Date(timeIntervalSince1970: 1_700_000_000))

@Suite struct RepositoryTests {
  @Test func buildsNestedTreesInMemoryAndCommits() throws {
    let (repo, path) = try temporaryRepository()
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect(try repo.headBranch() == "refs/heads/main")
    #expect(try repo.headCommit() == nil)
    let tree = try repo.tree(
      applying: [
        .write(path: "a/b/c.txt", contents: Data("deep\n".utf8)),
        .write(path: "top.txt", contents: Data("top\n".utf8)),
      ], to: nil)
    let first = try repo.createCommit(tree: tree, parents: [], message: "first\n\nGloss-Coder: ana\n", author: someone)
    try repo.compareAndSwap(reference: "refs/heads/main", expected: nil, new: first, logMessage: "first")
    #expect(try repo.file(at: "a/b/c.txt", inTree: tree) == Data("deep\n".utf8))
    #expect(try repo.entries(inFolder: "a", ofTree: tree).map(\.name) == ["b"])
    let info = try repo.commit(first)
    #expect(info.trailers("Gloss-Coder") == ["ana"])
    #expect(info.summary == "first")
    #expect(try git("cat-file", "-p", "HEAD:a/b/c.txt", in: path) == "deep\n")

    // Removing the last file of a folder removes the folder.
    let second = try repo.tree(applying: [.remove(path: "a/b/c.txt")], to: tree)
    #expect(try repo.entries(inFolder: "", ofTree: second).map(\.name) == ["top.txt"])
  }

  @Test func compareAndSwapRefusesAMovedReference() throws {
    let (repo, path) = try temporaryRepository()
    defer { try? FileManager.default.removeItem(atPath: path) }
    let tree = try repo.tree(applying: [.write(path: "f", contents: Data("1".utf8))], to: nil)
    let one = try repo.createCommit(tree: tree, parents: [], message: "one", author: someone)
    try repo.compareAndSwap(reference: "refs/heads/main", expected: nil, new: one, logMessage: "one")
    let two = try repo.createCommit(tree: tree, parents: [one], message: "two", author: someone)
    let three = try repo.createCommit(tree: tree, parents: [one], message: "three", author: someone)
    try repo.compareAndSwap(reference: "refs/heads/main", expected: one, new: two, logMessage: "two")
    #expect(throws: GitError.self) {
      try repo.compareAndSwap(reference: "refs/heads/main", expected: one, new: three, logMessage: "three")
    }
    do {
      try repo.compareAndSwap(reference: "refs/heads/main", expected: one, new: three, logMessage: "three")
    } catch let error as GitError {
      #expect(error.code == .modified)
    }
    #expect(throws: GitError.self) {
      try repo.compareAndSwap(reference: "refs/heads/main", expected: nil, new: three, logMessage: "again")
    }
    #expect(try repo.headCommit() == two)
  }

  @Test func walksAndDiffsHistory() throws {
    let (repo, path) = try temporaryRepository()
    defer { try? FileManager.default.removeItem(atPath: path) }
    var parent: Oid?
    var trees: [Oid] = []
    for index in 0..<5 {
      let tree = try repo.tree(
        applying: [.write(path: "dir/file\(index % 2).txt", contents: Data("\(index)".utf8))],
        to: parent.map { try repo.commit($0).tree })
      let commit = try repo.createCommit(
        tree: tree, parents: parent.map { [$0] } ?? [], message: "c\(index)",
        author: Signature(name: "T", email: "t@x", time: Date(timeIntervalSince1970: Double(1_700_000_000 + index))))
      try repo.compareAndSwap(reference: "refs/heads/main", expected: parent, new: commit, logMessage: "c")
      parent = commit
      trees.append(tree)
    }
    guard let tip = parent else { return }
    let newestFirst = try repo.walk(from: tip)
    #expect(newestFirst.count == 5)
    #expect(try repo.commit(newestFirst[0]).summary == "c4")
    #expect(try repo.walk(from: tip, oldestFirst: true).first.map { try repo.commit($0).summary } == "c0")
    let changes = try repo.changedFiles(from: trees[3], to: trees[4], under: ["dir"])
    #expect(changes.map(\.path) == ["dir/file0.txt"])
    #expect(changes.first?.status == .modified)
    let fromEmpty = try repo.changedFiles(from: nil, to: trees[1])
    #expect(fromEmpty.map(\.status) == [.added, .added])
    #expect(try repo.resolveCommit("HEAD~2") == newestFirst[2])
    #expect(throws: GitError.self) { try repo.resolveCommit("nope") }
    #expect(try repo.mergeBase(newestFirst[0], newestFirst[3]) == newestFirst[3])
    #expect(try repo.isAncestor(newestFirst[3], of: newestFirst[0]))
  }

  @Test func workTreeSyncKeepsGitStatusClean() throws {
    let (repo, path) = try temporaryRepository()
    defer { try? FileManager.default.removeItem(atPath: path) }
    let updates: [TreeUpdate] = [.write(path: "x/y.txt", contents: Data("hello\n".utf8))]
    let tree = try repo.tree(applying: updates, to: nil)
    let commit = try repo.createCommit(tree: tree, parents: [], message: "m", author: someone)
    try repo.moveBranch(
      "refs/heads/main", from: nil, to: commit, updates: updates, holding: try repo.lockIndex(), logMessage: "m")
    #expect(try git("status", "--porcelain", in: path).isEmpty)
    #expect(try repo.pathsWithLocalChanges(["x/y.txt", "absent.txt"]).isEmpty)
    try "changed\n".write(toFile: path + "/x/y.txt", atomically: true, encoding: .utf8)
    #expect(try repo.pathsWithLocalChanges(["x/y.txt"]) == ["x/y.txt"])
  }

  @Test func oidsParseAndPrint() {
    let hex = "0123456789abcdef0123456789abcdef01234567"
    #expect(Oid(hex: hex)?.hex == hex)
    #expect(Oid(hex: "xyz") == nil)
  }

  @Test func openingSomethingThatIsNotARepositoryFails() {
    #expect(throws: GitError.self) { try Repository.open(at: "/proc/definitely/not/here") }
  }
}
