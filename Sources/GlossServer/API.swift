import Foundation
import GlossCore

/// A request as the API sees it, after the gate let it in: no HTTP library types, so the routes
/// are tested without a socket.
public struct APIRequest: Sendable {
  public var method: String
  /// The path, still percent-encoded, without the query.
  public var path: String
  /// The query string, without `?`.
  public var query: String
  public var body: Data

  public init(method: String, path: String, query: String = "", body: Data = Data()) {
    self.method = method
    self.path = path
    self.query = query
    self.body = body
  }
}

/// What the API answers: a status and a body (JSON unless said otherwise).
public struct Reply: Sendable {
  public var status: Int
  public var contentType: String
  public var body: Data

  public init(status: Int, contentType: String, body: Data) {
    self.status = status
    self.contentType = contentType
    self.body = body
  }

  public static func json(_ value: JSON, status: Int = 200) -> Reply {
    Reply(status: status, contentType: "application/json; charset=utf-8", body: Data((value.compact + "\n").utf8))
  }

  /// The API's error shape, `{"error": "..."}`.
  public static func error(_ status: Int, _ message: String) -> Reply {
    json(.object([("error", .string(message))]), status: status)
  }

  /// The body as text (for tests and logs).
  public var text: String { String(decoding: body, as: UTF8.self) }
}

/// The JSON API of DESIGN §9, acting as one coder: reads go through the read policy (blind
/// coding), writes through GlossCore's operations, each one commit by the session engine.
public final class API: Sendable {
  /// Who the server acts as.
  public let coder: String
  /// The Gloss version the agreement page's methods paragraph names.
  let glossVersion: String
  let reader: RepositoryWorker
  private let writer: RepositoryWorker
  /// With deferred flushes: makes the commits durable shortly after they are made.
  private let flusher: Flusher?

  /// Opens two handles on the project at `path`: one for reads, one for writes. With
  /// `deferFlushes` (the serve command; process-wide), commits are written as git writes them
  /// and the file system is flushed once shortly after a write, and before the process ends;
  /// decoded files are kept by blob id between requests.
  public init(path: String, coder: String, glossVersion: String = "", deferFlushes: Bool = false) throws {
    self.coder = coder
    self.glossVersion = glossVersion
    // Before opening the repositories: libgit2 fixes a repository's ref fsyncs when it opens it.
    if deferFlushes {
      WriteDurability.deferFlushes()
      // The same settings, codebook, documents and files are read for every request.
      DecodedBlobs.enable(limit: 256)
    }
    let project = try Project.open(at: path)
    reader = RepositoryWorker(project: try Project.open(at: path), label: "read")
    writer = RepositoryWorker(project: project, label: "write")
    flusher = deferFlushes ? Flusher(project: project) : nil
  }

  /// Runs a write on the writer, then has it flushed to disk soon.
  private func write<T: Sendable>(_ body: @escaping @Sendable (Project) throws -> T) async throws -> T {
    defer { flusher?.schedule() }
    return try await writer.run(body)
  }

  /// Ends the process between two writes: a commit under way (and those already queued)
  /// finishes, none starts after, so no lock or half-synced work tree is left behind.
  func exitBetweenWrites(status: Int32, cleanUp: @escaping @Sendable () -> Void = {}) {
    writer.finally { [flusher] in
      flusher?.flushNow()
      cleanUp()
      exit(status)
    }
  }

  /// The branch tip, hex; nil before the first commit.
  func head() async throws -> String? {
    try await reader.run { try $0.headCommitID()?.hex }
  }

