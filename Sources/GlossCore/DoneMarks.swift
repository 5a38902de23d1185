import Foundation
import GitKit

/// Who has marked which document done (DESIGN §4 "Finished work"). A mark is an empty file
/// `annotations/<coder>/<doc-id>.done` beside the coder's annotation file: it lives in the
/// coder's own folder, so the authorship rules for assignments cover it, and each mark is a
/// file of its own, so marks of any coders on any branches merge without a conflict.
/// A mark counts only beside the coder's annotation file for the document: one left over
/// after an unassignment (or a merge with one) says nothing about work that is not there.
public struct DoneMarks: Sendable, Equatable {
  /// Document id → coders who marked it done, sorted.
  public private(set) var byDocument: [String: [String]]

  public init(byDocument: [String: [String]] = [:]) {
    self.byDocument = byDocument.mapValues { $0.sorted() }.filter { !$0.value.isEmpty }
  }

  /// Whether no document has a mark.
  public var isEmpty: Bool { byDocument.isEmpty }

  /// The coders who marked `document` done, sorted.
  public func coders(document: String) -> [String] { byDocument[document] ?? [] }

  public func isDone(coder: String, document: String) -> Bool {
    byDocument[document]?.contains(coder) ?? false
  }
}

extension Snapshot {
  /// Every coder's done marks at this revision (consensus included, if a lead wrote one).
  public func doneMarks() throws -> DoneMarks {
    guard let tree else { return DoneMarks() }
    var byDocument: [String: [String]] = [:]
    for coder in try coders() {
      let entries = try repository.entries(inFolder: "annotations/\(coder)", ofTree: tree)
        .filter { $0.kind == .blob }
      let files = Set(entries.map(\.name))
      for entry in entries where entry.name.hasSuffix(Layout.doneMarkSuffix) {
        let doc = String(entry.name.dropLast(Layout.doneMarkSuffix.count))
        guard Identifier.isDocument(doc), files.contains("\(doc).jsonl") else { continue }
        byDocument[doc, default: []].append(coder)
      }
    }
    return DoneMarks(byDocument: byDocument)
  }

  /// Every `annotations/<coder>/*.done` file, whatever it holds or marks (for `validate --fix`).
  func doneMarkPaths() throws -> [String] {
    guard let tree else { return [] }
    var paths: [String] = []
    for coder in try coders() {
      for entry in try repository.entries(inFolder: "annotations/\(coder)", ofTree: tree)
      where entry.kind == .blob && entry.name.hasSuffix(Layout.doneMarkSuffix) {
        paths.append("annotations/\(coder)/\(entry.name)")
      }
    }
    return paths
  }

  /// Whether `coder` marked `doc` done (and has an annotation file for it).
  public func isDone(coder: String, doc: String) throws -> Bool {
    try exists(Layout.doneMark(coder: coder, doc: doc))
      && exists(Layout.annotation(coder: coder, doc: doc))
  }
}

extension Project {
  /// The coders who marked `document` done at `revision` (HEAD when nil), as `policy` lets
  /// the viewer see them: for `gloss status`, `gloss serve` and `doc list`.
  public func finished(document: String, at revision: String? = nil, policy: Policy = .unrestricted) throws
    -> [String]
  {
    let snapshot = try self.snapshot(at: revision)
    _ = try snapshot.requireDocument(document)
    return try snapshot.doneMarks().visible(to: policy).coders(document: document)
  }
}

extension Session {
  /// Marks the session coder's work on `docs` finished, in one commit. Every document must
  /// exist and be on the coder's list (have their annotation file); documents already
  /// marked are reported, and when all are, nothing is written.
  @discardableResult
  public func markDone(_ docs: [String]) throws -> (result: CommitResult, marked: [String], already: [String]) {
    try changeMarks(docs, done: true)
  }

  /// Takes the session coder's done marks off `docs` (back to work), in one commit.
  @discardableResult
  public func reopen(_ docs: [String]) throws -> (result: CommitResult, changed: [String], unchanged: [String]) {
    let outcome = try changeMarks(docs, done: false)
    return (outcome.result, outcome.marked, outcome.already)
  }

  private func changeMarks(_ docs: [String], done: Bool) throws
    -> (result: CommitResult, marked: [String], already: [String])
  {
    guard coder != Identifier.consensus else {
      throw GlossError.consensusIsNotACoder(action: done ? "mark documents done" : "reopen documents")
    }
    let me = coder
    let (result, lists) = try commit { transaction -> Change<(changed: [String], unchanged: [String])> in
      var changed: [String] = []
      var unchanged: [String] = []
      for doc in docs where !changed.contains(doc) && !unchanged.contains(doc) {
        _ = try transaction.snapshot.requireDocument(doc)
        let path = Layout.doneMark(coder: me, doc: doc)
        let marked = try transaction.file(path) != nil
        // A mark left without its annotation file can still be taken off.
        if !(marked && !done), try transaction.file(Layout.annotation(coder: me, doc: doc)) == nil {
          throw GlossError.notAssigned(doc: doc, coder: me)
        }
        if marked == done {
          unchanged.append(doc)
        } else if done {
          transaction.write(path, Data())
          changed.append(doc)
        } else {
          try transaction.remove(path)
          changed.append(doc)
        }
      }
      guard !changed.isEmpty else { return .unchanged((changed, unchanged)) }
      let verb =
        done ? "marks \(DocumentInput.messageList(changed)) done" : "reopens \(DocumentInput.messageList(changed))"
      return .commit(summary: "gloss: \(me) \(verb)", value: (changed, unchanged))
    }
    guard let result else {
      throw GlossError.nothingToChange(
        done
          ? .markedDoneAlready(coder: me, docs: lists.unchanged)
          : .notMarkedDone(coder: me, docs: lists.unchanged))
    }
    return (result, lists.changed, lists.unchanged)
  }
}
