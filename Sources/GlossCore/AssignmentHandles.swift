/// Short handles for assignment ids (DESIGN §3), like git's abbreviated hashes.
///
/// A handle is the END of the id: its shortest suffix of at least 8 characters that no other
/// id in the project ends with. UUIDv7 ids made in the same minute share their first ~8
/// characters (the timestamp), so a prefix would need 12 or more to be unique, while the
/// last 12 characters are random: 8 of them are unique until tens of thousands of
/// assignments, and the rare clash just makes both handles longer.
public struct AssignmentHandles: Sendable {
  public static let minimumLength = 8
  /// Shortest prefix length accepted for an id typed in full from the start, as in git.
  public static let minimumPrefix = 4

  private let lengths: [String: Int]

  /// Handles unique among `ids` (all assignment ids of a project at one revision).
  public init<S: Sequence>(ids: S) where S.Element == String {
    let ids = Array(ids)
    var arena: [UInt8] = []
    var ends: [Int] = []
    ends.reserveCapacity(ids.count)
    for id in ids {
      arena.append(contentsOf: id.utf8)
      ends.append(arena.count)
    }
    var lengths: [String: Int] = [:]
    lengths.reserveCapacity(ids.count)
    for (id, length) in zip(ids, Self.lengths(arena: arena, ends: ends)) { lengths[id] = length }
    self.lengths = lengths
  }

  /// The handle length of each id, for ids held end to end in one byte array (`ends[i]` is
  /// where id i ends and id i+1 starts), as a listing of a million holds them.
  public static func lengths(arena: [UInt8], ends: [Int]) -> [Int] {
    var lengths = Lengths()
    arena.withUnsafeBufferPointer { bytes in
      for id in ends.indices {
        lengths.add(UnsafeBufferPointer(rebasing: bytes[(id == 0 ? 0 : ends[id - 1])..<ends[id]]))
      }
    }
    return lengths.resolved(arena: arena, ends: ends)
  }

  /// Handle lengths worked out as a listing's ids come, in order. An id no other id shares
  /// its last 8 bytes with has a handle of 8, and an id shorter than 8 is its own handle:
  /// one hash of the last 8 bytes settles nearly every id, and only the ids that share
  /// them (and so could need more) are sorted, by `resolved`.
  public struct Lengths: Sendable {
    private var lengths: [Int] = []
    private var firstWithTail = TailTable()
    private var clashingTails: Set<UInt64> = []
    private var clashing: [Int] = []

    public init() {}

    /// The next id's bytes.
    public mutating func add(_ id: UnsafeBufferPointer<UInt8>) {
      let index = lengths.count
      guard id.count >= minimumLength else { return lengths.append(id.count) }
      lengths.append(minimumLength)
      var tail: UInt64 = 0
      for byte in id.suffix(minimumLength) { tail = tail << 8 | UInt64(byte) }
      if let first = firstWithTail.update(tail, with: index) {
        // The group's first member joins when the group is found; later ones one by one.
        if clashingTails.insert(tail).inserted { clashing.append(first) }
        clashing.append(index)
      }
    }

    /// Every id's handle length; `arena` and `ends` hold the ids added, in order.
    public func resolved(arena: [UInt8], ends: [Int]) -> [Int] {
      guard !clashing.isEmpty else { return lengths }
      var result = lengths
      var groupArena: [UInt8] = []
      var groupEnds: [Int] = []
      for id in clashing {
        groupArena.append(contentsOf: arena[(id == 0 ? 0 : ends[id - 1])..<ends[id]])
        groupEnds.append(groupArena.count)
      }
      for (member, length) in zip(clashing, sortedLengths(arena: groupArena, ends: groupEnds)) {
        result[member] = length
      }
      return result
    }
  }

  /// The last id seen with each tail (an id's last 8 bytes): open addressing over two flat
  /// arrays, because a million `Dictionary` updates were a tenth of `ls`'s table.
  struct TailTable: Sendable {
    private var keys: [UInt64] = []
    /// The id's index plus one; 0 for an empty slot.
    private var values: [Int32] = []
    private var count = 0

