import Foundation
import Testing

/// The sync buttons over real HTTP: fetch, pull and push against a shared bare repository with
/// the server hooks, ahead/behind counts, and a conflict settled as `gloss pull --theirs` would.
@Suite(.serialized) struct ServeSyncTests {
  @Test func fetchPullPushAndAConflictSettledAsTheCommandLine() throws {
    let box = try ServeTests.project()
    box.coder = "lead"
    try box.gloss("doc", "assign", "interview", "--to", "ana")
    try box.gloss("--as", "ana", "add", "interview", "noisy", "--quote", "noisy")
    let shared = try BareRemote(box, from: box.path)
    // The served clone (ana's) and a second one where ana also works from the command line.
    let served = box.root + "/served"
    let other = box.root + "/other"
    for folder in [served, other] {
      let cloned = try box.gloss("clone", shared.path, folder, in: box.root)
      #expect(cloned.status == 0, "\(cloned.stderr)")
    }
    let run = { (folder: String, arguments: [String]) throws -> Run in
      try Shell.run(Shell.glossPath, ["--as", "ana"] + arguments, in: folder, env: shared.env)
    }
    let commits = { (folder: String) throws -> Int in
      Int(try box.git("rev-list", "--count", "HEAD", in: folder).stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        ?? -1
    }
    box.coder = "ana"
    let server = try ServeProcess(box, folder: served, env: shared.env)
    let status = try server.request("GET", "/api/sync")
    #expect(status.object["remote"] as? String == "origin" && status.object["ahead"] as? Int == 0, "\(status.text)")
    for path in ["/api/sync/fetch", "/api/sync/pull", "/api/sync/push"] {
      try ServeLeadTests.expectGuarded(server, box, "POST", path, json: "{}", folder: served)
    }
    try ServeLeadTests.expectGuarded(server, box, "GET", "/api/sync", folder: served)

    // A click, then push: the shared branch has it.
    let added = try server.request(
      "POST", "/api/assignments", json: #"{"doc":"interview","code":"scarce","quote":"scarce"}"#)
    #expect(added.status == 201, "\(added.text)")
    #expect(try server.request("GET", "/api/sync").object["ahead"] as? Int == 1)
    let pushed = try server.request("POST", "/api/sync/push", json: "{}")
    #expect(pushed.status == 200 && pushed.object["ahead"] as? Int == 0, "\(pushed.text)")
    #expect(
      try box.git("rev-parse", "main", in: shared.path).stdout == (try box.git("rev-parse", "HEAD", in: served).stdout))

    // The other clone edits the same record's memo and pushes; the served one edits it too.
    let pulled = try run(other, ["pull"])
    #expect(pulled.status == 0, "\(pulled.stderr)")
    let id = try #require(added.object["id"] as? String)
    let edited = try run(other, ["edit", id, "--memo", "theirs"])
    #expect(edited.status == 0, "\(edited.stderr)")
    #expect(try run(other, ["push"]).status == 0)
    #expect(try server.request("PATCH", "/api/assignments/\(id)", json: #"{"memo":"ours"}"#).status == 200)
    let fetched = try server.request("POST", "/api/sync/fetch", json: "{}")
    #expect(fetched.object["ahead"] as? Int == 1 && fetched.object["behind"] as? Int == 1, "\(fetched.text)")

    // Pull: the conflict record by record, 409, nothing written.
    let before = try commits(served)
    let witness = box.root + "/witness"
    try box.git("clone", "-q", served, witness, in: box.root)
    try box.git("remote", "set-url", "origin", shared.path, in: witness)
    let conflicted = try server.request("POST", "/api/sync/pull", json: "{}")
    #expect(conflicted.status == 409 && conflicted.error != nil, "\(conflicted.text)")
    let conflicts = conflicted.object["conflicts"] as? [[String: Any]] ?? []
    #expect(conflicts.count == 1 && conflicts.first?["id"] as? String == id)
    #expect((conflicts.first?["ours"] as? String)?.contains("\"memo\":\"ours\"") == true)
    #expect((conflicts.first?["theirs"] as? String)?.contains("\"memo\":\"theirs\"") == true)
    #expect(try commits(served) == before)
    try ServeLeadTests.expectRefused(
      server, box, "POST", "/api/sync/pull", json: #"{"prefer":"mine"}"#, status: 400, folder: served)
    try ServeLeadTests.expectRefused(
      server, box, "POST", "/api/sync/pull", json: #"{"theirs":3}"#, status: 400, folder: served)

    // Settled with theirs: the same tree `gloss pull --theirs ID` makes.
    let settled = try server.request("POST", "/api/sync/pull", json: #"{"theirs":["\#(id)"]}"#)
    #expect(settled.status == 200 && settled.object["outcome"] as? String == "merged", "\(settled.text)")
    let byHand = try run(witness, ["pull", "--theirs", id])
    #expect(byHand.status == 0, "\(byHand.stderr)")
    #expect(
      try box.git("rev-parse", "HEAD^{tree}", in: served).stdout
        == (try box.git("rev-parse", "HEAD^{tree}", in: witness).stdout))
    #expect(try run(served, ["ls", "--format", "json"]).stdout.contains("\"memo\":\"theirs\""))
    #expect(try server.request("POST", "/api/sync/push", json: "{}").status == 200)
    #expect(try box.git("fsck", "--strict", in: served).status == 0)
    #expect(try box.git("fsck", "--strict", in: shared.path).status == 0)
    #expect(try box.git("status", "--porcelain", in: served).stdout.isEmpty)
  }

  @Test func withoutARemoteTheButtonsSaySo() throws {
    let box = try ServeTests.project()
    let server = try ServeProcess(box)
    let status = try server.request("GET", "/api/sync")
    #expect(status.status == 200 && status.object["remote"] is NSNull, "\(status.text)")
    // No remote is the repository's state, not the request's fault (GlossError.noUpstream, as
    // `gloss push` says it): 409.
    for path in ["/api/sync/fetch", "/api/sync/pull", "/api/sync/push"] {
      try ServeLeadTests.expectRefused(server, box, "POST", path, json: "{}", status: 409)
    }
  }
}