  /// Answers `request` acting as `viewer` (with `--team`, the coder whose link was used), else
  /// as the coder the server was started as.
  public func respond(_ request: APIRequest, as viewer: String? = nil) async -> Reply {
    guard let segments = Self.segments(request.path) else { return .error(400, "the path is not valid UTF-8") }
    let query = Self.parseQuery(request.query)
    let coder = viewer ?? self.coder
    do {
      guard let route = Route(segments) else { return .error(404, "no such API endpoint: \(request.path)") }
      switch (request.method, route) {
      case ("GET", .project):
        return try await reader.run { try Self.project($0, coder: coder) }
      case ("GET", .documents):
        return try await reader.run { try Self.documents($0, coder: coder) }
      case ("GET", .document(let id)):
        return try await reader.run { try Self.document($0, id: id) }
      case ("GET", .codes):
        return try await reader.run { try Self.codes($0, coder: coder) }
      case ("POST", .codes):
        let body = try Self.object(request.body)
        return try await write { try Self.addCode($0, body: body.value, coder: coder) }
      case ("GET", .assignments):
        return try await reader.run { try Self.assignments($0, query: query, coder: coder) }
      case ("POST", .assignments):
        let body = try Self.object(request.body)
        return try await write { try Self.add($0, body: body.value, coder: coder) }
      case ("PATCH", .assignment(let id)):
        try Self.checkAssignmentID(id)
        let body = try Self.object(request.body)
        return try await write { try Self.edit($0, id: id, body: body.value, coder: coder) }
      case ("DELETE", .assignment(let id)):
        try Self.checkAssignmentID(id)
        return try await write { try Self.remove($0, id: id, coder: coder) }
      case ("GET", .agreement):
        return try await reader.run { try Self.agreement($0, query: query, coder: coder) }
      case ("GET", .compare):
        return try await reader.run { try Self.compare($0, query: query, coder: coder) }
      case ("POST", .reconcile):
        let body = try Self.object(request.body)
        return try await write { try Self.reconcile($0, body: body.value, coder: coder) }
      case ("GET", .coders):
        return try await reader.run { try Self.coders($0, coder: coder) }
      case ("PATCH", .code(let id)):
        try Identifier.requireCode(id)
        let body = try Self.object(request.body)
        return try await write { try Self.editCode($0, id: id, body: body.value, coder: coder) }
      case ("POST", .mergeCode(let id)):
        try Identifier.requireCode(id)
        let body = try Self.object(request.body)
        return try await write { try Self.mergeCode($0, id: id, body: body.value, coder: coder) }
      case ("POST", .assign), ("POST", .unassign):
        let body = try Self.object(request.body)
        let unassign = route == .unassign
        return try await write { try Self.assign($0, body: body.value, coder: coder, unassign: unassign) }
      case ("POST", .done(let id)), ("POST", .reopen(let id)):
        let body = request.body.isEmpty ? Body(value: [:]) : try Self.object(request.body)
        let done = route == .done(id)
        return try await write { try Self.markDone($0, id: id, done: done, body: body.value, coder: coder) }
      case ("GET", .sync):
        return try await reader.run { try Self.syncStatus($0) }
      case ("POST", .syncFetch):
        return try await write { try Self.fetch($0) }
      case ("POST", .syncPush):
        return try await write { try Self.push($0) }
      case ("POST", .syncPull):
        let body = request.body.isEmpty ? Body(value: [:]) : try Self.object(request.body)
        return try await write { try Self.pull($0, body: body.value, coder: coder) }
      default:
        return .error(405, "\(request.method) is not allowed on \(request.path)")
      }
    } catch {
      return Self.reply(for: error)
    }
  }

  /// The endpoints of DESIGN §9.
  enum Route: Equatable {
    case project, documents, document(String), codes, assignments, assignment(String), agreement
    // The lead's screens and sync.
    case compare, reconcile, coders, code(String), mergeCode(String), assign, unassign
    case sync, syncFetch, syncPull, syncPush
    // The document screen's Done button.
    case done(String), reopen(String)

