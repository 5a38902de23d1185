import Foundation
import GitKit

extension Project {
  /// How many assignments of the coders `policy` lets the viewer see use each code id.
  public func codeUsage(at snapshot: Snapshot, policy: Policy) throws -> [String: Int] {
    var usage: [String: Int] = [:]
    try snapshot.forEachAnnotationFileCodes(coders: policy.visibleCoders) { _, _, codes in
      for code in codes { usage[code, default: 0] += 1 }
    }
    return usage
  }
}

extension Session {
  /// Adds a code to the codebook; its id is derived from the name unless given.
  @discardableResult
  public func addCode(
    name: String, id explicitID: String? = nil, parent: String? = nil, description: String? = nil,
    color: String? = nil
  ) throws -> (code: Code, result: CommitResult) {
    let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !trimmed.isEmpty, !trimmed.contains("\n") else {
      throw GlossError.invalidArgument(argument: "NAME", message: "a code needs a one-line name")
    }
    let id = explicitID ?? Identifier.readableSlug(trimmed)
    try Identifier.requireCode(id)
    if let color, !Code.isColor(color) {
      throw GlossError.invalidArgument(argument: "--color \(color)", message: "expected #RRGGBB")
    }
    let (result, added) = try commit { transaction -> Change<Code> in
      var added = Code(id: id, name: trimmed, parent: nil, description: description, color: color)
      var book = try transaction.codebook()
      if book.code(id) != nil { throw GlossError.codeExists(id: id) }
      if let clash = book.codes.first(where: { $0.name.lowercased() == trimmed.lowercased() }) {
        throw GlossError.codeNameTaken(name: clash.name, id: clash.id)
      }
      if let parent {
        guard let parentCode = book.lookup(parent) else { throw GlossError.unknownCode(parent) }
        added.parent = parentCode.id
      }
      book.upsert(added)
      transaction.setCodebook(book)
      return .commit(summary: "gloss: \(coder) adds code \(id)", value: added)
    }
    return (added, try Project.committed(result))
  }

  /// Gives a code a new display name; assignments keep the id, so nothing else changes.
  @discardableResult
  public func renameCode(_ idOrName: String, to name: String) throws
    -> CommitResult
  {
    let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !trimmed.isEmpty, !trimmed.contains("\n") else {
      throw GlossError.invalidArgument(argument: "NAME", message: "a code needs a one-line name")
    }
    let (result, _) = try commit { transaction -> Change<Void> in
      var book = try transaction.codebook()
      guard var code = book.lookup(idOrName) else { throw GlossError.unknownCode(idOrName) }
      if let clash = book.codes.first(where: {
        $0.id != code.id && $0.name.lowercased() == trimmed.lowercased()
      }) {
        throw GlossError.codeNameTaken(name: clash.name, id: clash.id)
      }
      guard code.name != trimmed else { return .unchanged(()) }
      let old = code.name
      code.name = trimmed
      book.upsert(code)
      transaction.setCodebook(book)
      return .commit(summary: "gloss: \(coder) renames code \(code.id) from '\(old)' to '\(trimmed)'", value: ())
    }
    guard let result else { throw GlossError.nothingToChange(.codeNamedAlready(trimmed)) }
    return result
  }

  /// Folds code `from` into `into`: every assignment of `from`, in every coder's files, is
  /// rewritten; records that become duplicates keep the smaller id.
  public func mergeCodes(_ from: String, into: String) throws
    -> (result: CommitResult, rewritten: Int, dropped: Int)
  {
    let (result, counts) = try commit { transaction -> Change<(rewritten: Int, dropped: Int)> in
      var rewritten = 0
      var dropped = 0
      var book = try transaction.codebook()
      guard let source = book.lookup(from) else { throw GlossError.unknownCode(from) }
      guard let target = book.lookup(into) else { throw GlossError.unknownCode(into) }
      guard source.id != target.id else {
        throw GlossError.invalidArgument(argument: "INTO", message: "cannot merge a code into itself")
      }
      var ancestor = target.parent
      while let id = ancestor {
        if id == source.id {
          throw GlossError.invalidArgument(
            argument: "INTO", message: "'\(target.id)' is inside '\(source.id)'; merge it upwards instead")
        }
        ancestor = book.code(id)?.parent
      }
      for (fileCoder, doc) in try transaction.annotationFiles() {
        guard let records = try transaction.annotations(coder: fileCoder, doc: doc),
          records.contains(where: { $0.code == source.id })
        else { continue }
        var kept: [Assignment.Key: Assignment] = [:]
        for var record in records {
          if record.code == source.id {
            record.code = target.id
            rewritten += 1
          }
          if let other = kept[record.key] {
            dropped += 1
            if record.id.utf8.lexicographicallyPrecedes(other.id.utf8) { kept[record.key] = record }
          } else {
            kept[record.key] = record
          }
        }
        transaction.setAnnotations(Array(kept.values), coder: fileCoder, doc: doc)
      }
      book.remove(source.id, movingChildrenTo: target.id)
      transaction.setCodebook(book)
      return .commit(
        summary: "gloss: \(coder) merges code \(source.id) into \(target.id)", value: (rewritten, dropped))
    }
    return (try Project.committed(result), counts.rewritten, counts.dropped)
  }

  /// Removes a code. While assignments use it this fails, unless `force`, which removes them
  /// too. Child codes move up to the removed code's parent.
  public func removeCode(_ idOrName: String, force: Bool) throws
    -> (result: CommitResult, removedAssignments: Int)
  {
    let (result, removed) = try commit { transaction -> Change<Int> in
      var removed = 0
      var book = try transaction.codebook()
      guard let code = book.lookup(idOrName) else { throw GlossError.unknownCode(idOrName) }
      var uses: [(String, String, [Assignment])] = []
      for (fileCoder, doc) in try transaction.annotationFiles() {
        guard let records = try transaction.annotations(coder: fileCoder, doc: doc) else { continue }
        let count = records.filter { $0.code == code.id }.count
        if count > 0 {
          removed += count
          uses.append((fileCoder, doc, records.filter { $0.code != code.id }))
        }
      }
      if removed > 0 && !force { throw GlossError.codeInUse(code: code.id, uses: removed) }
      for (fileCoder, doc, rest) in uses {
        transaction.setAnnotations(rest, coder: fileCoder, doc: doc)
      }
      book.remove(code.id, movingChildrenTo: code.parent)
      transaction.setCodebook(book)
      let summary =
        "gloss: \(coder) removes code \(code.id)" + (removed > 0 ? " and its \(removed) assignment(s)" : "")
      return .commit(summary: summary, value: removed)
    }
    return (try Project.committed(result), removed)
  }
}
