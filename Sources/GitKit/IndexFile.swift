import CLibgit2
import CSHA1
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// git's index file as its bytes, for a commit that changes a few entries. libgit2 parses
/// every entry into its own allocation and writes them all back: in a project with 100,000
/// annotation files that is nine tenths of a `gloss add`. Here the entries stay as they are
/// on disk; a change splices one entry, invalidates the cache tree along its path (as
/// libgit2 does) and rehashes the file, sharing the hash of the bytes before the first
/// change with the check of the old checksum.
///
/// Only what git writes by default is handled: versions 2 and 3, no extension other than
/// the cache tree. Anything else (version 4, split or sparse indexes, untracked caches,
/// conflicts at a changed path, a file where a folder is added) makes `init` or `updated`
/// return nil, and the caller goes through libgit2.
struct IndexFile {
  /// What the dirty check reads from an entry.
  struct Entry: Equatable {
    var id: Oid
    var fileSize: UInt32
    var mtimeSeconds: UInt32
    var mtimeNanoseconds: UInt32
  }

  /// A stage-0 entry to write at `path`, or nil to remove the path.
  typealias Change = (path: String, entry: git_index_entry?)

  /// A new index, as pieces of the old one and new bytes, so it is written from the mapped
  /// file without being assembled in memory first.
  struct Update {
    enum Piece {
      case old(Range<Int>)
      case new([UInt8])

      var count: Int {
        switch self {
        case .old(let range): range.count
        case .new(let bytes): bytes.count
        }
      }
    }
    /// The header and the entries.
    var entries: [Piece]
    /// The extensions (the cache tree), after the entries.
    var extensions: [Piece] = []
    /// The old file's checkpoints up to its first change, where the new file's hash resumes.
    var resume: [csha1_context] = []
    var pieces: [Piece] { entries + extensions }
    /// The new file's size, less its checksum.
    var size: Int { pieces.reduce(0) { $0 + $1.count } }
  }

  /// A new file's checksum, with its hash checkpoints for `IndexSums`.
  struct Checksum {
    var digest: [UInt8]
    var checkpoints: [csha1_context]
    /// The size of the file it ends.
    var size: Int
    /// Where the file's entries start, then where they end, when known.
    var offsets: [Int]? = nil
  }

  private let mapping: Mapping
  var bytes: UnsafeRawBufferPointer { mapping.bytes }
  /// The file's permissions, kept when it is rewritten.
  var mode: mode_t { mapping.mode }
  /// Where each entry starts, then where the entries end.
  let offsets: [Int]
  let version: UInt32
  /// The cache tree extension's payload, if there is one.
  let tree: Range<Int>?
  /// The hash state at every `checkpointStride` bytes, so the new file's checksum is
  /// worked out only from near its first change.
  private let checkpoints: [csha1_context]
  /// Whether the checkpoints came from `IndexSums` rather than from hashing the file.
  let checkedBySums: Bool
  /// Whether the entries' offsets came from `IndexSums` too (a shared index is not read
  /// entry by entry at every commit).
  let offsetsFromSums: Bool
  /// Set when this file is a split index's own part (`SplitIndex.swift`).
  let link: Link?
  /// Where the entries sorted by name start: after those that replace shared entries.
  var firstSorted: Int { link?.replaced.count ?? 0 }
  static let checkpointStride = 1 << 16

  private static let headerSize = 12
  private static let checksumSize = 20
  static let fixedEntrySize = 62
  static let nameMask: UInt16 = 0x0FFF
  static let extendedFlag: UInt16 = 0x4000

  var entryCount: Int { offsets.count - 1 }

  /// What `IndexSums` keeps of this file, offsets included.
  var sums: Checksum {
    Checksum(digest: trailer, checkpoints: checkpoints, size: bytes.count, offsets: offsets)
  }

  /// Whether offsets from `IndexSums` can be the entries of a file: one per entry and the
  /// end, rising by at least an entry's size, within the file. Each name is still checked
  /// against its entry's bounds when it is read.
  private static func plausible(_ offsets: [Int], count: Int, end: Int) -> Bool {
    guard offsets.count == count + 1, offsets.first == headerSize, let last = offsets.last, last <= end else {
      return false
    }
    for position in 0..<count where offsets[position + 1] - offsets[position] < fixedEntrySize + 2 { return false }
    return true
  }
  /// Where the entries end.
  var entriesEnd: Int { offsets[offsets.count - 1] }
  /// The file's checksum, its last 20 bytes.
  var trailer: [UInt8] { Array(bytes[(bytes.count - Self.checksumSize)...]) }
  /// Entry `position`'s bytes.
  func entryRange(_ position: Int) -> Range<Int> { offsets[position]..<offsets[position + 1] }

