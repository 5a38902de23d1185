import Foundation
import GitKit

/// Checks commits new to a repository, oldest first (DESIGN §6): who wrote each one (the
/// rules coming from history already trusted, never from the checked commit itself), that a
/// merge authors nothing, and the format of every file each commit changed.
struct HistoryCheck {
  let repository: Repository
  let validator: Validator
  /// The trusted commit whose rules are in force: the server's HEAD branch tip (or a
  /// range's base). A commit that builds on it (its first parent is it or descends from it)
  /// is judged by its first parent's gloss.yaml, so a lead's change of the rules applies to
  /// the commits after it; any other commit (a root, or one built on older history, whose
  /// rules may since have been revoked) is judged by the authority's. A root commit counts
  /// as adding every path.
  let authority: Oid?
  /// The one root commit trusted to define its own rules: the first commit of an empty
  /// repository, or of a range validated with no base.
  let anchor: Oid?
  private var settingsCache: [Oid: Settings] = [:]
  private var descends: [Oid: Bool] = [:]
  private var parsedCodebook: (blob: Oid?, book: Codebook?)?

  init(repository: Repository, validator: Validator, authority: Oid?, anchor: Oid?) {
    self.repository = repository
    self.validator = validator
    self.authority = authority ?? anchor
    self.anchor = anchor
  }

  /// Checks `commits` (parents before children). Files of the commits in `tips` are not
  /// format-checked here: the caller validates those trees whole.
  mutating func check(_ commits: [Oid], tips: Set<Oid>) throws -> [Finding] {
    var findings: [Finding] = []
    let known = Set(commits)
    for id in commits {
      let info = try repository.commit(id)
      // Every parent outside the checked set must be in the repository: a shallow clone
      // or a lost object hides history that cannot be validated.
      for parent in info.parents where !known.contains(parent) && !repository.contains(parent) {
        throw GlossError.historyMissing(commit: id.hex, parent: parent.hex, shallow: repository.isShallow)
      }
      var found: [Finding]
      switch info.parents.count {
      case 0, 1: found = try checkAuthorship(info)
      case 2: found = try checkMerge(info)
      default:
        found = [
          Finding(
            .error, "(commit)",
            "merge of \(info.parents.count) branches at once; gloss checks merges of two branches, so merge them one at a time"
          )
        ]
      }
      if !tips.contains(id) { found += try checkFiles(info) }
      findings += found.map { Finding($0.severity, $0.path, line: $0.line, $0.message, commit: id.hex) }
      // Known from its parents, so a long push never walks back to the authority per commit.
      descends[id] = try info.parents.contains { try buildsOnAuthority($0) }
    }
    return findings
  }

  // MARK: Rules

  /// The settings that judge `info` (see `authority`); the anchor's are its own. nil when
  /// there is nothing to take rules from.
  private mutating func rules(for info: CommitInfo) throws -> Settings? {
    var source: Oid?
    if info.id == anchor {
      source = info.id
    } else if let parent = info.parents.first {
      source = try buildsOnAuthority(parent) ? parent : authority
    } else {
      source = authority
    }
    guard let source else { return nil }
    if let cached = settingsCache[source] { return cached }
    // Unreadable rules trust nobody: no leads, and a coders: map no trailer can claim.
    let settings =
      (try? Snapshot(repository: repository, commit: source).settings())
      ?? Settings(name: "", leads: [], coders: ["-": []])
    settingsCache[source] = settings
    return settings
  }

  /// Whether `commit` is the authority or descends from it (true when there is none).
  private mutating func buildsOnAuthority(_ commit: Oid) throws -> Bool {
    guard let authority, commit != authority else { return true }
    if let known = descends[commit] { return known }
    let result = try repository.isAncestor(authority, of: commit)
    descends[commit] = result
    return result
  }

  /// Who `info` speaks for under its rules.
  private mutating func author(of info: CommitInfo) throws -> (CommitAuthor, Settings)? {
    guard let settings = try rules(for: info) else { return nil }
    let author = CommitAuthor.resolve(
      trailer: info.trailers("Gloss-Coder").last, email: info.author.email, settings: settings)
    return (author, settings)
  }