    init?(_ segments: [String]) {
      guard segments.count >= 2, segments[0] == "api" else { return nil }
      switch (segments[1], segments.count) {
      case ("compare", 2): self = .compare
      case ("reconcile", 2): self = .reconcile
      case ("coders", 2): self = .coders
      case ("codes", 3): self = .code(segments[2])
      case ("codes", 4) where segments[3] == "merge": self = .mergeCode(segments[2])
      case ("assign", 2): self = .assign
      case ("unassign", 2): self = .unassign
      case ("sync", 2): self = .sync
      case ("sync", 3) where segments[2] == "fetch": self = .syncFetch
      case ("sync", 3) where segments[2] == "pull": self = .syncPull
      case ("sync", 3) where segments[2] == "push": self = .syncPush
      case ("project", 2): self = .project
      case ("documents", 2): self = .documents
      case ("documents", 3): self = .document(segments[2])
      case ("documents", 4) where segments[3] == "done": self = .done(segments[2])
      case ("documents", 4) where segments[3] == "reopen": self = .reopen(segments[2])
      case ("codes", 2): self = .codes
      case ("assignments", 2): self = .assignments
      case ("assignments", 3): self = .assignment(segments[2])
      case ("agreement", 2): self = .agreement
      default: return nil
      }
    }
  }

  // MARK: Routes

  static func project(_ project: Project, coder: String) throws -> Reply {
    let snapshot = try project.snapshot()
    let settings = try snapshot.settings()
    return .json(
      .object([
        ("name", .string(settings.name)), ("coder", .string(coder)), ("lead", .bool(settings.leads.contains(coder))),
        ("blind", .bool(settings.blind)), ("head", .optional(snapshot.commitID?.hex)),
      ]))
  }

  static func documents(_ project: Project, coder: String) throws -> Reply {
    let snapshot = try project.snapshot()
    let policy = Policy(settings: try snapshot.settings(), viewer: coder)
    return .json(.array(try project.documentSummaries(at: snapshot, policy: policy).map(\.json)))
  }

  static func document(_ project: Project, id: String) throws -> Reply {
    try checkDocumentID(id)
    let text = try project.snapshot().requireDocument(id)
    let paragraphs = text.paragraphs.enumerated().map { index, range in
      JSON.object([("n", .int(index + 1)), ("start", .int(range.lowerBound)), ("end", .int(range.upperBound))])
    }
    return .json(.object([("id", .string(id)), ("text", .string(text.string)), ("paragraphs", .array(paragraphs))]))
  }

  static func codes(_ project: Project, coder: String) throws -> Reply {
    let snapshot = try project.snapshot()
    let policy = Policy(settings: try snapshot.settings(), viewer: coder)
    let usage = try project.codeUsage(at: snapshot, policy: policy)
    return .json(try snapshot.codebook().listingJSON(usage: usage))
  }

  /// `{name, parent?, description?, color?}`: a new code, as `gloss code add` (open coding).
  static func addCode(_ project: Project, body: [String: Any], coder: String) throws -> Reply {
    func fail(_ message: String) -> GlossError { .invalidArgument(argument: "request", message: message) }
    let allowed: Set<String> = ["name", "parent", "description", "color"]
    if let unknown = body.keys.sorted().first(where: { !allowed.contains($0) }) {
      throw fail("unknown key \"\(unknown)\"")
    }
    var fields: [String: String] = [:]
    for (key, value) in body {
      guard let text = value as? String else { throw fail("\"\(key)\" must be a string") }
      fields[key] = text
    }
    guard let name = fields["name"] else { throw fail("\"name\" is required") }
    let (code, result) = try project.session(as: coder).addCode(
      name: name, parent: fields["parent"], description: fields["description"], color: fields["color"])
    guard case .object(var members) = code.json(uses: 0) else { return .json(code.json(uses: 0), status: 201) }
    members.append(("commit", .string(result.commit.hex)))
    return .json(.object(members), status: 201)
  }

