import Foundation
import GitKit

/// One assignment-level difference.
public struct AssignmentChange: Sendable, Equatable {
  public enum Kind: String, Sendable { case added, removed, modified }
  public let kind: Kind
  /// The assignment after the change (before it, for a removal).
  public let assignment: LocatedAssignment
  /// The assignment before the change, for `modified`.
  public let before: LocatedAssignment?
}

/// Which assignments a listing, diff or log looks at.
public struct AssignmentFilter: Sendable {
  public var docs: Set<String>?
  public var codes: Set<String>?
  public var coders: Set<String>?

  public init(docs: Set<String>? = nil, codes: Set<String>? = nil, coders: Set<String>? = nil) {
    self.docs = docs
    self.codes = codes
    self.coders = coders
  }

  func includes(path: String) -> (coder: String, doc: String)? {
    guard let parts = Layout.parseAnnotationPath(path),
      coders?.contains(parts.coder) ?? true, docs?.contains(parts.doc) ?? true
    else { return nil }
    return parts
  }

  func includes(code: String) -> Bool { codes?.contains(code) ?? true }
}

/// A commit in `gloss log` with the assignment changes it made.
public struct LogEntry: Sendable {
  let info: CommitInfo
  public var commit: CommitID { CommitID(info.id) }
  /// When the author made the commit.
  public var date: Date { info.author.time }
  /// The commit message's first line.
  public var summary: String { info.summary }
  /// The `Gloss-Coder` trailer, else the author's name.
  public let coder: String
  public let changes: [AssignmentChange]
}

extension Project {
  /// Assignment changes between two snapshots, matched by id; only changed files are read.
  public func changes(from old: Snapshot, to new: Snapshot, filter: AssignmentFilter = .init())
    throws -> [AssignmentChange]
  {
    let files = try repository.changedFiles(from: old.tree, to: new.tree, under: ["annotations"])
    return try changes(in: files, old: old.repository, filter: filter)
  }

  private func changes(in files: [FileChange], old repository: Repository, filter: AssignmentFilter)
    throws -> [AssignmentChange]
  {
    var before: [String: LocatedAssignment] = [:]
    var after: [String: LocatedAssignment] = [:]
    for file in files {
      guard let (coder, doc) = filter.includes(path: file.path) else { continue }
      if let blob = file.oldBlob {
        for record in try Snapshot.decodeAnnotations(try repository.blob(blob), path: file.path) {
          before[record.id] = LocatedAssignment(coder: coder, doc: doc, assignment: record)
        }
      }
      if let blob = file.newBlob {
        for record in try Snapshot.decodeAnnotations(try repository.blob(blob), path: file.path) {
          after[record.id] = LocatedAssignment(coder: coder, doc: doc, assignment: record)
        }
      }
    }
    var result: [AssignmentChange] = []
    for (id, new) in after {
      if let old = before[id] {
        guard old != new, filter.includes(code: old.assignment.code) || filter.includes(code: new.assignment.code)
        else { continue }
        result.append(AssignmentChange(kind: .modified, assignment: new, before: old))
      } else if filter.includes(code: new.assignment.code) {
        result.append(AssignmentChange(kind: .added, assignment: new, before: nil))
      }
    }
    for (id, old) in before where after[id] == nil && filter.includes(code: old.assignment.code) {
      result.append(AssignmentChange(kind: .removed, assignment: old, before: nil))
    }
    return result.sorted { LocatedAssignment.listingOrder($0.assignment, $1.assignment) }
  }

