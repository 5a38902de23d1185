import Foundation
import Testing

/// The document screen's Done button over real HTTP: `POST /api/documents/ID/done` and
/// `.../reopen` on a team server, witnessed by git; the list's `done` under blind coding.
@Suite(.serialized) struct ServeDoneTests {
  @Test func aCoderMarksDoneAndReopensAndTheListShowsItAsPolicyAllows() throws {
    let box = try ServeTests.project()
    box.coder = "lead"
    let other = try box.write("other.txt", "Another transcript.\n")
    try box.gloss("doc", "add", other)
    try box.gloss("doc", "assign", "interview", "--to", "ana", "ben")
    try box.gloss("--as", "ben", "doc", "done", "interview")
    try box.gloss("blind", "on")
    let server = try ServeProcess(box, arguments: ["--team"])
    let link = try box.gloss("serve", "link", "ana").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let ana = [("Authorization", "Bearer \(String(link.split(separator: "=").last ?? ""))")]
    let done = "/api/documents/interview/done"
    try ServeLeadTests.expectGuarded(server, box, "POST", done, json: "{}")

    // Bad input: 4xx with an error, no commit.
    for (path, json, status) in [
      ("/api/documents/nosuch/done", "{}", 404), ("/api/documents/other/done", "{}", 403),
      ("/api/documents/bad%20id/done", "{}", 400), (done, #"{"doc":"interview"}"#, 400), (done, "[1]", 400),
      ("/api/documents/interview/reopen", "{}", 400),
    ] {
      try ServeLeadTests.expectRefused(server, box, "POST", path, json: json, status: status, headers: ana)
    }
    #expect(try server.request("GET", done, headers: ana).status == 405)

    // ana marks done: one commit with her trailer and the mark file; the lead's page hears of it.
    let commits = try box.commitCount()
    var marked: HTTPReply?
    let events = try HTTPClient.events(
      port: server.port, token: server.token,
      started: { marked = try server.request("POST", done, headers: ana, json: "{}") },
      done: { text in text.components(separatedBy: "event: head").count > 2 })
    let reply = try #require(marked)
    #expect(reply.status == 200 && reply.object["done"] as? Bool == true, "\(reply.text)")
    let head = try box.git("rev-parse", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(reply.object["commit"] as? String == head)
    #expect(events.contains("event: head\ndata: \(head)\n"), "\(events)")
    #expect(try box.commitCount() == commits + 1)
    let message = try box.git("log", "-1", "--format=%B").stdout
    #expect(message.contains("gloss: ana marks interview done") && message.contains("Gloss-Coder: ana"), "\(message)")
    #expect(try box.git("cat-file", "-e", "HEAD:annotations/ana/interview.done").status == 0)
    try ServeLeadTests.expectRefused(server, box, "POST", done, json: "{}", status: 400, headers: ana)

    // Blind coding: ana sees her own mark only, the lead sees both.
    func doneBy(_ headers: [(String, String)]?) throws -> [String] {
      let list = try server.request("GET", "/api/documents", headers: headers).array
      return list.first { $0["id"] as? String == "interview" }?["done"] as? [String] ?? []
    }
    #expect(try doneBy(ana) == ["ana"])
    #expect(try doneBy(nil) == ["ana", "ben"])

    // Reopen (no body is fine): the mark goes, one commit.
    let reopened = try server.request("POST", "/api/documents/interview/reopen", headers: ana)
    #expect(reopened.status == 200 && reopened.object["done"] as? Bool == false, "\(reopened.text)")
    #expect(try box.commitCount() == commits + 2)
    #expect(try box.git("cat-file", "-e", "HEAD:annotations/ana/interview.done").status != 0)
    #expect(try doneBy(ana).isEmpty && doneBy(nil) == ["ben"])
  }
}
