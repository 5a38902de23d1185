import Agreement
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `kill -9` at any point of a mutating command, and a work tree that cannot be written:
/// the branch is the old or the new commit, fsck is clean, and after the next gloss
/// command the index and work tree match HEAD with no lock or temporary file left (issue 11).
@Suite(.serialized) struct CrashTests {
  /// Starts gloss; with `pauseAt`, waits until it reports being held at that step.
  func start(_ box: Sandbox, _ arguments: [String], pauseAt step: String? = nil) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Shell.glossPath)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: box.path)
    var env = box.env
    if let step { env["GLOSS_TEST_PAUSE_AT"] = step }
    process.environment = Shell.environment(env)
    let err = Pipe()
    process.standardError = err
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    if step != nil {
      var seen = ""
      while !seen.contains("paused at") {
        let chunk = err.fileHandleForReading.availableData
        if chunk.isEmpty { break }
        seen += String(decoding: chunk, as: UTF8.self)
      }
      #expect(seen.contains("paused at \(step ?? "")"), "\(arguments) never reached \(step ?? ""): \(seen)")
    }
    return process
  }

  func kill9(_ process: Process) {
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
  }

  func head(_ box: Sandbox) throws -> String {
    try box.git("rev-parse", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// The state checks, after running one read-only gloss command.
  func expectRecovered(
    _ box: Sandbox, from old: String, context: String, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let now = try head(box)
    let parents = try box.git("rev-list", "--parents", "-n", "1", "HEAD").stdout
    #expect(now == old || parents.contains(old), "\(context): HEAD is neither the old commit nor a child of it")
    let ls = try box.gloss("ls")
    #expect(ls.status == 0, "\(context): gloss ls: \(ls.stderr)", sourceLocation: sourceLocation)
    let fsck = try box.git("fsck", "--strict")
    #expect(fsck.status == 0, "\(context): git fsck: \(fsck.stderr)", sourceLocation: sourceLocation)
    let status = try box.git("status", "--porcelain", "--untracked-files=all")
    #expect(status.stdout.isEmpty, "\(context): not clean: \(status.stdout)", sourceLocation: sourceLocation)
    let leftovers = Self.leftovers(in: box.root)
    #expect(leftovers.isEmpty, "\(context): left behind: \(leftovers)", sourceLocation: sourceLocation)
  }

  /// Lock and temporary files anywhere under `root` (the project, its .git, export folders).
  static func leftovers(in root: String) -> [String] {
    let patterns = [".gloss-tmp", ".dat.nosync", ".lock", "gloss-sync", "gloss-index.tmp", "gloss-sharedindex.tmp"]
    var found: [String] = []
    let enumerator = FileManager.default.enumerator(atPath: root)
    while let item = enumerator?.nextObject() as? String {
      let name = (item as NSString).lastPathComponent
      if name == "gloss.lock" { continue }
      if patterns.contains(where: { name.contains($0) }) || (name.hasSuffix(".tmp") && name.contains(".qdpx.")) {
        found.append(item)
      }
    }
    return found
  }

  /// A second branch `ana` with one assignment, and (unless `fastForward`) one on main too.
  func prepareMerge(_ box: Sandbox, fastForward: Bool) throws {
    try box.git("checkout", "-q", "-b", "ana")
    try box.add("ana", "d1", "low", "--para", "1")
    try box.git("checkout", "-q", "main")
    if !fastForward { try box.add("ben", "d1", "outlier", "--para", "2") }
  }

  static let steps = ["index-locked", "journal-written", "branch-moved", "file-written", "index-written"]

  /// Every named step of the engine, for add, merge (fast-forward and merge commit), doc
  /// update and import: killed there, the next gloss command leaves everything consistent,
  /// and gloss still commits afterwards.
  @Test(arguments: [
    ("add", steps), ("merge-ff", ["branch-moved", "index-written"]),
    ("merge", ["journal-written", "branch-moved", "file-written"]), ("doc-update", ["branch-moved"]),
    ("import", ["branch-moved", "file-written"]),
  ])
  func killedAtEachStep(command: String, steps: [String]) throws {
    for step in steps {
      let box = try Sandbox.twoCoders()
      try box.add("ana", "d1", "missing", "--para", "3")
      var arguments = ["--as", "ana", "add", "d1", "low", "--para", "2"]
      switch command {
      case "merge-ff", "merge":
        try prepareMerge(box, fastForward: command == "merge-ff")
        arguments = ["merge", "ana"]
      case "doc-update":
        let text =
          "New first paragraph.\n\nFirst paragraph about data.\n\nSecond paragraph on outliers.\n\nThird one, missing values.\n"
        arguments = ["doc", "update", "d1", try box.write("d1-new.txt", text)]
      case "import":
        arguments = [
          "--as", "ana", "import", "csv", try box.write("in.csv", "doc,code,start,end\nd1,low,0,5\nd1,outlier,6,10\n"),
        ]
      default: break
      }
      let old = try head(box)
      kill9(try start(box, arguments, pauseAt: step))
      try expectRecovered(box, from: old, context: "\(command) killed at \(step)")
      #expect(try box.gloss("--as", "ben", "add", "d1", "missing", "--chars", "1-4").status == 0)
      try box.expectHealthy()
    }
  }

  /// An add killed at each step in a project whose index is split (`core.splitIndex`), where
  /// gloss writes only the split part, or a new shared index when it splits anew.
  @Test(arguments: [false, true])
  func killedAtEachStepWithASplitIndex(splitsAnew: Bool) throws {
    for step in Self.steps {
      let box = try Sandbox.twoCoders()
      try box.git("config", "core.splitIndex", "true")
      if !splitsAnew { try box.git("update-index", "--split-index") }
      try box.add("ana", "d1", "missing", "--para", "3")
      // 0: every write makes a new shared index; 100: every write only the split part.
      try box.git("config", "splitIndex.maxPercentChange", splitsAnew ? "0" : "100")
      let old = try head(box)
      kill9(try start(box, ["--as", "ana", "add", "d1", "low", "--para", "2"], pauseAt: step))
      try expectRecovered(box, from: old, context: "add killed at \(step) (split index)")
      #expect(try box.gloss("--as", "ben", "add", "d1", "missing", "--chars", "1-4").status == 0)
      try box.expectHealthy()
    }
  }

  /// A seeded random loop: a mutating command killed after 0–50 ms, then the checks; once
  /// with git's usual index, once with a split one.
  @Test(arguments: [false, true])
  func randomKillsLeaveAConsistentProject(splitIndex: Bool) throws {
    let seed = UInt64(ProcessInfo.processInfo.environment["GLOSS_KILL_SEED"] ?? "") ?? 20_261_201
    var random = SplitMix64(seed: seed)
    let box = try Sandbox.twoCoders()
    if splitIndex { try box.git("config", "core.splitIndex", "true") }
    let texts = [
      "First paragraph about data.\n\nSecond paragraph on outliers.\n\nThird one, missing values.\n",
      "Intro.\n\nFirst paragraph about data.\n\nSecond paragraph on outliers.\n\nThird one, missing values.\n",
    ]
    for iteration in 0..<25 {
      let start = iteration % 20
      let arguments: [String]
      switch random.next() % 4 {
      case 0: arguments = ["--as", "ana", "add", "d1", "low", "--chars", "\(start)-\(start + 7)"]
      case 1: arguments = ["doc", "update", "d1", try box.write("text-\(iteration).txt", texts[iteration % 2])]
      case 2:
        let csv = "doc,code,start,end\nd1,outlier,\(start),\(start + 9)\n"
        arguments = ["--as", "ben", "import", "csv", try box.write("rows-\(iteration).csv", csv)]
      default: arguments = ["export", "qdpx", box.root + "/out.qdpx"]
      }
      let delay = random.next() % 51
      let old = try head(box)
      let process = try self.start(box, arguments)
      usleep(UInt32(delay) * 1000)
      kill9(process)
      try expectRecovered(
        box, from: old, context: "seed \(seed), iteration \(iteration): \(arguments) killed after \(delay) ms")
    }
  }

  /// A full disk after the branch moved: the commit is recorded, the message says the next
  /// gloss command refreshes the work tree (not "git checkout -- ."), and once there is room
  /// the next command does, leaving no staged revert. Uses a 1 MB tmpfs for the work tree
  /// (the git directory lives elsewhere) when it can be mounted, else a folder in the way
  /// of the file gloss writes.
  @Test func fullDiskAfterTheBranchMovedIsRepairedByTheNextCommand() throws {
    let box = try Sandbox(initialize: false)
    try FileManager.default.createDirectory(atPath: box.path, withIntermediateDirectories: true)
    let mounted =
      try Shell.run("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", box.path], in: box.root)
      .status == 0
    defer { if mounted { _ = try? Shell.run("/bin/umount", [box.path], in: box.root) } }
    try box.git("init", "-q", "--separate-git-dir", box.root + "/gitdir", box.path, in: box.root)
    #expect(try box.gloss("init", box.path, "--as", "lead", in: box.root).status == 0)
    try box.gloss("coder", "add", "ana", "--email", "lead@example.org")
    try box.gloss("doc", "add", try box.write("d1.txt", "Some words about data.\n\nMore words.\n"))
    try box.gloss("code", "add", "Low")
    try box.gloss("--as", "ana", "add", "d1", "low", "--para", "1")
    let filler = box.path + "/filler"
    let blocker = box.path + "/annotations/ana/.d1.jsonl.gloss-tmp"
    if mounted {
      _ = try Shell.run("/bin/dd", ["if=/dev/zero", "of=\(filler)", "bs=64k"], in: box.root)
    } else {
      try FileManager.default.createDirectory(atPath: blocker + "/x", withIntermediateDirectories: true)
    }
    let old = try head(box)
    let failed = try box.gloss("--as", "ana", "add", "d1", "low", "--para", "2")
    #expect(failed.status == 1)
    #expect(failed.stderr.contains("the commit is recorded"), "\(failed.stderr)")
    #expect(failed.stderr.contains("the next gloss command refreshes annotations/ana/d1.jsonl"))
    #expect(!failed.stderr.contains("run 'git checkout"))
    #expect(try box.git("rev-parse", "HEAD~1").stdout.hasPrefix(old), "the commit is on the branch")
    if mounted {
      try FileManager.default.removeItem(atPath: filler)
    } else {
      try FileManager.default.removeItem(atPath: blocker)
    }
    let ls = try box.gloss("ls")
    #expect(ls.lines.count == 3, "both assignments listed: \(ls.stdout)")
    let status = try box.git("status", "--porcelain")
    #expect(status.stdout.isEmpty, "no staged revert: \(status.stdout)")
    #expect(try box.gloss("--as", "ana", "add", "d1", "low", "--chars", "0-4").status == 0)
    #expect(try box.git("status", "--porcelain").stdout.isEmpty)
  }

  /// Killed while libgit2 holds the branch's lock file (simulated: the test makes the lock
  /// right after the kill, as libgit2 would have): the next command recognises it as the dead
  /// writer's and removes it, and gloss commits again.
  @Test func killedDuringTheRefUpdateLeavesNoRefLock() throws {
    let box = try Sandbox.twoCoders()
    let old = try head(box)
    kill9(try start(box, ["--as", "ana", "add", "d1", "low", "--para", "1"], pauseAt: "ref-lock-recorded"))
    #expect(FileManager.default.createFile(atPath: box.path + "/.git/refs/heads/main.lock", contents: Data()))
    try expectRecovered(box, from: old, context: "killed in the ref update")
    #expect(try box.gloss("--as", "ana", "add", "d1", "low", "--para", "1").status == 0)
    try box.expectHealthy()
  }

  /// An export killed after writing its temporary: the next command removes it, and an
  /// earlier export at the same path is left whole.
  @Test func killedExportLeavesNoTemporary() throws {
    let box = try Sandbox.twoCoders()
    let out = box.root + "/out.qdpx"
    #expect(try box.gloss("export", "qdpx", out).status == 0)
    let before = try Data(contentsOf: URL(fileURLWithPath: out))
    for format in ["qdpx", "csv"] {
      kill9(try start(box, ["export", format, box.root + "/out.\(format)"], pauseAt: "export-written"))
      #expect(!Self.leftovers(in: box.root).isEmpty, "the temporary exists before the next command")
      try expectRecovered(box, from: try head(box), context: "export \(format) killed")
    }
    #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == before)
  }

  /// A stale index.lock that gloss did not create is reported in one line naming it.
  @Test func foreignIndexLockIsReportedInOneLine() throws {
    let box = try Sandbox.twoCoders()
    #expect(FileManager.default.createFile(atPath: box.path + "/.git/index.lock", contents: Data()))
    let start = Date()
    let run = try Shell.run(
      Shell.glossPath, ["--as", "ana", "add", "d1", "low", "--para", "1"], in: box.path,
      env: box.env.merging(["GLOSS_TEST_LOCK_TIMEOUT": "1"]) { $1 })
    #expect(run.status == 1)
    #expect(Date().timeIntervalSince(start) < 20)
    #expect(run.stderr.split(separator: "\n").count == 1)
    #expect(run.stderr.contains(".git/index.lock exists"), "\(run.stderr)")
    #expect(run.stderr.contains("remove"))
  }
}
