import Foundation

/// What to change about a code besides its name (`renameCode` does that): where it sits in
/// the tree, its colour and its description. A nil field stays as it is; `.some(nil)` clears.
public struct CodeDetails: Sendable, Equatable {
  public var parent: String??
  public var color: String??
  public var description: String??

  public init(parent: String?? = nil, color: String?? = nil, description: String?? = nil) {
    self.parent = parent
    self.color = color
    self.description = description
  }
}

extension Session {
  /// Moves a code under another (or to the top), or sets its colour or description, in one
  /// commit. Assignments keep the id, so only codebook.yaml changes; the write rules decide
  /// who may (leads, unless the project leaves the codebook open).
  @discardableResult
  public func setCodeDetails(_ idOrName: String, _ details: CodeDetails) throws -> (code: Code, result: CommitResult) {
    if case .some(.some(let color)) = details.color, !Code.isColor(color) {
      throw GlossError.invalidArgument(argument: "color \(color)", message: "expected #RRGGBB")
    }
    let (result, changed) = try commit { transaction -> Change<Code> in
      var book = try transaction.codebook()
      guard var code = book.lookup(idOrName) else { throw GlossError.unknownCode(idOrName) }
      let before = code
      if case .some(let parent) = details.parent {
        if let parent {
          guard let target = book.lookup(parent) else { throw GlossError.unknownCode(parent) }
          var ancestor: String? = target.id
          while let id = ancestor {
            if id == code.id {
              throw GlossError.invalidArgument(
                argument: "parent \(parent)", message: "'\(target.id)' is '\(code.id)' or inside it")
            }
            ancestor = book.code(id)?.parent
          }
          code.parent = target.id
        } else {
          code.parent = nil
        }
      }
      if case .some(let color) = details.color { code.color = color }
      if case .some(let description) = details.description {
        code.description = description.flatMap { $0.isEmpty ? nil : $0 }
      }
      guard code != before else { return .unchanged(code) }
      book.upsert(code)
      transaction.setCodebook(book)
      var what: [String] = []
      if code.parent != before.parent {
        what.append(code.parent.map { "moves it under \($0)" } ?? "moves it to the top")
      }
      if code.color != before.color { what.append("colours it \(code.color ?? "by default")") }
      if code.description != before.description { what.append("describes it anew") }
      return .commit(summary: "gloss: \(coder) edits code \(code.id): \(what.joined(separator: ", "))", value: code)
    }
    guard let result else { throw GlossError.nothingToChange(.nothingChanged) }
    return (changed, result)
  }
}
