import Foundation
import Testing

@testable import GitKit

@Suite struct ReachabilityTests {
  /// A symbolic link and a gitlink are entries of their own kind: never read as files.
  @Test func linksAreNeverFiles() throws {
    let (repo, path) = try temporaryRepository()
    defer { try? FileManager.default.removeItem(atPath: path) }
    try "secret\n".write(toFile: path + "/target.txt", atomically: true, encoding: .utf8)
    try FileManager.default.createDirectory(atPath: path + "/documents", withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(atPath: path + "/documents/x.txt", withDestinationPath: "../target.txt")
    _ = try git("add", "-A", in: path)
    _ = try git("-c", "user.name=t", "-c", "user.email=t@x", "commit", "-qm", "link", in: path)
    let head = try #require(try repo.headCommit())
    let zero = String(repeating: "0", count: 39) + "1"
    _ = try git("update-index", "--add", "--cacheinfo", "160000,\(zero),sub", in: path)
    let tree = try repo.commit(head).tree
    #expect(try repo.entry(at: "documents/x.txt", inTree: tree)?.kind == .symlink)
    #expect(try repo.file(at: "documents/x.txt", inTree: tree) == nil)
    #expect(try repo.files(inTree: tree).map(\.path) == ["target.txt"])
    #expect(try repo.leaves(inTree: tree).map(\.kind) == [.symlink, .blob])
    #expect(try repo.indexEntries().map(\.kind).sorted { "\($0)" < "\($1)" } == [.blob, .gitlink, .symlink])
    #expect(try repo.indexFiles().map(\.path) == ["target.txt"])
    let change = try #require(try repo.changedFiles(from: nil, to: tree).first { $0.path == "documents/x.txt" })
    #expect(change.kind == .symlink)
  }

  /// Commits new to a repository: hidden by every reference, parents first; a missing
  /// parent is an error, not the end of history.
  @Test func newCommitsHideEveryReferenceAndFailOnMissingHistory() throws {
    let (repo, path) = try temporaryRepository()
    defer { try? FileManager.default.removeItem(atPath: path) }
    var commits: [Oid] = []
    for index in 0..<3 {
      let tree = try repo.tree(applying: [.write(path: "f", contents: Data("\(index)".utf8))], to: nil)
      commits.append(
        try repo.createCommit(tree: tree, parents: commits.suffix(1), message: "c\(index)", author: someone))
    }
    #expect(try repo.newCommits(from: [commits[2]], hidingReferences: ["refs/*"]) == commits)
    try repo.setBranch("old", to: commits[0])
    #expect(try repo.newCommits(from: [commits[2]], hidingReferences: ["refs/*"]) == Array(commits[1...]))
    #expect(try repo.references().map(\.name) == ["refs/heads/old"])
    #expect(try repo.newCommits(from: [commits[2]], hidingReferences: ["refs/remotes/origin/*"]) == commits)
    #expect(try repo.peelToCommit(commits[1]) == commits[1])
    #expect(try repo.peelToCommit(try repo.commit(commits[1]).tree) == nil)
    #expect(try repo.missingParent(from: [commits[2]]) == nil)
    let hex = commits[0].hex
    try FileManager.default.removeItem(atPath: path + "/.git/objects/\(hex.prefix(2))/\(hex.dropFirst(2))")
    #expect(throws: GitError.self) { try repo.newCommits(from: [commits[2]]) }
    let missing = try #require(try repo.missingParent(from: [commits[2]]))
    #expect(missing.commit == commits[1] && missing.parent == commits[0])
    #expect(!repo.contains(commits[0]) && repo.contains(commits[1]))
  }
}