  /// Every path a non-merge commit changed, against `WriteRules` for its author.
  private mutating func checkAuthorship(_ info: CommitInfo) throws -> [Finding] {
    if info.id == anchor { return [] }
    guard let (author, settings) = try author(of: info) else {
      return [
        Finding(
          .error, "(commit)",
          "a new root commit, and the repository has no branch at HEAD to take rules from; push it to an existing branch"
        )
      ]
    }
    if let coder = author.coder, settings.leads.contains(coder) { return [] }
    let parentTree = try info.parents.first.map { try repository.commit($0).tree }
    var findings: [Finding] = []
    for change in try repository.changedFiles(from: parentTree, to: info.tree) {
      let before = try blob(change.oldBlob, path: change.path, kind: change.kind)
      let after = try blob(change.newBlob, path: change.path, kind: change.kind)
      let violations = WriteRules.violations(
        path: change.path, before: before, after: after, author: author.coder, settings: settings)
      findings += violations.map {
        Finding(.error, $0.path, "changed by \(author.description); \($0.reason)")
      }
    }
    return findings
  }

  /// What `WriteRules` needs of one side of a change: the codebook's bytes (to tell added
  /// codes from changed ones); for any other path only whether it exists, so nothing else
  /// is read, and a link's target never.
  private func blob(_ id: Oid?, path: String, kind: TreeEntry.Kind) throws -> Data? {
    guard let id, kind == .blob, path == Codebook.path else { return id == nil ? nil : Data() }
    return try repository.blob(id)
  }

  // MARK: Merges

  /// Whether the merge's author may settle a conflict on a path by taking one side: that
  /// is a write, so it takes the right to write the path (`WriteRules`), under the rules
  /// the merge is judged by. The reason when not.
  private struct Settler {
    let author: CommitAuthor
    let settings: Settings?

    func refusal(_ path: String, before: Data?, after: Data?) -> String? {
      guard let settings else { return "there are no rules to judge it by" }
      let violations = WriteRules.violations(
        path: path, before: before, after: after, author: author.coder, settings: settings)
      guard let first = violations.first else { return nil }
      return "settling a conflict on it is a write: merged by \(author.description); \(first.reason)"
    }
  }

  /// A merge authors nothing: every path it changes must be what merging its parents gives
  /// (a side's change taken, a removal winning over an unchanged file, a clean text merge).
  /// Where both sides changed a path and git cannot merge them, taking one side is a
  /// decision, allowed only to someone who may write that path. Annotation files and the
  /// codebook are judged record by record, the way `gloss merge` merges them, so a merge
  /// cannot drop a record one side added or changed; a record re-anchored to merged text
  /// is accepted when redoing it gives it.
  private mutating func checkMerge(_ info: CommitInfo) throws -> [Finding] {
    let judged = try author(of: info)
    let settler = Settler(
      author: judged?.0 ?? CommitAuthor(coder: nil, problem: "no rules"), settings: judged?.1)
    let trees = try info.parents.map { try repository.commit($0).tree }
    let baseTree = try repository.mergeBase(info.parents[0], info.parents[1]).map { try repository.commit($0).tree }
    var paths = Set<String>()
    for tree in trees { paths.formUnion(try repository.changedFiles(from: tree, to: info.tree).map(\.path)) }
    var findings: [Finding] = []
    var anchoring = MergeAnchoring(repository: repository)
    for path in paths.sorted() {
      let merged = try repository.entry(at: path, inTree: info.tree)
      let sides = try trees.map { try repository.entry(at: path, inTree: $0) }
      let base = try baseTree.flatMap { try repository.entry(at: path, inTree: $0) }
      let all = [merged, base] + sides
      let refusal = { try settler.refusal(path, before: self.data(base), after: self.data(merged)) }
      if FileMerge.isRecordFile(path), all.allSatisfy({ $0 == nil || $0?.kind == .blob }),
        let records = try? recordCheck(
          path: path, merged: merged, base: base, sides: sides, info: info, trees: trees, anchoring: &anchoring,
          refusal: refusal)
      {
        findings += records
        continue
      }
      findings += try wholeFileCheck(
        path: path, merged: merged, base: base, sides: sides, info: info, refusal: refusal)
    }
    return findings
  }

