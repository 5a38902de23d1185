import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `gloss serve` over real HTTP on 127.0.0.1 (DESIGN §9): the first line, signals, every
/// security rule, the write round trip with git as the witness, blind coding, live events, a
/// bounded load, and the coder's page in headless Chromium.
@Suite(.serialized) struct ServeTests {
  /// A project named Study with one transcript and two codes; ana codes, lead leads.
  static func project() throws -> Sandbox {
    let box = try Sandbox()
    let words = (1...60).map { "word\($0)" }.joined(separator: " ")
    let file = try box.write(
      "interview.txt",
      "Interviewer: How was the data? 😀\n\nAna: Honestly, the labels were noisy and scarce.\n\n\(words)\n")
    try box.gloss("doc", "add", file)
    try box.gloss("code", "add", "Scarce")
    try box.gloss("code", "add", "Noisy")
    box.coder = "ana"
    return box
  }

  @Test func theFirstLineNamesTheURLAndSignalsEndItWithStatusZero() throws {
    let box = try Self.project()
    for signal in [SIGINT, SIGTERM] {
      let server = try ServeProcess(box)
      #expect(server.line.hasPrefix("Serving project at http://127.0.0.1:"))
      #expect(server.token.count >= 32)
      #expect(try server.request("GET", "/api/project").status == 200)
      #expect(server.stop(signal) == 0, "signal \(signal): \(server.stderr)")
    }
    // Each run has its own token.
    let first = try ServeProcess(box)
    let second = try ServeProcess(box)
    #expect(first.token != second.token && first.port != second.port)
  }

  @Test func aSignalDuringWritesLeavesNoLockAndLosesNoCommit() throws {
    let box = try Self.project()
    let server = try ServeProcess(box)
    let commits = try box.commitCount()
    let (port, headers) = (server.port, server.bearer)
    let group = DispatchGroup()
    for client in 0..<10 {
      DispatchQueue.global().async(group: group) {
        for index in 0..<5 {
          let start = 100 + (client * 5 + index) * 3
          let body = #"{"doc":"interview","code":"scarce","start":\#(start),"end":\#(start + 2)}"#
          _ = try? HTTPClient.request(
            port: port, method: "POST", path: "/api/assignments", headers: headers, body: Data(body.utf8))
        }
      }
    }
    usleep(600_000)
    #expect(server.stop(SIGTERM) == 0, "\(server.stderr)")
    group.wait()
    #expect(!FileManager.default.fileExists(atPath: box.path + "/.git/index.lock"))
    // gloss.lock stays as the file writers flock; it records no held lock, and no sync is
    // left half done.
    let held = (try? FileManager.default.attributesOfItem(atPath: box.path + "/.git/gloss.lock")[.size] as? Int) ?? 0
    #expect(held == 0)
    #expect(!FileManager.default.fileExists(atPath: box.path + "/.git/gloss-sync"))
    let added = try box.commitCount() - commits
    #expect(added > 0, "the signal came before any write")
    let listed = try box.gloss("ls", "--format", "json").stdout
    #expect(listed.components(separatedBy: "\"coder\":\"ana\"").count - 1 == added)
    try box.expectHealthy()
  }

