import Foundation
import Testing

@testable import GitKit

/// A fresh repository in a temporary folder.
func temporaryRepository(bare: Bool = false) throws -> (Repository, String) {
  let path = FileManager.default.temporaryDirectory.appendingPathComponent("gitkit-\(UUID().uuidString)").path
  return (try Repository.create(at: path, bare: bare), path)
}

func git(_ arguments: String..., in folder: String) throws -> String {
  try git(args: arguments, in: folder)
}

func git(args arguments: [String], in folder: String) throws -> String {
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
    // Within the index's second the stat data proves nothing: the bytes are compared. An
    // edit of the same size is seen; the same bytes written again are not a change.
    try "hellO\n".write(toFile: path + "/x/y.txt", atomically: true, encoding: .utf8)
    #expect(try repo.pathsWithLocalChanges(["x/y.txt"]) == ["x/y.txt"])
    try "hello\n".write(toFile: path + "/x/y.txt", atomically: true, encoding: .utf8)
    #expect(try repo.pathsWithLocalChanges(["x/y.txt"]).isEmpty)
    try "changed\n".write(toFile: path + "/x/y.txt", atomically: true, encoding: .utf8)
    #expect(try repo.pathsWithLocalChanges(["x/y.txt"]) == ["x/y.txt"])
  }

  /// Blob ids hashed by gloss (to recognise work-tree files) are git's: every length
  /// around the first block's boundary, for each header length, and a few large ones, against
  /// libgit2 and `git hash-object` on the same files.
  @Test func blobIDsHashedHereAreGits() throws {
    let (repo, path) = try temporaryRepository()
    defer { try? FileManager.default.removeItem(atPath: path) }
    var seed: UInt64 = 0xB10B
    func byte() -> UInt8 {
      seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return UInt8(truncatingIfNeeded: seed >> 33)
    }
    let lengths = Array(0...130) + [999, 1000, 1001, 9_999, 10_000, 65_536 + 7, 123_457]
    var files: [String] = []
    for length in lengths {
      let data = Data((0..<length).map { _ in byte() })
      #expect(Oid(blobHashing: data) == (try repo.writeBlob(data)), "length \(length)")
      if length % 16 == 0 || length > 200 {
        let file = path + "/f\(length)"
        try data.write(to: URL(fileURLWithPath: file))
        files.append(file)
      }
    }
    let witness = try git(args: ["hash-object"] + files, in: path).split(separator: "\n").map(String.init)
    #expect(witness.count == files.count)
    for (file, id) in zip(files, witness) {
      let data = try Data(contentsOf: URL(fileURLWithPath: file))
      #expect(Oid(blobHashing: data).hex == id, "\(file)")
    }
  }

  @Test func oidsParseAndPrint() {
    let hex = "0123456789abcdef0123456789abcdef01234567"
    #expect(Oid(hex: hex)?.hex == hex)
    #expect(Oid(hex: "xyz") == nil)
    #expect(Oid(hex: String(hex.dropLast())) == nil)
    #expect(Oid(hex: hex)?.short == "0123456789")
  }

  @Test func oidsOrderAndHashLikeTheirBytes() throws {
    // Ids differing in the first, a middle and the last byte: order follows the bytes.
    let hexes = [
      "ff00000000000000000000000000000000000000", "0000000000000000000000000000000000000001",
      "00000000000000000000ff000000000000000000", "0000000000000000000000000000000000000000",
      "00000000000000008000000000000000000000ff",
    ]
    let ids = try hexes.map { try #require(Oid(hex: $0)) }
    #expect(ids.sorted().map(\.hex) == hexes.sorted())
    #expect(Set(ids + ids).count == hexes.count)
    #expect(try #require(Oid(hex: hexes[1])) == ids[1])
  }

  /// Server text arrives in pieces with LF, CRLF or CR (progress) line ends and trailing
  /// blanks; each line comes out once, trimmed on the right, empty ones dropped.
  @Test func serverTextSplitsIntoRemoteLines() {
    let text = "counting 1%\rcounting 100%\r\nhook says no  \n\n\tindented\n"
    #expect(RemoteText.lines(Data(text.utf8)) == ["counting 1%", "counting 100%", "hook says no", "\tindented"])
  }

  @Test func localRemotesAreFoldersAndFileURLs() throws {
    let (repo, path) = try temporaryRepository()
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect(repo.localPath(of: path) == path)
    #expect(repo.localPath(of: "file://" + path) == path)
    #expect(repo.localPath(of: ".git") == repo.workdir.map { $0 + ".git" })
    #expect(repo.localPath(of: "git://127.0.0.1/x.git") == nil)
    #expect(repo.localPath(of: "host:no/such/folder") == nil)
  }

  @Test func hooksFolderFollowsCoreHooksPathAsGitDoes() throws {
    let (repo, path) = try temporaryRepository()
    defer { try? FileManager.default.removeItem(atPath: path) }
    let git = repo.gitDirectory
    #expect(repo.hooksFolder(receiving: false) == git + "hooks")
    try repo.setConfig("core.hooksPath", "team-hooks")
    #expect(repo.hooksFolder(receiving: false) == (repo.workdir ?? "") + "team-hooks")
    #expect(repo.hooksFolder(receiving: true) == git + "team-hooks")
    try repo.setConfig("core.hooksPath", "/srv/hooks")
    #expect(repo.hooksFolder(receiving: true) == "/srv/hooks")
  }

  @Test func openingSomethingThatIsNotARepositoryFails() {
    #expect(throws: GitError.self) { try Repository.open(at: "/proc/definitely/not/here") }
  }
}
