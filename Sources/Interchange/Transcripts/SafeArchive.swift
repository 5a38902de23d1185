import Foundation
import GlossCore
import ZIPFoundation

/// A zip container (.docx, .odt) read with bounds, so a hostile archive fails with one
/// message instead of exhausting memory: entry names are never used as paths, and each entry
/// is unpacked only up to `Limits.maxEntryBytes` whatever its header claims.
///
/// The bytes go through a private temporary file: ZIPFoundation's in-memory archives trap
/// on offsets past the end, which a damaged file has, while its file reads fail cleanly.
final class SafeArchive {
  struct Limits: Sendable {
    var maxEntries: Int
    var maxEntryBytes: Int
    /// A transcript of a few hundred pages is a few megabytes of XML; 64 MiB (as for a
    /// .qdpx entry) leaves room and bounds what a zip bomb costs: a 250 KB .docx claiming
    /// 250 MB of text took 3 minutes and 1.8 GB before this limit (256 MiB then).
    static let standard = Limits(maxEntries: 10_000, maxEntryBytes: 64 << 20)
  }

  let file: String
  let kind: String
  let limits: Limits
  private let archive: Archive
  private let copy: URL
  private var entries: [String: Entry] = [:]

  /// Opens `data` as a zip; `kind` (".docx") names the format in messages.
  init(_ data: Data, file: String, kind: String, limits: Limits) throws {
    self.file = file
    self.kind = kind
    self.limits = limits
    guard data.starts(with: [0x50, 0x4B]) else {
      let hint =
        data.starts(with: [0xD0, 0xCF, 0x11, 0xE0])
        ? " (a password-protected or old binary file: save it as \(kind) without a password)" : ""
      throw GlossError.invalidInput(file: file, line: nil, message: "is not a \(kind) file (not a zip archive)\(hint)")
    }
    copy = FileManager.default.temporaryDirectory.appendingPathComponent("gloss-\(UUID().uuidString).zip")
    do {
      // Readable by this user only: transcripts are often confidential.
      let descriptor = open(copy.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
      guard descriptor >= 0 else { throw CocoaError(.fileWriteNoPermission) }
      let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
      defer { try? handle.close() }
      try handle.write(contentsOf: data)
    } catch {
      try? FileManager.default.removeItem(at: copy)
      throw GlossError.cannotWrite(
        file: copy.path, what: "a temporary copy of \(file)", reason: error.localizedDescription)
    }
    let archive: Archive
    do {
      archive = try Archive(url: copy, accessMode: .read, pathEncoding: nil)
    } catch {
      try? FileManager.default.removeItem(at: copy)
      throw GlossError.invalidInput(
        file: file, line: nil, message: "is not a \(kind) file (not a readable zip archive)")
    }
    self.archive = archive
    var count = 0
    for entry in archive {
      count += 1
      guard count <= limits.maxEntries else {
        throw GlossError.invalidInput(
          file: file, line: nil, message: "has more than \(limits.maxEntries) entries; refused")
      }
      // The first of two same-named entries wins, as in the readers that made the file.
      if entry.type == .file, entries[entry.path] == nil { entries[entry.path] = entry }
    }
  }

  deinit { try? FileManager.default.removeItem(at: copy) }

  /// The unpacked bytes of the entry at `path` (a name inside the archive, never a file
  /// path), or nil when there is none.
  func data(_ path: String) throws -> Data? {
    guard let entry = entries[path] else { return nil }
    if entry.uncompressedSize > UInt64(limits.maxEntryBytes) { throw tooLarge(path) }
    var data = Data()
    do {
      _ = try archive.extract(entry, skipCRC32: false) { chunk in
        data.append(chunk)
        if data.count > limits.maxEntryBytes { throw CocoaError(.fileReadTooLarge) }
      }
    } catch let error as CocoaError where error.code == .fileReadTooLarge {
      throw tooLarge(path)
    } catch {
      throw GlossError.invalidInput(
        file: file, line: nil, message: "entry \"\(path)\" cannot be unpacked (damaged or encrypted)")
    }
    return data
  }

  /// The entry at `path`, which the format requires.
  func required(_ path: String) throws -> Data {
    guard let data = try data(path) else {
      throw GlossError.invalidInput(file: file, line: nil, message: "has no \(path): not a \(kind) file")
    }
    return data
  }

  private func tooLarge(_ path: String) -> GlossError {
    GlossError.invalidInput(
      file: file, line: nil, message: "entry \"\(path)\" unpacks to more than \(limits.maxEntryBytes) bytes; refused")
  }

  /// Resolves a relationship target against the part that names it (`word/document.xml` +
  /// `styles.xml` → `word/styles.xml`), refusing names that leave the archive's root.
  static func resolve(_ target: String, from base: String) -> String? {
    let absolute = target.hasPrefix("/")
    var parts = absolute ? [] : base.split(separator: "/").dropLast().map(String.init)
    for part in target.split(separator: "/") {
      switch part {
      case ".": continue
      case "..":
        guard !parts.isEmpty else { return nil }
        parts.removeLast()
      default: parts.append(String(part))
      }
    }
    let path = parts.joined(separator: "/")
    return path.isEmpty || path.contains("\\") ? nil : path
  }
}
