import Foundation
import Testing

/// The lead's screens over real HTTP (compare, reconcile, codebook, assignments), with git and
/// the command line as witnesses: the server writes what `gloss reconcile`, `gloss code ...` and
/// `gloss doc assign` write, and every rule of DESIGN §9 holds on each new endpoint.
@Suite(.serialized) struct ServeLeadTests {
  /// Study with one interview coded by ana, ben and cy: "noisy" by all three, "scarce" by ana
  /// and ben, "labels" (noisy) by ana only, "sample" (scarce) by cy only.
  static func project() throws -> Sandbox {
    let box = try ServeTests.project()
    box.coder = "lead"
    try box.gloss("doc", "assign", "interview", "--to", "ana", "ben", "cy")
    for coder in ["ana", "ben", "cy"] {
      try box.gloss("--as", coder, "add", "interview", "noisy", "--quote", "noisy")
    }
    for coder in ["ana", "ben"] { try box.gloss("--as", coder, "add", "interview", "scarce", "--quote", "scarce") }
    try box.gloss("--as", "ana", "add", "interview", "noisy", "--quote", "labels")
    try box.gloss("--as", "cy", "add", "interview", "scarce", "--quote", "Honestly")
    return box
  }

  /// Every new endpoint: 401 without the token, 403 for a cookie from a foreign origin and
  /// for a foreign Host; nothing written by any of them.
  static func expectGuarded(
    _ server: ServeProcess, _ box: Sandbox, _ method: String, _ path: String, json: String? = nil,
    folder: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let commits = try Self.commits(box, folder)
    let anonymous = try server.request(method, path, headers: [], json: json)
    #expect(anonymous.status == 401 && anonymous.error != nil, "\(path)", sourceLocation: sourceLocation)
    if method != "GET" {
      let foreign = try server.request(
        method, path, headers: server.cookie + [("Origin", "http://evil.example")], json: json)
      #expect(foreign.status == 403 && foreign.error != nil, "\(path)", sourceLocation: sourceLocation)
    }
    let rebound = try server.request(method, path, json: json, host: "evil.example:\(server.port)")
    #expect(rebound.status == 403 && rebound.error != nil, "\(path)", sourceLocation: sourceLocation)
    #expect(try Self.commits(box, folder) == commits, "\(path) wrote", sourceLocation: sourceLocation)
  }

