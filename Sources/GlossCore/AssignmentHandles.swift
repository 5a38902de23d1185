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
    let reversed = Set(ids).map { Array($0.utf8.reversed()) }.sorted { $0.lexicographicallyPrecedes($1) }
    var lengths: [String: Int] = [:]
    lengths.reserveCapacity(reversed.count)
    func common(_ a: [UInt8], _ b: [UInt8]) -> Int {
      var index = 0
      while index < a.count, index < b.count, a[index] == b[index] { index += 1 }
      return index
    }
    for (index, id) in reversed.enumerated() {
      var shared = 0
      if index > 0 { shared = common(id, reversed[index - 1]) }
      if index + 1 < reversed.count { shared = max(shared, common(id, reversed[index + 1])) }
      lengths[String(decoding: id.reversed(), as: UTF8.self)] = min(id.count, max(Self.minimumLength, shared + 1))
    }
    self.lengths = lengths
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
