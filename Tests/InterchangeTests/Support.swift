import Foundation
import Testing
import ZIPFoundation

@testable import GlossCore
@testable import Interchange

/// Fixture files copied from ../shared/fixtures (Delve exports, REFI-QDA schemas).
enum Fixture {
  static func url(_ name: String) throws -> URL {
    let url = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
    return url.appendingPathComponent(name)
  }

  static func data(_ name: String) throws -> Data { try Data(contentsOf: url(name)) }
}

/// A temporary folder that removes itself.
final class TempFolder {
  let url: URL

  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("gloss-interchange-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(at: url) }

  func path(_ name: String) -> URL { url.appendingPathComponent(name) }

  /// A new Gloss project (lead: `lead`; coders `ana` and `ben`) in a subfolder.
  func project(_ name: String = "project") throws -> Project {
    let project = try Project.initialize(at: path(name).path, name: name, leads: ["lead"], coder: "lead").0
    for coder in ["ana", "ben"] {
      try project.session(as: "lead").addCoder(coder, emails: ["\(coder)@example.org"], lead: false)
    }
    return project
  }

  /// Writes a zip with the given entries (paths taken verbatim, so hostile names work).
  func zip(_ name: String, _ entries: [(String, Data)]) throws -> URL {
    let url = path(name)
    let archive = try Archive(url: url, accessMode: .create)
    for (entryPath, data) in entries {
      try archive.addEntry(
        with: entryPath, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate
      ) { position, size in data.subdata(in: Int(position)..<Int(position) + size) }
    }
    return url
  }
}

/// xmllint (Debian: libxml2-utils, installed by `make deps`) validates exports against the
/// published REFI-QDA schemas; without it those tests are skipped, visibly.
enum XMLLint {
  static let path: String? = ["/usr/bin/xmllint", "/usr/local/bin/xmllint", "/opt/homebrew/bin/xmllint"]
    .first { FileManager.default.isExecutableFile(atPath: $0) }

  static var available: Bool { path != nil }

  /// Validates `file` against `schema`; returns xmllint's messages when it fails.
  static func validate(_ file: URL, schema: String) throws -> String? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try #require(path))
    process.arguments = ["--noout", "--schema", try Fixture.url(schema).path, file.path]
    let pipe = Pipe()
    process.standardError = pipe
    process.standardOutput = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return process.terminationStatus == 0 ? nil : String(decoding: output, as: UTF8.self)
  }
}

/// The branch tip, to prove a failed import wrote nothing.
func head(_ project: Project) throws -> String? {
  try project.repository.headCommit().map { "\($0)" }
}

/// A thin reader over ZIPFoundation for checking exports.
struct ZIPFoundationArchive {
  let archive: Archive

  init(url: URL) throws { archive = try Archive(url: url, accessMode: .read) }

  func read(_ path: String) throws -> Data {
    let entry = try #require(archive[path])
    var data = Data()
    _ = try archive.extract(entry) { data.append($0) }
    return data
  }
}

extension Project {
  /// What a team does first: the lead brings in the transcripts (text only), so coders'
  /// imports add only their own coding (only leads add documents, DESIGN §6).
  func leadImportsTranscripts(_ inputs: [DocumentInput]) throws {
    try session(as: "lead").importDelve(inputs, textOnly: true)
  }
}
