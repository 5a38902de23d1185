import Foundation
import GitKit

/// Reads and scans, on a second thread with its own repository handle, the annotation files
/// each commit of a history walk changes, while the walk measures the commits before: in a
/// long history resolving those blobs (libgit2 inflating their delta chains) is a third of
/// the work, and the second core does it. The walk waits for the reader to be past the
/// commit it measures, takes what is ready and reads anything else itself (files the
/// scanner refuses, files a commit did not change but now needs), so the figures never
/// depend on the timing. The reader stays at most `window` commits ahead and what the walk
/// did not take is dropped once it is past, so memory stays bounded in any history.
final class HistoryPrefetch: @unchecked Sendable {
  private let condition = NSCondition()
  /// Guarded by `condition`.
  private var ready: [Oid: (commit: Int, spans: [String: [Range<Int>]])] = [:]
  /// Code points of the document texts read at the first commit (`documentLengths`).
  private var lengths: [Oid: Int] = [:]
  /// The trees listed after the first commit (root, annotations, changed coder folders),
  /// by id: the walk needs the same listings.
  private var trees: [Oid: (commit: Int, entries: [TreeEntry])] = [:]
  /// The commit the walk measures; the reader has read the commits before `done`.
  private var current = 0
  private var done = 1
  private var stopped = false
  private var ended = false
  /// Files of the first commit that the walk or the reader took on.
  private var claimed: Set<Oid> = []
  private let finished = DispatchSemaphore(value: 0)
  private let repository: Repository
  private let commits: [Oid]
  /// Whether the first commit's document texts are read too (their lengths are all the
  /// character and document units need of them).
  private let documentLengths: Bool
  private let window = 128
  /// Commits whose changed files are read together, newest first (at most `window`).
  private let batchSize = 16

  /// nil when there is nothing to read, no second core or no second handle. With one commit
  /// the two threads share its files (one report of a large project reads them all).
  init?(repository: Repository, commits: [Oid], documentLengths: Bool) {
    guard !commits.isEmpty, ProcessInfo.processInfo.activeProcessorCount > 1,
      let second = try? repository.reopened()
    else { return nil }
    self.repository = second
    self.commits = commits
    self.documentLengths = documentLengths
    let thread = Thread { [self] in
      self.run()
      self.finished.signal()
    }
    thread.start()
  }

  private func run() {
    defer {
      condition.lock()
      ended = true
      condition.broadcast()
      condition.unlock()
    }
    // At the first commit the walk reads every file from the first document on, the reader
    // from the last one back, each skipping what the other claimed. From the second commit
    // on the reader reads ahead. Trees are compared by id, level by level (cheaper than a
    // libgit2 diff): only the coder folders whose id changed are listed, and only their
    // changed files read.
    var annotations: Oid?
    var folders: [String: Oid] = [:]
    var listings: [String: [String: Oid]] = [:]
    // The files changed by the commits since the last batch was read: each batch is read
    // newest first. git packs the newer version of a file whole and the older ones as
    // deltas against it, and libgit2 keeps the bases it resolved, so newest first resolves
    // each delta chain about once (oldest first resolved it again for nearly every file).
    var batch: [(blob: Oid, index: Int)] = []
    for index in 0..<commits.count {
      condition.lock()
      while !stopped && index > current + window { condition.wait() }
      let stop = stopped
      condition.unlock()
      if stop { return }
      guard let tree = try? repository.commit(commits[index]).tree, let root = list(tree, at: index)
      else { return }
      let now = root.first { $0.name == "annotations" && $0.kind == .tree }?.id
      if now != annotations, let now {
        guard let coders = list(now, at: index) else { return }
        var seen: [String: Oid] = [:]
        for coder in coders where coder.kind == .tree {
          seen[coder.name] = coder.id
          if folders[coder.name] == coder.id { continue }
          guard let files = list(coder.id, at: index) else { return }
          let before = listings[coder.name] ?? [:]
          var listing: [String: Oid] = [:]
          for file in files where file.kind == .blob && file.name.hasSuffix(".jsonl") {
            listing[file.name] = file.id
            if index > 0, before[file.name] != file.id { batch.append((file.id, index)) }
          }
          listings[coder.name] = listing
        }
        if index == 0 { readFirst(root: root, listings: listings) }
        folders = seen
        listings = listings.filter { seen[$0.key] != nil }
      }
      if now == nil {
        folders = [:]
        listings = [:]
      }
      annotations = now
      if index > 0 && index % batchSize != 0 && index < commits.count - 1 { continue }
      for (blob, commit) in batch.reversed() { read(blob, at: commit) }
      batch = []
      condition.lock()
      done = index + 1
      condition.broadcast()
      condition.unlock()
    }
  }

