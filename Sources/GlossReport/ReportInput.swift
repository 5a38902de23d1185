import Foundation
import GlossCore

/// Everything a report shows, computed by GlossCore before rendering, so the renderer is a
/// pure function of it (the same input gives the same bytes) and `gloss serve` can render
/// the same page from the same figures.
public struct ReportInput: Sendable {
  /// `gloss.yaml`'s project name.
  public var projectName: String
  /// The Gloss version named in the methods paragraph.
  public var glossVersion: String
  /// The codebook at the report's revision: code names and colours.
  public var codebook: Codebook
  /// The options the figures were computed with (`byDocument` is always on).
  public var options: AgreementOptions
  /// The figures at the revision, with the per-document figures.
  public var report: AgreementReport
  /// The figures at each commit of the history range that has data in scope, oldest first.
  public var history: [AgreementReport]
  /// What the history covers, in words (`A..B`, or the last N commits of the revision).
  public var historyDescription: String
  /// The spans where the coders differ at the revision.
  public var disagreements: [Disagreement]
  /// Assignments per code id and coder, in the report's scope.
  public var frequencies: [String: [String: Int]]
  /// Documents in the project at the revision, in scope or not.
  public var projectDocumentCount: Int

  public init(
    projectName: String, glossVersion: String, codebook: Codebook, options: AgreementOptions,
    report: AgreementReport, history: [AgreementReport], historyDescription: String,
    disagreements: [Disagreement], frequencies: [String: [String: Int]], projectDocumentCount: Int
  ) {
    self.projectName = projectName
    self.glossVersion = glossVersion
    self.codebook = codebook
    self.options = options
    self.report = report
    self.history = history
    self.historyDescription = historyDescription
    self.disagreements = disagreements
    self.frequencies = frequencies
    self.projectDocumentCount = projectDocumentCount
  }

  /// Assignments in scope, all codes and coders together.
  public var assignmentCount: Int { frequencies.values.reduce(0) { $0 + $1.values.reduce(0, +) } }

  /// Commits the history covers when no `--history` range is given: the newest of the
  /// revision's first-parent history. Enough to watch training sessions, bounded so a
  /// long-lived project still reports in well under a second.
  public static let defaultHistoryLimit = 200

  /// Computes every figure of the report at `revision` (HEAD when nil). `history` is an
  /// `A..B` range (as `agree --history`); nil takes the last `defaultHistoryLimit` commits
  /// of the revision's first-parent history (`historyLimit`). The history skips the bootstrap
  /// (it charts alpha only), so each point equals `gloss agree --rev <commit>` with the same scope.
  public static func gather(
    project: Project, revision: String?, history: String?, options: AgreementOptions,
    glossVersion: String, historyLimit: Int = defaultHistoryLimit
  ) throws -> ReportInput {
    var options = options
    options.byDocument = true
    let snapshot = try project.snapshot(at: revision)
    guard snapshot.commitID != nil else { throw GlossError.unknownRevision(revision ?? "HEAD") }
    let report = try project.agreement(at: revision, options: options)
    let disagreements = try project.disagreements(at: revision, options: options)

    var historyOptions = options
    historyOptions.byDocument = false
    historyOptions.bootstrap = nil
    let series = try project.agreementSeries(
      range: history, upTo: report.rev, limit: historyLimit, options: historyOptions)
    let description: String
    if let history {
      description = history
    } else {
      description =
        series.total > series.used
        ? "the last \(series.used) of \(series.total) first-parent commits up to \(report.rev.prefix(10))"
        : "all \(series.total) first-parent commits up to \(report.rev.prefix(10))"
    }
    let reports = series.reports

    var frequencies: [String: [String: Int]] = [:]
    try snapshot.forEachAssignment(
      docs: Set(report.documents), coders: Set(report.coders), codes: Set(report.codes.map(\.code))
    ) { item in
      frequencies[item.assignment.code, default: [:]][item.coder, default: 0] += 1
    }
    return ReportInput(
      projectName: try snapshot.settings().name, glossVersion: glossVersion,
      codebook: try snapshot.codebook(), options: options, report: report, history: reports,
      historyDescription: description, disagreements: disagreements, frequencies: frequencies,
      projectDocumentCount: try snapshot.documentIDs().count)
  }
}
