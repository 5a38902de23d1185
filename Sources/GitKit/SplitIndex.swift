import CLibgit2
import CSHA1
import Foundation

/// git's split index (`core.splitIndex`). `.git/index` then holds only what changed since
/// `.git/sharedindex.<id>`, which holds everything else: entries that replace shared ones
/// (with empty names, in the order of the shared entries they replace), then entries the
/// shared index does not have, sorted; a `link` extension names the shared index and marks
/// the shared entries replaced and removed. A commit that changes one file of a project with
/// 100,000 then rewrites a few kilobytes instead of the whole index.
///
/// gloss follows `core.splitIndex` as git does: true splits the index at the next write,
/// false joins it again, unset keeps it as it is. It writes a new shared index when the
/// split part's entries and removals pass `splitIndex.maxPercentChange` (20 unless set) of
/// the shared index's entries, and removes shared indexes unused for two weeks, as git does.
final class Link {
  /// The shared index's checksum, which names its file.
  let sharedID: [UInt8]
  let shared: IndexFile
  /// Shared entries removed, by position, ascending.
  let deleted: [Int]
  /// Shared entries replaced, by position, ascending: the n-th by this file's n-th entry.
  let replaced: [Int]

  static let signature: [UInt8] = Array("link".utf8)

  /// The extension's payload, with the shared index it names in `folder`; nil when either
  /// does not read.
  init?(_ payload: Slice<UnsafeRawBufferPointer>, folder: String, sums: String?) {
    guard payload.count >= 20 else { return nil }
    sharedID = Array(payload.prefix(20))
    guard sharedID.contains(where: { $0 != 0 }),
      let shared = IndexFile(path: folder + "/" + Self.sharedIndexName(sharedID), sums: sums),
      shared.link == nil, shared.trailer == sharedID
    else { return nil }
    self.shared = shared
    var rest = payload.dropFirst(20)
    if rest.isEmpty {
      deleted = []
      replaced = []
      return
    }
    guard let (deleted, used) = EWAH.positions(rest, below: shared.entryCount) else { return nil }
    rest = rest.dropFirst(used)
    guard let (replaced, left) = EWAH.positions(rest, below: shared.entryCount), left == rest.count else {
      return nil
    }
    self.deleted = deleted
    self.replaced = replaced
  }

  /// Whether `index`'s entries fit the bitmaps: one with an empty name for each replaced
  /// entry, then named ones, sorted; no shared entry both replaced and removed.
  func fits(_ index: IndexFile) -> Bool {
    guard replaced.count <= index.entryCount, Set(deleted).isDisjoint(with: replaced) else { return false }
    for position in 0..<index.entryCount where (index.nameRange(position).isEmpty) != (position < replaced.count) {
      return false
    }
    for position in replaced.count..<max(replaced.count, index.entryCount - 1)
    where index.compareEntries(position, position + 1) >= 0 {
      return false
    }
    return true
  }

  /// The stage-0 entry `name` of the shared index, as this split index changes it (the
  /// caller looked among the entries added first).
  func entry(_ name: [UInt8], in index: IndexFile) -> IndexFile.Entry? {
    let position = shared.lowerBound(name)
    guard position < shared.entryCount, shared.compare(entryAt: position, with: name) == 0,
      shared.stage(position) == 0, !Self.contains(deleted, position)
    else { return nil }
    guard let replacement = Self.rank(of: position, in: replaced) else { return shared.entry(at: position) }
    return index.stage(replacement) == 0 ? index.entry(at: replacement) : nil
  }