  /// An index file's header.
  static func header(version: UInt32, count: Int) -> [UInt8] {
    var out: [UInt8] = Array("DIRC".utf8)
    appendWord(version, to: &out)
    appendWord(UInt32(count), to: &out)
    return out
  }

  /// Reads and checks the index at `path`; nil when it is missing, damaged or of a kind
  /// left to libgit2. The check (the file's SHA-1) is skipped when `sums` holds the
  /// checkpoints of a file with this one's checksum: gloss wrote them with the file. A split
  /// index is read with the shared index it names, from the same folder.
  init?(path: String, sums: String? = nil) {
    guard let mapping = Mapping(path: path) else { return nil }
    self.init(mapping, sums: sums, folder: (path as NSString).deletingLastPathComponent)
  }

  /// `init(path:sums:)` on bytes already mapped or in memory; a split index only with the
  /// `folder` of its shared index.
  init?(_ mapping: Mapping, sums: String?, folder: String?) {
    guard mapping.bytes.count >= Self.headerSize + Self.checksumSize else { return nil }
    self.mapping = mapping
    let bytes = mapping.bytes
    guard Self.word(bytes, 0) == 0x4449_5243 else { return nil }  // "DIRC"
    version = Self.word(bytes, 4)
    guard version == 2 || version == 3 else { return nil }
    let count = Int(Self.word(bytes, 8))
    let end = bytes.count - Self.checksumSize
    let trailer = Array(bytes[end...])
    let known = sums.flatMap { IndexSums.read($0, size: bytes.count, checksum: trailer) }
    if let offsets = known?.offsets, Self.plausible(offsets, count: count, end: end) {
      self.offsets = offsets
      offsetsFromSums = true
    } else {
      var offsets: [Int] = []
      offsets.reserveCapacity(count + 1)
      var offset = Self.headerSize
      for _ in 0..<count {
        guard offset + Self.fixedEntrySize <= end else { return nil }
        offsets.append(offset)
        guard let next = Self.entryEnd(bytes, at: offset, limit: end) else { return nil }
        offset = next
      }
      offsets.append(offset)
      self.offsets = offsets
      offsetsFromSums = false
    }
    var offset = offsets[offsets.count - 1]
    var tree: Range<Int>?
    var linked: Range<Int>?
    while offset < end {
      guard offset + 8 <= end else { return nil }
      let signature = Self.word(bytes, offset)
      let size = Int(Self.word(bytes, offset + 4))
      guard size <= end - offset - 8 else { return nil }
      let payload = offset + 8..<offset + 8 + size
      switch signature {
      case 0x5452_4545 where tree == nil: tree = payload  // "TREE"
      case 0x6C69_6E6B where linked == nil && folder != nil: linked = payload  // "link"
      default: return nil
      }
      offset += 8 + size
    }
    self.tree = tree
    if let known {
      checkpoints = known.checkpoints
      checkedBySums = true
    } else {
      var hash = StreamHash(stride: Self.checkpointStride)
      hash.feed(UnsafeRawBufferPointer(rebasing: bytes[..<end]))
      guard hash.digest() == trailer else { return nil }
      checkpoints = hash.checkpoints
      checkedBySums = false
    }
    guard let linked, let folder else {
      link = nil
      return
    }
    guard let link = Link(bytes[linked], folder: folder, sums: sums) else { return nil }
    self.link = link
    guard link.fits(self) else { return nil }
  }

  /// The stage-0 entry at `path`.
  func entry(_ path: String) -> Entry? {
    let name = Array(path.utf8)
    let position = lowerBound(name)
    let found = position < offsets.count - 1 && compare(entryAt: position, with: name) == 0
    if !found, let link { return link.entry(name, in: self) }
    guard found, stage(position) == 0 else { return nil }
    return entry(at: position)
  }

