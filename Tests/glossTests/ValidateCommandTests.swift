import Foundation
import Testing

@Suite struct ValidateCommandTests {
  @Test func validProjectPassesAndBrokenFilesFailWithLocations() throws {
    let box = try codedSandbox()
    try box.gloss("--as", "ana", "add", "interview-34", "data-missing-value", "--para", "5")
    let ok = try box.gloss("validate")
    #expect(ok.status == 0)
    #expect(ok.stderr == "valid\n")
    let file = box.path + "/annotations/ana/interview-34.jsonl"
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
    handle.seekToEndOfFile()
    handle.write(
      Data(##"{"id":"01a208e1-7243-7b5d-a754-cec3e0309559","code":"ghost","start":0,"end":3,"exact":"#"}"##.utf8)
        + Data([0x0a]))
    try handle.close()
    let bad = try box.gloss("validate")
    #expect(bad.status == 1)
    #expect(bad.stdout.contains("annotations/ana/interview-34.jsonl:2: error: unknown code 'ghost'"))
    #expect(
      bad.stdout.contains("annotations/ana/interview-34.jsonl:2: error: exact text does not match the document at 0-3"))
    #expect(bad.stdout.contains("annotations/ana/interview-34.jsonl:2: error: not sorted"))
    // HEAD is still valid; the work tree is not.
    #expect(try box.gloss("validate", "--rev", "HEAD").status == 0)
    try box.git("add", "-A")
    #expect(try box.gloss("validate", "--staged").status == 1)
  }

