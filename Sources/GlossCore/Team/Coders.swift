import Foundation

extension Project {
  /// Refuses a coder the project does not know yet: no annotation folder, not a lead and
  /// not under `coders:` in gloss.yaml. A forgotten or mistyped `--as` (or a `user.name`
  /// that is nobody's coder name) would otherwise start a new coder silently.
  public func requireKnownCoder(_ coder: String) throws {
    // `consensus` is refused (or allowed to leads) by the operations themselves.
    guard coder != Identifier.consensus else { return }
    let snapshot = try snapshot()
    let settings = try snapshot.settings()
    if settings.leads.contains(coder) || settings.coders[coder] != nil { return }
    if try snapshot.coders().contains(coder) { return }
    throw GlossError.newCoder(coder)
  }

  /// Removes the (empty) annotation files of coders assigned a document by mistake, in one
  /// commit; a lead's operation. A file with assignments is kept unless `force`.
  public func unassignDocuments(_ docs: [String], from coders: [String], force: Bool, as lead: String)
    throws -> (result: CommitResult, removed: [(path: String, assignments: Int)])
  {
    var removed: [(path: String, assignments: Int)] = []
    let result = try commit(as: lead) { transaction in
      removed = []
      let settings = try transaction.settings()
      guard settings.leads.contains(lead) else {
        throw GlossError.notAllowed(
          "only a lead (gloss.yaml leads: \(settings.leads.joined(separator: ", "))) takes documents "
            + "off coders' lists; \(lead) is not one")
      }
      for doc in docs {
        _ = try transaction.snapshot.requireDocument(doc)
        for coder in coders {
          guard let records = try transaction.annotations(coder: coder, doc: doc) else {
            throw GlossError.invalidArgument(argument: "--from \(coder)", message: "\(doc) is not assigned to \(coder)")
          }
          if !records.isEmpty && !force {
            throw GlossError.notAllowed(
              "\(coder) has \(records.count) assignment(s) on \(doc); --force removes them too")
          }
          let path = Layout.annotation(coder: coder, doc: doc)
          try transaction.remove(path)
          removed.append((path, records.count))
        }
      }
      return "gloss: \(lead) unassigns \(docs.joined(separator: ", ")) from \(coders.joined(separator: ", "))"
    }
    return (result, removed)
  }
}
