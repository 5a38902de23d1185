import CLibgit2
import CSHA1

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

  private let bytes: [UInt8]
  /// The file's permissions, kept when it is rewritten.
  let mode: mode_t
  /// Where each entry starts, then where the entries end.
  private let offsets: [Int]
  private let version: UInt32
  /// The cache tree extension's payload, if there is one.
  private let tree: Range<Int>?
  /// The hash state at every `checkpointStride` bytes, so the new file's checksum is
  /// worked out only from near its first change.
  private let checkpoints: [csha1_context]
  private static let checkpointStride = 1 << 16

  private static let headerSize = 12
  private static let checksumSize = 20
  private static let fixedEntrySize = 62
  private static let nameMask: UInt16 = 0x0FFF
  private static let extendedFlag: UInt16 = 0x4000

  /// Reads and checks the index at `path`; nil when it is missing, damaged or of a kind
  /// left to libgit2.
  init?(path: String) {
    guard let (bytes, mode) = Self.readFile(path), bytes.count >= Self.headerSize + Self.checksumSize else {
      return nil
    }
    self.bytes = bytes
    self.mode = mode
    guard Self.word(bytes, 0) == 0x4449_5243 else { return nil }  // "DIRC"
    version = Self.word(bytes, 4)
    guard version == 2 || version == 3 else { return nil }
    let count = Int(Self.word(bytes, 8))
    let end = bytes.count - Self.checksumSize
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
    var tree: Range<Int>?
    while offset < end {
      guard offset + 8 <= end else { return nil }
      let signature = Self.word(bytes, offset)
      let size = Int(Self.word(bytes, offset + 4))
      guard signature == 0x5452_4545, tree == nil, size <= end - offset - 8 else { return nil }  // "TREE"
      tree = offset + 8..<offset + 8 + size
      offset += 8 + size
    }
    self.tree = tree
    var context = csha1_context()
    csha1_init(&context)
    var checkpoints = [context]
    var hashed = 0
    bytes.withUnsafeBytes { buffer in
      guard let base = buffer.baseAddress else { return }
      while hashed + Self.checkpointStride <= end {
        csha1_blocks(&context, base + hashed, Self.checkpointStride / 64)
        hashed += Self.checkpointStride
        checkpoints.append(context)
      }
    }
    self.checkpoints = checkpoints
    guard Self.digest(bytes, from: context, range: hashed..<end) == Array(bytes[end...]) else { return nil }
  }

  /// The stage-0 entry at `path`.
  func entry(_ path: String) -> Entry? {
    let name = Array(path.utf8)
    let position = lowerBound(name)
    guard position < offsets.count - 1, compare(entryAt: position, with: name) == 0, stage(position) == 0 else {
      return nil
    }
    let start = offsets[position]
    return Entry(
      id: oid(at: start + 40), fileSize: Self.word(bytes, start + 36), mtimeSeconds: Self.word(bytes, start + 8),
      mtimeNanoseconds: Self.word(bytes, start + 12))
  }

  /// The index file with `changes` made, as libgit2's `git_index_add`/`git_index_remove`
  /// and `git_index_write` would write it; nil when libgit2 must do it.
  func updated(_ changes: [Change]) -> [UInt8]? {
    var sorted: [(name: [UInt8], entry: git_index_entry?)] = []
    for change in changes {
      let name = Array(change.path.utf8)
      guard name.count < Int(Self.nameMask), !name.isEmpty, !name.contains(0) else { return nil }
      sorted.removeAll { $0.name == name }
      sorted.append((name, change.entry))
    }
    sorted.sort { $0.name.lexicographicallyPrecedes($1.name) }

    let oldCount = offsets.count - 1
    var newCount = oldCount
    // The new file, written once: the header (its count set at the end), the entries with
    // the changes spliced in, the cache tree, the checksum.
    var file: [UInt8] = []
    file.reserveCapacity(bytes.count + 128 * sorted.count)
    file.append(contentsOf: bytes[0..<Self.headerSize])
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
      file.append(contentsOf: bytes[offsets[copied]..<offsets[position]])
      firstChange = min(firstChange, offsets[position])
      copied = exists ? position + 1 : position
      if let entry { Self.append(entry, name: name, to: &file) }
      if exists && entry == nil { newCount -= 1 }
      if !exists && entry != nil { newCount += 1 }
      changed.append(name)
    }
    file.append(contentsOf: bytes[offsets[copied]..<offsets[oldCount]])
    if newCount != oldCount {
      firstChange = 8
      var count: [UInt8] = []
      Self.appendWord(UInt32(newCount), to: &count)
      file.replaceSubrange(8..<Self.headerSize, with: count)
    }
    if let tree {
      let payload = changed.isEmpty ? Array(bytes[tree]) : CacheTree.invalidating(changed, in: bytes[tree])
      guard let payload else { return nil }
      file.append(contentsOf: [0x54, 0x52, 0x45, 0x45])  // "TREE"
      Self.appendWord(UInt32(payload.count), to: &file)
      file.append(contentsOf: payload)
    }
    let checkpoint = min(min(firstChange, file.count) / Self.checkpointStride, checkpoints.count - 1)
    let start = checkpoint * Self.checkpointStride
    file.append(contentsOf: Self.digest(file, from: checkpoints[checkpoint], range: start..<file.count))
    return file
  }

  // MARK: Entries

  /// Where the name of the entry at `offset` lies: its length is in the entry's flags, or
  /// found by its NUL when it is 4,095 bytes or more. Nil when it runs past `limit`.
  private static func nameRange(_ bytes: [UInt8], at offset: Int, limit: Int) -> Range<Int>? {
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
  private static func entryEnd(_ bytes: [UInt8], at offset: Int, limit: Int) -> Int? {
    guard let name = nameRange(bytes, at: offset, limit: limit) else { return nil }
    let end = offset + (name.upperBound - offset + 8) & ~7
    return end <= limit ? end : nil
  }

  /// The name of entry `position` (every entry's name was checked when the file was read).
  private func nameRange(_ position: Int) -> Range<Int> {
    let offset = offsets[position]
    return Self.nameRange(bytes, at: offset, limit: offsets[offsets.count - 1]) ?? offset..<offset
  }

  private func stage(_ position: Int) -> UInt16 { (Self.half(bytes, offsets[position] + 60) >> 12) & 3 }

  /// The entry's name against `name`, bytewise as git sorts them.
  private func compare(entryAt position: Int, with name: [UInt8]) -> Int {
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
  private func lowerBound(_ name: [UInt8]) -> Int {
    var low = 0
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
    if below < offsets.count - 1 && Array(bytes[nameRange(below)]).starts(with: folder) { return true }
    for (index, byte) in name.enumerated() where byte == UInt8(ascii: "/") {
      let folder = Array(name[..<index])
      let at = lowerBound(folder)
      if at < offsets.count - 1 && compare(entryAt: at, with: folder) == 0 { return true }
    }
    return false
  }

  private func oid(at offset: Int) -> Oid {
    var raw = git_oid()
    withUnsafeMutableBytes(of: &raw.id) { target in
      bytes.withUnsafeBytes { target.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<offset + 20])) }
    }
    return Oid(raw)
  }

  /// An entry as libgit2 writes one added with `git_index_add`: stage 0, no extended flags.
  private static func append(_ entry: git_index_entry, name: [UInt8], to out: inout [UInt8]) {
    let start = out.count
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
    out.append(contentsOf: repeatElement(0, count: start + length - out.count))
  }

  // MARK: Bytes

  private static func word(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
    UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8
      | UInt32(bytes[offset + 3])
  }

  private static func half(_ bytes: [UInt8], _ offset: Int) -> UInt16 {
    UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
  }

  private static func appendWord(_ word: UInt32, to out: inout [UInt8]) {
    out.append(contentsOf: [UInt8(word >> 24), UInt8(word >> 16 & 0xFF), UInt8(word >> 8 & 0xFF), UInt8(word & 0xFF)])
  }

  private static func digest(_ bytes: [UInt8], from context: csha1_context, range: Range<Int>) -> [UInt8] {
    var context = context
    var digest = [UInt8](repeating: 0, count: 20)
    bytes.withUnsafeBytes { buffer in
      csha1_final(&context, buffer.baseAddress.map { $0 + range.lowerBound }, range.count, &digest)
    }
    return digest
  }

  private static func readFile(_ path: String) -> ([UInt8], mode_t)? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0, info.st_size > 0 else { return nil }
    let size = Int(info.st_size)
    var ok = true
    // Not zeroed first: every byte is read into.
    let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
      var done = 0
      while done < size, let base = buffer.baseAddress {
        let count = read(fd, base + done, size - done)
        if count < 0 && errno == EINTR { continue }
        guard count > 0 else { break }
        done += count
      }
      ok = done == size
      // Bytes not read are zeroed, so the array holds nothing undefined either way.
      if done < size { buffer.baseAddress.map { memset($0 + done, 0, size - done) } }
      initialized = size
    }
    return ok ? (bytes, info.st_mode & 0o7777) : nil
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
