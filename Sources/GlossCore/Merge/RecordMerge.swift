import Foundation

/// Which side of a merge to take for a conflicting record.
public enum MergeSide: String, Sendable, CaseIterable {
  case ours, theirs
}

/// A record both sides changed differently: reported, never guessed (DESIGN §6).
public struct RecordConflict<Record: Equatable & Sendable>: Equatable, Sendable {
  public let id: String
  /// nil where the record does not exist on that side (added, or removed).
  public let base: Record?
  public let ours: Record?
  public let theirs: Record?
  /// Why this is a conflict, in the user's terms.
  public let reason: String

  public func side(_ side: MergeSide) -> Record? { side == .ours ? ours : theirs }
}

/// A record the merge dropped because the other side added the same span under another id.
public struct DuplicateRecord: Equatable, Sendable {
  public let kept: Assignment
  public let dropped: Assignment
}

/// The outcome of merging one annotation file record by record.
public struct AnnotationMerge: Equatable, Sendable {
  /// The merged records in canonical order, without unresolved conflicts.
  public var merged: [Assignment]
  public var conflicts: [RecordConflict<Assignment>]
  /// Conflicts settled by a caller's choice, with the side taken.
  public var resolved: [(RecordConflict<Assignment>, MergeSide)]
  public var duplicates: [DuplicateRecord]

  public var isClean: Bool { conflicts.isEmpty }

  /// The canonical file, or with git-style conflict markers around each conflicting record
  /// (placed where the record sorts) so a git user can pick a side in an editor.
  public func encoded() -> Data {
    guard !conflicts.isEmpty else { return AnnotationFormat.encode(merged) }
    var items: [(Assignment, String)] = merged.map { ($0, AnnotationFormat.line($0) + "\n") }
    for conflict in conflicts {
      guard let anchor = conflict.ours ?? conflict.theirs else { continue }
      let block =
        "<<<<<<< ours\n" + (conflict.ours.map { AnnotationFormat.line($0) + "\n" } ?? "")
        + "=======\n" + (conflict.theirs.map { AnnotationFormat.line($0) + "\n" } ?? "")
        + ">>>>>>> theirs\n"
      items.append((anchor, block))
    }
    items.sort { Assignment.canonicalOrder($0.0, $1.0) }
    return Data(items.map(\.1).joined().utf8)
  }

  public static func == (lhs: AnnotationMerge, rhs: AnnotationMerge) -> Bool {
    lhs.merged == rhs.merged && lhs.conflicts == rhs.conflicts && lhs.duplicates == rhs.duplicates
      && lhs.resolved.map(\.0) == rhs.resolved.map(\.0)
      && lhs.resolved.map(\.1) == rhs.resolved.map(\.1)
  }
}

/// The outcome of merging `codebook.yaml` code by code.
public struct CodebookMerge: Equatable, Sendable {
  public var merged: Codebook
  public var conflicts: [RecordConflict<Code>]
  public var resolved: [(RecordConflict<Code>, MergeSide)]

  public var isClean: Bool { conflicts.isEmpty }

