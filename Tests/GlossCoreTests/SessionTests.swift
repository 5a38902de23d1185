import Foundation
import GitKit
import Testing

@testable import GlossCore

/// The generic commit engine (issue 12): `.unchanged` writes nothing and throws nothing,
/// and a body is rerun on a fresh transaction when the branch moved under it.
@Suite struct SessionTests {
  func project() throws -> (Project, String) {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("gloss-session-\(UUID().uuidString)").path
    let (project, _) = try Project.initialize(at: path, name: "t", leads: ["lead"], coder: "lead")
    return (project, path)
  }

  @Test func unchangedWritesNothingAndThrowsNothing() throws {
    let (project, path) = try project()
    defer { try? FileManager.default.removeItem(atPath: path) }
    let session = try project.session(as: "ana")
    #expect(session.coder == "ana" && !session.isLead)
    let before = try project.repository.headCommit()
    let (result, value) = try session.commit { transaction -> Change<Int> in
      transaction.write("notes.txt", Data("x".utf8))
      return .unchanged(42)
    }
    #expect(result == nil && value == 42)
    #expect(try project.repository.headCommit() == before)
    #expect(!FileManager.default.fileExists(atPath: path + "/notes.txt"))
  }

  @Test func aMovedBranchReRunsTheBodyOnAFreshTransaction() throws {
    let (project, path) = try project()
    defer { try? FileManager.default.removeItem(atPath: path) }
    let repository = project.repository
    let session = try project.session(as: "lead")
    var seen: [Transaction] = []
    var moved: Oid?
    let (result, count) = try session.commit { transaction -> Change<Int> in
      seen.append(transaction)
      if moved == nil, let tip = transaction.snapshot.commit {
        // Another writer commits between our read and our compare-and-swap.
        let tree = try repository.tree(
          applying: [.write(path: "other.txt", contents: Data("o".utf8))], to: try repository.commit(tip).tree)
        let other = try repository.createCommit(
          tree: tree, parents: [tip], message: "other\n", author: Signature(name: "o", email: "o@x", time: Date()))
        try repository.setBranch("main", to: other, force: true)
        moved = other
      }
      transaction.write("mine.txt", Data("m".utf8))
      return .commit(summary: "gloss: lead writes mine.txt", value: seen.count)
    }
    #expect(count == 2 && seen[0] !== seen[1], "a new transaction per attempt")
    let commit = try repository.commit(try #require(result).oid)
    #expect(commit.parents == [try #require(moved)])
    #expect(commit.trailers("Gloss-Coder") == ["lead"])
    #expect(try repository.file(at: "other.txt", inTree: commit.tree) != nil)
  }
}