  @Test func aPortInUseIsOneErrorLine() throws {
    let box = try Self.project()
    let server = try ServeProcess(box)
    let again = try box.gloss("serve", "--port", String(server.port))
    #expect(again.status == 1)
    #expect(
      again.stderr
        == "error: cannot serve on 127.0.0.1:\(server.port): the port is in use (--port 0 picks a free one)\n",
      "\(again.stderr)")
  }

  @Test func aTeamServerActsAsTheCoderOfEachPersonalLink() throws {
    let box = try Self.project()
    // Only a lead serves a team or makes links, and a link needs a running team server.
    let notLead = try box.gloss("serve", "--team", "--port", "0")
    #expect(notLead.status == 1 && notLead.stderr.contains("only a lead"), "\(notLead.stderr)")
    let early = try box.gloss("--as", "lead", "serve", "link", "ana")
    #expect(early.status == 1 && early.stderr.contains("no 'gloss serve --team' is running"))
    box.coder = "lead"
    let server = try ServeProcess(box, arguments: ["--team"])
    let link = try box.gloss("serve", "link", "ana")
    #expect(link.status == 0, "\(link.stderr)")
    let url = link.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(url.hasPrefix("http://127.0.0.1:\(server.port)/?token="))
    let token = String(url.split(separator: "=").last ?? "")
    #expect(try box.gloss("--as", "ana", "serve", "link", "ben").status == 1)
    let stored = try String(contentsOfFile: box.path + "/.git/gloss-serve-tokens", encoding: .utf8)
    #expect(!stored.contains(token) && stored.hasPrefix("ana "))
    #expect(try box.git("status", "--porcelain").stdout.isEmpty, "the token file is outside the work tree")

    let ana = [("Authorization", "Bearer \(token)")]
    #expect(try server.request("GET", "/api/project", headers: ana).object["coder"] as? String == "ana")
    #expect(try server.request("GET", "/api/project").object["coder"] as? String == "lead")
    let added = try server.request(
      "POST", "/api/assignments", headers: ana, json: #"{"doc":"interview","code":"scarce","quote":"scarce"}"#)
    #expect(added.status == 201 && added.object["coder"] as? String == "ana", "\(added.text)")
    #expect(try box.git("log", "-1", "--format=%B").stdout.contains("Gloss-Coder: ana"))
    // The page: the link's token becomes the cookie, acting as ana.
    let entry = try server.request("GET", "/?token=\(token)", headers: [])
    #expect(entry.status == 303 && entry.headers["set-cookie"]?.contains("=\(token);") == true)

    // A new link revokes the old one.
    #expect(try box.gloss("serve", "link", "ana").status == 0)
    #expect(try server.request("GET", "/api/project", headers: ana).status == 401)
    #expect(server.stop() == 0)
    #expect(!FileManager.default.fileExists(atPath: box.path + "/.git/gloss-serve-address"))
    #expect(try box.gloss("serve", "link", "ana").status == 1)
  }

  @Test func behindAReverseProxyLinksPointToThePublicURL() throws {
    let box = try Self.project()
    box.coder = "lead"
    let bad = try box.gloss("serve", "--public-url", "gloss.example")
    #expect(bad.status == 1 && bad.stderr.contains("--public-url"))
    let server = try ServeProcess(box, arguments: ["--team", "--public-url", "https://gloss.example"])
    let link = try box.gloss("serve", "link", "ana").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(link.hasPrefix("https://gloss.example/?token="), "\(link)")
    let token = String(link.split(separator: "=").last ?? "")
    // As the proxy forwards it: the public Host, the page's public Origin, ana's cookie.
    let added = try server.request(
      "POST", "/api/assignments",
      headers: [("Cookie", "gloss-\(server.port)=\(token)"), ("Origin", "https://gloss.example")],
      json: #"{"doc":"interview","code":"scarce","quote":"scarce"}"#, host: "gloss.example")
    #expect(added.status == 201 && added.object["coder"] as? String == "ana", "\(added.text)")
    let foreign = try server.request(
      "POST", "/api/assignments",
      headers: [("Cookie", "gloss-\(server.port)=\(token)"), ("Origin", "https://evil.example")],
      json: #"{"doc":"interview","code":"noisy","quote":"noisy"}"#, host: "gloss.example")
    #expect(foreign.status == 403)
  }

  @Test func everySecurityRuleHoldsOverHTTP() throws {
    let box = try Self.project()
    let server = try ServeProcess(box)
    let commits = try box.commitCount()
    let add = #"{"doc":"interview","code":"scarce","quote":"scarce"}"#

    // No token: 401, nothing written; the same for a wrong one.
    let anonymous = try server.request("POST", "/api/assignments", headers: [], json: add)
    #expect(anonymous.status == 401 && anonymous.error != nil)
    #expect(
      try server.request("POST", "/api/assignments", headers: [("Authorization", "Bearer x")], json: add).status == 401)
    #expect(try server.request("GET", "/", headers: []).status == 401)
    #expect(try server.request("GET", "/api/events", headers: []).status == 401)

    // The token in the page URL: a strict HttpOnly cookie and a redirect that drops the token.
    let entry = try server.request("GET", "/?token=\(server.token)", headers: [])
    #expect(entry.status == 303 && entry.headers["location"] == "/")
    let cookie = entry.headers["set-cookie"] ?? ""
    #expect(cookie.contains("gloss-\(server.port)=\(server.token)") && cookie.contains("HttpOnly"))
    #expect(cookie.contains("SameSite=Strict"))
    let page = try server.request("GET", "/", headers: server.cookie)
    #expect(page.status == 200 && page.text.contains("data-testid=\"code-picker\""))
    #expect(page.headers["content-security-policy"]?.contains("default-src 'none'") == true)

    // A cookie-authenticated change from another origin (or none): 403, nothing written.
    let foreign = try server.request(
      "POST", "/api/assignments", headers: server.cookie + [("Origin", "http://evil.example")], json: add)
    #expect(foreign.status == 403 && foreign.error != nil)
    #expect(try server.request("POST", "/api/assignments", headers: server.cookie, json: add).status == 403)
    let otherPort = try server.request(
      "DELETE", "/api/assignments/0193", headers: server.cookie + [("Origin", "http://127.0.0.1:1")])
    #expect(otherPort.status == 403)

    // A foreign Host (DNS rebinding): 403 even with the token.
    let rebound = try server.request("GET", "/api/project", host: "evil.example:\(server.port)")
    #expect(rebound.status == 403)
    #expect(try server.request("POST", "/api/assignments", json: add, host: "evil.example").status == 403)

    // Over 10 MB: 413.
    let huge = Data(repeating: UInt8(ascii: " "), count: 11 * 1024 * 1024)
    let tooLarge = try server.request("POST", "/api/assignments", body: huge)
    #expect(tooLarge.status == 413 && tooLarge.error != nil)

    // Bad requests: 4xx with an error, nothing written.
    for (body, status) in [
      ("{not json", 400), (#"{"doc":"nope","code":"scarce","start":0,"end":3}"#, 404),
      (#"{"doc":"interview","code":"nope","start":0,"end":3}"#, 404),
      (#"{"doc":"interview","code":"scarce","start":10,"end":100000}"#, 400),
      (#"{"doc":"../gloss.yaml","code":"scarce","start":0,"end":3}"#, 404),
    ] {
      let reply = try server.request("POST", "/api/assignments", json: body)
      #expect(reply.status == status && reply.error != nil, "\(body): \(reply.status) \(reply.text)")
    }
    #expect(try server.request("GET", "/api/documents/..%2Fgloss.yaml").status == 400)
    #expect(try server.request("GET", "/../../etc/passwd").status == 404)
    #expect(try box.commitCount() == commits)

    // The same request from the page's own origin goes through.
    let own = try server.request(
      "POST", "/api/assignments", headers: server.cookie + [("Origin", server.origin)], json: add)
    #expect(own.status == 201, "\(own.text)")
    #expect(try box.commitCount() == commits + 1)
    try box.expectHealthy()
  }

  @Test func addEditRemoveEachMakeOneCommitByTheCoder() throws {
    let box = try Self.project()
    let server = try ServeProcess(box)
    let commits = try box.commitCount()
    let added = try server.request(
      "POST", "/api/assignments", json: #"{"doc":"interview","code":"Noisy","start":49,"end":66,"memo":"first"}"#)
    #expect(added.status == 201, "\(added.text)")
    let id = try #require(added.object["id"] as? String)
    #expect(added.object["exact"] as? String == "the labels were n")
    #expect(
      added.object["commit"] as? String == (try box.git("rev-parse", "HEAD").stdout.trimmingCharacters(in: .newlines)))
    var log = try box.git("log", "-1", "--format=%an|%B").stdout
    #expect(log.contains("gloss: ana adds noisy to interview ¶2") && log.contains("Gloss-Coder: ana"), "\(log)")
    var listed = try box.gloss("ls", "--format", "json").stdout
    #expect(listed.contains(id) && listed.contains("\"memo\":\"first\""))

    let edited = try server.request("PATCH", "/api/assignments/\(id)", json: #"{"memo":"second","end":68}"#)
    #expect(edited.status == 400, "start and end come together: \(edited.text)")
    let patched = try server.request("PATCH", "/api/assignments/\(id)", json: #"{"memo":"second","start":49,"end":68}"#)
    #expect(patched.status == 200 && patched.object["exact"] as? String == "the labels were noi", "\(patched.text)")
    listed = try box.gloss("ls", "--format", "json").stdout
    #expect(listed.contains("\"memo\":\"second\"") && listed.contains(id))
    log = try box.git("log", "-1", "--format=%B").stdout
    #expect(log.contains("ana edits noisy") && log.contains("Gloss-Coder: ana"))

    let removed = try server.request("DELETE", "/api/assignments/\(id)")
    #expect(removed.status == 200)
    #expect(try box.gloss("ls", "--format", "json").stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
    log = try box.git("log", "-1", "--format=%B").stdout
    #expect(log.contains("ana removes noisy") && log.contains("Gloss-Coder: ana"))
    #expect(try box.commitCount() == commits + 3)
    try box.expectHealthy()
  }

  @Test func blindCodingHoldsOnEveryRoute() throws {
    let box = try Self.project()
    try box.gloss("--as", "lead", "add", "interview", "scarce", "--quote", "scarce")
    try box.gloss("--as", "ana", "add", "interview", "noisy", "--quote", "noisy")
    try box.gloss("--as", "lead", "blind", "on")
    let leadID = try #require(
      try box.gloss("--as", "lead", "ls", "--coder", "lead", "--format", "json").stdout
        .firstMatch(of: /"id":"([0-9a-f-]+)"/)?.1)
    let server = try ServeProcess(box)
    let commits = try box.commitCount()
    #expect(try server.request("GET", "/api/project").object["blind"] as? Bool == true)
    let mine = try server.request("GET", "/api/assignments?doc=interview")
    #expect(mine.array.map { $0["coder"] as? String } == ["ana"])
    #expect(try server.request("GET", "/api/assignments").array.count == 1)
    let refused = try server.request("GET", "/api/assignments?coder=lead")
    #expect(refused.status == 403 && refused.error?.contains("blind coding is on") == true)
    #expect(try server.request("GET", "/api/agreement").status == 403)
    #expect(try server.request("GET", "/api/documents").array.first?["assignments"] as? Int == 1)
    let codes = try server.request("GET", "/api/codes").array
    #expect(codes.first { $0["id"] as? String == "scarce" }?["uses"] as? Int == 0)
    #expect(try server.request("PATCH", "/api/assignments/\(leadID)", json: #"{"memo":"x"}"#).status == 403)
    #expect(try server.request("DELETE", "/api/assignments/\(leadID)").status == 403)
    #expect(try box.commitCount() == commits)
  }

  @Test func theAgreementPageShowsTheAPIsFiguresToLeadsOnlyUnderBlindCoding() throws {
    let box = try Self.project()
    try box.gloss("--as", "lead", "add", "interview", "scarce", "--quote", "scarce")
    try box.gloss("--as", "lead", "add", "interview", "noisy", "--quote", "labels were noisy")
    try box.gloss("--as", "ana", "add", "interview", "scarce", "--quote", "noisy and scarce")
    try box.gloss("--as", "ana", "add", "interview", "noisy", "--quote", "noisy")
    try box.gloss("--as", "lead", "blind", "on")
    box.coder = "lead"
    let lead = try ServeProcess(box)
    #expect(try lead.request("GET", "/", headers: lead.cookie).text.contains("data-testid=\"agreement-link\""))
    for unit in ["char", "para", "doc", "segment"] {
      let page = try lead.request("GET", "/agreement?unit=\(unit)")
      #expect(page.status == 200 && page.headers["content-type"]?.hasPrefix("text/html") == true, "\(page.text)")
      // The server's strict policy holds: nothing inline that it would block.
      #expect(page.headers["content-security-policy"]?.contains("style-src 'self';") == true)
      #expect(!page.text.contains("<script") && !page.text.contains(" style=") && !page.text.contains("<style"))
      #expect(page.text.contains("aria-current=\"page\">\(unit)<"))
      let api = try lead.request("GET", "/api/agreement?unit=\(unit)").object
      var expected: [String: String] = [:]
      for code in api["codes"] as? [[String: Any]] ?? [] {
        expected[code["code"] as? String ?? ""] = Self.figure(code["alpha"])
      }
      expected["(overall)"] = Self.figure((api["overall"] as? [String: Any])?["alpha"])
      var shown: [String: String] = [:]
      let codeAlpha = /<td class="num[^"]*" data-code="([^"]+)" data-figure="alpha" data-value="([^"]+)"/
      for match in page.text.matches(of: codeAlpha) { shown[String(match.1)] = String(match.2) }
      let overall = /<td class="num[^"]*" data-overall="true" data-figure="alpha" data-value="([^"]+)"/
      shown["(overall)"] = page.text.firstMatch(of: overall).map { String($0.1) }
      #expect(expected.count == 3 && shown == expected, "unit \(unit)")
      // The heatmap (codes by coder pairs) holds the API's kappas; the history chart ends at
      // the tip with its pooled alpha; the per-document table is there.
      var kappas: [String: String] = [:]
      for code in api["codes"] as? [[String: Any]] ?? [] {
        for pair in code["pairs"] as? [[String: Any]] ?? [] {
          kappas["\(code["code"] as? String ?? "") \(pair["a"] as? String ?? "") \(pair["b"] as? String ?? "")"] =
            Self.figure(pair["cohen_kappa"])
        }
      }
      let heatmap = Self.section("heatmap", of: page.text)
      var cells: [String: String] = [:]
      let cell = /data-code="([^"]+)" data-pair="([^"]+)" data-figure="cohen_kappa" data-value="([^"]+)"/
      for match in heatmap.matches(of: cell) {
        cells["\(match.1) \(match.2)"] = String(match.3)
      }
      #expect(heatmap.contains("<svg") && kappas.count == 2 && cells == kappas, "unit \(unit): \(cells) \(kappas)")
      let tip = try box.git("rev-parse", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
      let history = Self.section("history", of: page.text)
      #expect(history.contains("<svg") && history.contains("class=\"series\""), "unit \(unit): no history chart")
      let last = "data-overall=\"true\" data-rev=\"\(tip)\" data-figure=\"alpha\""
      #expect(
        history.contains("\(last) data-value=\"\(expected["(overall)"] ?? "")\""),
        "unit \(unit): the chart's last point is not the tip's alpha")
      #expect(
        Self.section("documents", of: page.text).contains(
          "data-doc=\"interview\" data-overall=\"true\" data-figure=\"alpha\""))
    }
    #expect(try lead.request("GET", "/report.css").text.contains(".swatch"))
    #expect(try lead.request("GET", "/agreement?unit=words").status == 400)
    let anonymous = try lead.request("GET", "/agreement", headers: [])
    #expect(anonymous.status == 401 && !anonymous.text.contains("data-figure"))

    box.coder = "ana"
    let ana = try ServeProcess(box)
    let refused = try ana.request("GET", "/agreement")
    #expect(refused.status == 403 && refused.text.contains("blind coding is on"), "\(refused.text)")
    #expect(!refused.text.contains("data-figure"))
  }

  /// The report's `<section id="ID">` in `page`, up to its end ("" when absent).
  static func section(_ id: String, of page: String) -> Substring {
    guard let start = page.firstRange(of: "<section id=\"\(id)\">") else { return "" }
    let rest = page[start.lowerBound...]
    return rest.firstRange(of: "</section>").map { rest[..<$0.upperBound] } ?? rest
  }

  /// A figure as the report prints it: three decimals, `n/a` when undefined.
  static func figure(_ value: Any?) -> String {
    guard let number = value as? Double, number.isFinite else { return "n/a" }
    let text = String(format: "%.3f", number)
    return text == "-0.000" ? "0.000" : text
  }

  @Test func eventsSayHeadWhenTheCommandLineCommits() throws {
    let box = try Self.project()
    let server = try ServeProcess(box)
    var after = ""
    let text = try HTTPClient.events(
      port: server.port, token: server.token,
      started: {
        try box.gloss("add", "interview", "scarce", "--quote", "scarce")
        after = try box.git("rev-parse", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
      },
      done: { text in !after.isEmpty && text.contains("event: head\ndata: \(after)\n") })
    #expect(!after.isEmpty && text.contains("event: head\ndata: \(after)\n"), "\(text)")
  }

  @Test func twentyClientsAndTheCommandLineAddingAtOnceLoseNothing() throws {
    let box = try Self.project()
    let server = try ServeProcess(box)
    let commits = try box.commitCount()
    let clients = 20
    let each = 5
    let statuses = Locked<[Int]>([])
    let (port, headers) = (server.port, server.bearer)
    // The command line commits at the same time, on the same branch.
    let cli = 5
    let cliStatuses = Locked<[Int32]>([])
    let group = DispatchGroup()
    let (folder, env) = (box.path, box.env)
    for index in 0..<cli {
      let arguments = ["add", "interview", "noisy", "--chars", "\(20 + index)-\(30 + index)"]
      DispatchQueue.global().async(group: group) {
        let status = (try? Shell.run(Shell.glossPath, arguments, in: folder, env: env).status) ?? -1
        cliStatuses.mutate { $0.append(status) }
      }
    }
    DispatchQueue.concurrentPerform(iterations: clients) { client in
      for index in 0..<each {
        let start = 100 + (client * each + index) * 3
        let body = #"{"doc":"interview","code":"scarce","start":\#(start),"end":\#(start + 2)}"#
        let reply = try? HTTPClient.request(
          port: port, method: "POST", path: "/api/assignments", headers: headers, body: Data(body.utf8))
        let status = reply?.status ?? -1
        statuses.mutate { $0.append(status) }
      }
    }
    group.wait()
    #expect(statuses.value.count == clients * each && statuses.value.allSatisfy { $0 == 201 }, "\(statuses.value)")
    #expect(cliStatuses.value == Array(repeating: 0, count: cli))
    let total = clients * each + cli
    let listed = try box.gloss("ls", "--format", "json").stdout
    #expect(listed.components(separatedBy: "\"coder\":\"ana\"").count - 1 == total)
    #expect(try box.commitCount() == commits + total)
    let trailers = try box.git("log", "--format=%(trailers:key=Gloss-Coder,valueonly)", "-\(total)").stdout
    #expect(trailers.split(separator: "\n").filter { $0 == "ana" }.count == total)
    try box.expectHealthy()
  }

  /// `make demo` (Examples/demo.sh) ends by printing the command that opens the demo project
  /// in the browser; that command's project and coder, served, are the demo's.
  @Test func theDemoEndsWithTheCommandThatOpensItInTheBrowser() throws {
    let box = try Sandbox()
    box.coder = nil  // as a person runs it: no GLOSS_CODER
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    let script = url.appendingPathComponent("Examples/demo.sh").path
    let demo = try Shell.run(
      "/bin/bash", [script, Shell.glossPath], in: box.root, env: box.env.merging(["TMPDIR": box.root]) { $1 })
    #expect(demo.status == 0, "\(demo.stderr)")
    let last = demo.stdout.split(separator: "\n").last.map(String.init) ?? ""
    let pattern = /Code it in the browser: (\S+) -C (\S+) --as (\S+) serve --open/
    let match = try #require(last.wholeMatch(of: pattern), "the demo's last line: \(last)")
    #expect(String(match.1) == Shell.glossPath)
    box.coder = String(match.3)
    let server = try ServeProcess(box, folder: String(match.2))
    let project = try server.request("GET", "/api/project").object
    #expect(project["name"] as? String == "ML data-quality interviews" && project["coder"] as? String == "ana")
    #expect(try server.request("GET", "/api/documents").text.contains("\"interview-34\""))
    #expect(server.stop() == 0)
  }

  /// Whether headless Chromium, its driver and Selenium are installed (`make deps` installs
  /// them); the end-to-end test says why it did not run otherwise.
  static let browser: (available: Bool, reason: String) = {
    for path in ["/usr/bin/chromium", "/usr/bin/chromedriver"] where !FileManager.default.isExecutableFile(atPath: path)
    {
      return (false, "\(path) is missing (make deps installs Debian's chromium and chromium-driver)")
    }
    let check = try? Shell.run("/usr/bin/env", ["python3", "-c", "import selenium"], in: "/")
    guard check?.status == 0 else { return (false, "python3 cannot import selenium (make deps: pip install selenium)") }
    return (true, "")
  }()

  @Test func aCoderCodesInTheBrowser() throws {
    guard Self.browser.available else {
      // CI runs `make test`, whose deps install the browser: there, its absence is a failure.
      #expect(ProcessInfo.processInfo.environment["CI"] == nil, "\(Self.browser.reason)")
      print("skipped the browser test: \(Self.browser.reason)")
      return
    }
    let box = try Sandbox()
    let file = try box.write(
      "interview.txt",
      "Interviewer: How was the data for the model? 😀 Tell me everything.\n\n"
        + "Ana: Honestly, the labels were noisy and scarce, and nobody had time to fix them. "
        + "We tried to relabel a sample but gave up.\n\nInterviewer: What happened next?\n\nAna: We bought more data.\n"
    )
    try box.gloss("doc", "add", file)
    try box.gloss("code", "add", "Scarce", "--color", "#e8590c")
    try box.gloss("code", "add", "Noisy")
    try box.gloss("code", "add", "Data quality", "--description", "Anything about the data")
    box.coder = "ana"
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<2 { url.deleteLastPathComponent() }
    let script = url.appendingPathComponent("e2e/serve_test.py").path
    let artifacts = url.deletingLastPathComponent().appendingPathComponent(".build/test-artifacts/serve").path
    let run = try Shell.run(
      "/usr/bin/env", ["python3", "-B", script, Shell.glossPath, box.path, artifacts], in: box.path, env: box.env)
    #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
    // docs/serve.md's pictures are these screenshots (`GLOSS_UPDATE_DOC_IMAGES=1` renews them).
    if run.status == 0, ProcessInfo.processInfo.environment["GLOSS_UPDATE_DOC_IMAGES"] == "1" {
      let images = url.deletingLastPathComponent().appendingPathComponent("docs/images").path
      for (shot, name) in [
        ("05-overlap", "serve-coding"), ("11-reconciled", "serve-compare"), ("12-manage", "serve-manage"),
        ("13-sync", "serve-sync"),
      ] {
        let target = "\(images)/\(name).png"
        try? FileManager.default.removeItem(atPath: target)
        try FileManager.default.copyItem(atPath: "\(artifacts)/\(shot).png", toPath: target)
      }
    }
  }
}

/// A value shared by threads, behind a lock.
final class Locked<Value>: @unchecked Sendable {
  private let lock = NSLock()
  private var stored: Value

  init(_ value: Value) { stored = value }

  var value: Value { lock.withLock { stored } }

  func mutate(_ change: (inout Value) -> Void) { lock.withLock { change(&stored) } }
}