  /// The split part with `changes` made, when each replaces or removes a shared entry and
  /// the part stays within `maxPercentChange` of the shared index; nil otherwise (the caller
  /// writes a new shared index).
  func update(_ changes: [IndexFile.Change], in index: IndexFile, maxPercentChange: Int) -> IndexFile.Update? {
    guard let sorted = IndexFile.sortedChanges(changes) else { return nil }
    var replacements: [Int: IndexFile.Update.Piece] = [:]
    for (rank, position) in replaced.enumerated() {
      replacements[position] = .old(index.entryRange(rank))
    }
    var removed = Set(deleted)
    var changed: [[UInt8]] = []
    for (name, entry) in sorted {
      let added = index.lowerBound(name)
      if added < index.entryCount && index.compare(entryAt: added, with: name) == 0 { return nil }
      let position = shared.lowerBound(name)
      let exists =
        position < shared.entryCount && shared.compare(entryAt: position, with: name) == 0
        && !removed.contains(position)
      if exists && shared.stage(position) != 0 { return nil }
      if exists && position + 1 < shared.entryCount && shared.compare(entryAt: position + 1, with: name) == 0 {
        return nil
      }
      guard exists else {
        if entry == nil { continue }  // Removing what is not there changes nothing.
        return nil
      }
      if let entry {
        replacements[position] = .new(IndexFile.encoded(entry, name: []))
      } else {
        replacements[position] = nil
        removed.insert(position)
      }
      changed.append(name)
    }
    let added = index.entryCount - replaced.count
    guard
      maxPercentChange >= 100
        || (replacements.count + removed.count + added) * 100 <= maxPercentChange * shared.entryCount,
      let tree = index.treeExtension(invalidating: changed)
    else { return nil }
    let order = replacements.keys.sorted()
    var entries: [IndexFile.Update.Piece] = [
      .new(IndexFile.header(version: index.version, count: order.count + added))
    ]
    entries += order.compactMap { replacements[$0] }
    entries.append(.old(index.offsets[replaced.count]..<index.entriesEnd))
    let link = Self.extensionBytes(sharedID, deleted: removed.sorted(), replaced: order)
    var update = IndexFile.Update(entries: entries, extensions: [.new(link), tree])
    update.entries.removeAll { $0.count == 0 }
    update.extensions.removeAll { $0.count == 0 }
    return update
  }

  /// The `link` extension, header included.
  static func extensionBytes(_ sharedID: [UInt8], deleted: [Int], replaced: [Int]) -> [UInt8] {
    let payload = sharedID + EWAH.encoded(deleted) + EWAH.encoded(replaced)
    var out = signature
    IndexFile.appendWord(UInt32(payload.count), to: &out)
    return out + payload
  }

  /// The file name of the shared index with checksum `id`.
  static func sharedIndexName(_ id: [UInt8]) -> String {
    "sharedindex." + id.withUnsafeBytes { Oid(bytes: $0).hex }
  }

  private static func contains(_ sorted: [Int], _ value: Int) -> Bool { rank(of: value, in: sorted) != nil }

  private static func rank(of value: Int, in sorted: [Int]) -> Int? {
    var low = 0
    var high = sorted.count
    while low < high {
      let middle = (low + high) / 2
      if sorted[middle] < value { low = middle + 1 } else { high = middle }
    }
    return low < sorted.count && sorted[low] == value ? low : nil
  }
}

