import Foundation
import Testing

/// Every command either prints the `--format` asked for or refuses it as a usage error
/// (exit 64) naming the formats it does print: never quietly another format (issue 12).
/// The commands come from `gloss --help`, so a new command is covered without a change here.
@Suite struct FormatTests {
  /// Every leaf command, as its path of names ("doc show"), read from the help output.
  static let commands: [String] = {
    func subcommands(_ path: [String]) -> [[String]] {
      let help = (try? Shell.run(Shell.glossPath, path + ["--help"], in: NSTemporaryDirectory()).stdout) ?? ""
      guard let section = help.range(of: "SUBCOMMANDS:\n") else { return [path] }
      let names = help[section.upperBound...].split(separator: "\n").compactMap { line -> String? in
        // "  name    abstract"; continuation lines are indented further.
        guard line.hasPrefix("  "), !line.hasPrefix("   "), let name = line.split(separator: " ").first else {
          return nil
        }
        return String(name)
      }
      return names.filter { $0 != "See" && $0 != "help" }.flatMap { subcommands(path + [$0]) }
    }
    return subcommands([]).map { $0.joined(separator: " ") }
  }()

  @Test func theCommandTreeIsRead() {
    #expect(Self.commands.count > 30)
    #expect(Self.commands.contains("doc show"))
    #expect(Self.commands.contains("hooks check"))
  }

  /// A project with two documents, two codes, and assignments by the lead and ana.
  func project() throws -> (box: Sandbox, id: String) {
    let box = try Sandbox()
    let doc = try box.write("d1.txt", "First paragraph here.\n\nSecond paragraph there.\n")
    try box.gloss("doc", "add", doc)
    try box.gloss("code", "add", "c1")
    try box.gloss("code", "add", "c2")
    let id = try box.gloss("add", "d1", "c1", "--para", "1").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    try box.gloss("--as", "lead", "doc", "assign", "d1", "--to", "ana")
    try box.gloss("--as", "ana", "add", "d1", "c2", "--para", "2")
    return (box, id)
  }

  /// Arguments that parse for each command, so the run reaches `validate()` and, when the
  /// format is supported, prints in it. A command not listed runs without arguments.
  func arguments(_ command: String, box: Sandbox, id: String) throws -> [String] {
    switch command {
    case "init": return ["other"]
    case "doc add": return [try box.write("d2.txt", "Another text.\n")]
    case "doc show": return ["d1", "--coder", "ana"]
    case "doc assign": return ["d1", "--to", "ben"]
    case "doc unassign": return ["d1", "--from", "ana", "--force"]
    case "doc update": return ["d1", try box.write("new.txt", "First paragraph here.\n\nSecond one.\n")]
    case "doc done", "doc reopen": return ["d1"]
    case "code add": return ["c3"]
    case "code rename": return ["c1", "Renamed"]
    case "code merge": return ["c2", "c1"]
    case "code rm": return ["c2", "--force"]
    case "add": return ["d1", "c2", "--para", "2"]
    case "rm": return [id]
    case "edit": return [id, "--memo", "m"]
    case "import delve": return [try box.write("delve.txt", "Some text.\n\nc1\n")]
    case "import qdpx": return ["study.qdpx"]
    case "import qdc": return ["codebook.qdc"]
    case "import csv": return [try box.write("in.csv", "doc,code,start,end\nd1,c1,0,5\n")]
    case "export qdpx": return [box.root + "/out.qdpx"]
    case "export qdc", "export csv": return ["-"]
    case "merge": return ["main"]
    case "merge-driver": return ["a", "b", "c", "p"]
    case "clone": return [box.path, box.root + "/copy"]
    case "coder add": return ["eve", "--email", "eve@example.org"]
    case "coder rm": return ["ben"]
    case "reconcile": return ["d1", "--coders", "lead,ana", "--dry-run"]
    default: return []
    }
  }

