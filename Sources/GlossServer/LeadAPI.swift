import Foundation
import GlossCore

/// A request body's fields, read strictly: an unknown key or a value of the wrong type is the
/// client's mistake (400), said in one line.
struct Fields {
  let body: [String: Any]

  init(_ body: [String: Any], allowed: Set<String>) throws {
    if let unknown = body.keys.sorted().first(where: { !allowed.contains($0) }) {
      throw Self.fail("unknown key \"\(unknown)\"")
    }
    self.body = body
  }

  static func fail(_ message: String) -> GlossError { .invalidArgument(argument: "request", message: message) }

  func has(_ key: String) -> Bool { body[key] != nil }

  func string(_ key: String) throws -> String? {
    guard let value = body[key] else { return nil }
    guard let text = value as? String else { throw Self.fail("\"\(key)\" must be a string") }
    return text
  }

  func require(_ key: String) throws -> String {
    guard let text = try string(key), !text.isEmpty else { throw Self.fail("\"\(key)\" is required") }
    return text
  }

  /// A string, or null to clear it; nil when absent.
  func nullable(_ key: String) throws -> String?? {
    guard let value = body[key] else { return nil }
    if value is NSNull { return .some(nil) }
    return .some(try string(key))
  }

  /// A list of strings (or one comma-separated string), as the command line takes lists.
  func strings(_ key: String) throws -> [String] {
    guard let value = body[key] else { return [] }
    if let text = value as? String { return splitList([text]) }
    guard let list = value as? [Any], let texts = list as? [String] else {
      throw Self.fail("\"\(key)\" must be a list of strings")
    }
    return splitList(texts)
  }
}

/// The lead's screens: coders compared on a document, reconciliation into consensus, the
/// codebook and who codes what. Every rule (who may see or change what) is the Session's and
/// the Policy's; these routes only translate JSON to their calls and back.
extension API {
  /// `?doc=ID&coders=A,B`: the coders' assignments on the document side by side (blind coding
  /// refuses a hidden coder), consensus when the viewer may see it, and for a lead the
  /// reconciliation as `gloss reconcile --dry-run` reports it.
  static func compare(_ project: Project, query: [String: [String]], coder: String) throws -> Reply {
    guard let doc = query["doc"]?.last, !doc.isEmpty else {
      throw Fields.fail("name the document: ?doc=ID")
    }
    try checkDocumentID(doc)
    let session = try project.session(as: coder)
    let snapshot = try project.snapshot()
    _ = try snapshot.requireDocument(doc)
    let coders = splitList(query["coders"] ?? [])
    guard coders.count >= 2 else { throw Fields.fail("name at least two coders: &coders=A,B") }
    for name in coders { try Identifier.requireCoder(name) }
    let items = try snapshot.assignments(onDocument: doc, coders: coders, policy: session.policy)
    var members: [(String, JSON)] = [
      ("doc", .string(doc)), ("coders", .array(coders.map(JSON.string))),
      ("assignments", .array(items.map(\.json))),
    ]
    if session.policy.canSee(coder: Identifier.consensus) {
      let consensus = try snapshot.annotations(coder: Identifier.consensus, doc: doc) ?? []
      members.append(
        (
          "consensus",
          .array(consensus.map { LocatedAssignment(coder: Identifier.consensus, doc: doc, assignment: $0).json })
        ))
    }
    if session.isLead {
      let report = try session.reconcile(docs: [doc], coders: coders, take: [], drop: [], dryRun: true)
      members.append(("reconcile", report.json))
    }
    return .json(.object(members))
  }

  /// `{doc, coders, take?, drop?, strategy?, from?}`: one `gloss reconcile` run. `strategy`
  /// `majority` or `take-all` (with `from`: the coder) decides what it can first, as
  /// `gloss reconcile --majority` / `--take-all` do.
  static func reconcile(_ project: Project, body: [String: Any], coder: String) throws -> Reply {
    let fields = try Fields(body, allowed: ["doc", "coders", "take", "drop", "strategy", "from"])
    let doc = try fields.require("doc")
    try checkDocumentID(doc)
    let coders = try fields.strings("coders")
    let take = try fields.strings("take")
    let drop = try fields.strings("drop")
    var strategy: ReconcileStrategy?
    if let name = try fields.string("strategy") {
      switch name {
      case "majority": strategy = .majority
      case "take-all":
        let from = try fields.require("from")
        guard coders.contains(from) else { throw Fields.fail("\"from\" must be one of the coders") }
        strategy = .takeAll(from: from)
      default: throw Fields.fail("\"strategy\" is majority or take-all")
      }
    } else if fields.has("from") {
      throw Fields.fail("\"from\" goes with \"strategy\": \"take-all\"")
    }
    let report = try project.session(as: coder).reconcile(
      docs: [doc], coders: coders, take: take, drop: drop, strategy: strategy)
    return .json(report.json, status: report.commit == nil ? 200 : 201)
  }

