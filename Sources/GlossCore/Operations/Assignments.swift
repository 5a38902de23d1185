import Foundation
import GitKit

/// A request to assign a code, from the command line or a batch line.
public struct AssignmentRequest: Sendable {
  public var doc: String
  /// A code id, or a code name (matched ignoring case).
  public var code: String
  public var span: SpanSelector
  public var memo: String?
  /// Where the request came from (`batch.jsonl:3`), prefixed to its errors.
  public var origin: String?

  public init(doc: String, code: String, span: SpanSelector, memo: String? = nil, origin: String? = nil) {
    self.doc = doc
    self.code = code
    self.span = span
    self.memo = memo
    self.origin = origin
  }
}

/// A change to one assignment field by `gloss edit`.
public struct AssignmentEdit: Sendable {
  public var memo: String?
  public var code: String?
  public var chars: (Int, Int)?
  /// The new span by any selector (`--para`, `--lines`, `--quote`, `--chars`), as `add` takes.
  public var span: SpanSelector?

  public init(memo: String? = nil, code: String? = nil, chars: (Int, Int)? = nil, span: SpanSelector? = nil) {
    self.memo = memo
    self.code = code
    self.chars = chars
    self.span = span
  }
}

extension Project {
  /// Parses a batch of JSON lines (`{"doc":…,"code":…,"start":…,"end":…,"memo":…}`).
  public static func parseBatch(_ data: Data, source: String) throws -> [AssignmentRequest] {
    guard let text = String(validating: [UInt8](data), as: UTF8.self) else {
      throw GlossError.invalidInput(file: source, line: nil, message: "is not valid UTF-8")
    }
    var requests: [AssignmentRequest] = []
    for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
      if line.isEmpty { continue }
      func fail(_ message: String) -> GlossError {
        GlossError.invalidInput(file: source, line: index + 1, message: message)
      }
      guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
      else { throw fail("not a JSON object") }
      requests.append(try assignmentRequest(from: object, origin: "\(source):\(index + 1)", fail: fail))
    }
    return requests
  }

  /// One request object, as a batch line or the server's API has it: `doc`, `code`, `start`
  /// and `end` or `quote`, and `memo`; unknown keys are refused. `fail` turns a message into
  /// the caller's error (naming the line, or the request).
  public static func assignmentRequest(
    from object: [String: Any], origin: String?, fail: (String) -> GlossError
  ) throws -> AssignmentRequest {
    let allowed: Set<String> = ["doc", "code", "start", "end", "memo", "quote"]
    if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
      throw fail("unknown key \"\(unknown)\"")
    }
    guard let doc = object["doc"] as? String else { throw fail("\"doc\" must be a string") }
    guard let code = object["code"] as? String else { throw fail("\"code\" must be a string") }
    let memo = object["memo"] as? String
    if object["memo"] != nil && memo == nil { throw fail("\"memo\" must be a string") }
    let span: SpanSelector
    if let quote = object["quote"] as? String {
      span = .quote(quote)
    } else {
      guard let start = integer(object["start"]), let end = integer(object["end"]) else {
        throw fail("\"start\" and \"end\" must be integers (or give \"quote\")")
      }
      span = .chars(start, end)
    }
    return AssignmentRequest(doc: doc, code: code, span: span, memo: memo, origin: origin)
  }

  /// A JSON integer; booleans and fractions are refused.
  public static func integer(_ value: Any?) -> Int? {
    // Foundation hands JSON numbers and booleans over as NSNumber; booleans have type "c".
    guard let number = value as? NSNumber, String(cString: number.objCType) != "c" else {
      return nil
    }
    let double = number.doubleValue
    guard double == double.rounded(), abs(double) < 1e15 else { return nil }
    return Int(double)
  }

  fileprivate static func stageRemoval(
    _ removed: [LocatedAssignment], coder: String, in transaction: Transaction
  ) throws -> String {
    let byDoc = Dictionary(grouping: removed, by: \.doc)
    for (doc, items) in byDoc {
      let ids = Set(items.map(\.assignment.id))
      let rest = (try transaction.annotations(coder: coder, doc: doc) ?? []).filter { !ids.contains($0.id) }
      transaction.setAnnotations(rest, coder: coder, doc: doc)
    }
    if let only = removed.first, removed.count == 1 {
      let text = try transaction.snapshot.requireDocument(only.doc)
      return "gloss: \(coder) removes \(only.assignment.code) from \(only.doc) "
        + "¶\(text.paragraphNumber(at: only.assignment.start))"
    }
    return "gloss: \(coder) removes \(removed.count) assignments"
  }

  /// The coder's own assignment with this id (or unique prefix), found by reading only the
  /// coder's files; the whole project is searched only to name another coder in a refusal.
  fileprivate static func ownAssignment(_ id: String, coder: String, verb: String, in snapshot: Snapshot)
    throws -> LocatedAssignment
  {
    do {
      return try snapshot.findAssignment(id, coders: [coder])
    } catch GlossError.unknownAssignment {
      let other = try snapshot.findAssignment(id)
      // Under blind coding the refusal names no id of work the coder may not see.
      try Policy(settings: try snapshot.settings(), viewer: coder).requireVisible(coder: other.coder)
      throw GlossError.notYourAssignment(id: other.assignment.id, owner: other.coder, action: verb)
    }
  }

  /// The commit of an operation that always stages something.
  static func committed(_ result: CommitResult?) throws -> CommitResult {
    guard let result else { throw GlossError.nothingToChange(.nothingChanged) }
    return result
  }

  /// Coders write only their own folder; `consensus` is the leads' adjudicated set.
  static func checkWritable(_ coder: String) throws {
    if coder == Identifier.consensus {
      throw GlossError.consensusIsNotACoder(action: "code")
    }
  }
}

