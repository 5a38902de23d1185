import Foundation

extension Validator {
  /// A done mark `annotations/<coder>/<doc-id>.done` (DESIGN §4 "Finished work"): an
  /// empty file of a valid coder on a known document. One without the coder's annotation
  /// file beside it (left by a merge with an unassignment) is a warning: it counts for
  /// nothing, and refusing it would refuse such a merge.
  func checkDoneMark(
    path: String, documentExists: (String) -> Bool, annotated: (String) -> Bool, read: () throws -> Data?
  )
    -> [Finding]
  {
    guard let (coder, doc) = Layout.parseDoneMarkPath(path) else { return [] }
    guard Identifier.isCoder(coder) else {
      return [Finding(.error, path, "invalid coder '\(coder)': must match \(Identifier.coderRule)")]
    }
    guard Identifier.isDocument(doc) else {
      return [
        Finding(.error, path, "not a done mark: '\(doc)' is not a document id (must match \(Identifier.documentRule))")
      ]
    }
    guard documentExists(doc) else { return [Finding(.error, path, "done mark for unknown document '\(doc)'")] }
    var findings: [Finding] = []
    do {
      if let data = try read(), !data.isEmpty {
        findings.append(
          Finding(
            .error, path, line: 1,
            "a done mark is an empty file, and this one holds \(data.count) byte(s); "
              + "'gloss validate --fix' empties it"))
      }
    } catch {
      findings.append(Finding(.error, path, "cannot be read: \(error.localizedDescription)"))
    }
    if !annotated(Layout.annotation(coder: coder, doc: doc)) {
      findings.append(
        Finding(
          .warning, path,
          "done mark without \(Layout.annotation(coder: coder, doc: doc)): \(doc) is not on \(coder)'s list, "
            + "so the mark counts for nothing; 'gloss --as \(coder) doc reopen \(doc)' removes it"))
    }
    return findings
  }
}
