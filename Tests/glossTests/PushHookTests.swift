import Foundation
import Testing

/// `gloss push` cannot get around the receiving repository's hooks (DESIGN §6): over a path or
/// `file://` remote gloss runs them itself, as git-receive-pack would; over git:// the server
/// runs them and gloss shows what they said.
@Suite(.serialized) struct PushHookTests {
  /// PATH with the built gloss first, so hooks that run `gloss` find it.
  static let pathWithGloss =
    (Shell.glossPath as NSString).deletingLastPathComponent + ":"
    + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")

  /// The lead's project published to `root/shared/study.git`, plus one more commit that is
  /// not pushed yet; returns the bare repository's path.
  func published(_ box: Sandbox) throws -> String {
    let bare = try SyncTests().publish(box)
    #expect(try box.gloss("--as", "ana", "add", "d1", "low", "--para", "1").status == 0)
    return bare
  }

  func gloss(_ box: Sandbox, _ arguments: String...) throws -> Run {
    try Shell.run(
      Shell.glossPath, arguments, in: box.path, env: box.env.merging(["PATH": Self.pathWithGloss]) { $1 })
  }

  /// Installs an executable hook script.
  func hook(_ folder: String, _ name: String, _ body: String) throws {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let path = folder + "/" + name
    try ("#!/bin/sh\n" + body + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
  }

  func refs(_ bare: String, _ box: Sandbox) throws -> String {
    try box.git("--git-dir", bare, "for-each-ref", in: box.root).stdout
  }

  /// What a refused push must leave and say: the server's refs and objects untouched, no
  /// quarantine left behind, its lines shown as `remote:`, and the ref and reason named.
  func expectRefused(
    _ run: Run, bare: String, refsBefore: String, box: Sandbox, saying: String, reason: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    #expect(run.status == 1, "\(run.stdout) \(run.stderr)", sourceLocation: sourceLocation)
    #expect(run.stderr.contains("remote: \(saying)"), "\(run.stderr)", sourceLocation: sourceLocation)
    let error = run.stderr.split(separator: "\n").last.map(String.init) ?? ""
    #expect(error.hasPrefix("error: push to "), "\(run.stderr)", sourceLocation: sourceLocation)
    #expect(
      error.contains("did not accept main") && error.contains(reason), "\(error)", sourceLocation: sourceLocation)
    #expect(try refs(bare, box) == refsBefore, sourceLocation: sourceLocation)
    let tip = try box.git("rev-parse", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let present = try box.git("--git-dir", bare, "cat-file", "-e", tip, in: box.root)
    #expect(present.status != 0, "the refused commit reached the server", sourceLocation: sourceLocation)
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: bare + "/objects")
      .filter { $0.hasPrefix("tmp_objdir") }
    #expect(leftovers.isEmpty, "\(leftovers)", sourceLocation: sourceLocation)
    let fsck = try box.git("--git-dir", bare, "fsck", "--strict", in: box.root)
    #expect(fsck.status == 0, "\(fsck.stderr)", sourceLocation: sourceLocation)
  }

  @Test func aPathRemoteRunsTheReceivingPreReceiveHook() throws {
    let box = try Sandbox.twoCoders()
    let bare = try published(box)
    // The hook sees the pushed commit (quarantined) and says so before refusing.
    try hook(
      bare + "/hooks", "pre-receive",
      """
      read old new ref
      git cat-file -e "$new" || { echo "cannot see $new"; exit 2; }
      echo "no pushes to $ref today" >&2
      echo "ask the lead"
      exit 1
      """)
    let before = try refs(bare, box)
    for remote in ["origin", "file://" + bare] {
      let run = try gloss(box, "push", remote, "main")
      try expectRefused(
        run, bare: bare, refsBefore: before, box: box, saying: "no pushes to refs/heads/main today",
        reason: "pre-receive hook declined")
      #expect(run.stderr.contains("remote: ask the lead"))
    }
    // Once the hook accepts, the push goes through and the server has the commit.
    try hook(bare + "/hooks", "pre-receive", "cat >/dev/null; echo checked")
    let accepted = try gloss(box, "push")
    #expect(accepted.status == 0, "\(accepted.stderr)")
    #expect(accepted.stderr.contains("remote: checked"))
    let server = try box.git("--git-dir", bare, "rev-parse", "main", in: box.root).stdout
    #expect(server == (try box.git("rev-parse", "HEAD").stdout))
    #expect(try box.git("rev-parse", "origin/main").stdout == server)
    #expect(try box.git("--git-dir", bare, "fsck", "--strict", in: box.root).status == 0)
  }