extension Session {
  /// Assigns codes in one commit and returns the new assignments.
  @discardableResult
  public func addAssignments(_ requests: [AssignmentRequest]) throws
    -> (result: CommitResult, added: [LocatedAssignment])
  {
    try Project.checkWritable(coder)
    guard !requests.isEmpty else { throw GlossError.nothingToChange(.noAssignmentsGiven) }
    let (result, added) = try commit { transaction -> Change<[LocatedAssignment]> in
      var added: [LocatedAssignment] = []
      let book = try transaction.codebook()
      var files: [String: [Assignment]] = [:]
      var keys: [String: Set<Assignment.Key>] = [:]
      for request in requests {
        do {
          let text = try transaction.snapshot.requireDocument(request.doc)
          guard let code = book.lookup(request.code) else { throw GlossError.unknownCode(request.code) }
          let range = try request.span.resolve(in: text)
          if files[request.doc] == nil {
            let existing = try transaction.annotations(coder: coder, doc: request.doc) ?? []
            files[request.doc] = existing
            keys[request.doc] = Set(existing.map(\.key))
          }
          let memo = request.memo.flatMap { $0.isEmpty ? nil : $0 }
          let record = Assignment(
            id: AssignmentID.make(), code: code.id, start: range.lowerBound, end: range.upperBound,
            exact: text.slice(range.lowerBound, range.upperBound), memo: memo)
          if let index = files[request.doc]?.firstIndex(where: {
            $0.key == record.key && $0.review != nil && (memo == nil || $0.memo == memo)
          }), var marked = files[request.doc]?[index] {
            // Adding a span marked for review again confirms it: the mark goes, the id stays.
            marked.review = nil
            files[request.doc]?[index] = marked
            added.append(LocatedAssignment(coder: coder, doc: request.doc, assignment: marked))
            continue
          }
          guard keys[request.doc, default: []].insert(record.key).inserted else {
            throw GlossError.alreadyAssigned(
              coder: coder, code: code.id, start: record.start, end: record.end, doc: request.doc)
          }
          files[request.doc, default: []].append(record)
          added.append(LocatedAssignment(coder: coder, doc: request.doc, assignment: record))
        } catch let error as GlossError {
          guard let origin = request.origin else { throw error }
          throw GlossError.invalidInput(
            file: origin, line: nil, message: error.errorDescription ?? "invalid assignment")
        }
      }
      for (doc, records) in files { transaction.setAnnotations(records, coder: coder, doc: doc) }
      if let only = added.first, added.count == 1 {
        let text = try transaction.snapshot.requireDocument(only.doc)
        let summary =
          "gloss: \(coder) adds \(only.assignment.code) to \(only.doc) "
          + "¶\(text.paragraphNumber(at: only.assignment.start))"
        return .commit(summary: summary, value: added)
      }
      let docs = Set(added.map(\.doc)).sorted()
      let where_ = docs.count <= 3 ? docs.joined(separator: ", ") : "\(docs.count) documents"
      return .commit(summary: "gloss: \(coder) adds \(added.count) assignments to \(where_)", value: added)
    }
    return (try Project.committed(result), added)
  }

