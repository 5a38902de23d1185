import Foundation

/// What a viewer may read (DESIGN §6, blind coding), answered in one place so every command
/// and every future view applies the same rule. Under blind coding (gloss.yaml `blind: true`,
/// as of HEAD) a coder who is not a lead sees only their own assignments, their own counts,
/// and no agreement figures; asking for another coder's work is refused with one message.
/// Blindness keeps coders from seeing each other's work by accident in gloss; it is not access
/// control (git holds every file).
public struct Policy: Sendable, Equatable {
  /// Who is reading; nil when the identity did not matter (blind coding off).
  public let viewer: String?
  public let isLead: Bool
  public let blind: Bool
  public let leads: [String]

  public init(settings: Settings, viewer: String?) {
    self.viewer = viewer
    self.blind = settings.blind
    self.leads = settings.leads
    self.isLead = viewer.map(settings.leads.contains) ?? false
  }

  /// Sees everything: for the project's own bookkeeping and for tests, never for a viewer.
  public static let unrestricted = Policy(settings: Settings(name: "", leads: []), viewer: nil)

  /// The coders whose assignments the viewer may see; nil for everyone.
  public var visibleCoders: Set<String>? {
    guard blind && !isLead else { return nil }
    return Set(viewer.map { [$0] } ?? [])
  }

  public func canSee(coder: String) -> Bool { visibleCoders?.contains(coder) ?? true }

  /// Refuses a request for `coder`'s work that the viewer may not see.
  public func requireVisible(coder: String) throws {
    guard canSee(coder: coder) else { throw GlossError.blind(requested: coder) }
  }

  /// The coders a listing may read: those `requested` (all when nil), refusing any the
  /// viewer may not see rather than quietly leaving them out.
  public func coders(requested: Set<String>?) throws -> Set<String>? {
    guard let requested else { return visibleCoders }
    for coder in requested.sorted() { try requireVisible(coder: coder) }
    return requested
  }

  /// Whether a repository path may be shown: another coder's annotation folder is hidden, and
  /// so are the reconciliation memos, which quote every coder's spans.
  public func canSee(path: String) -> Bool {
    guard visibleCoders != nil else { return true }
    let parts = path.split(separator: "/", omittingEmptySubsequences: false)
    if parts.count > 1 && parts[0] == "annotations" { return canSee(coder: String(parts[1])) }
    return !path.hasPrefix(Project.decisionsFolder + "/")
  }

  public func filter(_ items: [LocatedAssignment]) -> [LocatedAssignment] {
    guard visibleCoders != nil else { return items }
    return items.filter { canSee(coder: $0.coder) }
  }

  /// Changes whose assignment, before and after, belongs to a coder the viewer may see.
  public func filter(_ changes: [AssignmentChange]) -> [AssignmentChange] {
    guard visibleCoders != nil else { return changes }
    return changes.filter { change in
      canSee(coder: change.assignment.coder) && (change.before.map { canSee(coder: $0.coder) } ?? true)
    }
  }

  /// Agreement compares coders, so under blind coding it is the leads' alone.
  public var canSeeAgreement: Bool { !blind || isLead }

  public func requireAgreement() throws {
    guard canSeeAgreement else { throw GlossError.leadsOnly(action: .agreement, coder: viewer ?? "") }
  }
}

/// What only a lead may do; the refusal names it (GlossError.leadsOnly).
public enum LeadAction: String, Sendable, Equatable {
  /// `gloss agree` in every form, while blind coding is on.
  case agreement
  /// `gloss blind on|off`.
  case switchBlind
  /// `gloss reconcile`.
  case reconcile
  /// `gloss serve --team` and its personal links.
  case serveTeam
  /// `gloss coder add`.
  case addCoders
  /// `gloss coder rm`.
  case removeCoders
  /// `gloss doc unassign`.
  case unassignDocuments
  /// Writing annotations/consensus/ (imports as consensus).
  case writeConsensus
  /// `gloss import qdpx|csv --all`: every coder's work in one commit.
  case importAll
}

extension Project {
  /// The read policy for the viewer (`--as`, else the usual identity). The identity is
  /// resolved only when blind coding is on, so reading needs no identity otherwise.
  public func policy(explicit coder: String?) throws -> Policy {
    let settings = try snapshot().settings()
    return Policy(settings: settings, viewer: settings.blind ? try self.coder(explicit: coder) : nil)
  }

  /// Refuses `coder` unless gloss.yaml (as of HEAD) names them a lead.
  public func requireLead(_ coder: String, for action: LeadAction) throws {
    guard try snapshot().settings().leads.contains(coder) else {
      throw GlossError.leadsOnly(action: action, coder: coder)
    }
  }

  /// The folder of `memos/reconcile/<doc>.md`.
  static let decisionsFolder = "memos/reconcile"
}

extension AssignmentFilter {
  /// This filter narrowed to what `policy` lets the viewer see; naming a hidden coder is
  /// refused.
  public func visible(to policy: Policy) throws -> AssignmentFilter {
    var narrowed = self
    narrowed.coders = try policy.coders(requested: coders)
    return narrowed
  }
}

extension DoneMarks {
  /// The marks of the coders `policy` lets the viewer see: blind coding hides the others'
  /// progress along with their work.
  public func visible(to policy: Policy) -> DoneMarks {
    guard policy.visibleCoders != nil else { return self }
    return DoneMarks(byDocument: byDocument.mapValues { $0.filter(policy.canSee(coder:)) })
  }
}

extension MergeReport {
  /// The report as the viewer may see it: other coders' changes, re-anchored and stale spans
  /// and notes are left out; a conflict in a hidden file keeps its path (enough to settle it
  /// with --ours/--theirs PATH) but not its id or either side's text.
  public func visible(to policy: Policy) -> MergeReport {
    guard policy.visibleCoders != nil else { return self }
    var report = self
    report.changes = policy.filter(changes)
    report.staleAnchors = policy.filter(staleAnchors)
    report.reanchored = reanchored.filter { policy.canSee(coder: $0.coder) }
    report.notes = notes.filter { note in
      guard let path = note.split(separator: ":", maxSplits: 1).first else { return true }
      return policy.canSee(path: String(path))
    }
    report.conflicts = conflicts.map { conflict in
      guard !policy.canSee(path: conflict.path) else { return conflict }
      return MergeConflict(path: conflict.path, id: nil, reason: conflict.reason, ours: nil, theirs: nil)
    }
    return report
  }
}