  @Test func aPathRemoteRunsTheUpdateHookFromCoreHooksPath() throws {
    let box = try Sandbox.twoCoders()
    let bare = try published(box)
    // Hooks in the default folder are ignored once core.hooksPath names another (as git does).
    try hook(bare + "/hooks", "pre-receive", "exit 1")
    try box.git("--git-dir", bare, "config", "core.hooksPath", "server-hooks", in: box.root)
    try hook(
      bare + "/server-hooks", "update",
      #"[ -n "$GIT_QUARANTINE_PATH" ] && git cat-file -e "$3" && echo "update refuses $1 from $2" && exit 1"#)
    let before = try refs(bare, box)
    let run = try gloss(box, "push")
    try expectRefused(
      run, bare: bare, refsBefore: before, box: box, saying: "update refuses refs/heads/main from",
      reason: "hook declined")
  }

  /// The shipped server hooks run `gloss validate --range` inside the quarantine: a forged
  /// commit is refused through a path remote exactly as through git-receive-pack.
  @Test func theShippedServerHooksRefuseAForgedPushThroughAPathRemote() throws {
    let box = try Sandbox.twoCoders()
    // Every coder here commits with the sandbox's one e-mail; the coders: map must say so.
    try box.shareIdentity("ana", "ben")
    let bare = try published(box)
    #expect(try gloss(box, "-C", bare, "hooks", "install", "--server").status == 0)
    // The honest commit made by published(_:) goes through.
    let honest = try gloss(box, "push")
    #expect(honest.status == 0, "\(honest.stderr)")
    // ben writes into ana's folder.
    try box.write("project/annotations/ana/d1.jsonl", "")
    try box.git("add", "-A")
    try box.git("commit", "-qm", "gloss: ana codes nothing", "--trailer", "Gloss-Coder: ben")
    let before = try refs(bare, box)
    let forged = try gloss(box, "push")
    try expectRefused(
      forged, bare: bare, refsBefore: before, box: box,
      saying: "", reason: "pre-receive hook declined")
    #expect(forged.stderr.contains("only ana (or a lead) writes it"), "\(forged.stderr)")
  }

  @Test func aRefusalOverGitDaemonShowsTheServersLines() throws {
    let box = try Sandbox.twoCoders()
    let bare = try published(box)
    try hook(bare + "/hooks", "pre-receive", "echo 'the server says no'; exit 1")
    let daemon = try GitDaemon(basePath: box.root + "/shared")
    try box.git("remote", "set-url", "origin", daemon.url("study.git"))
    let before = try refs(bare, box)
    let run = try gloss(box, "push")
    try expectRefused(
      run, bare: bare, refsBefore: before, box: box, saying: "the server says no",
      reason: "pre-receive hook declined")
  }

  /// As receive-pack does by default, a path remote's checked-out branch is not moved under
  /// its work tree.
  @Test func aCheckedOutBranchOfAPathRemoteIsRefused() throws {
    let box = try Sandbox.twoCoders()
    let other = box.root + "/other"
    #expect(try box.git("clone", "-q", box.path, other, in: box.root).status == 0)
    #expect(try box.gloss("--as", "ana", "add", "d1", "low", "--para", "1").status == 0)
    let before = try box.git("rev-parse", "main", in: other).stdout
    let run = try box.gloss("push", other, "main")
    #expect(run.status == 1 && run.stderr.contains("branch is currently checked out"), "\(run.stderr)")
    #expect(try box.git("rev-parse", "main", in: other).stdout == before)
    #expect(try box.git("status", "--porcelain", in: other).stdout.isEmpty)
  }

  /// `git commit -a` and `git commit PATH` commit a temporary index (GIT_INDEX_FILE): the
  /// pre-commit hook must check that one, not the repository's index.
  @Test func thePreCommitHookChecksWhatCommitAllAndCommitPathCommit() throws {
    let box = try Sandbox.twoCoders()
    #expect(try box.gloss("--as", "ana", "add", "d1", "low", "--para", "1").status == 0)
    #expect(try gloss(box, "hooks", "install").status == 0)
    let file = "annotations/ana/d1.jsonl"
    func commit(_ arguments: String...) throws -> Run {
      try Shell.run(
        "/usr/bin/git", ["commit", "-q"] + arguments, in: box.path,
        env: box.env.merging(["PATH": Self.pathWithGloss]) { $1 })
    }
    let before = try box.commitCount()
    try box.write("project/" + file, "not json\n")
    let all = try commit("-am", "broken")
    #expect(all.status != 0)
    #expect((all.stdout + all.stderr).contains("\(file):1: error:"), "\(all.stderr)")
    let path = try commit("-m", "broken", file)
    #expect(path.status != 0)
    #expect((path.stdout + path.stderr).contains("\(file):1: error:"), "\(path.stderr)")
    #expect(try box.commitCount() == before)
    // The counterpart: an honest change committed the same ways passes the hook.
    try box.git("checkout", "--", file)
    try box.write("project/memos/note.md", "fine\n")
    try box.git("add", "memos/note.md")
    try box.write("project/memos/note.md", "still fine\n")
    let honest = try commit("-m", "memo", "memos/note.md")
    #expect(honest.status == 0, "\(honest.stderr)")
  }
}