  private func data(_ entry: TreeEntry?) throws -> Data? {
    guard let entry, entry.kind == .blob else { return nil }
    return try repository.blob(entry.id)
  }

  /// A path merged as a whole: the changed side's version, the clean text merge of changes
  /// on both sides, or (by someone who may write the path) one side of a conflict.
  private func wholeFileCheck(
    path: String, merged: TreeEntry?, base: TreeEntry?, sides: [TreeEntry?], info: CommitInfo,
    refusal: () throws -> String?
  ) throws -> [Finding] {
    var changed: [TreeEntry?] = []
    for side in sides where side != base && !changed.contains(side) { changed.append(side) }
    if changed.isEmpty ? merged == base : changed.count == 1 && changed[0] == merged { return [] }
    if changed.count > 1, let mergedData = try data(merged),
      let result = try? FileMerge.merge(
        path: path, base: try data(base), ours: try data(sides[0]), theirs: try data(sides[1])),
      result.conflicts.isEmpty, result.contents == mergedData
    {
      return []
    }
    guard let taken = sides.firstIndex(where: { $0 == merged }) else {
      return [Finding(.error, path, "merge commit writes a version found in neither parent; a merge authors nothing")]
    }
    let other = info.parents[1 - taken].short
    if changed.count == 1 {
      return [
        Finding(
          .error, path, "merge commit drops the change made to it on the side of \(other); a merge authors nothing")
      ]
    }
    guard let reason = try refusal() else { return [] }
    return [
      Finding(.error, path, "merge commit takes one side and drops the change made on the side of \(other); \(reason)")
    ]
  }