  /// What the dirty check reads from entry `position`.
  func entry(at position: Int) -> Entry {
    let start = offsets[position]
    return Entry(
      id: oid(at: start + 40), fileSize: Self.word(bytes, start + 36), mtimeSeconds: Self.word(bytes, start + 8),
      mtimeNanoseconds: Self.word(bytes, start + 12))
  }

  /// The index file with `changes` made, as libgit2's `git_index_add`/`git_index_remove`
  /// and `git_index_write` would write it; nil when libgit2 must do it.
  func updated(_ changes: [Change]) -> [UInt8]? {
    update(changes).map(contents)
  }

  /// `updated(_:)` as pieces. Nil for a split index's own part, which `Link.update` changes
  /// (as `Repository.writeScratchIndex` does, with the project's settings).
  func update(_ changes: [Change]) -> Update? {
    guard link == nil else { return nil }
    guard let sorted = Self.sortedChanges(changes) else { return nil }

    let oldCount = offsets.count - 1
    var newCount = oldCount
    // The header (its count set at the end), the entries with the changes spliced in, the
    // cache tree; then the checksum.
    var pieces: [Update.Piece] = [.old(0..<Self.headerSize)]
    var extensions: [Update.Piece] = []
    var copied = 0  // entries copied so far
    var firstChange = Int.max
    var changed: [[UInt8]] = []
    for (name, entry) in sorted {
      let position = lowerBound(name)
      let exists = position < oldCount && compare(entryAt: position, with: name) == 0
      // A conflict at this path, or a file where a folder is (or the reverse).
      if exists && stage(position) != 0 { return nil }
      if exists && position + 1 < oldCount && compare(entryAt: position + 1, with: name) == 0 { return nil }
      if !exists && entry != nil && collides(name) { return nil }
      // Removing what is not there changes nothing (libgit2 reports it and goes on).
      guard exists || entry != nil else { continue }
      pieces.append(.old(offsets[copied]..<offsets[position]))
      firstChange = min(firstChange, offsets[position])
      copied = exists ? position + 1 : position
      if let entry { pieces.append(.new(Self.encoded(entry, name: name))) }
      if exists && entry == nil { newCount -= 1 }
      if !exists && entry != nil { newCount += 1 }
      changed.append(name)
    }
    pieces.append(.old(offsets[copied]..<offsets[oldCount]))
    if newCount != oldCount {
      firstChange = 8
      var header = Array(bytes[0..<8])
      Self.appendWord(UInt32(newCount), to: &header)
      pieces[0] = .new(header)
    }
    if tree != nil {
      guard let piece = treeExtension(invalidating: changed) else { return nil }
      extensions.append(piece)
    }
    pieces.removeAll { if case .old(let range) = $0 { range.isEmpty } else { false } }

    // Everything before the first change is the old file's, and so are its checkpoints.
    var update = Update(entries: pieces, extensions: extensions)
    let checkpoint = min(min(firstChange, update.size) / Self.checkpointStride, checkpoints.count - 1)
    update.resume = Array(checkpoints[...checkpoint])
    return update
  }

  /// The changes by name as bytes, the last for each name, sorted; nil for a name the
  /// index cannot hold.
  static func sortedChanges(_ changes: [Change]) -> [(name: [UInt8], entry: git_index_entry?)]? {
    var sorted: [(name: [UInt8], entry: git_index_entry?)] = []
    for change in changes {
      let name = Array(change.path.utf8)
      guard name.count < Int(nameMask), !name.isEmpty, !name.contains(0) else { return nil }
      sorted.removeAll { $0.name == name }
      sorted.append((name, change.entry))
    }
    sorted.sort { $0.name.lexicographicallyPrecedes($1.name) }
    return sorted
  }

  /// The cache tree extension, if there is one, with the folders along `changed`
  /// invalidated; nil when it does not parse.
  func treeExtension(invalidating changed: [[UInt8]]) -> Update.Piece? {
    guard let tree else { return .new([]) }
    if changed.isEmpty { return .old(tree.lowerBound - 8..<tree.upperBound) }
    guard let payload = CacheTree.invalidating(changed, in: ArraySlice(bytes[tree])) else { return nil }
    var extensionBytes: [UInt8] = [0x54, 0x52, 0x45, 0x45]  // "TREE"
    Self.appendWord(UInt32(payload.count), to: &extensionBytes)
    return .new(extensionBytes + payload)
  }

