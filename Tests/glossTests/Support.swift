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
    // Another build (an older gloss, to show a test fails there) when GLOSS_TEST_BINARY says so.
    if let other = ProcessInfo.processInfo.environment["GLOSS_TEST_BINARY"] { return other }
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
  /// `--as` must not start a new coder), so the test project lists them under `coders:`, as
  /// a lead would with `gloss coder add`. Every test commit is made with the sandbox's one
  /// git e-mail, so each is listed with it (a trailer then says which coder speaks).
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
        // `gloss init` listed the lead; the block is gloss.yaml's last, rewritten sorted.
        var yaml = try read("gloss.yaml")
        var entries = ["  lead: [\"lead@example.org\"]\n"]
        if let block = yaml.range(of: "coders:\n") {
          entries = yaml[block.upperBound...].split(separator: "\n").map { $0 + "\n" }
          yaml = String(yaml[..<block.lowerBound])
        }
        entries += coders.map { "  \($0): [\"lead@example.org\"]\n" }
        yaml += "coders:\n" + entries.sorted().joined()
        try yaml.write(toFile: path + "/gloss.yaml", atomically: true, encoding: .utf8)
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

  /// Lists `coders` under gloss.yaml's `coders:` with the sandbox's one git e-mail (every
  /// coder here commits as lead@example.org), so their Gloss-Coder trailers count (§6).
  func shareIdentity(_ coders: String...) throws {
    for coder in coders {
      // The default sandbox lists its test coders so already: then there is nothing to add.
      let run = try gloss("--as", "lead", "coder", "add", coder, "--email", "lead@example.org")
      #expect(run.status == 0 || run.stderr.contains("already listed"), "coder add \(coder): \(run.stderr)")
    }
  }

  /// Path of the shared example transcripts.
  static func example(_ name: String) -> String {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.appendingPathComponent("Examples").appendingPathComponent(name).path
  }
}

/// A shared bare repository with the server hooks installed, as a lead sets one up, and
/// clones to attack it from with the git CLI.
final class BareRemote {
  let box: Sandbox
  let path: String

  /// A bare copy of `source` (an empty repository when nil) with `gloss hooks install --server`.
  init(_ box: Sandbox, from source: String?) throws {
    self.box = box
    path = box.root + "/shared-\(UUID().uuidString.prefix(8)).git"
    if let source {
      try box.git("clone", "-q", "--bare", source, path, in: box.root)
    } else {
      try box.git("init", "-q", "--bare", path, in: box.root)
    }
    let installed = try box.gloss("-C", path, "hooks", "install", "--server", in: box.root)
    #expect(installed.status == 0, "\(installed.stderr)")
  }

  /// The sandbox's environment with the hooks pointed at the built gloss.
  var env: [String: String] { box.env.merging(["GLOSS": Shell.glossPath]) { $1 } }

  /// Every reference of the server and where it points (`git for-each-ref`).
  func refs() throws -> String { try box.git("for-each-ref", in: path).stdout }

  /// A clone whose commits carry `coder`'s e-mail, `<coder>@example.org`.
  func clone(as coder: String) throws -> String {
    let folder = box.root + "/\(coder)-\(UUID().uuidString.prefix(8))"
    try box.git("clone", "-q", path, folder, in: box.root)
    try box.git("config", "user.email", "\(coder)@example.org", in: folder)
    try box.git("config", "user.name", coder, in: folder)
    return folder
  }

  /// `git push origin ARGS...` from `clone`, hooks and all.
  func push(from clone: String, _ arguments: String...) throws -> Run {
    try Shell.run("/usr/bin/git", ["push", "origin"] + arguments, in: clone, env: env)
  }

  /// git in `clone` with the hook environment.
  @discardableResult
  func git(_ clone: String, _ arguments: String...) throws -> Run {
    try Shell.run("/usr/bin/git", arguments, in: clone, env: env)
  }

  /// Pushes `arguments` from `clone` and expects a refusal that names every one of `naming`,
  /// with the server's references untouched.
  func expectRefused(
    from clone: String, _ arguments: String..., naming: [String], sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let before = try refs()
    let run = try Shell.run("/usr/bin/git", ["push", "origin"] + arguments, in: clone, env: env)
    #expect(run.status != 0, "push was accepted", sourceLocation: sourceLocation)
    for text in naming {
      #expect(
        run.stderr.contains(text), "refusal does not name '\(text)':\n\(run.stderr)", sourceLocation: sourceLocation)
    }
    #expect(try refs() == before, "the server's references moved", sourceLocation: sourceLocation)
  }

  /// Pushes and expects the server to accept.
  func expectAccepted(from clone: String, _ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation)
    throws
  {
    let run = try Shell.run("/usr/bin/git", ["push", "origin"] + arguments, in: clone, env: env)
    #expect(run.status == 0, "refused:\n\(run.stderr)", sourceLocation: sourceLocation)
  }
}