  /// `?doc=ID[&coder=C][&code=K]`, each repeatable or comma-separated; none lists everything
  /// the viewer may see.
  static func assignments(_ project: Project, query: [String: [String]], coder: String) throws -> Reply {
    let snapshot = try project.snapshot()
    let policy = Policy(settings: try snapshot.settings(), viewer: coder)
    func list(_ key: String) -> [String] {
      (query[key] ?? []).flatMap { $0.split(separator: ",").map(String.init) }.filter { !$0.isEmpty }
    }
    let docs = list("doc")
    for doc in docs { try checkDocumentID(doc) }
    let filter = try AssignmentFilter.checked(docs: docs, codes: list("code"), coders: list("coder"), in: snapshot)
      .visible(to: policy)
    let items = try snapshot.assignments(docs: filter.docs, coders: filter.coders, codes: filter.codes)
    return .json(.array(items.map(\.json)))
  }

  static func add(_ project: Project, body: [String: Any], coder: String) throws -> Reply {
    let request = try Project.assignmentRequest(from: body, origin: nil) {
      GlossError.invalidArgument(argument: "request", message: $0)
    }
    let (result, added) = try project.session(as: coder).addAssignments([request])
    guard let assignment = added.first else { throw GlossError.nothingToChange(.noAssignmentsGiven) }
    return .json(committed(assignment, result), status: 201)
  }

  /// `{memo?, code?, start?, end?}`: start and end come together.
  static func edit(_ project: Project, id: String, body: [String: Any], coder: String) throws -> Reply {
    func fail(_ message: String) -> GlossError { .invalidArgument(argument: "request", message: message) }
    let allowed: Set<String> = ["memo", "code", "start", "end"]
    if let unknown = body.keys.sorted().first(where: { !allowed.contains($0) }) {
      throw fail("unknown key \"\(unknown)\"")
    }
    var edit = AssignmentEdit()
    if let value = body["memo"] {
      guard let memo = value as? String else { throw fail("\"memo\" must be a string") }
      edit.memo = memo
    }
    if let value = body["code"] {
      guard let code = value as? String else { throw fail("\"code\" must be a string") }
      edit.code = code
    }
    if body["start"] != nil || body["end"] != nil {
      guard let start = Project.integer(body["start"]), let end = Project.integer(body["end"]) else {
        throw fail("\"start\" and \"end\" must both be integers")
      }
      edit.chars = (start, end)
    }
    let (result, _, after) = try project.session(as: coder).editAssignment(id: id, edit: edit)
    return .json(committed(after, result))
  }

  static func remove(_ project: Project, id: String, coder: String) throws -> Reply {
    let (result, removed) = try project.session(as: coder).removeAssignments(ids: [id])
    guard let assignment = removed.first else { throw GlossError.unknownAssignment(id) }
    return .json(committed(assignment, result))
  }

  /// `?unit=char|para|doc|segment` (default char), as `gloss agree --format json`.
  static func agreement(_ project: Project, query: [String: [String]], coder: String) throws -> Reply {
    let snapshot = try project.snapshot()
    try Policy(settings: try snapshot.settings(), viewer: coder).requireAgreement()
    let unit = try Self.unit(query)
    guard let commit = snapshot.commitID?.hex else { throw GlossError.nothingToChange(.noCommitYet) }
    return .json(try project.agreement(at: commit, options: AgreementOptions(unit: unit)).json(withInterval: false))
  }