  /// A tree's entries, kept for the walk after the first commit (where the walk lists its
  /// trees while the reader reads files).
  private func list(_ tree: Oid, at index: Int) -> [TreeEntry]? {
    guard let entries = try? repository.entries(inFolder: "", ofTree: tree) else { return nil }
    if index > 0 {
      condition.lock()
      trees[tree] = (index, entries)
      condition.unlock()
    }
    return entries
  }

  /// The first commit's files, document by document from the last one back (the walk goes
  /// from the first one on): the text's length when asked for, then the annotation files.
  private func readFirst(root: [TreeEntry], listings: [String: [String: Oid]]) {
    var files: [String: [Oid]] = [:]
    for listing in listings.values {
      for (name, blob) in listing { files[String(name.dropLast(6)), default: []].append(blob) }
    }
    var texts: [String: Oid] = [:]
    if documentLengths, let folder = root.first(where: { $0.name == "documents" && $0.kind == .tree }),
      let entries = try? repository.entries(inFolder: "", ofTree: folder.id)
    {
      for entry in entries where entry.kind == .blob && entry.name.hasSuffix(".txt") {
        texts[String(entry.name.dropLast(4))] = entry.id
      }
    }
    for document in Set(files.keys).union(texts.keys).sorted(by: >) {
      if let text = texts[document], claim(text),
        let length = try? repository.blob(text).withUnsafeBytes(AgreementEngine.codePoints)
      {
        condition.lock()
        lengths[text] = length
        condition.unlock()
      }
      for blob in files[document] ?? [] { read(blob, at: 0) }
    }
  }

  /// Claims a blob of the first commit for the reader; false when the walk claimed it.
  private func claim(_ blob: Oid) -> Bool {
    condition.lock()
    defer { condition.unlock() }
    return claimed.insert(blob).inserted
  }

  /// Reads and scans one file for commit `index`, unless the walk claimed it (first commit
  /// only). Files the scanner refuses are left to the walk's validating parser.
  private func read(_ blob: Oid, at index: Int) {
    guard index > 0 || claim(blob), let data = try? repository.blob(blob), let spans = SpanScanner.scan(data) else {
      return
    }
    condition.lock()
    ready[blob] = (index, spans)
    condition.unlock()
  }

  /// The walk is measuring commit `index` (of the commits given).
  func advance(to index: Int) {
    condition.lock()
    current = index
    if index % window == 0 {
      ready = ready.filter { $0.value.commit >= index }
      trees = trees.filter { $0.value.commit >= index }
    }
    condition.broadcast()
    condition.unlock()
  }

  /// The spans of an annotation blob of the commit being measured, once the reader is past
  /// it; nil when the reader did not read it.
  func take(_ blob: Oid) -> [String: [Range<Int>]]? {
    condition.lock()
    defer { condition.unlock() }
    while !ended && done <= current { condition.wait() }
    if let read = ready.removeValue(forKey: blob) { return read.spans }
    // Claimed for the walk: the reader need not read it (at the first commit).
    if current == 0 { claimed.insert(blob) }
    return nil
  }

  /// The entries of a tree of the commit being measured, once the reader is past it; nil
  /// when the reader did not list it.
  func takeEntries(_ tree: Oid) -> [TreeEntry]? {
    condition.lock()
    defer { condition.unlock() }
    while !ended && done <= current { condition.wait() }
    return trees.removeValue(forKey: tree)?.entries
  }

  /// The code points of a document text of the first commit, when the reader read it.
  func takeLength(_ blob: Oid) -> Int? {
    condition.lock()
    defer { condition.unlock() }
    if let length = lengths.removeValue(forKey: blob) { return length }
    if current == 0 { claimed.insert(blob) }
    return nil
  }

  /// Ends the reader and waits for it (it finishes the commit it is on).
  func stop() {
    condition.lock()
    stopped = true
    ready = [:]
    lengths = [:]
    trees = [:]
    condition.broadcast()
    condition.unlock()
    finished.wait()
  }
}
