import Dispatch
import Foundation
import GlossCore
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

#if canImport(Glibc)
  import Glibc
#endif

/// How `gloss serve` was asked to run.
public struct ServeOptions: Sendable {
  /// The project folder (`-C`); the current folder when nil.
  public var directory: String?
  /// `--as`; else the usual identity.
  public var coder: String?
  /// 0 picks a free port.
  public var port: Int
  public var bind: String
  /// Open the page in the default browser once the server listens.
  public var openBrowser: Bool
  /// Several coders, each through a personal link (`gloss serve link CODER`).
  public var team: Bool
  /// Where a reverse proxy serves the pages (`https://gloss.lab.example`): its host and origin
  /// are accepted, and personal links point there.
  public var publicURL: String?
  /// Named in the agreement page's methods paragraph, as in `gloss report`.
  public var glossVersion: String

  public init(
    directory: String?, coder: String?, port: Int, bind: String, openBrowser: Bool, team: Bool = false,
    publicURL: String? = nil, glossVersion: String = ""
  ) {
    self.directory = directory
    self.coder = coder
    self.port = port
    self.bind = bind
    self.openBrowser = openBrowser
    self.team = team
    self.publicURL = publicURL
    self.glossVersion = glossVersion
  }
}

/// `gloss serve`: the coder's web app over HTTP (DESIGN §9). It owns no data of its own: every
/// read and write is GlossCore's, as if the CLI had made it, acting as the coder it was started
/// as.
public enum Server {
  /// Request bodies above this get 413 (DESIGN §9).
  public static let bodyLimit = 10 * 1024 * 1024

  /// Serves until SIGINT or SIGTERM, which end the process with status 0 once a commit under
  /// way is done. Throws when the project cannot be opened or the address cannot be bound.
  public static func run(_ options: ServeOptions) throws {
    let session = try Session.open(at: options.directory, coder: options.coder)
    let path = session.project.folder
    let team = options.team ? TeamTokens(gitDirectory: session.project.gitDirectory) : nil
    let publicOrigin = try options.publicURL.map { url in
      guard let origin = Gate.origin(url) else {
        throw GlossError.invalidArgument(argument: "--public-url \(url)", message: "expected http(s)://host[:port]")
      }
      return origin
    }
    if team != nil { try session.project.requireLead(session.coder, for: .serveTeam) }
    let owner = session.coder
    let api = try API(path: path, coder: owner, glossVersion: options.glossVersion, deferFlushes: true)
    let name = session.settings.name.isEmpty ? "project" : session.settings.name
    let token = Gate.makeToken()
    let gate = Locked<Gate?>(nil)
    let watcher = HeadWatcher { try await api.head() }
    let handler = Handler(api: api, gate: gate, watcher: watcher)
    if !["127.0.0.1", "localhost", "::1"].contains(options.bind) {
      FileHandle.standardError.write(
        Data(
          ("warning: serving on \(options.bind): other machines can reach this server; the token is its only "
            + "guard and the connection is not encrypted\n").utf8))
    }

    var logger = Logger(label: "gloss-serve")
    logger.logLevel = .error
    let app = Application(
      responder: CallbackResponder { (request: Request, _: BasicRequestContext) in try await handler.respond(request) },
      configuration: .init(address: .hostname(options.bind, port: options.port), serverName: nil),
      onServerRunning: { channel in
        let port = channel.localAddress?.port ?? options.port
        gate.value = Gate(
          token: token, port: port, bindAddress: options.bind, owner: owner, team: team, publicURL: publicOrigin)
        let base = "http://\(Self.displayHost(options.bind)):\(port)"
        let url = "\(base)/?token=\(token)"
        if let team {
          try? Data(((publicOrigin ?? base) + "\n").utf8).write(to: URL(fileURLWithPath: team.addressFile))
        }
        FileHandle.standardOutput.write(Data("Serving \(name) at \(url)\n".utf8))
        if options.openBrowser { Self.openBrowser(url) }
      },
      logger: logger)

    let signals = Self.endOnSignals(api, addressFile: team?.addressFile)
    let finished = DispatchSemaphore(value: 0)
    let failure = Locked<String?>(nil)
    Task {
      do {
        try await app.runService(gracefulShutdownSignals: [])
      } catch {
        let text = "\(error)"
        failure.value =
          text.contains("Address already in use")
          ? "the port is in use (--port 0 picks a free one)"
          : text.contains("Cannot assign requested address") ? "the address is not one of this machine's" : text
      }
      finished.signal()
    }
    finished.wait()
    withExtendedLifetime(signals) {}
    throw GlossError.serverFailed(
      address: "\(options.bind):\(options.port)", reason: failure.value ?? "the server stopped")
  }

