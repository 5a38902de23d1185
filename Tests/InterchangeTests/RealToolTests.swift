import Foundation
import GlossCore
import Testing

@testable import Interchange

/// The real tools, run headless: qc (PyPI qualitative-coding) and Taguette, each in its own
/// virtual environment made by deps.d/60-interchange.sh (`make deps`). A missing tool fails
/// these tests loudly; set GLOSS_SKIP_TOOL_TESTS=<reason> only where the tools cannot be
/// installed at all, and the tests are skipped with that reason.
enum RealTool {
  static let root = ProcessInfo.processInfo.environment["GLOSS_TOOLS"] ?? "/usr/local/lib/gloss-tools"
  static let skipReason = ProcessInfo.processInfo.environment["GLOSS_SKIP_TOOL_TESTS"]
  static var enabled: Bool { skipReason == nil }

  /// The venv's command, or a failed expectation that says how to install it.
  static func require(_ venv: String, _ command: String) throws -> String {
    let path = "\(root)/\(venv)/bin/\(command)"
    try #require(
      FileManager.default.isExecutableFile(atPath: path),
      "\(path) is missing: run `make deps` (deps.d/60-interchange.sh installs it), or set GLOSS_SKIP_TOOL_TESTS")
    return path
  }

  /// Runs a tool with a time limit; its output is returned for messages.
  @discardableResult
  static func run(_ executable: String, _ arguments: [String], in folder: URL) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = folder
    var environment = ProcessInfo.processInfo.environment
    // qc 1.7.8's reader has a breakpoint() left in; this turns it off.
    environment["PYTHONBREAKPOINT"] = "0"
    process.environment = environment
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("tool-\(UUID().uuidString).log")
    _ = FileManager.default.createFile(atPath: output.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: output) }
    let handle = try FileHandle(forWritingTo: output)
    process.standardOutput = handle
    process.standardError = handle
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let deadline = Date().addingTimeInterval(120)
    while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    if process.isRunning { process.terminate() }
    process.waitUntilExit()
    try handle.close()
    let text = String(decoding: try Data(contentsOf: output), as: UTF8.self)
    try #require(process.terminationStatus == 0, "\(executable) \(arguments) failed:\n\(text)")
    return text
  }

  /// The qc package's folder, where it ships demo.qdpx (a qc 1.3.2 export).
  static func qcPackage() throws -> URL {
    let lib = URL(fileURLWithPath: "\(root)/qc/lib")
    let python = try #require(
      try FileManager.default.contentsOfDirectory(atPath: lib.path).first { $0.hasPrefix("python") })
    return lib.appendingPathComponent("\(python)/site-packages/qualitative_coding")
  }
}

@Suite(.enabled(if: RealTool.enabled, "GLOSS_SKIP_TOOL_TESTS: \(RealTool.skipReason ?? "")"))
struct RealToolTests {
  /// qc's own demo.qdpx is a qc 1.3.2 export: no source names, `plainTextPath="board_2017.txt"`
  /// without `internal://`, 205 codings by user "cp". Every coding arrives.
  @Test func qc132DemoProjectImportsEveryCoding() throws {
    _ = try RealTool.require("qc", "qc")
    let demo = try RealTool.qcPackage().appendingPathComponent("demo.qdpx")
    let folder = try TempFolder()
    let project = try folder.project()
    let (report, _) = try project.session(as: "lead").importQDPX(
      demo, source: "demo.qdpx", all: true, map: ["cp": "ana"])
    #expect(report.documentsAdded.sorted() == ["admin-1", "board_2017"])
    #expect(report.skippedSources.isEmpty)
    #expect(report.assignmentsAdded == 205 && report.byCoder == ["ana": 205])
    let book = try project.snapshot().codebook()
    #expect(book.code("programming-competencies")?.parent == "competencies")  // a repeated name kept apart
    let records = try project.snapshot().assignments(coders: ["ana"])
    #expect(records.allSatisfy { !$0.assignment.exact.isEmpty })
  }

  /// Gloss → qc → Gloss. qc 1.7.8 keeps texts, codes with their hierarchy and coders; it
  /// reads every selection as starting on the first line (its reader's get_line_for_position),
  /// so the spans that come back are qc's, not Gloss's: docs/interchange.md says so.
  @Test func glossToQCAndBack() throws {
    let qc = try RealTool.require("qc", "qc")
    let folder = try TempFolder()
    let project = try folder.project()
    let inputs = [DocumentInput(id: "interview-34", data: try Fixture.data("interview-34.txt"), source: "i34")]
    try project.leadImportsTranscripts(inputs)
    try project.session(as: "ana").importDelve(inputs)
    try project.session(as: "lead").addCode(name: "Émotion", parent: "data-missing-value")
    try project.exportQDPX(to: folder.path("gloss.qdpx"), policy: .unrestricted)
    let qcFolder = folder.path("qc")
    try FileManager.default.createDirectory(at: qcFolder, withIntermediateDirectories: true)
    try RealTool.run(qc, ["init", "--import", folder.path("gloss.qdpx").path], in: qcFolder)
    // The text, the coders and the codes with their hierarchy.
    let text = try String(contentsOf: qcFolder.appendingPathComponent("corpus/interview-34.txt"), encoding: .utf8)
    #expect(text == (try project.snapshot().requireDocument("interview-34").string))
    #expect(try RealTool.run(qc, ["coders"], in: qcFolder).contains("ana"))
    let codes = try RealTool.run(qc, ["codes", "list"], in: qcFolder)
    #expect(codes.contains("- Data-missing-value\n    - Émotion"), "\(codes)")
    for code in try project.snapshot().codebook().codes where code.id != "emotion" {
      #expect(codes.contains("- \(code.name)"))
    }
    // Back: qc names the document interview-34.txt; it is the same document, and the codes
    // are found by name and parent, so only ana's codings come in.
    try RealTool.run(qc, ["export", folder.path("back.qdpx").path], in: qcFolder)
    let (report, _) = try project.session(as: "ana").importQDPX(folder.path("back.qdpx"), source: "back.qdpx")
    #expect(report.documentsAdded.isEmpty && report.codesCreated.isEmpty && report.skippedSources.isEmpty)
    #expect(report.assignmentsAdded + report.assignmentsPresent == 7)  // one line per code, see above
  }

  /// Taguette writes codebooks (.qdc) with an empty `<Sets/>` the schema rejects; Gloss
  /// reads them. (Taguette reads no REFI-QDA file, so nothing goes the other way.)
  @Test func taguetteCodebookImports() throws {
    let python = try RealTool.require("taguette", "python")
    let folder = try TempFolder()
    let script = """
      import collections, sys
      from taguette.export import codebook_xml
      Tag = collections.namedtuple('Tag', 'path description')
      codebook_xml([Tag('interesting', 'worth a look'), Tag('Émotion joie', ''), Tag('people.family', '')], sys.argv[1])
      """
    try script.write(to: folder.path("make.py"), atomically: true, encoding: .utf8)
    try RealTool.run(python, [folder.path("make.py").path, folder.path("taguette.qdc").path], in: folder.url)
    let data = try Data(contentsOf: folder.path("taguette.qdc"))
    #expect(String(decoding: data, as: UTF8.self).contains("<Sets"))
    let project = try folder.project()
    let (report, _) = try project.session(as: "lead").importQDC(data, source: "taguette.qdc")
    #expect(report.created.map(\.id) == ["interesting", "emotion-joie", "people.family"])
    #expect(report.created.map(\.name) == ["interesting", "Émotion joie", "people.family"])
  }
}
