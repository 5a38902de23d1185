import Foundation

/// Splits list option values (`--coders ana,ben`, repeated or space-separated), dropping
/// empty items: every list a user types goes through here.
public func splitList(_ values: [String]) -> [String] {
  values.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
    .filter { !$0.isEmpty }
}

extension AssignmentFilter {
  /// A filter from lists as a user typed them, refusing documents and codes the project
  /// lacks. With `withChildren`, a code stands for itself and every code under it.
  public static func checked(
    docs: [String], codes: [String], coders: [String], withChildren: Bool = false, in snapshot: Snapshot
  ) throws -> AssignmentFilter {
    let docList = splitList(docs)
    let known = Set(try snapshot.documentIDs())
    for doc in docList where !known.contains(doc) { throw GlossError.unknownDocument(doc) }
    let book = try snapshot.codebook()
    var codeIDs = try splitList(codes).map { name in
      guard let code = book.lookup(name) else { throw GlossError.unknownCode(name) }
      return code.id
    }
    if withChildren {
      var index = 0
      while index < codeIDs.count {
        codeIDs += book.children(of: codeIDs[index]).map(\.id).filter { !codeIDs.contains($0) }
        index += 1
      }
    }
    let coderList = splitList(coders)
    return AssignmentFilter(
      docs: docList.isEmpty ? nil : Set(docList), codes: codeIDs.isEmpty ? nil : Set(codeIDs),
      coders: coderList.isEmpty ? nil : Set(coderList))
  }
}

/// What `gloss diff` compares: two revisions, or two coders at one revision.
public struct AssignmentDiff: Sendable {
  public let from: CommitID?
  public let to: CommitID?
  /// The two coders compared (first, second), nil for a comparison of revisions.
  public let coders: (first: String, second: String)?
  public let changes: [AssignmentChange]
}

/// Which assignments a listing shows beyond the filter: spans marked for review, text search.
public struct AssignmentQuery: Sendable {
  public var reviewOnly = false
  /// Only assignments whose text or memo contains this (any case).
  public var grep: String?

  public init(reviewOnly: Bool = false, grep: String? = nil) {
    self.reviewOnly = reviewOnly
    self.grep = grep
  }

  public func matches(_ item: LocatedAssignment) -> Bool {
    if reviewOnly && item.assignment.review == nil { return false }
    guard let needle = grep?.lowercased() else { return true }
    return item.assignment.exact.lowercased().contains(needle)
      || (item.assignment.memo?.lowercased().contains(needle) ?? false)
  }
}

extension Project {
  /// `gloss diff`: with no revision what HEAD changed, with one that revision against HEAD,
  /// with two the first against the second; with `coders`, how the second coder's work
  /// differs from the first's at one revision. Hidden coders (blind coding) are refused or
  /// left out per `policy`.
  public func diff(
    revisions: [String], coders: [String]?, docs: [String], codes: [String], policy: Policy
  ) throws -> AssignmentDiff {
    if let coders {
      guard coders.count == 2, revisions.count <= 1 else {
        throw GlossError.invalidArgument(argument: "--coders", message: "give two coders and at most one revision")
      }
      let at = try snapshot(at: revisions.first)
      let filter = try AssignmentFilter.checked(docs: docs, codes: codes, coders: [], in: at)
      for coder in coders { try policy.requireVisible(coder: coder) }
      let changes = try coderChanges(coders[0], coders[1], at: at, filter: filter)
      return AssignmentDiff(
        from: at.commitID, to: at.commitID, coders: (coders[0], coders[1]), changes: changes)
    }
    let from: Snapshot
    let to: Snapshot
    switch revisions.count {
    case 0:
      to = try snapshot()
      from = try snapshot(at: (to.commit?.hex ?? "HEAD") + "^")
    case 1:
      from = try snapshot(at: revisions[0])
      to = try snapshot()
    default:
      from = try snapshot(at: revisions[0])
      to = try snapshot(at: revisions[1])
    }
    let filter = try AssignmentFilter.checked(docs: docs, codes: codes, coders: [], in: to).visible(to: policy)
    return AssignmentDiff(
      from: from.commitID, to: to.commitID, coders: nil, changes: try changes(from: from, to: to, filter: filter))
  }
}

extension Snapshot {
  /// `coders`' assignments on `doc`, interleaved in text order (each coder's file order
  /// breaks ties), for showing beside the text. A coder the viewer may not see is refused;
  /// so is one without an annotation file for the document.
  public func assignments(onDocument doc: String, coders: [String], policy: Policy) throws -> [LocatedAssignment] {
    var assignments: [LocatedAssignment] = []
    for coder in coders {
      try policy.requireVisible(coder: coder)
      guard let found = try annotations(coder: coder, doc: doc) else {
        throw GlossError.unknownCoder("\(coder)' on document '\(doc)")
      }
      assignments += found.map { LocatedAssignment(coder: coder, doc: doc, assignment: $0) }
    }
    return assignments.sorted {
      ($0.assignment.start, $0.assignment.end) < ($1.assignment.start, $1.assignment.end)
    }
  }
}