  /// A personal link for `coder` to the running `--team` server of `project`; a new link
  /// revokes the coder's previous one. Leads only: the session's coder must lead.
  public static func link(for coder: String, in session: Session) throws -> String {
    let project = session.project
    try project.requireLead(session.coder, for: .serveTeam)
    guard Identifier.isCoder(coder), coder != Identifier.consensus else {
      throw GlossError.invalidIdentifier(kind: "coder", value: coder, rule: Identifier.coderRule)
    }
    let tokens = TeamTokens(gitDirectory: project.gitDirectory)
    guard let address = tokens.address(), !address.isEmpty else {
      throw GlossError.noTeamServer
    }
    do {
      return "\(address)/?token=\(try tokens.issue(for: coder))"
    } catch {
      throw GlossError.cannotWrite(file: tokens.file, what: "the link's token", reason: "\(error)")
    }
  }

  /// The host for the printed URL: the loopback name when the server listens everywhere.
  static func displayHost(_ bind: String) -> String {
    if Gate.wildcards.contains(bind) || bind == "localhost" { return "127.0.0.1" }
    return bind.contains(":") ? "[\(bind)]" : bind
  }

  /// SIGINT and SIGTERM end the process with status 0, after the commit under way if any.
  private static func endOnSignals(_ api: API, addressFile: String?) -> [any DispatchSourceSignal] {
    [SIGINT, SIGTERM].map { number in
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler {
        api.exitBetweenWrites(status: 0) {
          if let addressFile { try? FileManager.default.removeItem(atPath: addressFile) }
        }
      }
      source.resume()
      return source
    }
  }

  /// Hands the URL to the desktop's browser; says so when there is none.
  private static func openBrowser(_ url: String) {
    #if os(macOS)
      let opener = "/usr/bin/open"
    #else
      let opener = "/usr/bin/xdg-open"
    #endif
    let process = Process()
    process.executableURL = URL(fileURLWithPath: opener)
    process.arguments = [url]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    do {
      try process.run()
    } catch {
      FileHandle.standardError.write(Data("note: could not start a browser (\(opener)); open the URL above\n".utf8))
    }
  }
}

/// Turns HTTP requests into gate verdicts, pages and API replies.
struct Handler: Sendable {
  let api: API
  let gate: Locked<Gate?>
  let watcher: HeadWatcher