  /// A bad request: 4xx with an error, no commit.
  static func expectRefused(
    _ server: ServeProcess, _ box: Sandbox, _ method: String, _ path: String, json: String? = nil, status: Int,
    headers: [(String, String)]? = nil, folder: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let commits = try Self.commits(box, folder)
    let reply = try server.request(method, path, headers: headers, json: json)
    #expect(
      reply.status == status && reply.error != nil, "\(method) \(path) \(json ?? ""): \(reply.status) \(reply.text)",
      sourceLocation: sourceLocation)
    #expect(try Self.commits(box, folder) == commits, sourceLocation: sourceLocation)
  }

  /// Commits on HEAD of `folder` (the sandbox's project when nil), per the git CLI.
  static func commits(_ box: Sandbox, _ folder: String?) throws -> Int {
    let count = try box.git("rev-list", "--count", "HEAD", in: folder).stdout
    return Int(count.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
  }

  /// consensus without its (random) record ids, and the decision memo, as files.
  static func consensus(_ box: Sandbox, in folder: String) throws -> (records: String, memo: String) {
    let records = try String(contentsOfFile: folder + "/annotations/consensus/interview.jsonl", encoding: .utf8)
      .replacing(/"id":"[0-9a-f-]+",/, with: "")
    let memo =
      (try? String(contentsOfFile: folder + "/memos/reconcile/interview.md", encoding: .utf8)) ?? ""
    return (records, memo)
  }

  static func id(_ box: Sandbox, coder: String, quote: String) throws -> String {
    let listed = try box.gloss("ls", "--coder", coder, "--format", "json").stdout
    let items = (try JSONSerialization.jsonObject(with: Data(listed.utf8))) as? [[String: Any]] ?? []
    return items.first { $0["exact"] as? String == quote }?["id"] as? String ?? ""
  }

  @Test func aLeadComparesAndReconcilesExactlyAsTheCommandLine() throws {
    let box = try Self.project()
    // The witness: the same decisions by `gloss reconcile` in a copy of the repository.
    let witness = box.root + "/witness"
    try box.git("clone", "-q", box.path, witness, in: box.root)
    let server = try ServeProcess(box)
    let compare = try server.request("GET", "/api/compare?doc=interview&coders=ana,ben,cy")
    #expect(compare.status == 200, "\(compare.text)")
    #expect(compare.object["assignments"].map { ($0 as? [Any])?.count } == 7)
    let preview = try #require(compare.object["reconcile"] as? [String: Any])
    #expect((preview["agreed"] as? [Any])?.count == 1 && (preview["disagreements"] as? [Any])?.count == 4)

    try Self.expectGuarded(server, box, "GET", "/api/compare?doc=interview&coders=ana,ben")
    try Self.expectGuarded(server, box, "POST", "/api/reconcile", json: #"{"doc":"interview","coders":"ana,ben"}"#)
    for (json, status) in [
      ("{", 400), (#"{"coders":"ana,ben"}"#, 400), (#"{"doc":"nope","coders":"ana,ben"}"#, 404),
      (#"{"doc":"interview","coders":"ana"}"#, 400), (#"{"doc":"../x","coders":"ana,ben"}"#, 400),
      (#"{"doc":"interview","coders":"ana,ben","strategy":"coin"}"#, 400),
      (#"{"doc":"interview","coders":"ana,ben","strategy":"take-all","from":"cy"}"#, 400),
      (#"{"doc":"interview","coders":"ana,ben","take":["00000000"]}"#, 404),
      (#"{"doc":"interview","coders":"ana,ben","owner":"x"}"#, 400),
    ] {
      try Self.expectRefused(server, box, "POST", "/api/reconcile", json: json, status: status)
    }
    try Self.expectRefused(server, box, "GET", "/api/compare?doc=interview&coders=ana", status: 400)
    try Self.expectRefused(server, box, "GET", "/api/compare?doc=nope&coders=ana,ben", status: 404)

    // Majority rule over three coders: scarce (2 of 3) taken, labels and Honestly (1 of 3) dropped.
    let majority = try server.request(
      "POST", "/api/reconcile", json: #"{"doc":"interview","coders":["ana","ben","cy"],"strategy":"majority"}"#)
    #expect(majority.status == 201, "\(majority.text)")
    let decided = (majority.object["disagreements"] as? [[String: Any]] ?? []).map { $0["decision"] as? String }
    #expect(decided.filter { $0 == "open" }.isEmpty && decided.filter { $0 == "taken" }.count == 2)
    #expect(try box.git("log", "-1", "--format=%B").stdout.contains("Gloss-Coder: lead"))
    let ids = try ["scarce", "labels", "Honestly"].map { quote in
      try ["ana", "ben", "cy"].map { try Self.id(box, coder: $0, quote: quote) }.filter { !$0.isEmpty }
    }
    let byHand = try Shell.run(
      Shell.glossPath,
      ["reconcile", "interview", "--coders", "ana,ben,cy", "--take"] + ids[0] + ["--drop"] + ids[1] + ids[2],
      in: witness, env: box.env)
    #expect(byHand.status == 0, "\(byHand.stderr)")
    let served = try Self.consensus(box, in: box.path)
    let cli = try Self.consensus(box, in: witness)
    #expect(served.records == cli.records && served.memo == cli.memo, "\(served)\n---\n\(cli)")
    #expect(served.memo.contains("- dropped") && served.memo.contains("- taken"))
    try box.expectHealthy()
    #expect(server.stop() == 0)
  }

  @Test func takeAllFromACoderAndSingleDecisionsWriteConsensus() throws {
    let box = try Self.project()
    let server = try ServeProcess(box)
    let all = try server.request(
      "POST", "/api/reconcile", json: #"{"doc":"interview","coders":"ana,ben","strategy":"take-all","from":"ben"}"#)
    #expect(all.status == 201, "\(all.text)")
    // ben made noisy and scarce (both agreed with ana), so ana's "labels" is dropped.
    let listed = try box.gloss("ls", "--coder", "consensus", "--format", "json").stdout
    #expect(listed.contains("\"exact\":\"noisy\"") && listed.contains("\"exact\":\"scarce\""))
    #expect(!listed.contains("\"exact\":\"labels\""))
    #expect(try box.read("memos/reconcile/interview.md").contains("- dropped"))
    // A single take on cy's span against ana.
    let cy = try Self.id(box, coder: "cy", quote: "Honestly")
    let one = try server.request(
      "POST", "/api/reconcile", json: #"{"doc":"interview","coders":"ana,cy","take":["\#(cy)"]}"#)
    #expect(one.status == 201, "\(one.text)")
    #expect(try box.gloss("ls", "--coder", "consensus").stdout.contains("Honestly"))
    try box.expectHealthy()
  }

  @Test func coderComparesOnlyWithoutBlindCodingAndNeverReconciles() throws {
    let box = try Self.project()
    box.coder = "ana"
    let server = try ServeProcess(box)
    let open = try server.request("GET", "/api/compare?doc=interview&coders=ana,ben")
    #expect(open.status == 200 && open.object["reconcile"] == nil, "\(open.text)")
    try Self.expectRefused(
      server, box, "POST", "/api/reconcile", json: #"{"doc":"interview","coders":"ana,ben"}"#, status: 403)
    try Self.expectRefused(server, box, "GET", "/api/coders", status: 403)
    #expect(server.stop() == 0)
    try box.gloss("--as", "lead", "blind", "on")
    let blind = try ServeProcess(box)
    let refused = try blind.request("GET", "/api/compare?doc=interview&coders=ana,ben")
    #expect(refused.status == 403 && refused.error?.contains("blind coding is on") == true, "\(refused.text)")
  }

  @Test func aLeadManagesTheCodebookAndAssignmentsAsTheCommandLine() throws {
    let box = try Self.project()
    try box.gloss("code", "add", "Data quality")
    let server = try ServeProcess(box)
    let commits = try box.commitCount()
    for (method, path, json) in [
      ("PATCH", "/api/codes/scarce", #"{"name":"Too few"}"#), ("POST", "/api/codes/scarce/merge", #"{"into":"noisy"}"#),
      ("POST", "/api/assign", #"{"docs":["interview"],"coders":["di"]}"#),
      ("POST", "/api/unassign", #"{"docs":["interview"],"coders":["cy"]}"#), ("GET", "/api/coders", nil),
    ] {
      try Self.expectGuarded(server, box, method, path, json: json)
    }
    let renamed = try server.request("PATCH", "/api/codes/scarce", json: #"{"name":"Too few"}"#)
    #expect(renamed.status == 200 && renamed.object["name"] as? String == "Too few", "\(renamed.text)")
    #expect(try box.git("log", "-1", "--format=%B").stdout.contains("renames code scarce"))
    let moved = try server.request(
      "PATCH", "/api/codes/noisy", json: ##"{"parent":"data-quality","color":"#aa3311"}"##)
    #expect(moved.status == 200 && moved.object["parent"] as? String == "data-quality", "\(moved.text)")
    let listing = try box.gloss("code", "list", "--format", "json").stdout
    #expect(
      listing.contains(##""id":"noisy","name":"Noisy","parent":"data-quality","description":null,"color":"#aa3311""##))
    let top = try server.request("PATCH", "/api/codes/noisy", json: #"{"parent":null}"#)
    #expect(top.status == 200 && top.object["parent"] is NSNull, "\(top.text)")
    #expect(try box.commitCount() == commits + 3)
    for (path, json, status) in [
      ("/api/codes/noisy", ##"{"name":"X","color":"#000000"}"##, 400), ("/api/codes/noisy", #"{"color":"red"}"#, 400),
      ("/api/codes/noisy", #"{"parent":"noisy"}"#, 400), ("/api/codes/nope", #"{"name":"Y"}"#, 404),
      ("/api/codes/noisy", #"{"name":"too FEW"}"#, 409), ("/api/codes/noisy", "{}", 400),
      ("/api/codes/..%2Fx", #"{"name":"Y"}"#, 400), ("/api/codes/noisy", #"{"size":3}"#, 400),
    ] {
      try Self.expectRefused(server, box, "PATCH", path, json: json, status: status)
    }
    try Self.expectRefused(server, box, "POST", "/api/codes/noisy/merge", json: #"{"into":"noisy"}"#, status: 400)
    try Self.expectRefused(server, box, "POST", "/api/codes/noisy/merge", json: #"{"into":"nope"}"#, status: 404)
    let merged = try server.request("POST", "/api/codes/scarce/merge", json: #"{"into":"noisy"}"#)
    #expect(merged.status == 200 && merged.object["rewritten"] as? Int == 3, "\(merged.text)")
    #expect(!(try box.gloss("ls", "--format", "json").stdout.contains("\"code\":\"scarce\"")))

    let assigned = try server.request("POST", "/api/assign", json: #"{"docs":["interview"],"coders":["di"]}"#)
    #expect(assigned.status == 200, "\(assigned.text)")
    #expect(try box.git("ls-files", "annotations/di").stdout.contains("annotations/di/interview.jsonl"))
    try Self.expectRefused(
      server, box, "POST", "/api/assign", json: #"{"docs":["interview"],"coders":["di"]}"#, status: 400)
    try Self.expectRefused(server, box, "POST", "/api/assign", json: #"{"docs":["nope"],"coders":["di"]}"#, status: 404)
    try Self.expectRefused(server, box, "POST", "/api/assign", json: #"{"docs":["interview"]}"#, status: 400)
    // ana has coded: unassigning her is refused, as `gloss doc unassign` refuses it.
    try Self.expectRefused(
      server, box, "POST", "/api/unassign", json: #"{"docs":["interview"],"coders":["ana"]}"#, status: 409)
    let unassigned = try server.request("POST", "/api/unassign", json: #"{"docs":["interview"],"coders":["di"]}"#)
    #expect(unassigned.status == 200, "\(unassigned.text)")
    let coders = try server.request("GET", "/api/coders").array.compactMap { $0["name"] as? String }
    #expect(coders.contains("ana") && coders.contains("lead") && !coders.contains("consensus"))
    try box.expectHealthy()

    // A coder may not: the write rules refuse it, nothing written.
    #expect(server.stop() == 0)
    box.coder = "ana"
    let coder = try ServeProcess(box)
    try Self.expectRefused(coder, box, "PATCH", "/api/codes/noisy", json: #"{"name":"Mine"}"#, status: 403)
    try Self.expectRefused(coder, box, "PATCH", "/api/codes/noisy", json: ##"{"color":"#000000"}"##, status: 403)
    try Self.expectRefused(
      coder, box, "POST", "/api/assign", json: #"{"docs":["interview"],"coders":["di"]}"#, status: 403)
  }
}
