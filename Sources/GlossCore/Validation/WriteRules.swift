import Foundation

/// One path a writer may not change, and which rule says so (DESIGN §6 "who writes what").
public struct RuleViolation: Sendable, Equatable {
  public enum Rule: Sendable, Equatable {
    /// `documents/`, `gloss.yaml`, `.gitattributes`, reconciliation memos and any file
    /// outside the coders' own places.
    case leadsOnly
    /// `annotations/consensus/`.
    case consensusLeadsOnly
    /// `annotations/<owner>/`: the owner or a lead.
    case ownerOrLead(owner: String)
    /// An author no coder could be named for cannot add codes.
    case identifiedCodersOnly
    /// gloss.yaml says `codebook: locked`: only leads add codes.
    case codebookLocked
    /// An existing code was renamed or edited.
    case codeChanged(id: String)
    /// An existing code was removed (or merged into another).
    case codeRemoved(id: String)
    /// The new codebook cannot be read, so the change cannot be told from a rewrite.
    case codebookUnreadable
  }

  public let path: String
  public let rule: Rule

  public init(path: String, rule: Rule) {
    self.path = path
    self.rule = rule
  }

  /// The rule in words, for messages ("only leads change gloss.yaml").
  public var reason: String {
    switch rule {
    case .leadsOnly: return "only leads change \(path)"
    case .consensusLeadsOnly: return "only leads write consensus"
    case .ownerOrLead(let owner): return "only \(owner) (or a lead) writes it"
    case .identifiedCodersOnly: return "only a coder named in gloss.yaml (or a lead) adds codes"
    case .codebookLocked: return "the codebook is locked (codebook: locked in gloss.yaml); only leads add codes"
    case .codeChanged(let id): return "changes code '\(id)'; only leads rename or edit existing codes"
    case .codeRemoved(let id): return "removes code '\(id)'; only leads remove or merge codes"
    case .codebookUnreadable: return "cannot be read as a codebook; only leads rewrite it"
    }
  }
}

/// Who may change which path: the one rule shared by validation, the server hooks and (to
/// refuse up front) the commands that commit. Pure: no repository access.
public enum WriteRules {
  /// What is wrong with `author` (nil: nobody could be named) changing `path` from `before`
  /// to `after` (nil: absent) under `settings` (the rules in force before the change, never
  /// the changed gloss.yaml). Leads may change anything; a coder writes their own
  /// `annotations/<coder>/`, memos outside `memos/reconcile/`, and adds codes to the
  /// codebook unless it is locked; nothing else.
  public static func violations(path: String, before: Data?, after: Data?, author: String?, settings: Settings)
    -> [RuleViolation]
  {
    if let author, settings.leads.contains(author) { return [] }
    func refuse(_ rule: RuleViolation.Rule) -> [RuleViolation] { [RuleViolation(path: path, rule: rule)] }
    let parts = path.split(separator: "/", omittingEmptySubsequences: false)
    if parts.count >= 3, parts[0] == "annotations" {
      let owner = String(parts[1])
      if owner == Identifier.consensus { return refuse(.consensusLeadsOnly) }
      return author == owner ? [] : refuse(.ownerOrLead(owner: owner))
    }
    if path.hasPrefix("memos/"), !path.hasPrefix("memos/reconcile/"), author != nil { return [] }
    if path == Codebook.path, before != nil, let after {
      guard author != nil else { return refuse(.identifiedCodersOnly) }
      return codebookViolations(before: before, after: after, settings: settings)
    }
    return refuse(.leadsOnly)
  }

  /// A coder's codebook change: additions only (unless locked), every existing code intact.
  static func codebookViolations(before: Data?, after: Data, settings: Settings) -> [RuleViolation] {
    let path = Codebook.path
    guard let old = try? before.map({ try Codebook.decode($0) }) ?? Codebook(),
      let new = try? Codebook.decode(after)
    else { return [RuleViolation(path: path, rule: .codebookUnreadable)] }
    var found: [RuleViolation] = []
    for code in old.codes {
      guard let now = new.code(code.id) else {
        found.append(RuleViolation(path: path, rule: .codeRemoved(id: code.id)))
        continue
      }
      if now != code { found.append(RuleViolation(path: path, rule: .codeChanged(id: code.id))) }
    }
    let added = new.codes.contains { old.code($0.id) == nil }
    if added, settings.codebook == .locked { found.append(RuleViolation(path: path, rule: .codebookLocked)) }
    return found
  }
}

/// Who a commit speaks for under a project's rules (DESIGN §6), and if nobody, why not.
public struct CommitAuthor: Sendable, Equatable {
  /// The coder, nil when the commit cannot be attributed.
  public let coder: String?
  /// Why no coder could be named: which e-mail did not match which coder.
  public let problem: String?

  /// A `Gloss-Coder: X` trailer counts when gloss.yaml has no `coders:` map, or when X's
  /// e-mails include the author's; once a map exists, a coder with no e-mails listed cannot
  /// be claimed by anyone. Without a trailer, the one coder listing the author's e-mail.
  public static func resolve(trailer: String?, email: String, settings: Settings) -> CommitAuthor {
    let address = email.lowercased()
    let owners = settings.coders.filter { _, emails in emails.contains { $0.lowercased() == address } }
      .keys.sorted()
    guard let trailer else {
      if owners.count == 1 { return CommitAuthor(coder: owners[0], problem: nil) }
      if settings.coders.isEmpty {
        return CommitAuthor(coder: nil, problem: "no Gloss-Coder trailer, and gloss.yaml has no coders: map")
      }
      if owners.isEmpty {
        return CommitAuthor(
          coder: nil, problem: "no Gloss-Coder trailer, and the author e-mail \(email) is not listed under coders:")
      }
      return CommitAuthor(
        coder: nil,
        problem: "no Gloss-Coder trailer, and the author e-mail \(email) is listed for several coders "
          + "(\(owners.joined(separator: ", ")))")
    }
    if settings.coders.isEmpty || owners.contains(trailer) { return CommitAuthor(coder: trailer, problem: nil) }
    let emails = settings.coders[trailer] ?? []
    let whose = owners.isEmpty ? "" : "; it is \(owners.joined(separator: ", "))'s"
    if emails.isEmpty {
      return CommitAuthor(
        coder: nil,
        problem: "Gloss-Coder: \(trailer), but \(trailer) has no e-mail under coders: in gloss.yaml, "
          + "so no commit can claim \(trailer) (author e-mail \(email)\(whose))")
    }
    return CommitAuthor(
      coder: nil,
      problem: "Gloss-Coder: \(trailer), but the author e-mail \(email) is not one of \(trailer)'s "
        + "(\(emails.joined(separator: ", ")))\(whose)")
  }

  /// "coder ben", or "an unidentified author (why)".
  public var description: String {
    coder.map { "coder \($0)" } ?? "an unidentified author (\(problem ?? "unknown"))"
  }
}
