import Foundation
import GitKit

extension Project {
  /// The coders whose assignments the viewer may see, nil for everyone: under blind coding
  /// (gloss.yaml `blind: true`, as of HEAD) a coder who is not a lead sees only their own.
  /// The identity is resolved only when it matters. Blindness keeps coders from seeing each
  /// other's work by accident in gloss; it is not access control (git holds every file).
  public func visibleCoders(explicit: String?) throws -> Set<String>? {
    guard try snapshot().settings().blind else { return nil }
    let viewer = try coder(explicit: explicit)
    if try snapshot().settings().leads.contains(viewer) { return nil }
    return [viewer]
  }

  /// `requested` narrowed to what the viewer may see (nil: no narrowing).
  public static func restrict(_ requested: Set<String>?, to visible: Set<String>?) -> Set<String>? {
    guard let visible else { return requested }
    return requested.map { $0.intersection(visible) } ?? visible
  }

  /// The error for asking to see another coder's work while coding is blind.
  public static func blindRefusal(_ coder: String) -> GlossError {
    .notAllowed(
      "blind coding is on: you see only your own assignments, not \(coder)'s, until a lead runs "
        + "'gloss blind off'")
  }

  /// Turns blind coding on or off (leads only), in one commit changing gloss.yaml.
  public func setBlind(_ on: Bool, as lead: String) throws -> CommitResult {
    let (result, _) = try session(as: lead).commit { transaction -> Change<Void> in
      var settings = try transaction.settings()
      guard settings.leads.contains(lead) else {
        throw GlossError.notAllowed("only a lead (gloss.yaml leads) turns blind coding on or off")
      }
      guard settings.blind != on else { return .unchanged(()) }
      settings.blind = on
      transaction.write(Settings.path, settings.encode())
      let summary =
        on ? "gloss: \(lead) turns blind coding on" : "gloss: \(lead) opens the comparison (blind coding off)"
      return .commit(summary: summary, value: ())
    }
    guard let result else { throw GlossError.nothingToDo("blind coding is already \(on ? "on" : "off")") }
    return result
  }
}