extension IndexFile {
  /// The index as one file: a split index joined with its shared index (as git joins
  /// them: replacements take the shared entry's name, removed entries go, and added ones
  /// take their place by name and stage); the file itself when it is not split. Nil for
  /// entries git would not have written (a replacement with extended flags).
  func flattened() -> IndexFile? {
    guard let link else { return self }
    let shared = link.shared
    var out = Self.header(version: max(version, shared.version), count: 0)
    var count = 0
    var next = firstSorted
    var replacement = 0
    var removal = 0
    for position in 0..<shared.entryCount {
      let replacing = replacement < link.replaced.count && link.replaced[replacement] == position
      defer { if replacing { replacement += 1 } }
      if removal < link.deleted.count && link.deleted[removal] == position {
        removal += 1
        continue
      }
      while next < entryCount, compareEntries(next, with: shared, position) < 0 {
        out += bytes[entryRange(next)]
        count += 1
        next += 1
      }
      if next < entryCount, compareEntries(next, with: shared, position) == 0 { continue }
      if replacing {
        let start = offsets[replacement]
        let flags = Self.half(bytes, start + 60)
        guard flags & Self.extendedFlag == 0 else { return nil }
        let name = shared.bytes[shared.nameRange(position)]
        out += bytes[start..<start + 60]
        let length = UInt16(min(name.count, Int(Self.nameMask)))
        out += [UInt8(((flags & ~Self.nameMask) | length) >> 8), UInt8(length & 0xFF)]
        out += name
        out += repeatElement(0, count: (Self.fixedEntrySize + name.count + 8) & ~7 - Self.fixedEntrySize - name.count)
      } else {
        out += shared.bytes[shared.entryRange(position)]
      }
      count += 1
    }
    while next < entryCount {
      out += bytes[entryRange(next)]
      count += 1
      next += 1
    }
    out.replaceSubrange(8..<12, with: Self.header(version: 0, count: count)[8..<12])
    if let tree { out += bytes[tree.lowerBound - 8..<tree.upperBound] }
    var digest = [UInt8](repeating: 0, count: 20)
    csha1(out, out.count, &digest)
    return IndexFile(Mapping(out + digest, mode: mode), sums: nil, folder: nil)
  }

  /// The part of a split index that names a new shared index and changes nothing in it: no
  /// entries, empty bitmaps, then this (flat) index's other extensions from `update`.
  func splitPart(sharedID: [UInt8], after update: Update) -> [UInt8] {
    var out = Self.header(version: version, count: 0)
    out += Link.extensionBytes(sharedID, deleted: [], replaced: [])
    for piece in update.extensions { withBytes(of: piece) { out += $0 } }
    var digest = [UInt8](repeating: 0, count: 20)
    csha1(out, out.count, &digest)
    return out + digest
  }

  /// Every entry, in order, as libgit2 lists them; nil when the file does not flatten.
  func allEntries() -> [(path: String, id: Oid, mode: UInt32)]? {
    guard let flat = flattened() else { return nil }
    return (0..<flat.entryCount).map { position in
      let start = flat.offsets[position]
      return (
        String(decoding: flat.bytes[flat.nameRange(position)], as: UTF8.self), flat.oid(at: start + 40),
        Self.word(flat.bytes, start + 24)
      )
    }
  }

  /// The index joined, as an in-memory libgit2 index (for libgit2's status, which cannot
  /// read a split index).
  func libgit2Index() throws -> OpaquePointer? {
    guard let flat = flattened() else {
      throw GitError(code: .other(-1), message: "gloss cannot join this split index", operation: "read .git/index")
    }
    var index: OpaquePointer?
    try check(git_index_new(&index), "read .git/index")
    do {
      for position in 0..<flat.entryCount {
        let start = flat.offsets[position]
        let word = { (at: Int) in Self.word(flat.bytes, start + at) }
        var entry = git_index_entry()
        entry.ctime = git_index_time(seconds: Int32(bitPattern: word(0)), nanoseconds: word(4))
        entry.mtime = git_index_time(seconds: Int32(bitPattern: word(8)), nanoseconds: word(12))
        (entry.dev, entry.ino, entry.mode, entry.uid, entry.gid, entry.file_size) = (
          word(16), word(20), word(24), word(28), word(32), word(36)
        )
        entry.id = flat.oid(at: start + 40).raw
        entry.flags = Self.half(flat.bytes, start + 60) & 0x3000
        let name = Array(flat.bytes[flat.nameRange(position)]) + [0]
        try name.withUnsafeBufferPointer { buffer in
          try buffer.withMemoryRebound(to: CChar.self) { characters in
            entry.path = characters.baseAddress
            try check(git_index_add(index, &entry), "read .git/index")
          }
        }
      }
    } catch {
      git_index_free(index)
      throw error
    }
    return index
  }