  /// How coder `b`'s assignments differ from coder `a`'s on the documents both coded:
  /// `removed` = only `a`, `added` = only `b`, `modified` = same code on overlapping but
  /// different spans (`before` is `a`'s).
  public func coderChanges(
    _ a: String, _ b: String, at snapshot: Snapshot, filter: AssignmentFilter = .init()
  ) throws -> [AssignmentChange] {
    let coders = try snapshot.coders()
    for coder in [a, b] where !coders.contains(coder) { throw GlossError.unknownCoder(coder) }
    var result: [AssignmentChange] = []
    let docsA = Set(try snapshot.annotationFiles(coders: [a]).map(\.doc))
    let docsB = Set(try snapshot.annotationFiles(coders: [b]).map(\.doc))
    for doc in docsA.intersection(docsB).sorted() where filter.docs?.contains(doc) ?? true {
      let left = (try snapshot.annotations(coder: a, doc: doc) ?? []).filter { filter.includes(code: $0.code) }
      let right = (try snapshot.annotations(coder: b, doc: doc) ?? []).filter { filter.includes(code: $0.code) }
      let rightKeys = Set(right.map(\.key))
      let leftKeys = Set(left.map(\.key))
      var onlyLeft = left.filter { !rightKeys.contains($0.key) }
      var onlyRight = right.filter { !leftKeys.contains($0.key) }
      // Pair the largest overlaps first, so each span is matched at most once.
      var candidates: [(overlap: Int, left: Int, right: Int)] = []
      for (i, x) in onlyLeft.enumerated() {
        for (j, y) in onlyRight.enumerated() where x.code == y.code {
          let overlap = min(x.end, y.end) - max(x.start, y.start)
          if overlap > 0 { candidates.append((overlap, i, j)) }
        }
      }
      candidates.sort { $0.overlap != $1.overlap ? $0.overlap > $1.overlap : ($0.left, $0.right) < ($1.left, $1.right) }
      var usedLeft = Set<Int>()
      var usedRight = Set<Int>()
      for candidate in candidates where !usedLeft.contains(candidate.left) && !usedRight.contains(candidate.right) {
        usedLeft.insert(candidate.left)
        usedRight.insert(candidate.right)
        result.append(
          AssignmentChange(
            kind: .modified,
            assignment: LocatedAssignment(coder: b, doc: doc, assignment: onlyRight[candidate.right]),
            before: LocatedAssignment(coder: a, doc: doc, assignment: onlyLeft[candidate.left])))
      }
      onlyLeft = onlyLeft.enumerated().filter { !usedLeft.contains($0.offset) }.map(\.element)
      onlyRight = onlyRight.enumerated().filter { !usedRight.contains($0.offset) }.map(\.element)
      result += onlyLeft.map {
        AssignmentChange(kind: .removed, assignment: LocatedAssignment(coder: a, doc: doc, assignment: $0), before: nil)
      }
      result += onlyRight.map {
        AssignmentChange(kind: .added, assignment: LocatedAssignment(coder: b, doc: doc, assignment: $0), before: nil)
      }
    }
    return result.sorted {
      if $0.assignment.doc != $1.assignment.doc { return $0.assignment.doc < $1.assignment.doc }
      let x = $0.before?.assignment ?? $0.assignment.assignment
      let y = $1.before?.assignment ?? $1.assignment.assignment
      return Assignment.canonicalOrder(x, y)
    }
  }

  /// The history of assignment changes from `tip`, newest first. Merge commits author
  /// nothing of their own (DESIGN §6), so each change is shown where it was made.
  public func log(from snapshot: Snapshot, filter: AssignmentFilter = .init(), limit: Int? = nil) throws
    -> [LogEntry]
  {
    guard let tip = snapshot.commit else { return [] }
    return try log(from: tip, filter: filter, limit: limit)
  }

  func log(from tip: Oid, filter: AssignmentFilter = .init(), limit: Int? = nil) throws
    -> [LogEntry]
  {
    var entries: [LogEntry] = []
    for id in try repository.walk(from: tip) {
      if let limit, entries.count >= limit { break }
      let info = try repository.commit(id)
      guard info.parents.count <= 1 else { continue }
      let parentTree = try info.parents.first.map { try repository.commit($0).tree }
      let files = try repository.changedFiles(from: parentTree, to: info.tree, under: ["annotations"])
      guard !files.isEmpty else { continue }
      let found = try changes(in: files, old: repository, filter: filter)
      guard !found.isEmpty else { continue }
      let coder = info.trailers("Gloss-Coder").last ?? info.author.name
      entries.append(LogEntry(info: info, coder: coder, changes: found))
    }
    return entries
  }
}