  /// `?unit=`, char when absent; shared by the API and the agreement page.
  static func unit(_ query: [String: [String]]) throws -> AgreementUnit {
    let name = query["unit"]?.last ?? AgreementUnit.char.rawValue
    guard let unit = AgreementUnit(rawValue: name) else {
      throw GlossError.invalidArgument(
        argument: "unit=\(name)",
        message: "expected one of \(AgreementUnit.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return unit
  }

  // MARK: Helpers

  /// The assignment (ls shape) followed by the commit that recorded the change.
  static func committed(_ assignment: LocatedAssignment, _ result: CommitResult) -> JSON {
    guard case .object(var members) = assignment.json else { return assignment.json }
    members.append(("commit", .string(result.commit.hex)))
    return .object(members)
  }

  static func checkDocumentID(_ id: String) throws {
    guard Identifier.isDocument(id) else {
      throw GlossError.invalidIdentifier(kind: "document id", value: id, rule: Identifier.documentRule)
    }
  }

  /// Assignment ids (or unique prefixes): hex digits and dashes.
  static func checkAssignmentID(_ id: String) throws {
    let ok =
      (1...36).contains(id.count)
      && id.utf8.allSatisfy { byte in
        (0x30...0x39).contains(byte) || (0x61...0x66).contains(byte) || byte == UInt8(ascii: "-")
      }
    guard ok else { throw GlossError.unknownAssignment(id) }
  }

  /// A JSON object body, handed across threads as one value.
  struct Body: @unchecked Sendable {
    let value: [String: Any]
  }

  static func object(_ data: Data) throws -> Body {
    guard !data.isEmpty else { throw GlossError.invalidArgument(argument: "request", message: "the body is empty") }
    guard let parsed = try? JSONSerialization.jsonObject(with: data), let object = parsed as? [String: Any] else {
      throw GlossError.invalidArgument(argument: "request", message: "the body is not a JSON object")
    }
    return Body(value: object)
  }

  /// Path segments, percent-decoded; nil when one does not decode.
  static func segments(_ path: String) -> [String]? {
    var parts: [String] = []
    for part in path.split(separator: "/", omittingEmptySubsequences: true) {
      guard let decoded = String(part).removingPercentEncoding else { return nil }
      parts.append(decoded)
    }
    return parts
  }

  static func parseQuery(_ query: String) -> [String: [String]] {
    var result: [String: [String]] = [:]
    for pair in query.split(separator: "&") {
      let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      let decode = { (text: Substring) in
        String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
      }
      result[decode(parts[0]), default: []].append(parts.count > 1 ? decode(parts[1]) : "")
    }
    return result
  }

  /// The status for an error: the request's fault is 4xx, the repository's 500.
  static func reply(for error: Error) -> Reply {
    guard let error = error as? GlossError else {
      return .error(500, "\(error)")
    }
    let message = error.errorDescription ?? "\(error)"
    switch error {
    case .unknownDocument, .unknownCode, .unknownCoder, .unknownAssignment, .unknownRevision:
      return .error(404, message)
    case .invalidIdentifier, .invalidArgument, .invalidInput, .quoteNotFound, .ambiguousQuote, .nothingToChange,
      .noIdentity, .ambiguousAssignment:
      return .error(400, message)
    case .blind, .leadsOnly, .newCoder, .breaksRules, .documentNeedsLead, .notYourAssignment,
      .consensusIsNotACoder, .reanchorsOthers, .notYourAnnotations, .lastLead, .notAssigned:
      return .error(403, message)
    case .uncommittedChanges, .lockHeld, .detachedHead, .codeInUse, .pushRefused,
      .alreadyAssigned, .codeExists, .codeNameTaken, .documentExists, .documentGivenTwice, .documentHasAssignments,
      .cannotUndo, .mergeConflicts, .pushNotFastForward, .documentGivenTwiceDiffering, .documentDiffers,
      .assignmentIDTaken, .branchKeptMoving, .alreadyAProject, .folderNotEmpty, .unrelatedHistories, .alphaBelow,
      .noTeamServer, .noUpstream:
      return .error(409, message)
    case .noRepository, .notAProject, .futureFormat, .malformed, .git, .workTreeNotUpdated, .serverFailed,
      .historyMissing, .cannotWrite, .needsWorkTree, .notARegularFile, .foreignHook, .pdfNeedsChromium,
      .remoteAccess:
      return .error(500, message)
    }
  }
}