  /// Entry `position` against entry `other` of `file`, by name then stage, as git sorts.
  private func compareEntries(_ position: Int, with file: IndexFile, _ other: Int) -> Int {
    let name = Array(file.bytes[file.nameRange(other)])
    let order = compare(entryAt: position, with: name)
    return order != 0 ? order : Int(stage(position)) - Int(file.stage(other))
  }

  /// Entries `position` and `other` of this file, by name then stage.
  func compareEntries(_ position: Int, _ other: Int) -> Int { compareEntries(position, with: self, other) }
}

/// git's EWAH-compressed bitmaps (`ewah/ewah_io.c`): the bit count, the number of 64-bit
/// words, the words, and where the last run-length word is, all big-endian. A run-length
/// word holds a bit to repeat (bit 0), how many words of it (bits 1-32) and how many literal
/// words follow (bits 33-63).
enum EWAH {
  /// The set positions, ascending, and how many bytes the bitmap took; nil when it is
  /// damaged or names a position at or past `limit`.
  static func positions(_ bytes: Slice<UnsafeRawBufferPointer>, below limit: Int) -> ([Int], Int)? {
    let start = bytes.startIndex
    guard bytes.count >= 12 else { return nil }
    let words = Int(IndexFile.word(bytes.base, start + 4))
    let size = 8 + words * 8 + 4
    guard words <= (bytes.count - 12) / 8 else { return nil }
    func word(_ index: Int) -> UInt64 {
      let at = start + 8 + index * 8
      return UInt64(IndexFile.word(bytes.base, at)) << 32 | UInt64(IndexFile.word(bytes.base, at + 4))
    }
    var positions: [Int] = []
    var position = 0
    var index = 0
    while index < words {
      let marker = word(index)
      index += 1
      let running = Int((marker >> 1) & 0xFFFF_FFFF) * 64
      if marker & 1 == 1 {
        guard position + running <= limit else { return nil }
        positions += position..<position + running
      }
      position += running
      let literals = Int(marker >> 33)
      guard literals <= words - index else { return nil }
      for _ in 0..<literals {
        var bits = word(index)
        index += 1
        while bits != 0 {
          let bit = bits.trailingZeroBitCount
          guard position + bit < limit else { return nil }
          positions.append(position + bit)
          bits &= bits - 1
        }
        position += 64
      }
    }
    return (positions, size)
  }

  /// `positions` (ascending) as git would read them back: a run-length word of clear words
  /// before each literal word that has a set bit.
  static func encoded(_ positions: [Int]) -> [UInt8] {
    var words: [UInt64] = []
    var last = 0  // the run-length word's index
    var nextWord = 0  // the bitmap word the next literal would be
    for position in positions {
      let wordIndex = position / 64
      if !words.isEmpty && wordIndex == nextWord - 1 {
        words[words.count - 1] |= 1 << UInt64(position % 64)
        continue
      }
      last = words.count
      words.append(UInt64(wordIndex - nextWord) << 1 | 1 << 33)
      words.append(1 << UInt64(position % 64))
      nextWord = wordIndex + 1
    }
    if words.isEmpty { words = [0] }
    var out: [UInt8] = []
    IndexFile.appendWord(UInt32((positions.last ?? -1) + 1), to: &out)
    IndexFile.appendWord(UInt32(words.count), to: &out)
    for word in words {
      IndexFile.appendWord(UInt32(word >> 32), to: &out)
      IndexFile.appendWord(UInt32(word & 0xFFFF_FFFF), to: &out)
    }
    IndexFile.appendWord(UInt32(last), to: &out)
    return out
  }
}

