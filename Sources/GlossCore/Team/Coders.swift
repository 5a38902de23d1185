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

  /// Adds a coder's e-mails (and with `lead`, makes them a lead) in gloss.yaml, in one
  /// commit by `actor`, who must be a lead. Adding what is already there is nothing to do.
  @discardableResult
  public func addCoder(_ name: String, emails: [String], lead: Bool, as actor: String) throws -> CommitResult {
    guard Identifier.isCoder(name), name != Identifier.consensus else {
      throw GlossError.invalidIdentifier(kind: "coder", value: name, rule: Identifier.coderRule)
    }
    for email in emails where !Self.isEmail(email) {
      throw GlossError.invalidArgument(argument: "--email \(email)", message: "not an e-mail address")
    }
    let (result, _) = try session(as: actor).commit { transaction -> Change<Void> in
      var settings = try transaction.settings()
      try Self.requireLead(actor, settings, "adds coders")
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
    guard let result else { throw GlossError.nothingToDo("\(name) is already listed like that") }
    return result
  }

  /// Removes a coder from `coders:` and `leads:`, in one commit by a lead. Their
  /// annotations stay; the project keeps at least one lead.
  @discardableResult
  public func removeCoder(_ name: String, as actor: String) throws -> CommitResult {
    let (result, _) = try session(as: actor).commit { transaction -> Change<Void> in
      var settings = try transaction.settings()
      try Self.requireLead(actor, settings, "removes coders")
      guard settings.coders[name] != nil || settings.leads.contains(name) else {
        throw GlossError.invalidArgument(
          argument: name, message: "no such coder in gloss.yaml (see 'gloss coder list')")
      }
      if settings.leads == [name] {
        throw GlossError.notAllowed("\(name) is the only lead; add another lead first")
      }
      settings.coders[name] = nil
      settings.leads.removeAll { $0 == name }
      transaction.write(Settings.path, settings.encode())
      return .commit(summary: "gloss: \(actor) removes coder \(name)", value: ())
    }
    return try Self.committed(result)
  }

  static func requireLead(_ actor: String, _ settings: Settings, _ what: String) throws {
    guard settings.leads.contains(actor) else {
      throw GlossError.notAllowed("only a lead (gloss.yaml leads) \(what); \(actor) is not a lead")
    }
  }

  /// Something@something, with no spaces, commas or brackets that would break gloss.yaml.
  static func isEmail(_ text: String) -> Bool {
    let parts = text.split(separator: "@", omittingEmptySubsequences: false)
    return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty
      && !text.contains { $0.isWhitespace || ",[]{}<>\"'#".contains($0) }
  }
}
