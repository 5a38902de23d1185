import Foundation
import Testing

@testable import GlossCore
@testable import GlossServer

/// The JSON API's routes in process, against a real project: shapes, errors (4xx, nothing
/// written), and blind coding on every read.
@Suite struct APITests {
  /// A project with one document (with a non-BMP character, so code points and UTF-16 differ),
  /// two codes, and one assignment by ben.
  final class Fixture {
    let root: String
    let project: Project

    init() throws {
      root = FileManager.default.temporaryDirectory.appendingPathComponent("gloss-api-\(UUID().uuidString)").path
      (project, _) = try Project.initialize(at: root, name: "Study", leads: ["lead"], coder: "lead")
      try project.session(as: "lead").addDocuments(
        [DocumentInput(id: "d1", data: Data("A: 😀 data was scarce.\n\nB: labels were noisy.\n".utf8), source: "d1")])
      _ = try project.session(as: "lead").addCode(
        name: "Scarce", id: nil, parent: nil, description: nil, color: "#112233")
      _ = try project.session(as: "lead").addCode(name: "Noisy", id: nil, parent: nil, description: nil, color: nil)
      // The coders are on the project before they code (a lead's `doc assign`).
      try project.session(as: "lead").assignDocuments(["d1"], to: ["ana", "ben"])
      try project.session(as: "ben").addAssignments([
        AssignmentRequest(doc: "d1", code: "noisy", span: .quote("labels"))
      ])
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    func api(as coder: String) throws -> API { try API(path: root, coder: coder) }

    func commits() throws -> Int {
      var count = 0
      var next = try project.repository.headCommit()
      while let commit = next {
        count += 1
        next = try project.repository.commit(commit).parents.first
      }
      return count
    }
  }

  static func json(_ reply: Reply) -> Any? { try? JSONSerialization.jsonObject(with: reply.body) }
  static func object(_ reply: Reply) -> [String: Any] { json(reply) as? [String: Any] ?? [:] }
  static func array(_ reply: Reply) -> [[String: Any]] { json(reply) as? [[String: Any]] ?? [] }

  static func body(_ value: [String: Any]) throws -> Data { try JSONSerialization.data(withJSONObject: value) }

  @Test func readsHaveTheShapesOfTheCommandLine() async throws {
    let fixture = try Fixture()
    let api = try fixture.api(as: "ana")
    let project = Self.object(await api.respond(APIRequest(method: "GET", path: "/api/project")))
    #expect(project["name"] as? String == "Study" && project["coder"] as? String == "ana")
    #expect(project["lead"] as? Bool == false && project["blind"] as? Bool == false)
    #expect(project["head"] as? String == (try fixture.project.repository.headCommit()?.hex))

    let docs = await api.respond(APIRequest(method: "GET", path: "/api/documents"))
    #expect(
      docs.text == JSON.array(
        try fixture.project.documentSummaries(at: try fixture.project.snapshot(), policy: .unrestricted).map(\.json)
      ).compact + "\n")

    let doc = Self.object(await api.respond(APIRequest(method: "GET", path: "/api/documents/d1")))
    #expect(doc["text"] as? String == "A: 😀 data was scarce.\n\nB: labels were noisy.\n")
    let paragraphs = doc["paragraphs"] as? [[String: Int]]
    // Code points: the emoji counts one.
    #expect(paragraphs == [["n": 1, "start": 0, "end": 21], ["n": 2, "start": 23, "end": 44]])

    let codes = Self.array(await api.respond(APIRequest(method: "GET", path: "/api/codes")))
    #expect(codes.map { $0["id"] as? String } == ["noisy", "scarce"])
    #expect(codes.map { $0["uses"] as? Int } == [1, 0])
    #expect(codes.last?["color"] as? String == "#112233")

    let listed = Self.array(await api.respond(APIRequest(method: "GET", path: "/api/assignments", query: "doc=d1")))
    #expect(listed.map { $0["exact"] as? String } == ["labels"])
    #expect(listed.first?["coder"] as? String == "ben")
  }

