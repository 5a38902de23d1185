import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The commit engine against git beside it: branch switches, stale ref locks, newer
/// formats and repacks (issues 11 and 12).
@Suite struct EngineTests {
  /// A `git checkout` while gloss waits for the writer lock: the commit goes to the branch
  /// checked out when gloss gets the lock, and the work tree stays clean.
  @Test func branchIsReadUnderTheWriterLock() throws {
    let box = try Sandbox.twoCoders()
    let fd = open(box.path + "/.git/gloss.lock", O_CREAT | O_RDWR, 0o644)
    #expect(fd >= 0 && flock(fd, LOCK_EX) == 0)
    let waiting = Process()
    waiting.executableURL = URL(fileURLWithPath: Shell.glossPath)
    waiting.arguments = ["--as", "ana", "add", "d1", "low", "--para", "1"]
    waiting.currentDirectoryURL = URL(fileURLWithPath: box.path)
    waiting.environment = Shell.environment(box.env)
    waiting.standardOutput = FileHandle.nullDevice
    try waiting.run()
    usleep(300_000)
    #expect(try box.git("checkout", "-q", "-b", "other").status == 0)
    flock(fd, LOCK_UN)
    close(fd)
    waiting.waitUntilExit()
    #expect(waiting.terminationStatus == 0)
    #expect(try box.git("log", "-1", "--format=%s", "other").stdout.contains("ana adds low"))
    #expect(!(try box.git("log", "-1", "--format=%s", "main").stdout.contains("ana adds low")))
    try box.expectHealthy()
  }

  /// A ref lock gloss did not make (a crashed git) is reported in one line naming it.
  @Test func foreignRefLockIsReportedInOneLine() throws {
    let box = try Sandbox.twoCoders()
    let old = try box.git("rev-parse", "HEAD").stdout
    #expect(FileManager.default.createFile(atPath: box.path + "/.git/refs/heads/main.lock", contents: Data()))
    let run = try box.gloss("--as", "ana", "add", "d1", "low", "--para", "1")
    #expect(run.status == 1)
    #expect(run.stderr.split(separator: "\n").count == 1)
    #expect(run.stderr.contains("refs/heads/main.lock exists"), "\(run.stderr)")
    #expect(try box.git("rev-parse", "HEAD").stdout == old)
    try FileManager.default.removeItem(atPath: box.path + "/.git/refs/heads/main.lock")
    try box.expectHealthy()
  }

  /// A branch whose gloss.yaml has a newer format version is refused in one line, fast-
  /// forward or not, and nothing is written.
  @Test func mergeRefusesANewerFormat() throws {
    let box = try Sandbox.twoCoders()
    try box.git("checkout", "-q", "-b", "future")
    let settings = try box.read("gloss.yaml").replacingOccurrences(of: "gloss: 1", with: "gloss: 7")
    try settings.write(toFile: box.path + "/gloss.yaml", atomically: true, encoding: .utf8)
    try box.git("commit", "-qam", "a newer gloss")
    try box.git("checkout", "-q", "main")
    for round in 0..<2 {
      let before = try box.git("rev-parse", "HEAD").stdout
      let run = try box.gloss("merge", "future")
      #expect(run.status == 1)
      #expect(run.stderr.split(separator: "\n").count == 1)
      #expect(run.stderr.contains("format version 7 is newer"), "\(run.stderr)")
      #expect(try box.git("rev-parse", "HEAD").stdout == before)
      try box.expectHealthy()
      if round == 0 { try box.add("ben", "d1", "missing", "--para", "3") }  // then a true merge
    }
  }

