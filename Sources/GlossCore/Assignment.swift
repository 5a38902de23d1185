/// One code assigned by one coder to one span of one document: a line of an annotation file.
public struct Assignment: Hashable, Sendable {
  public var id: String
  public var code: String
  /// Code point offsets, 0-based, end-exclusive.
  public var start: Int
  public var end: Int
  /// The covered text, verbatim; proves the anchor and lets it be found again.
  public var exact: String
  public var memo: String?
  /// Why the span needs a look after re-anchoring (DESIGN §5).
  public var review: String?
  /// In consensus files: the coders' assignment ids it was reconciled from.
  public var sources: [String]?

  public init(
    id: String, code: String, start: Int, end: Int, exact: String, memo: String? = nil,
    review: String? = nil, sources: [String]? = nil
  ) {
    self.id = id
    self.code = code
    self.start = start
    self.end = end
    self.exact = exact
    self.memo = memo
    self.review = review
    self.sources = sources
  }

  /// The canonical line order of a file: (start, end, code, id).
  public static func canonicalOrder(_ a: Assignment, _ b: Assignment) -> Bool {
    if a.start != b.start { return a.start < b.start }
    if a.end != b.end { return a.end < b.end }
    if a.code != b.code { return a.code.utf8.lexicographicallyPrecedes(b.code.utf8) }
    return a.id.utf8.lexicographicallyPrecedes(b.id.utf8)
  }

  /// `records` sorted by `canonicalOrder` (stably, as `sorted(by:)`), with no sort when it is
  /// not needed: a file is read in order, and a change appends its new record to it.
  public static func canonicallySorted(_ records: [Assignment]) -> [Assignment] {
    guard records.count > 1 else { return records }
    let head = records.dropLast()
    guard zip(head, head.dropFirst()).allSatisfy({ canonicalOrder($0, $1) }) else {
      return records.sorted(by: canonicalOrder)
    }
    // The last record goes after every record it does not come before.
    let last = records[records.count - 1]
    var (low, high) = (0, records.count - 1)
    while low < high {
      let middle = (low + high) / 2
      if canonicalOrder(last, records[middle]) { high = middle } else { low = middle + 1 }
    }
    guard low < records.count - 1 else { return records }
    var sorted = Array(head)
    sorted.insert(last, at: low)
    return sorted
  }

  /// What makes two records the same assignment for a coder, whatever their ids.
  public struct Key: Hashable, Sendable {
    public let code: String
    public let start: Int
    public let end: Int
  }

  public var key: Key { Key(code: code, start: start, end: end) }
}

/// An assignment with where it lives: who made it, on which document.
public struct LocatedAssignment: Hashable, Sendable {
  public var coder: String
  public var doc: String
  public var assignment: Assignment

  public init(coder: String, doc: String, assignment: Assignment) {
    self.coder = coder
    self.doc = doc
    self.assignment = assignment
  }

  /// The listing order of `gloss ls`: (doc, coder, start, end, code, id).
  public static func listingOrder(_ a: LocatedAssignment, _ b: LocatedAssignment) -> Bool {
    if a.doc != b.doc { return a.doc.utf8.lexicographicallyPrecedes(b.doc.utf8) }
    if a.coder != b.coder { return a.coder.utf8.lexicographicallyPrecedes(b.coder.utf8) }
    return Assignment.canonicalOrder(a.assignment, b.assignment)
  }
}
