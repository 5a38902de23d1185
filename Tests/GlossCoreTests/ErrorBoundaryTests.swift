import Foundation
import GitKit
import Testing

@testable import GlossCore

/// GlossCore's callers see only GlossError (issue 12): libgit2 failures are translated once,
/// at the boundary, and messages come from typed payloads.
@Suite struct ErrorBoundaryTests {
  @Test func gitFailuresBecomeGlossErrors() throws {
    let failure = GitError(code: .notFound, message: "object not found", operation: "read the codebook")
    #expect(throws: GlossError.git(operation: "read the codebook", message: "object not found")) {
      try GlossError.translatingGitErrors { throw failure }
    }
    #expect(
      GlossError.git(operation: "read the codebook", message: "object not found").localizedDescription
        == "read the codebook: object not found")
    // Gloss's own errors pass through untouched.
    #expect(throws: GlossError.detachedHead) { try GlossError.translatingGitErrors { throw GlossError.detachedHead } }
  }

  @Test func typedPayloadsRenderTheUsersMessages() {
    #expect(
      GlossError.alreadyAssigned(coder: "ben", code: "c1", start: 0, end: 9, doc: "d1").localizedDescription
        == "ben already assigned c1 to chars 0-9 of d1")
    #expect(GlossError.nothingToChange(.blindAlready(on: true)).localizedDescription == "blind coding is already on")
    #expect(
      GlossError.nothingToChange(.noDocumentCodedTwice(coders: [])).localizedDescription.hasSuffix("coders (none)"))
    #expect(
      GlossError.alphaBelow(
        minimum: 0.8, codes: [CodeAlpha(code: "c1", alpha: 0.5), CodeAlpha(code: "c2", alpha: nil)]
      )
      .localizedDescription == "alpha below 0.8 for 2 code(s): c1 (0.500), c2 (n/a)")
    #expect(
      GlossError.cannotUndo(
        commit: "abc", summary: "s", blocker: .changedSince(path: "p", coder: "ana", commit: "def")
      ).localizedDescription
        == "cannot undo abc (s): p was changed by ana in def; change it back with gloss rm/edit instead")
    #expect(
      GlossError.leadsOnly(action: .addCoders, coder: "ana").localizedDescription
        == "only a lead (gloss.yaml leads) adds coders; ana is not a lead")
  }
}