  /// Removes the coder's own assignments by id (or unique id prefix) in one commit.
  public func removeAssignments(ids: [String]) throws
    -> (result: CommitResult, removed: [LocatedAssignment])
  {
    try Project.checkWritable(coder)
    let (result, removed) = try commit { transaction -> Change<[LocatedAssignment]> in
      var removed: [LocatedAssignment] = []
      for id in ids {
        let found = try Project.ownAssignment(id, coder: coder, verb: "remove", in: transaction.snapshot)
        if !removed.contains(found) { removed.append(found) }
      }
      return .commit(summary: try Project.stageRemoval(removed, coder: coder, in: transaction), value: removed)
    }
    return (try Project.committed(result), removed)
  }

  /// Removes the coder's assignment of `code` on exactly the span `selector` names.
  public func removeAssignment(doc: String, code: String, span: SpanSelector)
    throws -> (result: CommitResult, removed: [LocatedAssignment])
  {
    try Project.checkWritable(coder)
    let (result, removed) = try commit { transaction -> Change<[LocatedAssignment]> in
      let text = try transaction.snapshot.requireDocument(doc)
      guard let codeEntry = try transaction.codebook().lookup(code) else {
        throw GlossError.unknownCode(code)
      }
      let range = try span.resolve(in: text)
      let records = try transaction.annotations(coder: coder, doc: doc) ?? []
      let matches = records.filter {
        $0.code == codeEntry.id && $0.start == range.lowerBound && $0.end == range.upperBound
      }
      guard !matches.isEmpty else {
        let near = records.filter {
          $0.code == codeEntry.id && $0.start < range.upperBound && range.lowerBound < $0.end
        }
        let hint =
          near.isEmpty
          ? ""
          : "; overlapping: " + near.map { "\($0.id) chars \($0.start)-\($0.end)" }.joined(separator: ", ")
        throw GlossError.unknownAssignment(
          "\(codeEntry.id) on chars \(range.lowerBound)-\(range.upperBound) of \(doc) by \(coder)\(hint)")
      }
      let removed = matches.map { LocatedAssignment(coder: coder, doc: doc, assignment: $0) }
      return .commit(summary: try Project.stageRemoval(removed, coder: coder, in: transaction), value: removed)
    }
    return (try Project.committed(result), removed)
  }

  /// Changes one of the coder's assignments in place, keeping its id.
  public func editAssignment(id: String, edit: AssignmentEdit) throws
    -> (result: CommitResult, before: LocatedAssignment, after: LocatedAssignment)
  {
    try Project.checkWritable(coder)
    let span = edit.span ?? edit.chars.map { SpanSelector.chars($0.0, $0.1) }
    guard edit.memo != nil || edit.code != nil || span != nil else {
      throw GlossError.nothingToChange(.noEditGiven)
    }
    let (result, edited) = try commit {
      transaction -> Change<(before: LocatedAssignment, after: LocatedAssignment)?> in
      let found = try Project.ownAssignment(id, coder: coder, verb: "edit", in: transaction.snapshot)
      let text = try transaction.snapshot.requireDocument(found.doc)
      var record = found.assignment
      if let memo = edit.memo { record.memo = memo.isEmpty ? nil : memo }
      if let code = edit.code {
        guard let entry = try transaction.codebook().lookup(code) else { throw GlossError.unknownCode(code) }
        record.code = entry.id
      }
      if let span {
        let range = try span.resolve(in: text)
        record.start = range.lowerBound
        record.end = range.upperBound
        record.exact = text.slice(range.lowerBound, range.upperBound)
        record.review = nil
      }
      guard record != found.assignment else { return .unchanged(nil) }
      var records = try transaction.annotations(coder: coder, doc: found.doc) ?? []
      records.removeAll { $0.id == record.id }
      if records.contains(where: { $0.key == record.key }) {
        throw GlossError.alreadyAssigned(
          coder: coder, code: record.code, start: record.start, end: record.end, doc: found.doc)
      }
      records.append(record)
      transaction.setAnnotations(records, coder: coder, doc: found.doc)
      let after = LocatedAssignment(coder: coder, doc: found.doc, assignment: record)
      return .commit(
        summary: "gloss: \(coder) edits \(record.code) on \(found.doc) ¶\(text.paragraphNumber(at: record.start))",
        value: (found, after))
    }
    guard let result, let edited else { throw GlossError.nothingToChange(.assignmentUnchanged) }
    return (result, edited.before, edited.after)
  }
}
