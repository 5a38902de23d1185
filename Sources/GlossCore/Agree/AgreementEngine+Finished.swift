import Foundation

/// Which coders agreement counted on each document (DESIGN §4 "Finished work"), as the
/// report says it. On a document where any selected coder marked their work done, only
/// the coders who did are counted (unless `--include-unfinished`): a coder assigned the
/// document who has not started would otherwise add zeros that look like disagreement.
/// Documents without marks count everyone, so a team that starts marking midway keeps
/// the figures of what it coded before.
public struct CountedCoders: Sendable, Equatable {
  public enum Rule: String, Sendable {
    /// Only coders who marked a document done count on it (where it has marks).
    case finished = "finished coders only"
    /// Everyone with an annotation file counts (`--include-unfinished`).
    case all = "all coders"
  }

  /// The selected coders with an annotation file for a document that has done marks, who
  /// did not mark it done.
  public struct Unfinished: Sendable, Equatable {
    public let doc: String
    public let coders: [String]
  }

  /// nil when no document in scope has a done mark of a selected coder: everyone counts,
  /// as before marks existed, and the report says nothing about it.
  public var rule: Rule?
  /// By document id; left out of the figures under `.finished`, counted under `.all`.
  public var unfinished: [Unfinished] = []

  public init(rule: Rule? = nil, unfinished: [Unfinished] = []) {
    self.rule = rule
    self.unfinished = unfinished
  }

  /// The key of a done mark in a coder's folder listing (`AgreementEngine.folderListing`):
  /// a `/` no document id holds keeps it apart from the annotation files' keys.
  static func listingKey(_ doc: String) -> String { "/" + doc }

  /// Applies the rule to `coders` (those with an annotation file for `doc`, in order),
  /// recording who is unfinished; `isDone` says whether a coder marked `doc` done.
  mutating func count<Coder>(
    _ coders: [Coder], doc: String, name: (Coder) -> String, isDone: (String) -> Bool, includeUnfinished: Bool
  ) -> [Coder] {
    let finished = coders.filter { isDone(name($0)) }
    guard !finished.isEmpty else { return coders }
    rule = includeUnfinished ? .all : .finished
    let others = coders.filter { !isDone(name($0)) }
    if !others.isEmpty { unfinished.append(Unfinished(doc: doc, coders: others.map(name))) }
    return includeUnfinished ? coders : finished
  }

  /// Whether the rule left someone out: then "no document coded twice" is said with it.
  var excludedAny: Bool { rule == .finished && !unfinished.isEmpty }

  /// `"counted"` and `"unfinished"` of `gloss agree --format json`; nothing without marks.
  var jsonMembers: [(String, JSON)] {
    guard let rule else { return [] }
    return [
      ("counted", .string(rule.rawValue)),
      (
        "unfinished",
        .array(
          unfinished.map {
            .object([("doc", .string($0.doc)), ("coders", .array($0.coders.map(JSON.string)))])
          })
      ),
    ]
  }

  /// The table header's line; nil without marks.
  public var headerLine: String? {
    guard let rule else { return nil }
    let who =
      unfinished.isEmpty
      ? "every coder is done"
      : "not done: "
        + unfinished.map { "\($0.doc) (\($0.coders.joined(separator: ", ")))" }.joined(separator: "; ")
    switch rule {
    case .finished:
      return "counted: finished coders only (gloss doc done; --include-unfinished counts everyone); \(who)"
    case .all: return "counted: all coders (--include-unfinished); \(who)"
    }
  }
}