  @Test func fixRewritesOrderAndCanonicalForm() throws {
    let box = try codedSandbox()
    let records = [
      #"{"code":"data-missing-value","id":"01a208e1-7243-7b5d-a754-cec3e0309559","start":2,"end":11,"exact":"Interview"}"#,
      #"{"id":"01a208e1-7243-7b5d-a754-cec3e0309560","code":"data-missing-value","start":0,"end":1,"exact":"\u0023"}"#,
    ]
    try box.write("project/annotations/ana/interview-34.jsonl", records.joined(separator: "\n") + "\n")
    try box.git("add", "-A")
    try box.git("commit", "-qm", "hand-written", "--trailer", "Gloss-Coder: ana")
    #expect(try box.gloss("validate").status == 1)
    let fixed = try box.gloss("validate", "--fix")
    #expect(fixed.status == 0, "\(fixed.stdout)\(fixed.stderr)")
    #expect(fixed.stdout.contains("fixed annotations/ana/interview-34.jsonl"))
    #expect(
      try box.read("annotations/ana/interview-34.jsonl").hasPrefix(
        ##"{"id":"01a208e1-7243-7b5d-a754-cec3e0309560","code":"data-missing-value","start":0,"end":1,"exact":"#"}"##))
    try box.expectHealthy()
  }

  @Test func rangeChecksAuthorship() throws {
    let box = try codedSandbox()
    try box.shareIdentity("ana", "ben")
    let base = try box.git("rev-parse", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    try box.gloss("--as", "ana", "add", "interview-34", "data-missing-value", "--para", "5")
    #expect(try box.gloss("validate", "--range", "\(base)..HEAD").status == 0)
    // Ben edits Ana's file by hand and commits it as himself.
    let path = box.path + "/annotations/ana/interview-34.jsonl"
    try "".write(toFile: path, atomically: true, encoding: .utf8)
    try box.git("commit", "-qam", "oops", "--trailer", "Gloss-Coder: ben")
    let forged = try box.gloss("validate", "--range", "\(base)..HEAD")
    #expect(forged.status == 1)
    #expect(
      forged.stdout.contains(
        "annotations/ana/interview-34.jsonl: error: changed by coder ben; only ana (or a lead) writes it"))
  }

  @Test func rangeChecksEveryCommitNotOnlyTheTip() throws {
    let box = try codedSandbox()
    let base = try box.git("rev-parse", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    try box.gloss("--as", "ana", "add", "interview-34", "data-missing-value", "--para", "5")
    let path = box.path + "/annotations/ana/interview-34.jsonl"
    let good = try String(contentsOfFile: path, encoding: .utf8)
    // A broken commit, repaired by the next one: the tip alone is valid.
    try "{broken\n".write(toFile: path, atomically: true, encoding: .utf8)
    try box.git("commit", "-qam", "broken", "--trailer", "Gloss-Coder: ana")
    let broken = try box.git("rev-parse", "--short=10", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    try good.write(toFile: path, atomically: true, encoding: .utf8)
    try box.git("commit", "-qam", "repaired", "--trailer", "Gloss-Coder: ana")
    #expect(try box.gloss("validate").status == 0)
    let range = try box.gloss("validate", "--range", "\(base)..HEAD")
    #expect(range.status == 1)
    #expect(range.stdout.contains("\(broken): annotations/ana/interview-34.jsonl:1: error:"))
  }

  @Test func aServerWithTheHooksRefusesAForgedPushAndAcceptsAnHonestOne() throws {
    let box = try codedSandbox()
    try box.gloss("coder", "add", "ben", "--email", "ben@example.org")
    box.coder = nil
    let bare = box.root + "/shared.git"
    try box.git("clone", "-q", "--bare", box.path, bare, in: box.root)
    let installed = try box.gloss("-C", bare, "hooks", "install", "--server", in: box.root)
    #expect(installed.status == 0, "\(installed.stderr)")
    #expect(FileManager.default.isExecutableFile(atPath: bare + "/hooks/pre-receive"))

    let clone = box.root + "/ben"
    try box.git("clone", "-q", bare, clone, in: box.root)
    try box.git("config", "user.email", "ben@example.org", in: clone)
    let glossFolder = (Shell.glossPath as NSString).deletingLastPathComponent
    let pathEnv = glossFolder + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
    func push() throws -> Run {
      try Shell.run(
        "/usr/bin/git", ["push", "origin", "HEAD:main"], in: clone, env: box.env.merging(["PATH": pathEnv]) { $1 })
    }
    // Honest: ben codes in his own folder through gloss.
    #expect(
      try box.gloss(
        "-C", clone, "--as", "ben", "add", "interview-34", "data-missing-value", "--para", "3", in: box.root
      ).status == 0)
    let honest = try push()
    #expect(honest.status == 0, "\(honest.stderr)")
    // Forged: ben writes into ana's folder and pushes.
    try box.write("ben/annotations/ana/interview-34.jsonl", "")
    try box.git("add", "-A", in: clone)
    try box.git("commit", "-qm", "gloss: ana adds nothing", "--trailer", "Gloss-Coder: ben", in: clone)
    let forged = try push()
    #expect(forged.status != 0)
    #expect(forged.stderr.contains("changed by coder ben; only ana (or a lead) writes it"))
    #expect(forged.stderr.contains("push rejected"))
    let serverHead = try box.git("rev-parse", "main", in: bare).stdout
    let cloneHead = try box.git("rev-parse", "HEAD~1", in: clone).stdout
    #expect(serverHead == cloneHead)
  }

  @Test func clientHooksInstallAndPreCommitBlocksBrokenFiles() throws {
    let box = try codedSandbox()
    #expect(try box.gloss("hooks", "install").status == 0)
    let glossFolder = (Shell.glossPath as NSString).deletingLastPathComponent
    let pathEnv = glossFolder + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
    try box.write("project/annotations/ana/interview-34.jsonl", "not json\n")
    try box.git("add", "-A")
    let commit = try Shell.run(
      "/usr/bin/git", ["commit", "-qm", "broken"], in: box.path, env: box.env.merging(["PATH": pathEnv]) { $1 })
    #expect(commit.status != 0)
    #expect((commit.stdout + commit.stderr).contains("annotations/ana/interview-34.jsonl:1: error:"))
    let again = try box.gloss("hooks", "install")
    #expect(again.status == 0)
  }

  @Test func killedBatchLeavesTheRepositoryValidWithAllOrNothing() throws {
    let box = try codedSandbox()
    box.coder = "ana"
    var lines: [String] = []
    for index in 0..<20_000 {
      lines.append(#"{"doc":"interview-34","code":"data-missing-value","start":\#(index),"end":\#(index + 5)}"#)
    }
    let batch = try box.write("batch.jsonl", lines.joined(separator: "\n") + "\n")
    let before = try box.commitCount()
    for delay in [0.05, 0.2, 0.5] {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: Shell.glossPath)
      process.arguments = ["add", "--batch", batch]
      process.currentDirectoryURL = URL(fileURLWithPath: box.path)
      process.environment = Shell.environment(box.env)
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      try process.run()
      Thread.sleep(forTimeInterval: delay)
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      let count = try box.commitCount()
      let listed = try box.gloss("ls", "--coder", "ana", "--format", "json").stdout
      let records = listed.components(separatedBy: "\"id\"").count - 1
      #expect((count == before && records == 0) || (count == before + 1 && records == 20_000))
      #expect(try box.git("fsck", "--strict").status == 0)
      #expect(try box.gloss("validate", "--rev", "HEAD").status == 0)
      if count > before { break }
    }
  }
}