  @Test(arguments: FormatTests.commands)
  func eachCommandPrintsTheFormatAskedForOrRefusesIt(_ command: String) throws {
    for format in ["csv", "json"] {
      let (box, id) = try project()
      let args = command.split(separator: " ").map(String.init) + (try arguments(command, box: box, id: id))
      guard let run = try Self.bounded(args + ["--format", format], in: box) else {
        Issue.record(
          "\(command) --format \(format) did not finish in 20 s; a long-running command must refuse formats in validate()"
        )
        continue
      }
      if run.status == 64 {
        // A usage error: it must be the format's, naming what the command prints instead.
        let line = run.stderr.split(separator: "\n").first { $0.contains("--format") } ?? ""
        #expect(
          line.contains("--format \(format) is not supported"), "\(command): \(run.stderr)")
        let supported = line.components(separatedBy: "supported: ").last?.dropLast() ?? ""
        #expect(!supported.isEmpty && !supported.contains(format), "\(command): \(line)")
        #expect(run.stdout.isEmpty, "\(command) printed despite refusing: \(run.stdout)")
        continue
      }
      let out = run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
      guard !out.isEmpty else { continue }
      let json = Self.isJSON(out)
      if format == "json" {
        #expect(json, "\(command) --format json printed: \(out.prefix(200))")
      } else {
        #expect(
          !json && out.split(separator: "\n").first?.contains(",") == true,
          "\(command) --format csv printed: \(out.prefix(200))")
      }
    }
  }

  /// Runs gloss like `Sandbox.gloss`, but gives up after 20 seconds (a server or a watcher
  /// started by a new command must not hang the suite): nil then.
  static func bounded(_ arguments: [String], in box: Sandbox) throws -> Run? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Shell.glossPath)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: box.path)
    process.environment = Shell.environment(box.env)
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("gloss-format-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: out.path + ".out", contents: nil)
    _ = FileManager.default.createFile(atPath: out.path + ".err", contents: nil)
    defer {
      try? FileManager.default.removeItem(atPath: out.path + ".out")
      try? FileManager.default.removeItem(atPath: out.path + ".err")
    }
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out.path + ".out"))
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: out.path + ".err"))
    process.standardInput = FileHandle.nullDevice
    let done = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in done.signal() }
    try process.run()
    guard done.wait(timeout: .now() + 20) == .success else {
      process.terminate()
      return nil
    }
    return Run(
      status: process.terminationStatus,
      stdout: (try? String(contentsOfFile: out.path + ".out", encoding: .utf8)) ?? "",
      stderr: (try? String(contentsOfFile: out.path + ".err", encoding: .utf8)) ?? "")
  }

  /// One JSON value, or one per line (JSON lines).
  static func isJSON(_ text: String) -> Bool {
    func parses(_ part: Substring) -> Bool {
      (try? JSONSerialization.jsonObject(with: Data(part.utf8), options: [.fragmentsAllowed])) != nil
    }
    return parses(Substring(text)) || text.split(separator: "\n").allSatisfy(parses)
  }

  @Test func csvIsRefusedWhereItUsedToPrintJSON() throws {
    let (box, _) = try project()
    for args in [
      ["doc", "show", "d1"], ["reconcile", "d1", "--coders", "lead,ana"], ["merge", "main"], ["pull"],
      ["doc", "update", "d1", "-"],
    ] {
      let run = try box.gloss(args: args + ["--format", "csv"], stdin: "")
      #expect(run.status == 64, "\(args): \(run.stderr)")
      #expect(run.stderr.contains("(supported: table, json)"), "\(args): \(run.stderr)")
    }
  }
}

/// Reads open the project without a session: no identity is needed while blind coding is off.
@Suite struct IdentityTests {
  @Test func readsNeedNoIdentityWhileBlindIsOffButWritesDo() throws {
    let box = try Sandbox()
    let doc = try box.write("d1.txt", "Text.\n")
    try box.gloss("doc", "add", doc)
    // Nobody: no --as, no GLOSS_CODER, no git user.name.
    try "[init]\n\tdefaultBranch = main\n".write(
      toFile: box.root + "/home/.gitconfig", atomically: true, encoding: .utf8)
    box.coder = nil
    for read in [["ls"], ["doc", "list"], ["code", "list"], ["log"], ["diff"], ["doc", "show", "d1"]] {
      let run = try box.gloss(args: read)
      #expect(run.status == 0, "\(read): \(run.stderr)")
    }
    let write = try box.gloss("code", "add", "c1")
    #expect(write.status == 1 && write.stderr.contains("who is coding?"), "\(write.stderr)")
  }
}
