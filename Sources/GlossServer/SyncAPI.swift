import Foundation
import GlossCore

/// Fetch, pull and push for the sync buttons: thin over GlossCore's sync (the same calls as
/// `gloss fetch`, `gloss pull` and `gloss push`), with the branch's default remote.
extension API {
  /// `GET /api/sync`: the remote, the branch, and commits ahead and behind as of the last fetch.
  static func syncStatus(_ project: Project) throws -> Reply {
    .json(try project.syncStatus().json)
  }

  /// The remote to use (as `gloss fetch` without arguments); a 409 when there is none.
  static func remote(_ project: Project) throws -> String {
    try project.defaultRemote(for: project.currentBranchName())
  }

  static func fetch(_ project: Project) throws -> Reply {
    let remote = try remote(project)
    try project.fetch(remote: remote)
    return .json(try project.syncStatus(remote: remote).json)
  }

  static func push(_ project: Project) throws -> Reply {
    let remote = try remote(project)
    let (_, lines) = try project.push(remote: remote, branch: nil)
    var reply = try project.syncStatus(remote: remote).json
    if case .object(var members) = reply {
      members.append(("remote_lines", .array(lines.map(JSON.string))))
      reply = .object(members)
    }
    return .json(reply)
  }

  /// `{ours?: [SELECTOR], theirs?: [SELECTOR], prefer?: "ours"|"theirs"}`: `gloss pull` with
  /// `--ours`, `--theirs` and `--prefer`. Unsettled conflicts are a 409 listing each one
  /// (record by record, as the viewer may see them), and nothing is written.
  static func pull(_ project: Project, body: [String: Any], coder: String) throws -> Reply {
    let fields = try Fields(body, allowed: ["ours", "theirs", "prefer"])
    var prefer: MergeSide?
    if let side = try fields.string("prefer") {
      guard let parsed = MergeSide(rawValue: side) else { throw Fields.fail("\"prefer\" is ours or theirs") }
      prefer = parsed
    }
    let choices = MergeChoices(
      picks: try fields.strings("ours").map { ($0, .ours) } + fields.strings("theirs").map { ($0, .theirs) },
      prefer: prefer)
    let remote = try remote(project)
    let session = try project.session(as: coder)
    let report = try session.pull(remote: remote, branch: nil, choices: choices).visible(to: session.policy)
    var members: [(String, JSON)] = []
    if report.outcome == .conflicts {
      let error = GlossError.mergeConflicts(count: report.conflicts.count, merging: remote)
      members.append(("error", .string(error.errorDescription ?? "\(error)")))
    }
    if case .object(let status) = try project.syncStatus(remote: remote).json { members += status }
    if case .object(let merge) = report.json { members += merge }
    return .json(.object(members), status: report.outcome == .conflicts ? 409 : 200)
  }
}

extension MergeReport {
  /// `gloss merge --format json`'s outcome, commit, conflicts and notes.
  var json: JSON {
    let (outcome, commit): (String, CommitID?) = {
      switch self.outcome {
      case .upToDate: return ("up-to-date", nil)
      case .fastForward(let id): return ("fast-forward", id)
      case .merged(let id): return ("merged", id)
      case .conflicts: return ("conflicts", nil)
      }
    }()
    return .object([
      ("outcome", .string(outcome)), ("commit", .optional(commit?.hex)),
      (
        "conflicts",
        .array(
          conflicts.map {
            JSON.object([
              ("path", .string($0.path)), ("id", .optional($0.id)), ("reason", .string($0.reason)),
              ("ours", .optional($0.ours)), ("theirs", .optional($0.theirs)),
            ])
          })
      ),
      ("notes", .array(notes.map(JSON.string))),
      ("changes", .array(changes.map(\.json))),
    ])
  }
}
