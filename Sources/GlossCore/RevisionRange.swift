/// `A..B` as git writes it: the commits reachable from B and not from A. An empty A means
/// from the first commit, an empty B means HEAD. The one parser behind `validate --range`
/// and `agree --history`.
public struct RevisionRange: Sendable, Equatable {
  /// A, or nil when empty.
  public let base: String?
  /// B (`HEAD` when empty).
  public let tip: String

  public init(base: String?, tip: String) {
    self.base = base
    self.tip = tip
  }

  /// Parses `text` given to `option` (named in errors). A lone revision `B` is taken as
  /// `..B` only when `allowSingleRevision`; a symmetric `A...B` is refused.
  public static func parse(_ text: String, option: String, allowSingleRevision: Bool = false) throws
    -> RevisionRange
  {
    let fail = { (message: String) in GlossError.invalidArgument(argument: "\(option) \(text)", message: message) }
    guard !text.contains("...") else { throw fail("expected A..B (two dots), not a symmetric range") }
    let parts = text.components(separatedBy: "..")
    switch parts.count {
    case 1 where allowSingleRevision && !text.isEmpty: return RevisionRange(base: nil, tip: text)
    case 2: return RevisionRange(base: parts[0].isEmpty ? nil : parts[0], tip: parts[1].isEmpty ? "HEAD" : parts[1])
    default: throw fail("expected A..B")
    }
  }
}