  /// The checksum of the file `update` describes, hashed from its first change.
  func checksum(of update: Update) -> Checksum {
    var hash = StreamHash(stride: Self.checkpointStride, resuming: update.resume)
    var offset = 0
    for piece in update.pieces {
      let count = piece.count
      defer { offset += count }
      let skip = max(0, hash.position - offset)
      guard skip < count else { continue }
      withBytes(of: piece) { hash.feed(UnsafeRawBufferPointer(rebasing: $0[skip...])) }
    }
    let digest = hash.digest()
    return Checksum(digest: digest, checkpoints: hash.checkpoints, size: offset + digest.count)
  }

  /// The bytes of the file `update` describes.
  func contents(of update: Update) -> [UInt8] {
    var file: [UInt8] = []
    for piece in update.pieces { withBytes(of: piece) { file.append(contentsOf: $0) } }
    return file + checksum(of: update).digest
  }

  /// Writes the file `update` describes to `path` as a new file, flushed to disk when
  /// `sync`, and returns its checksum, hashed on a second thread meanwhile; a failed write
  /// removes the file.
  func write(_ update: Update, to path: String, sync: Bool) throws -> Checksum {
    let hashing = Pending { self.checksum(of: update) }
    try Repository.writeFile(path, mode: mode, sync: sync) { fd in
      for piece in update.pieces {
        var failure: Int32 = 0
        withBytes(of: piece) { failure = Repository.writeAll(fd, $0) }
        if failure != 0 { return failure }
      }
      return hashing.wait().digest.withUnsafeBytes { Repository.writeAll(fd, $0) }
    }
    return hashing.wait()
  }

  func withBytes(of piece: Update.Piece, _ body: (UnsafeRawBufferPointer) -> Void) {
    switch piece {
    case .old(let range): body(UnsafeRawBufferPointer(rebasing: bytes[range]))
    case .new(let new): new.withUnsafeBytes(body)
    }
  }

  // MARK: Entries

  /// Where the name of the entry at `offset` lies: its length is in the entry's flags, or
  /// found by its NUL when it is 4,095 bytes or more. Nil when it runs past `limit`.
  private static func nameRange(_ bytes: UnsafeRawBufferPointer, at offset: Int, limit: Int) -> Range<Int>? {
    let flags = half(bytes, offset + 60)
    let start = offset + fixedEntrySize + (flags & extendedFlag != 0 ? 2 : 0)
    guard start < limit else { return nil }
    var length = Int(flags & nameMask)
    if length == Int(nameMask) {
      guard let nul = bytes[start..<limit].firstIndex(of: 0) else { return nil }
      length = nul - start
    }
    guard start + length < limit, bytes[start + length] == 0 else { return nil }
    return start..<start + length
  }

  /// Where the entry at `offset` ends (names are NUL-padded to a multiple of eight).
  private static func entryEnd(_ bytes: UnsafeRawBufferPointer, at offset: Int, limit: Int) -> Int? {
    guard let name = nameRange(bytes, at: offset, limit: limit) else { return nil }
    let end = offset + (name.upperBound - offset + 8) & ~7
    return end <= limit ? end : nil
  }

  /// The name of entry `position` (every entry's name was checked when the file was read).
  func nameRange(_ position: Int) -> Range<Int> {
    let offset = offsets[position]
    return Self.nameRange(bytes, at: offset, limit: offsets[offsets.count - 1]) ?? offset..<offset
  }

  func stage(_ position: Int) -> UInt16 { (Self.half(bytes, offsets[position] + 60) >> 12) & 3 }

  /// The entry's name against `name`, bytewise as git sorts them.
  func compare(entryAt position: Int, with name: [UInt8]) -> Int {
    let range = nameRange(position)
    var at = range.lowerBound
    for byte in name {
      guard at < range.upperBound else { return -1 }
      if bytes[at] != byte { return Int(bytes[at]) - Int(byte) }
      at += 1
    }
    return at < range.upperBound ? 1 : 0
  }

  /// The first entry whose name is not below `name`.
  func lowerBound(_ name: [UInt8]) -> Int {
    var low = firstSorted
    var high = offsets.count - 1
    while low < high {
      let middle = (low + high) / 2
      if compare(entryAt: middle, with: name) < 0 { low = middle + 1 } else { high = middle }
    }
    return low
  }