  /// The canonical codebook, or with conflict markers around each conflicting code.
  public func encoded() -> Data {
    guard !conflicts.isEmpty else { return merged.encode() }
    var items: [(String, String)] = merged.codes.map { ($0.id, Self.lines($0)) }
    for conflict in conflicts {
      let block =
        "<<<<<<< ours\n" + (conflict.ours.map(Self.lines) ?? "") + "=======\n"
        + (conflict.theirs.map(Self.lines) ?? "") + ">>>>>>> theirs\n"
      items.append((conflict.id, block))
    }
    items.sort { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
    return Data(("codes:\n" + items.map(\.1).joined()).utf8)
  }

  /// One code's lines as `codebook.yaml` writes them.
  static func lines(_ code: Code) -> String {
    String(decoding: Codebook(codes: [code]).encode(), as: UTF8.self)
      .replacingOccurrences(of: "codes:\n", with: "")
  }

  public static func == (lhs: CodebookMerge, rhs: CodebookMerge) -> Bool {
    lhs.merged == rhs.merged && lhs.conflicts == rhs.conflicts
      && lhs.resolved.map(\.0) == rhs.resolved.map(\.0)
  }
}

/// Three-way, record-by-record merges keyed by id (DESIGN §6). Pure functions: the same
/// inputs give the same bytes whether run by `gloss merge` or by git through the driver.
public enum RecordMerge {
  /// Merges one coder's annotation file. A nil side means the file is absent there.
  /// `choose` settles a conflict by id (nil leaves it reported).
  public static func annotations(
    base: [Assignment]?, ours: [Assignment]?, theirs: [Assignment]?,
    choose: (RecordConflict<Assignment>) -> MergeSide? = { _ in nil }
  ) -> AnnotationMerge {
    let outcome = threeWay(
      base: base ?? [], ours: ours ?? [], theirs: theirs ?? [], id: \.id,
      fields: mergeFields, choose: choose)
    // The same span under two ids (both sides coded it independently): keep the smaller id.
    var byKey: [Assignment.Key: Assignment] = [:]
    var duplicates: [DuplicateRecord] = []
    for record in outcome.merged.sorted(by: { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }) {
      if let kept = byKey[record.key] {
        duplicates.append(DuplicateRecord(kept: kept, dropped: record))
      } else {
        byKey[record.key] = record
      }
    }
    return AnnotationMerge(
      merged: byKey.values.sorted(by: Assignment.canonicalOrder), conflicts: outcome.conflicts,
      resolved: outcome.resolved, duplicates: duplicates)
  }

  /// Merges the codebook by code id. Codes left without their parent, and two codes given
  /// the same name, are reported as conflicts because the file would not be valid.
  public static func codebook(
    base: Codebook?, ours: Codebook?, theirs: Codebook?,
    choose: (RecordConflict<Code>) -> MergeSide? = { _ in nil }
  ) -> CodebookMerge {
    let baseCodes = base?.codes ?? []
    let oursCodes = ours?.codes ?? []
    let theirsCodes = theirs?.codes ?? []
    var outcome = threeWay(
      base: baseCodes, ours: oursCodes, theirs: theirsCodes, id: \.id, fields: mergeFields,
      choose: choose)
    let baseByID = index(baseCodes, \.id)
    let oursByID = index(oursCodes, \.id)
    let theirsByID = index(theirsCodes, \.id)
    func conflict(_ id: String, _ reason: String) -> RecordConflict<Code> {
      RecordConflict(
        id: id, base: baseByID[id], ours: oursByID[id], theirs: theirsByID[id], reason: reason)
    }
    // Repeat until stable: turning a code into a conflict can orphan its children.
    var changed = true
    while changed {
      changed = false
      let present = Set(outcome.merged.map(\.id))
      let pending = Set(outcome.conflicts.map(\.id))
      for code in outcome.merged {
        if let parent = code.parent, !present.contains(parent), !pending.contains(parent) {
          let item = conflict(
            parent, "removed on one side while '\(code.id)' names it as parent on the other")
          if let side = choose(item), let record = item.side(side) {
            outcome.resolved.append((item, side))
            outcome.merged.append(record)
          } else {
            outcome.conflicts.append(item)
          }
          changed = true
          break
        }
      }
      if changed { continue }
      var names: [String: String] = [:]
      for code in outcome.merged {
        let name = code.name.lowercased()
        if let other = names[name] {
          // The code whose name moved away from the base is the one to look at.
          let culprit = baseByID[code.id]?.name.lowercased() == name ? other : code.id
          let item = conflict(culprit, "name '\(code.name)' given to two codes by the two sides")
          outcome.merged.removeAll { $0.id == culprit }
          outcome.conflicts.append(item)
          changed = true
          break
        }
        names[name] = code.id
      }
    }
    return CodebookMerge(
      merged: Codebook(codes: outcome.merged),
      conflicts: outcome.conflicts.sorted { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) },
      resolved: outcome.resolved)
  }

  // MARK: The core

  struct Outcome<Record: Equatable & Sendable> {
    var merged: [Record]
    var conflicts: [RecordConflict<Record>]
    var resolved: [(RecordConflict<Record>, MergeSide)]
  }

