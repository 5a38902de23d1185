import Foundation
import GitKit

/// Decoded files by blob id, for a long-running process (`gloss serve`) that reads the same
/// documents and annotation files for every request (settings and the codebook are cached in
/// every process, by `ParsedFiles`): a blob's bytes never
/// change, so its decoding stays right for as long as anything names the blob. Off unless a
/// process enables it; bounded (emptied when full).
public enum DecodedBlobs {
  /// Turns the cache on for this process.
  public static func enable(limit: Int = 1024) { store.enable(limit: limit) }

  enum Kind: UInt8 { case document, annotations }

  struct Key: Hashable {
    let id: Oid
    let kind: Kind
  }

  final class Store: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Key: Any] = [:]
    private var limit = 0

    var isEnabled: Bool { lock.withLock { limit > 0 } }

    func enable(limit: Int) { lock.withLock { self.limit = max(1, limit) } }

    func value(_ key: Key) -> Any? { lock.withLock { values[key] } }

    func store(_ value: Any, for key: Key) {
      lock.withLock {
        guard limit > 0 else { return }
        if values.count >= limit { values.removeAll(keepingCapacity: true) }
        values[key] = value
      }
    }
  }

  static let store = Store()

  /// The decoding of the blob at `path` in `tree`: cached by blob id when enabled; nil when
  /// there is no such file.
  static func decoded<T>(
    _ kind: Kind, path: String, tree: Oid, in repository: Repository, _ decode: (Data) throws -> T
  ) throws -> T? {
    guard store.isEnabled else {
      return try repository.file(at: path, inTree: tree).map(decode)
    }
    guard let entry = try repository.entry(at: path, inTree: tree), entry.kind == .blob else { return nil }
    let key = Key(id: entry.id, kind: kind)
    if let hit = store.value(key) as? T { return hit }
    let value = try decode(try repository.blob(entry.id))
    store.store(value, for: key)
    return value
  }

  /// Remembers the records a transaction writes as the decoding of the bytes it writes, so
  /// the next request does not parse the file it just wrote. Empty optional fields are dropped
  /// as the canonical encoding drops them, so the value equals what decoding gives.
  static func remember(_ records: [Assignment], encodedAs data: Data, in repository: Repository) {
    guard store.isEnabled, let id = try? repository.blobID(of: data) else { return }
    let canonical = records.sorted(by: Assignment.canonicalOrder).map { record in
      var record = record
      if record.memo?.isEmpty == true { record.memo = nil }
      if record.review?.isEmpty == true { record.review = nil }
      if record.sources?.isEmpty == true { record.sources = nil }
      return record
    }
    store.store(canonical, for: Key(id: id, kind: .annotations))
  }
}
