import Foundation
import Testing

@testable import GlossCore

@Suite struct WriteRulesTests {
  let settings = Settings(
    name: "t", leads: ["lead"], coders: ["lead": ["lead@example.org"], "ana": ["ana@example.org", "ana@home.org"]])
  let book = Data("codes:\n  - id: a\n    name: A\n  - id: b\n    name: B\n".utf8)

  func rules(
    _ path: String, _ author: String?, before: Data? = Data(), after: Data? = Data(), settings: Settings? = nil
  )
    -> [RuleViolation.Rule]
  {
    WriteRules.violations(path: path, before: before, after: after, author: author, settings: settings ?? self.settings)
      .map(\.rule)
  }

  @Test func leadsChangeAnything() {
    for path in ["gloss.yaml", "documents/d.txt", ".gitattributes", "annotations/ana/d.jsonl", "README.md"] {
      #expect(rules(path, "lead").isEmpty)
    }
    #expect(rules("codebook.yaml", "lead", before: book, after: Data("codes: []\n".utf8)).isEmpty)
  }

  @Test func codersWriteTheirOwnFolderAndNothingElseOfTheProject() {
    #expect(rules("annotations/ana/d.jsonl", "ana").isEmpty)
    #expect(rules("annotations/ana/d.jsonl", "ben") == [.ownerOrLead(owner: "ana")])
    #expect(rules("annotations/ana/d.jsonl", nil) == [.ownerOrLead(owner: "ana")])
    #expect(rules("annotations/consensus/d.jsonl", "ana") == [.consensusLeadsOnly])
    #expect(rules("memos/ana.md", "ana").isEmpty)
    #expect(rules("memos/reconcile/d.md", "ana") == [.leadsOnly])
    for path in ["gloss.yaml", "documents/d.txt", ".gitattributes", "annotations/x.jsonl", ".gitmodules"] {
      #expect(rules(path, "ana") == [.leadsOnly], "\(path)")
      #expect(RuleViolation(path: path, rule: .leadsOnly).reason == "only leads change \(path)")
    }
    #expect(rules("documents/d.txt", "ana", before: nil) == [.leadsOnly])
    #expect(rules("documents/d.txt", "ana", after: nil) == [.leadsOnly])
  }

  @Test func codersAddCodesButChangeNoneUnlessLocked() {
    let added = Data("codes:\n  - id: a\n    name: A\n  - id: b\n    name: B\n  - id: c\n    name: C\n".utf8)
    #expect(rules("codebook.yaml", "ana", before: book, after: added).isEmpty)
    #expect(rules("codebook.yaml", nil, before: book, after: added) == [.identifiedCodersOnly])
    var locked = settings
    locked.codebook = .locked
    #expect(rules("codebook.yaml", "ana", before: book, after: added, settings: locked) == [.codebookLocked])
    let renamed = Data("codes:\n  - id: a\n    name: Renamed\n  - id: b\n    name: B\n".utf8)
    #expect(rules("codebook.yaml", "ana", before: book, after: renamed) == [.codeChanged(id: "a")])
    let merged = Data("codes:\n  - id: b\n    name: B\n".utf8)
    #expect(rules("codebook.yaml", "ana", before: book, after: merged) == [.codeRemoved(id: "a")])
    #expect(rules("codebook.yaml", "ana", before: book, after: Data("codes: [".utf8)) == [.codebookUnreadable])
    #expect(rules("codebook.yaml", "ana", before: book, after: nil) == [.leadsOnly])
  }

  @Test func aTrailerCountsOnlyWithTheCodersEmail() {
    func resolve(_ trailer: String?, _ email: String, _ settings: Settings? = nil) -> CommitAuthor {
      CommitAuthor.resolve(trailer: trailer, email: email, settings: settings ?? self.settings)
    }
    #expect(resolve("ana", "ANA@home.org").coder == "ana")
    #expect(resolve(nil, "ana@example.org").coder == "ana")
    let forged = resolve("lead", "ana@example.org")
    #expect(forged.coder == nil)
    #expect(
      forged.problem
        == "Gloss-Coder: lead, but the author e-mail ana@example.org is not one of lead's (lead@example.org); it is ana's"
    )
    let unlisted = resolve("ben", "ben@example.org")
    #expect(unlisted.coder == nil && unlisted.problem?.contains("ben has no e-mail under coders:") == true)
    #expect(resolve(nil, "who@example.org").problem?.contains("who@example.org is not listed") == true)
    // Without a map, the trailer is all there is.
    let open = Settings(name: "t", leads: ["lead"])
    #expect(resolve("lead", "anyone@example.org", open).coder == "lead")
    #expect(resolve(nil, "anyone@example.org", open).coder == nil)
    // One e-mail shared by two coders names nobody without a trailer.
    let shared = Settings(name: "t", leads: [], coders: ["a": ["x@y.z"], "b": ["x@y.z"]])
    #expect(resolve(nil, "x@y.z", shared).coder == nil)
    #expect(resolve("b", "x@y.z", shared).coder == "b")
  }
}
