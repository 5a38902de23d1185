import Foundation
import GlossCore

/// What `gloss import qdc` found and did.
public struct QDCImportReport: Sendable {
  public var codes: Int
  public var created: [Code]
  /// Codes already in the codebook (same GUID, or same name and parent), left as they are.
  public var present: Int
}

extension Session {
  /// Imports a REFI-QDA codebook (`.qdc`) in one commit: codes with their hierarchy,
  /// colours and descriptions. A code is matched by GUID (a Gloss export), then by name and
  /// parent, else created. Lenient where real files deviate harmlessly (Taguette's empty
  /// `<Sets/>`, unknown elements, no namespace); strict where it matters (well-formed XML,
  /// a `<CodeBook>` root, a guid and a name on every code, no guid twice).
  public func importQDC(_ data: Data, source: String, dryRun: Bool = false) throws
    -> (report: QDCImportReport, commit: CommitResult?)
  {
    let root = try XMLTree.parse(data, file: source)
    guard root.name == "CodeBook", [nil, "", REFIQDA.codebookNamespace].contains(root.namespace) else {
      throw GlossError.invalidInput(
        file: source, line: root.line,
        message: "the root is <\(root.name)>, not a REFI-QDA <CodeBook> (\(REFIQDA.codebookNamespace))")
    }
    let entries = try REFIQDA.readCodes(root.first("Codes"), file: source)
    guard !entries.isEmpty else {
      throw GlossError.invalidInput(file: source, line: root.line, message: "has no codes")
    }
    let (commit, report) = try runImport(dryRun: dryRun) { stage in
      _ = try stage.codes(entries)
      let report = QDCImportReport(
        codes: entries.count, created: stage.createdCodes, present: entries.count - stage.createdCodes.count)
      return (
        "gloss: \(coder) imports \(report.created.count) codes from \((source as NSString).lastPathComponent)", report
      )
    }
    return (report, commit)
  }
}