  /// Everyone who codes or leads (gloss.yaml and the annotation folders), for the lead's
  /// assignment screen; `coder list` is for leads only, and so is this.
  static func coders(_ project: Project, coder: String) throws -> Reply {
    let snapshot = try project.snapshot()
    let settings = try snapshot.settings()
    guard settings.leads.contains(coder) else { throw GlossError.leadsOnly(action: .addCoders, coder: coder) }
    let names = Set(try project.coderEntries().map(\.name)).union(try snapshot.coders())
      .subtracting([Identifier.consensus])
    return .json(
      .array(
        names.sorted().map { name in
          JSON.object([("name", .string(name)), ("lead", .bool(settings.leads.contains(name)))])
        }))
  }

  /// `{name}` renames (`gloss code rename`); `{parent?, color?, description?}` moves the code
  /// or sets its colour or description (null clears); not both in one request, so a request
  /// is one commit or none.
  static func editCode(_ project: Project, id: String, body: [String: Any], coder: String) throws -> Reply {
    let fields = try Fields(body, allowed: ["name", "parent", "color", "description"])
    let session = try project.session(as: coder)
    let result: CommitResult
    if let name = try fields.string("name") {
      guard fields.body.count == 1 else {
        throw Fields.fail("rename in a request of its own (\"name\" alone)")
      }
      result = try session.renameCode(id, to: name)
    } else {
      let details = CodeDetails(
        parent: try fields.nullable("parent"), color: try fields.nullable("color"),
        description: try fields.nullable("description"))
      guard details != CodeDetails() else { throw Fields.fail("give name, parent, color or description") }
      result = try session.setCodeDetails(id, details).result
    }
    return try codeReply(project, id: id, result: result)
  }

  /// `{into}`: `gloss code merge ID INTO`.
  static func mergeCode(_ project: Project, id: String, body: [String: Any], coder: String) throws -> Reply {
    let fields = try Fields(body, allowed: ["into"])
    let into = try fields.require("into")
    let merged = try project.session(as: coder).mergeCodes(id, into: into)
    return .json(
      .object([
        ("commit", .string(merged.result.commit.hex)), ("rewritten", .int(merged.rewritten)),
        ("dropped", .int(merged.dropped)),
      ]))
  }

  /// The code after a change, in `code list`'s shape, with the commit.
  static func codeReply(_ project: Project, id: String, result: CommitResult) throws -> Reply {
    let snapshot = try project.snapshot(at: result.commit.hex)
    guard let code = try snapshot.codebook().lookup(id) else { throw GlossError.unknownCode(id) }
    guard case .object(var members) = code.json(uses: 0) else { return .json(code.json(uses: 0)) }
    members.removeAll { $0.0 == "uses" }
    members.append(("commit", .string(result.commit.hex)))
    return .json(.object(members))
  }

  /// `{docs, coders}`: `gloss doc assign DOC... --to CODER...`, or with `unassign`,
  /// `gloss doc unassign` (which refuses to drop a coder's work).
  static func assign(_ project: Project, body: [String: Any], coder: String, unassign: Bool) throws -> Reply {
    let fields = try Fields(body, allowed: ["docs", "coders"])
    let docs = try fields.strings("docs")
    let coders = try fields.strings("coders")
    guard !docs.isEmpty, !coders.isEmpty else { throw Fields.fail("\"docs\" and \"coders\" are required") }
    for doc in docs { try checkDocumentID(doc) }
    let session = try project.session(as: coder)
    if unassign {
      let outcome = try session.unassignDocuments(docs, from: coders, force: false)
      return .json(.object([("commit", .string(outcome.result.commit.hex))]))
    }
    let outcome = try session.assignDocuments(docs, to: coders)
    return .json(
      .object([
        ("commit", .string(outcome.result.commit.hex)), ("created", .array(outcome.created.map(JSON.string))),
      ]))
  }
}

extension ReconcileReport {
  /// `gloss reconcile --format json`'s shape.
  var json: JSON {
    .object([
      ("commit", .optional(commit?.commit.hex)),
      ("agreed", .array(agreed.map(\.json))),
      ("written", .array(written.map(\.json))),
      (
        "disagreements",
        .array(
          disagreements.map {
            JSON.object([("decision", .string($0.decision.rawValue)), ("assignment", $0.assignment.json)])
          })
      ),
    ])
  }
}