  /// For each id: equal sides agree; a side equal to the base yields to the other (so a
  /// removal wins over an unchanged record and a one-sided change is taken); otherwise
  /// fields are merged one by one, and a field changed differently on both sides, or a
  /// change against a removal, is a conflict.
  static func threeWay<Record: Equatable & Sendable>(
    base: [Record], ours: [Record], theirs: [Record], id: KeyPath<Record, String>,
    fields: (Record, Record, Record) -> Record?,
    choose: (RecordConflict<Record>) -> MergeSide?
  ) -> Outcome<Record> {
    let b = index(base, id)
    let o = index(ours, id)
    let t = index(theirs, id)
    var ids = Set(b.keys)
    ids.formUnion(o.keys)
    ids.formUnion(t.keys)
    var outcome = Outcome<Record>(merged: [], conflicts: [], resolved: [])
    for key in ids.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
      let (old, mine, other) = (b[key], o[key], t[key])
      let result: Record??
      if mine == other {
        result = .some(mine)
      } else if mine == old {
        result = .some(other)
      } else if other == old {
        result = .some(mine)
      } else if let old, let mine, let other, let combined = fields(old, mine, other) {
        result = .some(combined)
      } else {
        result = nil
      }
      if let result {
        if let record = result { outcome.merged.append(record) }
        continue
      }
      let reason: String
      switch (old, mine, other) {
      case (nil, _, _): reason = "added on both sides with different content"
      case (_, nil, _): reason = "removed on our side, changed on theirs"
      case (_, _, nil): reason = "changed on our side, removed on theirs"
      default: reason = "changed differently on both sides"
      }
      let conflict = RecordConflict(id: key, base: old, ours: mine, theirs: other, reason: reason)
      if let side = choose(conflict) {
        outcome.resolved.append((conflict, side))
        if let record = conflict.side(side) { outcome.merged.append(record) }
      } else {
        outcome.conflicts.append(conflict)
      }
    }
    return outcome
  }

  /// A value chosen from three; a wrapper so an optional field's nil is not a conflict.
  struct Picked<T> {
    let value: T
  }

  /// One value from three, nil when both sides changed it differently.
  static func pick<T: Equatable>(_ base: T, _ ours: T, _ theirs: T) -> Picked<T>? {
    if ours == theirs || theirs == base { return Picked(value: ours) }
    if ours == base { return Picked(value: theirs) }
    return nil
  }

  /// Field-level merge of an assignment; the span (start, end, exact) moves as one field.
  static func mergeFields(_ base: Assignment, _ ours: Assignment, _ theirs: Assignment)
    -> Assignment?
  {
    struct Anchor: Equatable {
      let start: Int
      let end: Int
      let exact: String
    }
    func anchor(_ a: Assignment) -> Anchor { Anchor(start: a.start, end: a.end, exact: a.exact) }
    guard let code = pick(base.code, ours.code, theirs.code),
      let span = pick(anchor(base), anchor(ours), anchor(theirs)),
      let memo = pick(base.memo ?? "", ours.memo ?? "", theirs.memo ?? ""),
      let review = pick(base.review ?? "", ours.review ?? "", theirs.review ?? ""),
      let sources = pick(base.sources ?? [], ours.sources ?? [], theirs.sources ?? [])
    else { return nil }
    return Assignment(
      id: ours.id, code: code.value, start: span.value.start, end: span.value.end,
      exact: span.value.exact, memo: memo.value.isEmpty ? nil : memo.value,
      review: review.value.isEmpty ? nil : review.value,
      sources: sources.value.isEmpty ? nil : sources.value)
  }

  /// Field-level merge of a code.
  static func mergeFields(_ base: Code, _ ours: Code, _ theirs: Code) -> Code? {
    guard let name = pick(base.name, ours.name, theirs.name),
      let parent = pick(base.parent, ours.parent, theirs.parent),
      let description = pick(base.description, ours.description, theirs.description),
      let color = pick(base.color, ours.color, theirs.color)
    else { return nil }
    return Code(
      id: ours.id, name: name.value, parent: parent.value, description: description.value,
      color: color.value)
  }

  static func index<Record>(_ records: [Record], _ id: KeyPath<Record, String>) -> [String: Record] {
    Dictionary(records.map { ($0[keyPath: id], $0) }, uniquingKeysWith: { first, _ in first })
  }
}
