import Foundation
import GitKit

/// Decoded documents and annotation files by blob id (`BlobCache`), for a long-running process
/// (`gloss serve`) that reads the same files for every request; settings and the codebook are
/// cached in every process, by `ParsedFiles`. Off unless a process enables it.
public enum DecodedBlobs {
  /// Turns the cache on for this process, keeping up to `limit` decodings of each kind;
  /// with `rememberingWrites`, also the records of each file a transaction writes.
  public static func enable(limit: Int = 1024, rememberingWrites: Bool = true) {
    documents.setLimit(max(1, limit))
    annotations.setLimit(max(1, limit))
    remembersWrites = rememberingWrites
  }

  // Set once, before any transaction.
  nonisolated(unsafe) private static var remembersWrites = false

  static let documents = BlobCache<DocumentText>(limit: 0)
  static let annotations = BlobCache<[Assignment]>(limit: 0)

  /// The decoding of the blob at `path` in `tree`, through `cache` when it is enabled; nil
  /// when there is no such file.
  static func decoded<T>(
    _ cache: BlobCache<T>, path: String, tree: Oid, in repository: Repository, _ decode: (Data) throws -> T
  ) throws -> T? {
    guard cache.isEnabled else {
      return try repository.file(at: path, inTree: tree).map(decode)
    }
    guard let entry = try repository.entry(at: path, inTree: tree), entry.kind == .blob else { return nil }
    return try cache.value(for: entry.id) { try decode(try repository.blob(entry.id)) }
  }

  /// Remembers the records a transaction writes as the decoding of the bytes it writes, so
  /// the next request does not parse the file it just wrote. Empty optional fields are dropped
  /// as the canonical encoding drops them, so the value equals what decoding gives.
  static func remember(_ records: [Assignment], encodedAs data: Data, in repository: Repository) {
    guard remembersWrites, annotations.isEnabled else { return }
    let id = repository.blobID(of: data)
    let canonical = Assignment.canonicallySorted(records).map { record in
      var record = record
      if record.memo?.isEmpty == true { record.memo = nil }
      if record.review?.isEmpty == true { record.review = nil }
      if record.sources?.isEmpty == true { record.sources = nil }
      return record
    }
    annotations.store(canonical, for: id)
  }
}
