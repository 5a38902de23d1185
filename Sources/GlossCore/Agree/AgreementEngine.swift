import Agreement
import Foundation
import GitKit

/// Computes agreement at commits straight from git objects. Every per-document result is
/// remembered under the blob ids it came from (the document and each coder's annotation
/// file), so walking a history re-reads and recomputes only the blobs that changed: cost
/// follows spans and changed blobs, never characters × commits.
public final class AgreementEngine {
  let repository: Repository
  public let options: AgreementOptions

  /// Blobs read and per-document tallies computed so far: lets tests prove the reuse.
  public internal(set) var blobsRead = 0
  public internal(set) var documentsComputed = 0

  // Caches keyed by object ids. After each commit only the entries that commit used are
  // kept: a first-parent walk reuses from its predecessor, and memory stays bounded.
  var texts: [Oid: DocumentInfo] = [:]
  var annotations: [Oid: [String: [Range<Int>]]] = [:]
  var folders: [Oid: [String: Oid]] = [:]
  var tallies: [DocumentKey: DocumentTallies] = [:]
  var codebook: (id: Oid?, book: Codebook)?
  var previous: (key: CommitKey, report: AgreementReport)?
  var pool = Pool(coders: [], codes: [])
  /// The last tallies computed for each document id, to reuse unchanged codes.
  var latest: [String: DocumentTallies] = [:]
  var documentListing: (tree: Oid?, documents: [(id: String, blob: Oid)])?
  var used = UsedObjects()
  /// The documents of the commit being measured, for `evictUnused`.
  var inScope: [ScopedDocument] = []
  /// The previous commit's scope, per document, with its tallies.
  var scopeMemo: ScopeMemo?
  /// During a history walk: the annotation files read ahead on a second thread.
  var prefetch: HistoryPrefetch?

  init(repository: Repository, options: AgreementOptions) {
    self.repository = repository
    self.options = options
  }

  // MARK: Entry points

  /// The figures at `commit`; throws for unknown coders, codes or documents and when fewer
  /// than two coders have data.
  func report(at commit: Oid) throws -> AgreementReport {
    prefetch = HistoryPrefetch(
      repository: repository, commits: [commit], documentLengths: options.unit != .para)
    defer {
      prefetch?.stop()
      prefetch = nil
    }
    switch try outcome(at: commit) {
    case .report(let report): return report
    case .failed(let error): throw error
    }
  }

  /// The figures at a snapshot's commit.
  public func report(for snapshot: Snapshot) throws -> AgreementReport {
    guard let commit = snapshot.commit else { throw GlossError.unknownRevision("HEAD") }
    return try report(at: commit)
  }

  /// The figures at every commit of `commits` that has data in scope, in the order given;
  /// commits where the scope does not exist yet (a coder or code not yet there, fewer than
  /// two coders with data) are skipped. Returns how many reports were produced.
  @discardableResult
  func history(_ commits: [Oid], each: (AgreementReport) throws -> Void) throws -> Int {
    var produced = 0
    prefetch = HistoryPrefetch(
      repository: repository, commits: commits, documentLengths: options.unit != .para)
    defer {
      prefetch?.stop()
      prefetch = nil
    }
    for (index, commit) in commits.enumerated() {
      prefetch?.advance(to: index)
      if case .report(let report) = try outcome(at: commit) {
        try each(report)
        produced += 1
      }
    }
    return produced
  }

  /// Checks that the coders, codes and documents named in the options exist at `commit`,
  /// so a typo fails at once instead of silently matching nothing.
  func checkNames(at commit: Oid) throws {
    let layout = try TreeLayout(repository: repository, tree: try repository.commit(commit).tree)
    _ = try names(layout)
  }

  // MARK: One commit

  private enum Outcome {
    case report(AgreementReport)
    case failed(GlossError)
  }

  private func outcome(at commit: Oid) throws -> Outcome {
    let info = try repository.commit(commit)
    let layout = TreeLayout(entries: try entries(info.tree))
    let key = CommitKey(
      documents: layout.documentsTree, annotations: layout.annotationsTree,
      codebook: layout.codebookBlob)
    if let previous, previous.key == key {
      return .report(previous.report.at(commit: info))
    }
    used = UsedObjects()
    defer { evictUnused() }
    let scope: Scope
    switch try resolveScope(layout) {
    case .success(let resolved): scope = resolved
    case .failure(let error): return .failed(error)
    }
    inScope = scope.documents
    var documents: [DocumentTallies] = []
    documents.reserveCapacity(scope.documents.count)
    for (document, position) in zip(scope.documents, scope.positions) {
      // A document whose files did not change since the previous commit keeps its tallies.
      if let known = scopeMemo?.slots[position].tallies {
        documents.append(known)
        continue
      }
      let tallies = try documentTallies(document)
      scopeMemo?.slots[position].tallies = tallies
      documents.append(tallies)
    }
    var computed = compute(scope: scope, documents: documents)
    computed.counted = scope.counted
    let report = computed.at(commit: info)
    previous = (key, report)
    return .report(report)
  }
}