  func respond(_ request: Request) async throws -> Response {
    let target = request.head.path ?? "/"
    let (path, query) = Gate.split(target)
    let isAPI = path.hasPrefix("/api/")
    guard let gate = gate.value else { return Self.response(.error(503, "starting"), isAPI: isAPI) }
    let verdict = gate.check(
      Gate.Request(
        method: request.method.rawValue, target: target,
        host: request.head.authority ?? request.headers[Self.host], authorization: request.headers[.authorization],
        cookie: request.headers[values: .cookie].joined(separator: "; "), origin: request.headers[.origin],
        referer: request.headers[.referer]))
    let viewer: String
    switch verdict {
    case .deny(let status, let message):
      return Self.response(.error(status, message), isAPI: isAPI)
    case .enter(let location, let cookie):
      var headers = Self.securityHeaders
      headers[.location] = location
      headers[.setCookie] = cookie
      return Response(status: .seeOther, headers: headers)
    case .allow(_, let coder):
      viewer = coder
    }
    var body = Data()
    if ["POST", "PATCH", "PUT", "DELETE"].contains(request.method.rawValue) {
      guard let collected = try await Self.collect(request) else {
        return Self.response(.error(413, "the request body is larger than 10 MB"), isAPI: isAPI, close: true)
      }
      body = collected
    }
    if request.method == .get, let asset = Assets.byPath[path] {
      return Self.response(
        Reply(status: 200, contentType: asset.contentType, body: Data(asset.body.utf8)), isAPI: false)
    }
    if path == AgreementPage.path {
      guard request.method == .get else { return Self.response(.error(405, "use GET"), isAPI: false) }
      return Self.response(await api.agreementPage(query: query, as: viewer), isAPI: false)
    }
    if path == "/api/events" {
      guard request.method == .get else { return Self.response(.error(405, "use GET"), isAPI: true) }
      return events()
    }
    guard isAPI else { return Self.response(.error(404, "no such page: \(path)"), isAPI: false) }
    let reply = await api.respond(
      APIRequest(method: request.method.rawValue, path: path, query: query, body: body), as: viewer)
    return Self.response(reply, isAPI: true)
  }

  /// The body up to the limit; nil when it is larger. A larger body is still read (up to a
  /// bound) so the client, still sending, gets the 413 instead of a reset connection.
  static func collect(_ request: Request) async throws -> Data? {
    if let length = request.headers[.contentLength].flatMap(Int.init), length > Server.bodyLimit * 4 {
      return nil
    }
    var data = Data()
    var total = 0
    for try await chunk in request.body {
      total += chunk.readableBytes
      if total > Server.bodyLimit * 4 { return nil }
      if total <= Server.bodyLimit { data.append(contentsOf: chunk.readableBytesView) }
    }
    return total > Server.bodyLimit ? nil : data
  }

  /// `GET /api/events`: `event: head` with the tip now and whenever the branch moves.
  func events() -> Response {
    var headers = Self.securityHeaders
    headers[.contentType] = "text/event-stream"
    let watcher = self.watcher
    return Response(
      status: .ok, headers: headers,
      body: ResponseBody { writer in
        try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
        for await event in await watcher.subscribe() {
          try await writer.write(ByteBuffer(string: HeadWatcher.text(event)))
        }
        try await writer.finish(nil)
      })
  }

  static let host = header("Host")
  static let contentSecurityPolicy = header("Content-Security-Policy")
  static let contentTypeOptions = header("X-Content-Type-Options")
  static let referrerPolicy = header("Referrer-Policy")
  static let frameOptions = header("X-Frame-Options")

  /// A header name spelled in this file (always valid; no request input reaches here).
  static func header(_ name: String) -> HTTPField.Name {
    guard let field = HTTPField.Name(name) else { preconditionFailure("invalid header name \(name)") }
    return field
  }

  /// On every answer: nothing from elsewhere runs in the page, no framing, no caching, and the
  /// referrer (which carries the page's origin for the origin check) stays on this server.
  static let securityHeaders: HTTPFields = {
    var headers = HTTPFields()
    headers[contentSecurityPolicy] =
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
      + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    headers[contentTypeOptions] = "nosniff"
    headers[referrerPolicy] = "same-origin"
    headers[frameOptions] = "DENY"
    headers[.cacheControl] = "no-store"
    return headers
  }()

  /// An API reply as JSON; for a page, errors are a line of text a person can read.
  static func response(_ reply: Reply, isAPI: Bool, close: Bool = false) -> Response {
    var headers = securityHeaders
    var body = reply.body
    var contentType = reply.contentType
    if !isAPI && reply.status >= 400 {
      let message = (try? JSONSerialization.jsonObject(with: reply.body) as? [String: Any])?["error"] as? String
      body = Data("gloss serve: \(message ?? "error")\n".utf8)
      contentType = "text/plain; charset=utf-8"
    }
    headers[.contentType] = contentType
    if close { headers[.connection] = "close" }
    return Response(
      status: HTTPResponse.Status(code: reply.status), headers: headers,
      body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
  }
}