    /// Stores `index` under `tail`; the index it replaces, if any.
    mutating func update(_ tail: UInt64, with index: Int) -> Int? {
      if (count + 1) * 2 > keys.count { grow() }
      let mask = keys.count - 1
      var slot = Self.slot(tail, mask: mask)
      while values[slot] != 0 {
        if keys[slot] == tail {
          defer { values[slot] = Int32(truncatingIfNeeded: index + 1) }
          return Int(values[slot]) - 1
        }
        slot = (slot + 1) & mask
      }
      keys[slot] = tail
      values[slot] = Int32(truncatingIfNeeded: index + 1)
      count += 1
      return nil
    }

    private static func slot(_ tail: UInt64, mask: Int) -> Int {
      Int(truncatingIfNeeded: (tail &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    private mutating func grow() {
      let (oldKeys, oldValues) = (keys, values)
      let capacity = max(1024, keys.count * 2)
      keys = [UInt64](repeating: 0, count: capacity)
      values = [Int32](repeating: 0, count: capacity)
      let mask = capacity - 1
      for (key, value) in zip(oldKeys, oldValues) where value != 0 {
        var slot = Self.slot(key, mask: mask)
        while values[slot] != 0 { slot = (slot + 1) & mask }
        keys[slot] = key
        values[slot] = value
      }
    }
  }

  /// `lengths` by sorting every id: sorting the ids by their reversed bytes puts ids sharing
  /// a suffix next to each other, so each is compared only with its neighbours (the same id
  /// listed twice counts once).
  static func sortedLengths(arena: [UInt8], ends: [Int]) -> [Int] {
    let count = ends.count
    func start(_ id: Int) -> Int { id == 0 ? 0 : ends[id - 1] }
    func common(_ a: Int, _ b: Int) -> Int {
      var x = ends[a]
      var y = ends[b]
      let (low, other) = (start(a), start(b))
      while x > low && y > other && arena[x - 1] == arena[y - 1] {
        x -= 1
        y -= 1
      }
      return ends[a] - x
    }
    // Sorted by their last 16 bytes first (packed into two integers, last byte highest),
    // and by the whole reversed bytes only where those tie.
    var order = (0..<count).map { (key: suffixKey(arena[start($0)..<ends[$0]]), id: $0) }
    order.sort { a, b in
      if a.key != b.key { return a.key < b.key }
      return arena[start(a.id)..<ends[a.id]].reversed().lexicographicallyPrecedes(
        arena[start(b.id)..<ends[b.id]].reversed())
    }
    var result = [Int](repeating: 0, count: count)
    var run = 0
    while run < count {
      // A run of the same id.
      let id = order[run].id
      let length = ends[id] - start(id)
      var next = run + 1
      while next < count && ends[order[next].id] - start(order[next].id) == length
        && common(id, order[next].id) == length
      {
        next += 1
      }
      var shared = 0
      if run > 0 { shared = common(id, order[run - 1].id) }
      if next < count { shared = max(shared, common(id, order[next].id)) }
      let handle = min(length, max(minimumLength, shared + 1))
      for position in run..<next { result[order[position].id] = handle }
      run = next
    }
    return result
  }

  /// The last 16 bytes of an id, last first, zero-padded: ordered as the reversed bytes are,
  /// ties left to a full comparison.
  private static func suffixKey(_ id: ArraySlice<UInt8>) -> Key {
    var high: UInt64 = 0
    var low: UInt64 = 0
    var count = 0
    for byte in id.reversed() {
      if count < 8 { high |= UInt64(byte) << (56 - 8 * count) } else { low |= UInt64(byte) << (56 - 8 * (count - 8)) }
      count += 1
      if count == 16 { break }
    }
    return Key(high: high, low: low)
  }

  private struct Key: Comparable {
    let high: UInt64
    let low: UInt64
    static func < (a: Key, b: Key) -> Bool { a.high != b.high ? a.high < b.high : a.low < b.low }
  }

  /// The handle of `id` (the id itself if it is not one of the project's).
  public func handle(_ id: String) -> String {
    guard let length = lengths[id] else { return id }
    return String(decoding: id.utf8.suffix(length), as: UTF8.self)
  }

  /// Whether what a user typed names `id`: the full id, a prefix of at least 4 characters,
  /// or a suffix of at least 8 (a handle).
  public static func matches(_ typed: String, id: String) -> Bool {
    if typed == id { return true }
    let count = typed.utf8.count
    return (count >= minimumPrefix && id.hasPrefix(typed))
      || (count >= minimumLength && id.hasSuffix(typed))
  }
}