  @Test func addEditRemoveAreOneCommitEach() async throws {
    let fixture = try Fixture()
    let api = try fixture.api(as: "ana")
    let before = try fixture.commits()
    let added = await api.respond(
      APIRequest(
        method: "POST", path: "/api/assignments",
        body: try Self.body(["doc": "d1", "code": "Scarce", "start": 3, "end": 9])))
    #expect(added.status == 201, "\(added.text)")
    let record = Self.object(added)
    #expect(record["exact"] as? String == "😀 data" && record["code"] as? String == "scarce")
    #expect(record["coder"] as? String == "ana")
    let commit = try #require(record["commit"] as? String)
    #expect(commit == (try fixture.project.repository.headCommit()?.hex))
    #expect(try fixture.commits() == before + 1)
    let message = try fixture.project.repository.commit(try #require(try fixture.project.repository.headCommit()))
      .message
    #expect(message.contains("Gloss-Coder: ana"))

    let id = try #require(record["id"] as? String)
    let edited = await api.respond(
      APIRequest(
        method: "PATCH", path: "/api/assignments/\(id)", body: try Self.body(["memo": "why", "start": 5, "end": 9])))
    #expect(edited.status == 200, "\(edited.text)")
    #expect(Self.object(edited)["memo"] as? String == "why" && Self.object(edited)["exact"] as? String == "data")
    #expect(Self.object(edited)["id"] as? String == id)
    #expect(try fixture.commits() == before + 2)

    let removed = await api.respond(APIRequest(method: "DELETE", path: "/api/assignments/\(id)"))
    #expect(removed.status == 200 && Self.object(removed)["id"] as? String == id)
    #expect(try fixture.commits() == before + 3)
    #expect(try fixture.project.snapshot().assignments(coders: ["ana"]).isEmpty)
  }

  @Test(arguments: [
    ("POST", "/api/assignments", "{", 400),
    ("POST", "/api/assignments", "[1]", 400),
    ("POST", "/api/assignments", "", 400),
    ("POST", "/api/assignments", #"{"doc":"nope","code":"scarce","start":0,"end":1}"#, 404),
    ("POST", "/api/assignments", #"{"doc":"d1","code":"nope","start":0,"end":1}"#, 404),
    ("POST", "/api/assignments", #"{"doc":"d1","code":"scarce","start":0,"end":4000}"#, 400),
    ("POST", "/api/assignments", #"{"doc":"d1","code":"scarce","start":5,"end":2}"#, 400),
    ("POST", "/api/assignments", #"{"doc":"d1","code":"scarce","start":-1,"end":2}"#, 400),
    ("POST", "/api/assignments", #"{"doc":"d1","code":"scarce","start":"0","end":2}"#, 400),
    ("POST", "/api/assignments", #"{"doc":"d1","code":"scarce","quote":"absent"}"#, 400),
    ("POST", "/api/assignments", #"{"doc":"d1","code":"scarce","start":0,"end":2,"owner":"x"}"#, 400),
    ("POST", "/api/assignments", #"{"doc":"../gloss","code":"scarce","start":0,"end":2}"#, 404),
    ("PATCH", "/api/assignments/00000000-0000-7000-8000-000000000000", #"{"memo":"x"}"#, 404),
    ("PATCH", "/api/assignments/..%2F..%2Fetc", #"{"memo":"x"}"#, 404),
    ("DELETE", "/api/assignments/zz", "", 404),
    ("GET", "/api/documents/..%2Fgloss.yaml", "", 400),
    ("GET", "/api/documents/nope", "", 404),
    ("GET", "/api/assignments?doc=nope", "", 404),
    ("GET", "/api/agreement?unit=words", "", 400),
    ("GET", "/api/nothing", "", 404),
    ("PUT", "/api/assignments", "{}", 405),
  ])
  func badRequestsAre4xxWithAnErrorAndWriteNothing(method: String, target: String, body: String, status: Int)
    async throws
  {
    let fixture = try Fixture()
    let api = try fixture.api(as: "ana")
    let before = try fixture.commits()
    let (path, query) = Gate.split(target)
    let reply = await api.respond(APIRequest(method: method, path: path, query: query, body: Data(body.utf8)))
    #expect(reply.status == status, "\(method) \(target) \(body): \(reply.text)")
    #expect((Self.object(reply)["error"] as? String)?.isEmpty == false)
    #expect(try fixture.commits() == before)
  }

  @Test func aCoderAddsACodeAsTheCommandLineWould() async throws {
    let fixture = try Fixture()
    let api = try fixture.api(as: "ana")
    let before = try fixture.commits()
    let reply = await api.respond(
      APIRequest(method: "POST", path: "/api/codes", body: try Self.body(["name": "Time pressure", "parent": "Noisy"])))
    #expect(reply.status == 201, "\(reply.text)")
    #expect(
      Self.object(reply)["id"] as? String == "time-pressure" && Self.object(reply)["parent"] as? String == "noisy")
    #expect(try fixture.project.snapshot().codebook().code("time-pressure") != nil)
    #expect(try fixture.commits() == before + 1)
    for body in [["name": "time PRESSURE"], ["name": 3], ["title": "x"], ["name": "x", "color": "red"]]
      as [[String: Any]]
    {
      let refused = await api.respond(APIRequest(method: "POST", path: "/api/codes", body: try Self.body(body)))
      #expect((400..<500).contains(refused.status), "\(body): \(refused.text)")
    }
    #expect(try fixture.commits() == before + 1)
  }

  @Test func aCoderChangesOnlyTheirOwnAssignments() async throws {
    let fixture = try Fixture()
    let ben = try #require(try fixture.project.snapshot().assignments(coders: ["ben"]).first)
    let api = try fixture.api(as: "ana")
    let before = try fixture.commits()
    let edit = await api.respond(
      APIRequest(method: "PATCH", path: "/api/assignments/\(ben.assignment.id)", body: try Self.body(["memo": "x"])))
    #expect(edit.status == 403)
    let remove = await api.respond(APIRequest(method: "DELETE", path: "/api/assignments/\(ben.assignment.id)"))
    #expect(remove.status == 403)
    #expect(try fixture.commits() == before)
  }

  @Test func blindCodingNarrowsEveryReadForACoder() async throws {
    let fixture = try Fixture()
    try fixture.project.session(as: "ana").addAssignments(
      [AssignmentRequest(doc: "d1", code: "scarce", span: .quote("scarce"))])
    _ = try fixture.project.session(as: "lead").setBlind(true)
    let ana = try fixture.api(as: "ana")
    #expect(Self.object(await ana.respond(APIRequest(method: "GET", path: "/api/project")))["blind"] as? Bool == true)
    let all = Self.array(await ana.respond(APIRequest(method: "GET", path: "/api/assignments", query: "doc=d1")))
    #expect(all.map { $0["coder"] as? String } == ["ana"])
    let asked = await ana.respond(APIRequest(method: "GET", path: "/api/assignments", query: "doc=d1&coder=ben"))
    #expect(asked.status == 403 && asked.text.contains("blind coding is on"))
    let docs = Self.array(await ana.respond(APIRequest(method: "GET", path: "/api/documents")))
    #expect(docs.first?["assignments"] as? Int == 1)
    let codes = Self.array(await ana.respond(APIRequest(method: "GET", path: "/api/codes")))
    #expect(codes.map { $0["uses"] as? Int } == [0, 1])
    let agreement = await ana.respond(APIRequest(method: "GET", path: "/api/agreement"))
    #expect(agreement.status == 403)
    // Another coder's id gets the blind refusal, which does not confirm the id.
    let ben = try #require(try fixture.project.snapshot().assignments(coders: ["ben"]).first)
    let edit = await ana.respond(
      APIRequest(method: "PATCH", path: "/api/assignments/\(ben.assignment.id)", body: try Self.body(["memo": "x"])))
    #expect(edit.status == 403 && edit.text.contains("blind coding is on"))

    let lead = try fixture.api(as: "lead")
    let everything = Self.array(
      await lead.respond(APIRequest(method: "GET", path: "/api/assignments", query: "doc=d1")))
    #expect(Set(everything.compactMap { $0["coder"] as? String }) == ["ana", "ben"])
    #expect(await lead.respond(APIRequest(method: "GET", path: "/api/agreement", query: "unit=para")).status == 200)
  }

  @Test func agreementIsTheCommandLinesJSON() async throws {
    let fixture = try Fixture()
    try fixture.project.session(as: "ana").addAssignments(
      [AssignmentRequest(doc: "d1", code: "noisy", span: .quote("labels were"))])
    let api = try fixture.api(as: "ana")
    let reply = await api.respond(APIRequest(method: "GET", path: "/api/agreement", query: "unit=para"))
    #expect(reply.status == 200, "\(reply.text)")
    let expected = try fixture.project.agreement(options: AgreementOptions(unit: .para)).json(withInterval: false)
    #expect(reply.text == expected.compact + "\n")
  }
}