  /// `git repack -ad` and `git gc` moving packs while gloss adds: every add succeeds.
  @Test func repackBesideGlossIsRetried() throws {
    let box = try Sandbox.twoCoders()
    let loop = Process()
    loop.executableURL = URL(fileURLWithPath: "/bin/sh")
    loop.arguments = [
      "-c", "for i in $(seq 1 40); do [ -e ../stop ] && break; git repack -adq; git gc -q; done",
    ]
    loop.currentDirectoryURL = URL(fileURLWithPath: box.path)
    loop.environment = Shell.environment(box.env)
    loop.standardError = FileHandle.nullDevice
    try loop.run()
    var ids: [String] = []
    for index in 0..<15 {
      let run = try box.gloss("--as", "ana", "add", "d1", "outlier", "--chars", "\(index)-\(index + 4)")
      #expect(run.status == 0, "add \(index): \(run.stderr)")
      ids.append(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    }
    try box.write("stop", "")
    loop.waitUntilExit()
    let listing = try box.listing().joined(separator: "\n")
    #expect(ids.allSatisfy { listing.contains($0) })
    try box.expectHealthy()
  }

  /// Durability at a tenth of the fsyncs: a commit's new objects are flushed by one syncfs
  /// of their file system, after the last object is written and before the branch moves
  /// (a power cut never leaves the branch on objects that are not on disk); the ref and
  /// its logs keep their own fsyncs. strace is the witness of the order of system calls.
  @Test(.enabled(if: canTrace)) func objectsReachTheDiskOnceBeforeTheBranchMoves() throws {
    let box = try Sandbox.twoCoders()
    let trace = box.root + "/trace.txt"
    let run = try Shell.run(
      "/usr/bin/strace",
      ["-f", "-o", trace, "-e", "trace=fsync,fdatasync,syncfs,link,rename", Shell.glossPath]
        + ["--as", "ana", "add", "d1", "low", "--para", "1"],
      in: box.path, env: box.env)
    #expect(run.status == 0, "\(run.stderr)")
    let calls = try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n").map(String.init)
    func first(_ text: String) -> Int? { calls.firstIndex { $0.contains(text) } }
    let objects = calls.indices.filter { calls[$0].contains("link(") && calls[$0].contains("/.git/objects/") }
    let flush = try #require(first("syncfs("), "\(calls)")
    let branch = try #require(calls.firstIndex { $0.contains("rename(") && $0.contains("refs/heads/main\")") })
    #expect(objects.count == 5 && objects.allSatisfy { $0 < flush } && flush < branch, "\(calls)")
    let syncs = calls.filter { $0.contains("fsync(") || $0.contains("syncfs(") }
    #expect(calls[(objects.first ?? 0)..<flush].allSatisfy { !$0.contains("fsync(") }, "\(calls)")
    #expect(syncs.count <= 8, "\(syncs)")
    try box.expectHealthy()
  }

  /// gloss writes the index itself when git wrote it as it does by default or split, and
  /// through libgit2 when git wrote a kind gloss leaves alone (version 4, an untracked
  /// cache): either way git reads the result, stages exactly the commit, and keeps the
  /// user's own staged change. A split index whose shared index is gone, which neither
  /// reads, is refused in one line, before anything is committed.
  @Test func everyKindOfIndexFollowsTheCommit() throws {
    for setup in [[], ["--index-version", "4"], ["--untracked-cache"], ["--split-index"], ["--split-index", "lost"]] {
      let box = try Sandbox.twoCoders()
      try "notes\n".write(toFile: box.path + "/notes.txt", atomically: true, encoding: .utf8)
      #expect(try box.git("add", "notes.txt").status == 0)
      if !setup.isEmpty {
        let options = setup.filter { $0 != "lost" }
        #expect(try Shell.run("/usr/bin/git", ["update-index"] + options, in: box.path, env: box.env).status == 0)
      }
      if setup.contains("lost") {
        for name in try FileManager.default.contentsOfDirectory(atPath: box.path + "/.git")
        where name.hasPrefix("sharedindex.") {
          try FileManager.default.removeItem(atPath: box.path + "/.git/" + name)
        }
      }
      let head = try box.git("rev-parse", "HEAD").stdout
      let run = try box.gloss("--as", "ana", "add", "d1", "low", "--para", "1")
      if setup.contains("lost") {
        #expect(run.status == 1 && run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
        #expect(run.stderr.contains(".git/index"), "\(run.stderr)")
        #expect(try box.git("rev-parse", "HEAD").stdout == head)
        continue
      }
      #expect(run.status == 0, "\(setup): \(run.stderr)")
      let staged = try box.git("diff", "--cached", "--name-status").stdout
      #expect(staged == "A\tnotes.txt\n", "\(setup): \(staged)")
      let file = "annotations/ana/d1.jsonl"
      let inIndex = try box.git("rev-parse", ":" + file).stdout
      #expect(inIndex == (try box.git("rev-parse", "HEAD:" + file).stdout), "\(setup)")
      #expect(try box.git("status", "--porcelain", "--untracked-files=no").stdout == "A  notes.txt\n", "\(setup)")
      #expect(try box.git("fsck", "--strict").status == 0)
    }
  }

  /// strace is installed and may trace here (some containers forbid ptrace).
  static let canTrace =
    FileManager.default.isExecutableFile(atPath: "/usr/bin/strace")
    && (try? Shell.run("/usr/bin/strace", ["-o", "/dev/null", "/bin/true"], in: "/"))?.status == 0

  /// `gloss add` reads a file from the work tree only when its bytes are the committed ones
  /// (hashed to check): a document, codebook and settings edited and not committed change
  /// nothing in what it records or which rules it follows, and stay as edited.
  @Test func uncommittedEditsAreNotReadAsTheCommit() throws {
    let box = try Sandbox.twoCoders()
    let document = try box.read("documents/d1.txt")
    // The same length and the same modification time: only the bytes tell them apart.
    var info = stat()
    #expect(stat(box.path + "/documents/d1.txt", &info) == 0)
    let edited = document.replacingOccurrences(of: "First", with: "Fxrst")
    try edited.write(toFile: box.path + "/documents/d1.txt", atomically: false, encoding: .utf8)
    var times = [info.st_atim, info.st_mtim]
    #expect(utimensat(AT_FDCWD, box.path + "/documents/d1.txt", &times, 0) == 0)
    // Settings that would refuse ana (a lead list of one and a coders map without her),
    // and a codebook without `low`.
    try "gloss: 1\nname: x\nleads: [lead]\ncoders:\n  lead: [\"lead@example.org\"]\n"
      .write(toFile: box.path + "/gloss.yaml", atomically: true, encoding: .utf8)
    try "codes: []\n".write(toFile: box.path + "/codebook.yaml", atomically: true, encoding: .utf8)
    let run = try box.gloss("--as", "ana", "add", "d1", "low", "--chars", "0-5")
    #expect(run.status == 0, "\(run.stderr)")
    let listing = try box.gloss("ls", "--format", "csv").stdout
    #expect(listing.contains("First") && !listing.contains("Fxrst"), "\(listing)")
    #expect(try box.read("documents/d1.txt") == edited)
    let status = try box.git("status", "--porcelain").stdout
    for edited in ["documents/d1.txt", "gloss.yaml", "codebook.yaml"] {
      #expect(status.contains(" M \(edited)"), "\(status)")
    }
    #expect(!status.contains("annotations/"), "\(status)")
  }

  /// What an add reads is never waited on: a FIFO where the document was or where the
  /// coder's own file was (nobody writing to either), and a link out of the project for the
  /// codebook. Another coder's add commits from HEAD's bytes; the owner's is refused as a
  /// local change. A watchdog opens the FIFOs for writing after 30 s, so a gloss that
  /// waited on one ends and the test fails instead of hanging.
  @Test func readingAheadWaitsOnNothing() throws {
    let box = try Sandbox.twoCoders()
    #expect(try box.gloss("--as", "ana", "add", "d1", "low", "--para", "1").status == 0)
    let fifos = ["documents/d1.txt", "annotations/ana/d1.jsonl"].map { box.path + "/" + $0 }
    for fifo in fifos {
      try FileManager.default.removeItem(atPath: fifo)
      #expect(mkfifo(fifo, 0o644) == 0)
    }
    try FileManager.default.removeItem(atPath: box.path + "/codebook.yaml")
    try FileManager.default.createSymbolicLink(
      atPath: box.path + "/codebook.yaml", withDestinationPath: "/etc/hostname")
    let finished = NSLock()
    nonisolated(unsafe) var done = false
    Thread.detachNewThread {
      usleep(30_000_000)
      while !finished.withLock({ done }) {
        for fifo in fifos {
          let fd = open(fifo, O_WRONLY | O_NONBLOCK)
          if fd >= 0 { close(fd) }
        }
        usleep(100_000)
      }
    }
    defer { finished.withLock { done = true } }
    let start = Date()
    let ben = try box.gloss("--as", "ben", "add", "d1", "low", "--para", "2")
    #expect(ben.status == 0, "\(ben.stderr)")
    let ana = try box.gloss("--as", "ana", "add", "d1", "low", "--para", "3")
    #expect(ana.status != 0 && ana.stderr.contains("annotations/ana/d1.jsonl"), "\(ana.stderr)")
    #expect(Date().timeIntervalSince(start) < 30, "gloss waited on a FIFO")
    var info = stat()
    #expect(lstat(fifos[1], &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)
  }
}
