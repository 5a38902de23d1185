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

  /// Handles unique among `ids` (all assignment ids of a project at one revision):
  /// sorting the reversed ids puts ids sharing a suffix next to each other, so each needs
  /// comparing only with its two neighbours.
  public init<S: Sequence>(ids: S) where S.Element == String {
    // The ids themselves, compared from their ends: no reversed copies, and the table is
    // keyed by the strings already held (a million ids are a listing's whole memory).
    let unique = Array(Set(ids))
    // Sorted by their last 16 bytes first (packed into two integers, last byte highest),
    // and by the whole reversed bytes only where those tie.
    var order = unique.indices.map { (key: Self.suffixKey(unique[$0]), index: $0) }
    order.sort { a, b in
      if a.key != b.key { return a.key < b.key }
      return unique[a.index].utf8.reversed().lexicographicallyPrecedes(unique[b.index].utf8.reversed())
    }
    let sorted = order.map { unique[$0.index] }
    var lengths: [String: Int] = [:]
    lengths.reserveCapacity(sorted.count)
    func common(_ a: String, _ b: String) -> Int {
      var count = 0
      for (x, y) in zip(a.utf8.reversed(), b.utf8.reversed()) {
        guard x == y else { break }
        count += 1
      }
      return count
    }
    for (index, id) in sorted.enumerated() {
      var shared = 0
      if index > 0 { shared = common(id, sorted[index - 1]) }
      if index + 1 < sorted.count { shared = max(shared, common(id, sorted[index + 1])) }
      lengths[id] = min(id.utf8.count, max(Self.minimumLength, shared + 1))
    }
    self.lengths = lengths
  }

  /// The last 16 bytes of `id`, last first, zero-padded: ordered as the reversed bytes are,
  /// ties left to a full comparison.
  private static func suffixKey(_ id: String) -> Key {
    var high: UInt64 = 0
    var low: UInt64 = 0
    var count = 0
    for byte in id.utf8.reversed() {
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
