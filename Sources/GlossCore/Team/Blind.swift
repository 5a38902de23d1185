import Foundation
import GitKit

extension Session {
  /// Turns blind coding on or off (leads only), in one commit changing gloss.yaml.
  public func setBlind(_ on: Bool) throws -> CommitResult {
    let lead = coder
    let (result, _) = try commit { transaction -> Change<Void> in
      var settings = try transaction.settings()
      guard settings.leads.contains(lead) else { throw GlossError.leadsOnly(action: .switchBlind, coder: lead) }
      guard settings.blind != on else { return .unchanged(()) }
      settings.blind = on
      transaction.write(Settings.path, settings.encode())
      let summary =
        on ? "gloss: \(lead) turns blind coding on" : "gloss: \(lead) opens the comparison (blind coding off)"
      return .commit(summary: summary, value: ())
    }
    guard let result else { throw GlossError.nothingToChange(.blindAlready(on: on)) }
    return result
  }
}
