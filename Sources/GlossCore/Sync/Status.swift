import Foundation
import GitKit

/// Where the working copy stands (`gloss status`): the branch and its upstream, commits not yet
/// pushed or pulled, uncommitted edits to the project's files, and spans waiting for review.
public struct ProjectStatus: Sendable, Equatable {
  /// A project file with uncommitted changes.
  public struct Change: Sendable, Equatable {
    public let path: String
    /// added, modified, deleted, renamed, untracked or conflicted.
    public let state: String
    public let staged: Bool
  }

  /// Assignments marked for review by re-anchoring, per document and coder.
  public struct ReviewCount: Sendable, Equatable {
    public let doc: String
    public let coder: String
    public let count: Int
  }

  /// The checked-out branch; nil when HEAD is detached.
  public let branch: String?
  public let upstream: Upstream?
  /// Commits here not on the upstream, and there not here (as of the last fetch); nil without
  /// an upstream or before its first fetch.
  public let ahead: Int?
  public let behind: Int?
  /// Uncommitted changes to annotation files, the codebook, gloss.yaml, documents and memos.
  public let changes: [ProjectStatus.Change]
  /// Review marks the viewer may see (blind coding: their own).
  public let review: [ReviewCount]
  /// The git index's size, when it is large and `core.splitIndex` is unset (docs/scale.md).
  public var largeIndex: Int? = nil

  /// One coder's finished work: the documents on their list, marked done or not.
  public struct Work: Sendable, Equatable {
    public let coder: String
    public let done: [String]
    public let unfinished: [String]
  }

  /// How many spans wait for review in all.
  public var reviewPending: Int { review.reduce(0) { $0 + $1.count } }
  /// Each coder the viewer may see, with their documents done and not (`gloss doc done`).
  public let work: [Work]

  /// The `--format json` shape. An object, so later fields (a document's `done` marks) add keys.
  public var json: JSON {
    .object([
      ("branch", .optional(branch)),
      ("upstream", .optional(upstream.map { "\($0.remote)/\($0.branch)" })),
      ("ahead", ahead.map(JSON.int) ?? .null),
      ("behind", behind.map(JSON.int) ?? .null),
      (
        "changes",
        .array(
          changes.map {
            .object([("path", .string($0.path)), ("state", .string($0.state)), ("staged", .bool($0.staged))])
          })
      ),
      (
        "review",
        .object([
          ("pending", .int(reviewPending)),
          (
            "documents",
            .array(
              review.map {
                .object([("doc", .string($0.doc)), ("coder", .string($0.coder)), ("count", .int($0.count))])
              })
          ),
        ])
      ),
      (
        "work",
        .array(
          work.map {
            .object([
              ("coder", .string($0.coder)), ("done", .array($0.done.map(JSON.string))),
              ("unfinished", .array($0.unfinished.map(JSON.string))),
            ])
          })
      ),
    ])
  }
}

extension Project {
  /// The paths `gloss status` reports uncommitted changes in.
  static let statusPaths = [
    Layout.annotations, Codebook.path, Settings.path, Layout.documents, "memos/", Layout.gitattributes,
  ]

  /// The working copy's status as `policy`'s viewer may see it.
  public func status(policy: Policy) throws -> ProjectStatus {
    let head = try repository.headBranch()
    let branch = head.map { $0.hasPrefix("refs/heads/") ? String($0.dropFirst(11)) : $0 }
    let upstream = branch.flatMap { repository.upstream(of: $0) }
    var ahead: Int?
    var behind: Int?
    if let upstream, let local = try repository.headCommit(),
      let remote = try repository.referenceTarget(upstream.trackingReference)
    {
      (ahead, behind) = try repository.aheadBehind(local, remote)
    }
    let changes = try repository.changedPaths(under: Self.statusPaths).map {
      ProjectStatus.Change(path: $0.path, state: $0.state.rawValue, staged: $0.staged)
    }
    var review: [ProjectStatus.ReviewCount] = []
    var work: [ProjectStatus.Work] = []
    if try repository.headCommit() != nil {
      let snapshot = try self.snapshot()
      let marks = try snapshot.doneMarks().visible(to: policy)
      var lists: [String: [String]] = [:]
      for file in try snapshot.annotationFiles(coders: policy.visibleCoders)
      where file.coder != Identifier.consensus {
        lists[file.coder, default: []].append(file.doc)
      }
      work = lists.keys.sorted().map { coder in
        let docs = lists[coder] ?? []
        return ProjectStatus.Work(
          coder: coder, done: docs.filter { marks.isDone(coder: coder, document: $0) },
          unfinished: docs.filter { !marks.isDone(coder: coder, document: $0) })
      }
      let filter = try AssignmentFilter().visible(to: policy)
      var counts: [String: [String: Int]] = [:]
      // Whether each record is marked, not the records themselves: a million would be made.
      try snapshot.forEachAnnotationFileCounted(coders: filter.coders, { $0.review != nil }) { coder, doc, marked in
        let count = marked.count { $0 }
        if count > 0 { counts[doc, default: [:]][coder, default: 0] += count }
      }
      for doc in counts.keys.sorted() {
        for (coder, count) in (counts[doc] ?? [:]).sorted(by: { $0.key < $1.key }) {
          review.append(ProjectStatus.ReviewCount(doc: doc, coder: coder, count: count))
        }
      }
    }
    var status = ProjectStatus(
      branch: branch, upstream: upstream, ahead: ahead, behind: behind, changes: changes, review: review,
      work: work)
    status.largeIndex = repository.indexSizeWorthSplitting()
    return status
  }
}
