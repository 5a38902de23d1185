import Foundation

/// A coder as gloss.yaml lists them: the e-mails their commits carry, and whether they lead.
public struct CoderEntry: Sendable, Equatable {
  public let name: String
  public let emails: [String]
  public let lead: Bool
}

extension Project {
  /// Everyone named in gloss.yaml (`coders:` and `leads:`), sorted by name.
  public func coderEntries() throws -> [CoderEntry] {
    let settings = try snapshot().settings()
    let names = Set(settings.coders.keys).union(settings.leads)
    return names.sorted().map {
      CoderEntry(name: $0, emails: settings.coders[$0] ?? [], lead: settings.leads.contains($0))
    }
  }

  static func requireLead(_ actor: String, _ settings: Settings, _ action: LeadAction) throws {
    guard settings.leads.contains(actor) else { throw GlossError.leadsOnly(action: action, coder: actor) }
  }

  /// Something@something, with no spaces, commas or brackets that would break gloss.yaml.
  static func isEmail(_ text: String) -> Bool {
    let parts = text.split(separator: "@", omittingEmptySubsequences: false)
    return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty
      && !text.contains { $0.isWhitespace || ",[]{}<>\"'#".contains($0) }
  }
}

extension Project {
  /// A session for a coder the project knows (`requireKnownCoder(_:settings:in:)`), with the settings at
  /// HEAD read once for both.
  public func session(knownAs coder: String) throws -> Session {
    let snapshot = try snapshot()
    let settings = try snapshot.settings()
    try Self.requireKnownCoder(coder, settings: settings, in: snapshot)
    return Session(project: self, coder: coder, settings: settings)
  }

  /// Refuses a coder the project does not know yet: no annotation folder, not a lead and
  /// not under `coders:` in gloss.yaml. A forgotten or mistyped `--as` (or a `user.name`
  /// that is nobody's coder name) would otherwise start a new coder silently.
  /// `settings` are the rules in force (the commit engine's, for the tip it commits on).
  static func requireKnownCoder(_ coder: String, settings: Settings, in snapshot: Snapshot) throws {
    // `consensus` is refused (or allowed to leads) by the operations themselves.
    guard coder != Identifier.consensus else { return }
    if settings.leads.contains(coder) || settings.coders[coder] != nil { return }
    if try snapshot.coders().contains(coder) { return }
    throw GlossError.newCoder(coder)
  }
}

extension Session {
  /// Adds a coder's e-mails (and with `lead`, makes them a lead) in gloss.yaml, in one
  /// commit by the session's coder, who must be a lead. Adding what is already there is nothing to do.
  @discardableResult
  public func addCoder(_ name: String, emails: [String], lead: Bool) throws -> CommitResult {
    let actor = coder
    guard Identifier.isCoder(name), name != Identifier.consensus else {
      throw GlossError.invalidIdentifier(kind: "coder", value: name, rule: Identifier.coderRule)
    }
    for email in emails where !Project.isEmail(email) {
      throw GlossError.invalidArgument(argument: "--email \(email)", message: "not an e-mail address")
    }
    let (result, _) = try commit { transaction -> Change<Void> in
      var settings = try transaction.settings()
      try Project.requireLead(actor, settings, .addCoders)
      var list = settings.coders[name] ?? []
      for email in emails where !list.contains(where: { $0.lowercased() == email.lowercased() }) {
        list.append(email)
      }
      let changed =
        list != (settings.coders[name] ?? []) || settings.coders[name] == nil
        || (lead && !settings.leads.contains(name))
      guard changed else { return .unchanged(()) }
      settings.coders[name] = list
      if lead && !settings.leads.contains(name) { settings.leads.append(name) }
      transaction.write(Settings.path, settings.encode())
      return .commit(summary: "gloss: \(actor) adds coder \(name)\(lead ? " as a lead" : "")", value: ())
    }
    guard let result else { throw GlossError.nothingToChange(.coderListedAlready(name)) }
    return result
  }

  /// Removes a coder from `coders:` and `leads:`, in one commit by a lead. Their
  /// annotations stay; the project keeps at least one lead.
  @discardableResult
  public func removeCoder(_ name: String) throws -> CommitResult {
    let actor = coder
    let (result, _) = try commit { transaction -> Change<Void> in
      var settings = try transaction.settings()
      try Project.requireLead(actor, settings, .removeCoders)
      guard settings.coders[name] != nil || settings.leads.contains(name) else {
        throw GlossError.invalidArgument(
          argument: name, message: "no such coder in gloss.yaml (see 'gloss coder list')")
      }
      if settings.leads == [name] {
        throw GlossError.lastLead(name)
      }
      settings.coders[name] = nil
      settings.leads.removeAll { $0 == name }
      transaction.write(Settings.path, settings.encode())
      return .commit(summary: "gloss: \(actor) removes coder \(name)", value: ())
    }
    return try Project.committed(result)
  }

  /// Removes the (empty) annotation files of coders assigned a document by mistake, in one
  /// commit; a lead's operation. A file with assignments is kept unless `force`.
  public func unassignDocuments(_ docs: [String], from coders: [String], force: Bool)
    throws -> (result: CommitResult, removed: [(path: String, assignments: Int)])
  {
    let lead = coder
    let (result, removed) = try commit {
      transaction -> Change<[(path: String, assignments: Int)]> in
      var removed: [(path: String, assignments: Int)] = []
      let settings = try transaction.settings()
      try Project.requireLead(lead, settings, .unassignDocuments)
      for doc in docs {
        _ = try transaction.snapshot.requireDocument(doc)
        for coder in coders {
          guard let records = try transaction.annotations(coder: coder, doc: doc) else {
            throw GlossError.invalidArgument(argument: "--from \(coder)", message: "\(doc) is not assigned to \(coder)")
          }
          if !records.isEmpty && !force {
            throw GlossError.documentHasAssignments(coder: coder, doc: doc, count: records.count)
          }
          let path = Layout.annotation(coder: coder, doc: doc)
          try transaction.remove(path)
          // The coder's done mark goes with the work it marked.
          try transaction.remove(Layout.doneMark(coder: coder, doc: doc))
          removed.append((path, records.count))
        }
      }
      let summary = "gloss: \(lead) unassigns \(docs.joined(separator: ", ")) from \(coders.joined(separator: ", "))"
      return .commit(summary: summary, value: removed)
    }
    return (try Project.committed(result), removed)
  }
}
