import Foundation

/// A rule that decides many open disagreements at once; the decisions are then ordinary
/// `--take`/`--drop` ids for `Session.reconcile`, so consensus and the decision memo are
/// exactly what deciding each one by hand writes.
public enum ReconcileStrategy: Sendable, Equatable {
  /// Consensus becomes this coder's version: every open span they made is taken (with the
  /// other coders' identical ones as sources), every other open span is dropped.
  case takeAll(from: String)
  /// A span more than half of the coders made identically is taken, one fewer than half
  /// made is dropped; a tie (half of an even number) stays open for the lead.
  case majority
}

extension ReconcileReport {
  /// The ids to take and drop that apply `strategy` to the open disagreements of this (dry
  /// run) report over `coders`.
  public func decisions(_ strategy: ReconcileStrategy, coders: [String]) -> (take: [String], drop: [String]) {
    let open = disagreements.filter { $0.decision == .open }.map(\.assignment)
    var makers: [String: Set<String>] = [:]
    for item in open {
      makers[Self.key(item), default: []].insert(item.coder)
    }
    var take: [String] = []
    var drop: [String] = []
    for item in open {
      let made = makers[Self.key(item)] ?? []
      let taken: Bool?
      switch strategy {
      case .takeAll(let coder):
        taken = made.contains(coder)
      case .majority:
        taken = made.count * 2 > coders.count ? true : made.count * 2 < coders.count ? false : nil
      }
      switch taken {
      case true?: take.append(item.assignment.id)
      case false?: drop.append(item.assignment.id)
      case nil: break
      }
    }
    return (take, drop)
  }

  /// Spans are the same when document, code and edges are.
  private static func key(_ item: LocatedAssignment) -> String {
    "\(item.doc)\u{0}\(item.assignment.code)\u{0}\(item.assignment.start)\u{0}\(item.assignment.end)"
  }
}