  /// Annotation files and the codebook, record by record against the three-way merge.
  private func recordCheck(
    path: String, merged: TreeEntry?, base: TreeEntry?, sides: [TreeEntry?], info: CommitInfo, trees: [Oid],
    anchoring: inout MergeAnchoring, refusal: () throws -> String?
  ) throws -> [Finding] {
    if path == Codebook.path {
      func book(_ entry: TreeEntry?) throws -> Codebook? { try data(entry).map { try Codebook.decode($0) } }
      let result = RecordMerge.codebook(base: try book(base), ours: try book(sides[0]), theirs: try book(sides[1]))
      let actual = Dictionary((try book(merged)?.codes ?? []).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
      return try compare(
        path: path, what: "code", actual: actual, expected: result.merged.codes,
        conflicts: result.conflicts.map { ($0.id, $0.ours, $0.theirs) },
        sides: try sides.map { try book($0)?.codes ?? [] }, id: \.id, info: info, refusal: refusal
      ) { _ in false }
    }
    func records(_ entry: TreeEntry?) throws -> [Assignment]? {
      try data(entry).map { try Snapshot.decodeAnnotations($0, path: path) }
    }
    let sideRecords = try sides.map(records)
    let result = RecordMerge.annotations(base: try records(base), ours: sideRecords[0], theirs: sideRecords[1])
    let actual = Dictionary((try records(merged) ?? []).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    var findings = try compare(
      path: path, what: "assignment", actual: actual, expected: result.merged,
      conflicts: result.conflicts.map { ($0.id, $0.ours, $0.theirs) },
      sides: sideRecords.map { $0 ?? [] }, id: \.id, info: info, refusal: refusal
    ) { record in
      try anchoring.isReanchored(record, path: path, merge: info.tree, parents: trees)
    }
    let exists = FileMerge.exists(
      base: try data(base), ours: try data(sides[0]), theirs: try data(sides[1]))
    if exists != (merged != nil) {
      findings.append(
        Finding(
          .error, path,
          merged == nil
            ? "merge commit removes the file, which a parent has; a merge authors nothing"
            : "merge commit adds the file, which the merge of its parents does not have"))
    }
    return findings
  }

  /// Each record of the merged file must be the three-way merge's, or (by someone who may
  /// write the file) a side of a conflict.
  private func compare<Record: Equatable>(
    path: String, what: String, actual: [String: Record], expected: [Record],
    conflicts: [(String, Record?, Record?)], sides: [[Record]], id: KeyPath<Record, String>, info: CommitInfo,
    refusal: () throws -> String?, reanchored: (Record) throws -> Bool
  ) throws -> [Finding] {
    let wanted = Dictionary(expected.map { ($0[keyPath: id], $0) }, uniquingKeysWith: { a, _ in a })
    let disputed = Dictionary(conflicts.map { ($0.0, [$0.1, $0.2]) }, uniquingKeysWith: { a, _ in a })
    var ids = Set(actual.keys).union(wanted.keys).union(disputed.keys)
    for side in sides { ids.formUnion(side.map { $0[keyPath: id] }) }
    var findings: [Finding] = []
    for key in ids.sorted() {
      let record = actual[key]
      if let sidesOfConflict = disputed[key], sidesOfConflict.contains(where: { $0 == record }) {
        guard let reason = try refusal() else { continue }
        findings.append(Finding(.error, path, "merge commit takes one side of a conflict on \(what) \(key); \(reason)"))
        continue
      }
      if disputed[key] == nil && wanted[key] == record { continue }
      if let record, try reanchored(record) { continue }
      let holders = sides.indices.filter { side in sides[side].contains { $0[keyPath: id] == key } }
      let message: String
      if record == nil {
        let parent = holders.first.map { info.parents[$0].short } ?? "a parent"
        message = "merge commit drops \(what) \(key) that the merge keeps (it is in \(parent)); a merge authors nothing"
      } else if holders.isEmpty {
        message = "merge commit authors \(what) \(key) found in neither parent"
      } else {
        message = "merge commit changes \(what) \(key) to a version the merge of its parents does not give"
      }
      findings.append(Finding(.error, path, message))
    }
    return findings
  }

  // MARK: Files

  /// The files `info` changed, checked against its own documents and codebook, so a range
  /// cannot smuggle a broken commit in and repair it later. Cost grows with the changed
  /// blobs, not the size of the trees.
  private mutating func checkFiles(_ info: CommitInfo) throws -> [Finding] {
    let parentTree = try info.parents.first.map { try repository.commit($0).tree }
    let snapshot = try Snapshot(repository: repository, commit: info.id)
    // Most commits leave the codebook alone: parse it again only when its blob changed.
    let codebookBlob = try repository.entry(at: Codebook.path, inTree: info.tree)?.id
    if parsedCodebook == nil || parsedCodebook?.blob != codebookBlob {
      parsedCodebook = (codebookBlob, try? snapshot.codebook())
    }
    let codebook = parsedCodebook?.book ?? nil
    var found: [Finding] = []
    for change in try repository.changedFiles(from: parentTree, to: info.tree) {
      guard let blob = change.newBlob else { continue }
      if change.kind != .blob {
        found.append(Validator.linkFinding(change.path, kind: change.kind))
        continue
      }
      let data = try repository.blob(blob)
      if let (_, doc) = Layout.parseAnnotationPath(change.path) {
        var ids = IDSet()
        let text = (try? snapshot.documentText(doc)) ?? nil
        found += validator.checkAnnotations(data, path: change.path, text: text, codebook: codebook, ids: &ids)
      } else if Layout.parseDoneMarkPath(change.path) != nil {
        found += validator.checkDoneMark(
          path: change.path, documentExists: { (try? snapshot.documentText($0)) != nil },
          annotated: { (try? snapshot.exists($0)) ?? false }, read: { data })
      } else if Layout.parseDocumentPath(change.path) != nil {
        found += validator.checkDocument(data, path: change.path)
      } else if change.path == Codebook.path {
        do { _ = try Codebook.decode(data) } catch { found.append(validator.finding(from: error, path: change.path)) }
      }
    }
    return found.filter { $0.severity == .error }
  }
}