  /// Whether adding `name` would put a file where the index has a folder, or under a name
  /// the index has as a file.
  private func collides(_ name: [UInt8]) -> Bool {
    let folder = name + [UInt8(ascii: "/")]
    let below = lowerBound(folder)
    if below < offsets.count - 1 && bytes[nameRange(below)].starts(with: folder) { return true }
    for (index, byte) in name.enumerated() where byte == UInt8(ascii: "/") {
      let folder = Array(name[..<index])
      let at = lowerBound(folder)
      if at < offsets.count - 1 && compare(entryAt: at, with: folder) == 0 { return true }
    }
    return false
  }

  func oid(at offset: Int) -> Oid {
    Oid(bytes: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + 20]))
  }

  /// An entry as libgit2 writes one added with `git_index_add`: stage 0, no extended flags.
  static func encoded(_ entry: git_index_entry, name: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    for word in [
      UInt32(bitPattern: entry.ctime.seconds), entry.ctime.nanoseconds, UInt32(bitPattern: entry.mtime.seconds),
      entry.mtime.nanoseconds, entry.dev, entry.ino, entry.mode, entry.uid, entry.gid, entry.file_size,
    ] {
      appendWord(word, to: &out)
    }
    withUnsafeBytes(of: entry.id.id) { out.append(contentsOf: $0) }
    let flags = UInt16(name.count)
    out.append(UInt8(flags >> 8))
    out.append(UInt8(flags & 0xFF))
    out.append(contentsOf: name)
    let length = (fixedEntrySize + name.count + 8) & ~7
    out.append(contentsOf: repeatElement(0, count: length - out.count))
    return out
  }

  // MARK: Bytes

  static func word(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt32 {
    UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8
      | UInt32(bytes[offset + 3])
  }

  static func half(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt16 {
    UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
  }

  static func appendWord(_ word: UInt32, to out: inout [UInt8]) {
    out.append(contentsOf: [UInt8(word >> 24), UInt8(word >> 16 & 0xFF), UInt8(word >> 8 & 0xFF), UInt8(word & 0xFF)])
  }
}

/// A file mapped read-only, as git maps its index: its bytes are not copied, and pages
/// nobody reads are not read. Like git, this relies on writers replacing the file (a lock
/// file renamed over it) rather than truncating it in place.
final class Mapping {
  let bytes: UnsafeRawBufferPointer
  let mode: mode_t
  private let mapped: Bool

  /// Bytes in memory, as if mapped.
  init(_ contents: [UInt8], mode: mode_t) {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(contents.count, 1), alignment: 8)
    contents.withUnsafeBytes { buffer.copyMemory(from: $0) }
    bytes = UnsafeRawBufferPointer(rebasing: buffer[..<contents.count])
    self.mode = mode
    mapped = false
  }

  init?(path: String) {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size > 0 else { return nil }
    let size = Int(info.st_size)
    guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), address != MAP_FAILED else { return nil }
    bytes = UnsafeRawBufferPointer(start: address, count: size)
    mode = info.st_mode & 0o7777
    mapped = true
  }

  deinit {
    if mapped {
      munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count)
    } else {
      UnsafeMutableRawPointer(mutating: bytes.baseAddress)?.deallocate()
    }
  }
}

/// SHA-1 over bytes fed piece by piece, keeping its state at every `stride` bytes (a
/// multiple of 64).
struct StreamHash {
  private(set) var checkpoints: [csha1_context]
  /// How many bytes have been hashed, counting those waiting for a whole block.
  var position: Int { Int(context.length) + pending.count }
  private var context: csha1_context
  private var pending: [UInt8] = []
  private let stride: Int

  /// A hash from the start, or resuming at the last of `checkpoints` (the states after 0,
  /// `stride`, 2 `stride`... bytes).
  init(stride: Int, resuming checkpoints: [csha1_context] = []) {
    self.stride = stride
    var start = csha1_context()
    csha1_init(&start)
    self.checkpoints = checkpoints.isEmpty ? [start] : checkpoints
    context = self.checkpoints[self.checkpoints.count - 1]
    pending.reserveCapacity(64)
  }