extension Repository {
  /// What `core.splitIndex` asks for: true, false, or nil to keep the index as it is.
  var splitIndexSetting: Bool? {
    guard let value = config("core.splitIndex")?.lowercased() else { return nil }
    switch value {
    case "", "true", "yes", "on": return true
    case "false", "no", "off": return false
    default: return Int(value).map { $0 != 0 }
    }
  }

  /// `splitIndex.maxPercentChange`, 20 when unset or out of range.
  private var splitIndexMaxPercentChange: Int {
    guard let value = config("splitIndex.maxPercentChange").flatMap({ Int($0) }), (0...100).contains(value) else {
      return 20
    }
    return value
  }

  /// The index's size in bytes when it is at least `threshold` and `core.splitIndex` is
  /// unset: a project where a split index would make each commit write far less.
  public func indexSizeWorthSplitting(threshold: Int = 4 << 20) -> Int? {
    var info = stat()
    guard stat(indexPath, &info) == 0, Int(info.st_size) >= threshold, config("core.splitIndex") == nil else {
      return nil
    }
    return Int(info.st_size)
  }

  var sharedIndexTemporaryPath: String { gitDirectory + "gloss-sharedindex.tmp" }

  /// The outcome of `writeScratchIndex`.
  enum IndexWrite {
    /// libgit2 must write this index.
    case notHandled
    /// Written; with the checksum and checkpoints of the file `IndexSums` should describe
    /// (the new index, or the new shared index), if there is one.
    case written(IndexFile.Checksum?)
  }

  /// Writes `file` with `changes` to the scratch index through gloss's own writer, split or
  /// not as `core.splitIndex` asks, flushed to disk when commits are.
  func writeScratchIndex(_ file: IndexFile, _ changes: [IndexFile.Change]) throws -> IndexWrite {
    let split = file.link != nil ? splitIndexSetting != false : splitIndexSetting == true
    let sync = Durability.fsyncsEachWrite
    unlink(scratchIndexPath)
    if split, let link = file.link,
      let update = link.update(changes, in: file, maxPercentChange: splitIndexMaxPercentChange)
    {
      _ = try file.write(update, to: scratchIndexPath, sync: sync)
      // As git does, so that git does not expire a shared index still in use.
      utime(gitDirectory + Link.sharedIndexName(link.sharedID), nil)
      return .written(link.shared.offsetsFromSums ? nil : link.shared.sums)
    }
    guard let flat = file.flattened(), let update = flat.update(changes) else { return .notHandled }
    guard split else { return .written(try flat.write(update, to: scratchIndexPath, sync: sync)) }
    // A new shared index with every entry, then a split part that changes nothing in it.
    unlink(sharedIndexTemporaryPath)
    let shared = try flat.write(IndexFile.Update(entries: update.entries), to: sharedIndexTemporaryPath, sync: sync)
    let name = Link.sharedIndexName(shared.digest)
    guard rename(sharedIndexTemporaryPath, gitDirectory + name) == 0 else {
      let failure = String(cString: strerror(errno))
      unlink(sharedIndexTemporaryPath)
      throw GitError(code: .other(-1), message: failure, operation: "write \(gitDirectory + name)")
    }
    try Self.writeFile(
      scratchIndexPath, flat.splitPart(sharedID: shared.digest, after: update), mode: file.mode, sync: sync)
    removeExpiredSharedIndexes(keeping: name)
    return .written(shared)
  }

  /// Removes shared indexes other than `current` unused for two weeks, as git does with
  /// `splitIndex.sharedIndexExpire` unset (when it is set, git's own writes apply it).
  private func removeExpiredSharedIndexes(keeping current: String) {
    guard config("splitIndex.sharedIndexExpire") == nil else { return }
    let expiry = time(nil) - 14 * 24 * 3600
    for name in gitDirectoryNames(withPrefix: "sharedindex.") where name != current {
      var info = stat()
      if stat(gitDirectory + name, &info) == 0, info.st_mtim.tv_sec < expiry { unlink(gitDirectory + name) }
    }
  }
}
