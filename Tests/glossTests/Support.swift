import Foundation
import Testing

/// The result of running a command.
struct Run {
  let status: Int32
  let stdout: String
  let stderr: String

  var lines: [String] { stdout.split(separator: "\n").map(String.init) }
}

/// Runs the built `gloss` executable and the `git` CLI (an independent witness) in
/// temporary folders.
struct Shell {
  /// The `gloss` binary next to the test bundle in the build folder.
  static let glossPath: String = {
    var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    while url.path != "/" {
      let candidate = url.deletingLastPathComponent().appendingPathComponent("gloss")
      var isFolder: ObjCBool = false
      if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isFolder), !isFolder.boolValue {
        return candidate.path
      }
      url = url.deletingLastPathComponent()
    }
    return "gloss"
  }()

  /// An environment without the developer's identity, so tests set their own.
  static func environment(_ extra: [String: String]) -> [String: String] {
    var env = ProcessInfo.processInfo.environment
    env.removeValue(forKey: "GLOSS_CODER")
    env["GIT_CONFIG_NOSYSTEM"] = "1"
    env["GIT_AUTHOR_NAME"] = nil
    env["GIT_COMMITTER_NAME"] = nil
    for (key, value) in extra { env[key] = value }
    return env
  }

  @discardableResult
  static func run(
    _ executable: String, _ arguments: [String], in folder: String, env: [String: String] = [:],
    stdin: String? = nil
  ) throws -> Run {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: folder)
    process.environment = environment(env)
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let input = Pipe()
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    // Read both pipes concurrently so a full pipe never blocks the child.
    nonisolated(unsafe) var errData = Data()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
      errData = err.fileHandleForReading.readDataToEndOfFile()
      group.leave()
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return Run(
      status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
      stderr: String(decoding: errData, as: UTF8.self))
  }
}

/// A temporary folder holding a project, with helpers to run gloss and git inside it.
final class Sandbox {
  let root: String
  /// The project folder (`root/project`).
  let path: String
  /// GLOSS_CODER for gloss runs unless a test passes --as.
  var coder: String? = "lead"

  /// The coders most tests act as. A project refuses coders it does not know (a mistyped
  /// `--as` must not start a new coder), so the test project lists them under `coders:`
  /// (with no e-mails), as a lead would with `gloss coder add`.
  static let testCoders = ["ana", "ben", "cy", "di", "dora"]

  init(initialize: Bool = true, name: String = "project", coders: [String] = Sandbox.testCoders) throws {
    root = FileManager.default.temporaryDirectory.appendingPathComponent("gloss-test-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    path = root + "/" + name
    // A private global config: a known identity, and no surprises from the machine's.
    let home = root + "/home"
    try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    try "[user]\n\tname = Test Lead\n\temail = lead@example.org\n[init]\n\tdefaultBranch = main\n"
      .write(toFile: home + "/.gitconfig", atomically: true, encoding: .utf8)
    if initialize {
      let result = try gloss("init", path, "--as", "lead", in: root)
      #expect(result.status == 0, "gloss init failed: \(result.stderr)")
      if !coders.isEmpty {
        // Part of the initial commit, so commit counts stay as `gloss init` makes them.
        let map = "coders:\n" + coders.map { "  \($0): []\n" }.joined()
        try (try read("gloss.yaml") + map).write(toFile: path + "/gloss.yaml", atomically: true, encoding: .utf8)
        let amend = try git("commit", "-qa", "--amend", "--no-edit")
        #expect(amend.status == 0, "amending the initial commit failed: \(amend.stderr)")
      }
    }
  }

  deinit { try? FileManager.default.removeItem(atPath: root) }

  var env: [String: String] {
    var env = ["HOME": root + "/home", "XDG_CONFIG_HOME": root + "/home/.config"]
    if let coder { env["GLOSS_CODER"] = coder }
    return env
  }

  @discardableResult
  func gloss(_ arguments: String..., in folder: String? = nil, stdin: String? = nil) throws -> Run {
    try Shell.run(Shell.glossPath, arguments, in: folder ?? path, env: env, stdin: stdin)
  }

  @discardableResult
  func gloss(args arguments: [String], in folder: String? = nil, stdin: String? = nil) throws -> Run {
    try Shell.run(Shell.glossPath, arguments, in: folder ?? path, env: env, stdin: stdin)
  }

  @discardableResult
  func git(_ arguments: String..., in folder: String? = nil) throws -> Run {
    try Shell.run("/usr/bin/git", arguments, in: folder ?? path, env: env)
  }

  /// Writes a file under the sandbox root and returns its path.
  @discardableResult
  func write(_ name: String, _ contents: String) throws -> String {
    let file = root + "/" + name
    try FileManager.default.createDirectory(
      atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try contents.write(toFile: file, atomically: true, encoding: .utf8)
    return file
  }

  func read(_ relative: String) throws -> String {
    try String(contentsOfFile: path + "/" + relative, encoding: .utf8)
  }

  /// The number of commits on HEAD, per the git CLI.
  func commitCount() throws -> Int {
    Int(try git("rev-list", "--count", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
  }

  /// Asserts what a careful user would check after every command: fsck passes and the work
  /// tree is clean.
  func expectHealthy(sourceLocation: SourceLocation = #_sourceLocation) throws {
    let fsck = try git("fsck", "--strict")
    #expect(fsck.status == 0, "git fsck: \(fsck.stderr)", sourceLocation: sourceLocation)
    let status = try git("status", "--porcelain")
    #expect(status.stdout.isEmpty, "work tree not clean: \(status.stdout)", sourceLocation: sourceLocation)
  }

  /// Path of the shared example transcripts.
  static func example(_ name: String) -> String {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.appendingPathComponent("Examples").appendingPathComponent(name).path
  }
}