  mutating func feed(_ data: UnsafeRawBufferPointer) {
    guard var at = data.baseAddress else { return }
    var left = data.count
    while left > 0 {
      if !pending.isEmpty || left < 64 {
        let take = min(64 - pending.count, left)
        pending.append(contentsOf: UnsafeRawBufferPointer(start: at, count: take))
        at += take
        left -= take
        if pending.count == 64 {
          pending.withUnsafeBytes { csha1_blocks(&context, $0.baseAddress, 1) }
          pending.removeAll(keepingCapacity: true)
          noteCheckpoint()
        }
        continue
      }
      // Whole blocks, up to the next checkpoint.
      let toCheckpoint = stride - Int(context.length) % stride
      let blocks = min(left, toCheckpoint) / 64
      csha1_blocks(&context, at, blocks)
      at += blocks * 64
      left -= blocks * 64
      noteCheckpoint()
    }
  }

  func digest() -> [UInt8] {
    var digest = [UInt8](repeating: 0, count: 20)
    var context = context
    pending.withUnsafeBytes { csha1_final(&context, $0.baseAddress, $0.count, &digest) }
    return digest
  }

  private mutating func noteCheckpoint() {
    if context.length > 0 && Int(context.length) % stride == 0 && Int(context.length) / stride == checkpoints.count {
      checkpoints.append(context)
    }
  }
}

/// `.git/gloss-index-sums`: the hash checkpoints of the index gloss last wrote (or of the
/// shared index of a split one, with where its entries are), under that file's checksum. The next commit finds the index it wrote (same checksum, so the same
/// bytes, from any honest writer) and need not hash all of it again to check it, as git
/// itself does not with `index.skipHash`. Any other file, or a damaged one, is ignored.
enum IndexSums {
  private static let magic = Array("GLOSSUM2".utf8)
  private static let contextSize = 28

  /// What the sums hold of an index: its checkpoints, and where its entries are (for a
  /// shared index, which does not change).
  struct Known {
    var checkpoints: [csha1_context]
    var offsets: [Int]?
  }

  static func read(_ path: String, size: Int, checksum: [UInt8]) -> Known? {
    guard let mapping = Mapping(path: path) else { return nil }
    let bytes = mapping.bytes
    let count = (size - 20) / IndexFile.checkpointStride + 1
    let offsetsAt = magic.count + 36 + count * contextSize
    guard bytes.count >= offsetsAt + 4 + 20, Array(bytes[..<magic.count]) == magic else { return nil }
    let offsetCount = Int(number(bytes, offsetsAt, 4))
    let body = offsetsAt + 4 + offsetCount * 4
    // The fields that tell whose sums these are first, then the sums' own checksum.
    guard bytes.count == body + 20, number(bytes, magic.count, 8) == UInt64(size),
      Array(bytes[magic.count + 8..<magic.count + 28]) == checksum,
      number(bytes, magic.count + 28, 4) == UInt64(IndexFile.checkpointStride),
      number(bytes, magic.count + 32, 4) == UInt64(count)
    else { return nil }
    var digest = [UInt8](repeating: 0, count: 20)
    csha1(bytes.baseAddress, body, &digest)
    guard Array(bytes[body...]) == digest else { return nil }
    var checkpoints: [csha1_context] = []
    checkpoints.reserveCapacity(count)
    for index in 0..<count {
      let at = magic.count + 36 + index * contextSize
      var context = csha1_context()
      context.state = (
        UInt32(number(bytes, at, 4)), UInt32(number(bytes, at + 4, 4)), UInt32(number(bytes, at + 8, 4)),
        UInt32(number(bytes, at + 12, 4)), UInt32(number(bytes, at + 16, 4))
      )
      context.length = number(bytes, at + 20, 8)
      guard context.length == UInt64(index * IndexFile.checkpointStride) else { return nil }
      checkpoints.append(context)
    }
    let offsets = (0..<offsetCount).map {
      Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offsetsAt + 4 + $0 * 4, as: UInt32.self)))
    }
    return Known(checkpoints: checkpoints, offsets: offsetCount > 0 ? offsets : nil)
  }

  /// Writes the sums of an index with `checksum`, through a temporary file renamed into
  /// place. Not flushed: a file lost or cut short is ignored, and the index is hashed.
  static func write(_ path: String, _ checksum: IndexFile.Checksum) {
    var out = magic
    append(UInt64(checksum.size), 8, to: &out)
    out += checksum.digest
    append(UInt64(IndexFile.checkpointStride), 4, to: &out)
    append(UInt64(checksum.checkpoints.count), 4, to: &out)
    for context in checksum.checkpoints {
      withUnsafeBytes(of: context.state) { state in
        for word in state.bindMemory(to: UInt32.self) { append(UInt64(word), 4, to: &out) }
      }
      append(context.length, 8, to: &out)
    }
    let offsets = checksum.offsets ?? []
    append(UInt64(offsets.count), 4, to: &out)
    out.reserveCapacity(out.count + offsets.count * 4 + 20)
    for offset in offsets { append(UInt64(offset), 4, to: &out) }
    var digest = [UInt8](repeating: 0, count: 20)
    csha1(out, out.count, &digest)
    out += digest
    let temporary = path + ".tmp"
    guard (try? Repository.writeFile(temporary, out)) != nil else { return }
    if rename(temporary, path) != 0 { unlink(temporary) }
  }

  private static func number(_ bytes: UnsafeRawBufferPointer, _ at: Int, _ width: Int) -> UInt64 {
    (0..<width).reduce(0) { $0 | UInt64(bytes[at + $1]) << (8 * $1) }
  }

  private static func append(_ value: UInt64, _ width: Int, to out: inout [UInt8]) {
    for shift in 0..<width { out.append(UInt8(truncatingIfNeeded: value >> (8 * shift))) }
  }
}

