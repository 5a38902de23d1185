import Foundation
import GitKit

extension Project {
  /// Agreement at `revision` (HEAD when nil), DESIGN §4.
  public func agreement(at revision: String? = nil, options: AgreementOptions) throws
    -> AgreementReport
  {
    let snapshot = try self.snapshot(at: revision)
    return try AgreementEngine(repository: repository, options: options).report(for: snapshot)
  }

  /// Agreement per code group (`--by-parent`) at `revision` (HEAD when nil).
  public func groupAgreement(at revision: String? = nil, options: AgreementOptions) throws
    -> GroupAgreementReport
  {
    let snapshot = try self.snapshot(at: revision)
    guard let commit = snapshot.commit else { throw GlossError.unknownRevision(revision ?? "HEAD") }
    return try AgreementEngine(repository: repository, options: options).groupReport(at: commit)
  }

  /// The spans where the selected coders differ at `revision`.
  public func disagreements(at revision: String? = nil, options: AgreementOptions) throws
    -> [Disagreement]
  {
    let snapshot = try self.snapshot(at: revision)
    guard let commit = snapshot.commit else { throw GlossError.unknownRevision(revision ?? "HEAD") }
    return try AgreementEngine(repository: repository, options: options).disagreements(at: commit)
  }

  /// The commits of `A..B` (first parent, oldest first), as `git rev-list --first-parent
  /// --reverse A..B` lists them. `A..` means up to HEAD; `..B` (or plain `B`) from the
  /// first commit.
  func historyCommits(_ range: String) throws -> [Oid] {
    let parsed = try RevisionRange.parse(range, option: "--history", allowSingleRevision: true)
    guard let tip = try snapshot(at: parsed.tip).commit else { throw GlossError.unknownRevision(parsed.tip) }
    let base = try parsed.base.flatMap { try snapshot(at: $0).commit }
    return try repository.walk(from: tip, hiding: base, firstParentOnly: true, oldestFirst: true)
  }

  /// Agreement over history for charts (`gloss report`, the server's agreement page): every
  /// commit of `range` (`A..B`) or, without one, the last `limit` first-parent commits up to
  /// `tip`. Returns the reports of the commits with data in scope, how many commits were
  /// looked at, and how many the whole first-parent history up to the tip has.
  public func agreementSeries(range: String?, upTo tip: String, limit: Int, options: AgreementOptions) throws
    -> (reports: [AgreementReport], used: Int, total: Int)
  {
    let all = try historyCommits(range ?? tip)
    let commits = range == nil ? Array(all.suffix(max(1, limit))) : all
    var reports: [AgreementReport] = []
    try AgreementEngine(repository: repository, options: options).history(commits) { reports.append($0) }
    return (reports, commits.count, all.count)
  }

  /// Agreement at every commit of `range` that has data in scope, oldest first, each
  /// reported as computed; unchanged blobs are reused from commit to commit. The names in
  /// `options` are checked at the range's last commit.
  @discardableResult
  public func agreementHistory(
    _ range: String, options: AgreementOptions, each: (AgreementReport) throws -> Void
  ) throws -> Int {
    let commits = try historyCommits(range)
    guard let last = commits.last else {
      throw GlossError.nothingToChange(.emptyHistory(range: range))
    }
    let engine = AgreementEngine(repository: repository, options: options)
    try engine.checkNames(at: last)
    let produced = try engine.history(commits, each: each)
    if produced == 0 {
      // Say why, in the words of the last commit.
      _ = try engine.report(at: last)
    }
    return produced
  }
}

extension AgreementReport {
  /// The CI gate of `gloss agree --min`: refuses when a code's alpha is below `minimum`
  /// (an undefined alpha is not below anything).
  public func requireAlpha(atLeast minimum: Double) throws {
    let below = codes.filter { ($0.alpha ?? .infinity) < minimum }
    guard below.isEmpty else {
      throw GlossError.alphaBelow(minimum: minimum, codes: below.map { CodeAlpha(code: $0.code, alpha: $0.alpha) })
    }
  }
}
