import Foundation
import GlossCore

/// The document screen's Done button: `gloss doc done DOC` and `gloss doc reopen DOC` for the
/// coder the request acts as, one commit each.
extension API {
  /// `POST /api/documents/ID/done` and `.../reopen`, with no body or `{}`. The document must
  /// be on the coder's list; a mark already there (or already gone) is a 400, nothing written.
  static func markDone(_ project: Project, id: String, done: Bool, body: [String: Any], coder: String) throws
    -> Reply
  {
    _ = try Fields(body, allowed: [])
    try checkDocumentID(id)
    let session = try project.session(as: coder)
    let result = done ? try session.markDone([id]).result : try session.reopen([id]).result
    return .json(
      .object([
        ("doc", .string(id)), ("coder", .string(coder)), ("done", .bool(done)),
        ("commit", .string(result.commit.hex)),
      ]))
  }
}