/// git's cache tree extension: for each folder, "name NUL entry-count SP subtree-count LF",
/// its tree id when the count is not -1, then its subtrees in order.
enum CacheTree {
  /// The extension with every folder along each path marked as changed (count -1, no id),
  /// as libgit2's `git_tree_cache_invalidate_path` does; nil when it does not parse.
  static func invalidating(_ paths: [[UInt8]], in payload: ArraySlice<UInt8>) -> [UInt8]? {
    var out: [UInt8] = []
    out.reserveCapacity(payload.count)
    var offset = payload.startIndex
    // The folders to invalidate, as paths without a trailing slash ("" is the root).
    var folders: Set<[UInt8]> = [[]]
    for path in paths {
      for (index, byte) in path.enumerated() where byte == UInt8(ascii: "/") { folders.insert(Array(path[..<index])) }
    }
    func node(prefix: [UInt8], depth: Int) -> Bool {
      guard depth < 4096, let nul = payload[offset...].firstIndex(of: 0),
        let newline = payload[nul...].firstIndex(of: UInt8(ascii: "\n"))
      else { return false }
      let name = Array(payload[offset..<nul])
      let numbers = String(decoding: payload[(nul + 1)..<newline], as: UTF8.self).split(separator: " ")
      guard numbers.count == 2, let entries = Int(numbers[0]), let children = Int(numbers[1]), entries >= -1,
        children >= 0
      else { return false }
      let path = prefix.isEmpty ? name : prefix + [UInt8(ascii: "/")] + name
      offset = newline + 1
      let invalid = entries == -1 || folders.contains(path)
      out.append(contentsOf: name)
      out.append(0)
      out.append(contentsOf: Array("\(invalid ? -1 : entries) \(children)\n".utf8))
      if entries != -1 {
        guard offset + 20 <= payload.endIndex else { return false }
        if !invalid { out.append(contentsOf: payload[offset..<offset + 20]) }
        offset += 20
      }
      for _ in 0..<children {
        guard node(prefix: path, depth: depth + 1) else { return false }
      }
      return true
    }
    guard node(prefix: [], depth: 0), offset == payload.endIndex else { return nil }
    return out
  }
}

extension Repository {
  /// Opens the index file at `path` with libgit2, saying in the user's terms when git wrote
  /// it with a feature libgit2 cannot read (a split or sparse index).
  static func openIndex(at path: String) throws -> OpaquePointer? {
    var index: OpaquePointer?
    do {
      try check(git_index_open(&index, path), "open index")
    } catch let error as GitError where error.message.contains("unsupported mandatory extension") {
      throw GitError(
        code: error.code,
        message: "git wrote it with a feature gloss cannot read (\(error.message)); "
          + "`git update-index --no-split-index` or `git sparse-checkout disable` turns it off",
        operation: "read .git/index")
    }
    return index
  }
}
