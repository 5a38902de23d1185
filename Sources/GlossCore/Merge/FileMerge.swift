import Foundation
import GitKit

/// One thing a merge could not settle on its own: a record (assignment or code) or a whole
/// file, with both sides as the file would show them.
public struct MergeConflict: Sendable, Equatable {
  public let path: String
  /// The assignment or code id; nil when the whole file conflicts.
  public let id: String?
  public let reason: String
  /// The side's line(s), nil where that side has no such record or file.
  public let ours: String?
  public let theirs: String?

  /// Whether a `--ours/--theirs` argument names this conflict: its id, its handle or an id
  /// prefix (as `AssignmentHandles.matches`), or its path.
  public func matches(_ selector: String) -> Bool {
    if selector == path { return true }
    guard let id else { return false }
    return AssignmentHandles.matches(selector, id: id)
  }
}

/// The merge of one path.
public struct FileMergeResult: Sendable, Equatable {
  /// The merged bytes (with conflict markers while conflicts remain); nil: the file is removed.
  public var contents: Data?
  public var conflicts: [MergeConflict]
  /// What the merge decided that the user should hear about (duplicates, choices taken).
  public var notes: [String]
}

/// Merges one path's three versions: annotation files and the codebook record by record,
/// done marks as records of their own, anything else line by line as git does. Shared by `gloss merge` and the git merge driver.
public enum FileMerge {
  /// Whether Gloss merges `path` record by record.
  public static func isRecordFile(_ path: String) -> Bool {
    path == Codebook.path || Layout.parseAnnotationPath(path) != nil
  }

  public static func merge(
    path: String, base: Data?, ours: Data?, theirs: Data?,
    choose: (MergeConflict) -> MergeSide? = { _ in nil }
  ) throws -> FileMergeResult {
    if Layout.parseAnnotationPath(path) != nil {
      return try annotations(path: path, base: base, ours: ours, theirs: theirs, choose: choose)
    }
    if path == Codebook.path {
      return try codebook(base: base, ours: ours, theirs: theirs, choose: choose)
    }
    if Layout.parseDoneMarkPath(path) != nil {
      // A done mark is one record, there or not; its (empty) bytes say nothing, so even
      // hand-edited sides never conflict.
      return FileMergeResult(
        contents: exists(base: base, ours: ours, theirs: theirs) ? Data() : nil, conflicts: [], notes: [])
    }
    return try text(path: path, base: base, ours: ours, theirs: theirs, choose: choose)
  }

  /// Whether the merged file exists: a removal wins over an unchanged file.
  static func exists(base: Data?, ours: Data?, theirs: Data?) -> Bool {
    if ours == nil && theirs == nil { return false }
    if ours == nil && theirs == base { return false }
    if theirs == nil && ours == base { return false }
    return true
  }

  static func annotations(
    path: String, base: Data?, ours: Data?, theirs: Data?, choose: (MergeConflict) -> MergeSide?
  ) throws -> FileMergeResult {
    func decode(_ data: Data?, _ side: String) throws -> [Assignment]? {
      guard let data else { return nil }
      do {
        return try AnnotationFormat.decode(data)
      } catch {
        throw GlossError.malformed(
          file: "\(path) (\(side))", line: error.line, message: error.message)
      }
    }
    func describe(_ conflict: RecordConflict<Assignment>) -> MergeConflict {
      MergeConflict(
        path: path, id: conflict.id, reason: conflict.reason,
        ours: conflict.ours.map(AnnotationFormat.line),
        theirs: conflict.theirs.map(AnnotationFormat.line))
    }
    let result = RecordMerge.annotations(
      base: try decode(base, "base"), ours: try decode(ours, "ours"),
      theirs: try decode(theirs, "theirs"), choose: { choose(describe($0)) })
    var notes = result.duplicates.map { duplicate in
      "\(path): both sides assigned \(duplicate.kept.code) to chars "
        + "\(duplicate.kept.start)-\(duplicate.kept.end) (ids \(duplicate.kept.id) and "
        + "\(duplicate.dropped.id)); kept \(duplicate.kept.id)"
    }
    notes += result.resolved.map { "\(path): took \($1.rawValue) for \($0.id) (\($0.reason))" }
    let keep = exists(base: base, ours: ours, theirs: theirs) || !result.merged.isEmpty
    return FileMergeResult(
      contents: keep || !result.isClean ? result.encoded() : nil,
      conflicts: result.conflicts.map(describe), notes: notes)
  }

  static func codebook(base: Data?, ours: Data?, theirs: Data?, choose: (MergeConflict) -> MergeSide?)
    throws -> FileMergeResult
  {
    func decode(_ data: Data?, _ side: String) throws -> Codebook? {
      try data.map { try Codebook.decode($0, file: "\(Codebook.path) (\(side))") }
    }
    func describe(_ conflict: RecordConflict<Code>) -> MergeConflict {
      MergeConflict(
        path: Codebook.path, id: conflict.id, reason: conflict.reason,
        ours: conflict.ours.map(CodebookMerge.lines), theirs: conflict.theirs.map(CodebookMerge.lines))
    }
    let result = RecordMerge.codebook(
      base: try decode(base, "base"), ours: try decode(ours, "ours"),
      theirs: try decode(theirs, "theirs"), choose: { choose(describe($0)) })
    let notes = result.resolved.map {
      "\(Codebook.path): took \($1.rawValue) for code \($0.id) (\($0.reason))"
    }
    return FileMergeResult(
      contents: result.encoded(), conflicts: result.conflicts.map(describe), notes: notes)
  }

  static func text(
    path: String, base: Data?, ours: Data?, theirs: Data?, choose: (MergeConflict) -> MergeSide?
  ) throws -> FileMergeResult {
    if ours == theirs || theirs == base { return FileMergeResult(contents: ours, conflicts: [], notes: []) }
    if ours == base { return FileMergeResult(contents: theirs, conflicts: [], notes: []) }
    let reason: String
    let proposed: Data
    if ours == nil || theirs == nil {
      reason = ours == nil ? "removed on our side, changed on theirs" : "changed on our side, removed on theirs"
      proposed = ours ?? theirs ?? Data()
    } else {
      let merged = try Repository.mergeText(base: base, ours: ours, theirs: theirs, path: path)
      if merged.clean { return FileMergeResult(contents: merged.contents, conflicts: [], notes: []) }
      reason = "lines changed differently on both sides"
      proposed = merged.contents
    }
    let conflict = MergeConflict(
      path: path, id: nil, reason: reason, ours: ours.map { String(decoding: $0, as: UTF8.self) },
      theirs: theirs.map { String(decoding: $0, as: UTF8.self) })
    if let side = choose(conflict) {
      return FileMergeResult(
        contents: side == .ours ? ours : theirs, conflicts: [],
        notes: ["\(path): took \(side.rawValue) (\(reason))"])
    }
    return FileMergeResult(contents: proposed, conflicts: [conflict], notes: [])
  }
}
