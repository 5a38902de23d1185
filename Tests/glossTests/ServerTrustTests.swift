import Foundation
import Testing

/// The lead's project (one transcript, two codes) with ana and ben and their e-mails in
/// gloss.yaml, on a shared bare repository with the server hooks.
private func team() throws -> (Sandbox, BareRemote) {
  let box = try codedSandbox()
  #expect(try box.gloss("coder", "add", "ana", "--email", "ana@example.org").status == 0)
  #expect(try box.gloss("coder", "add", "ben", "--email", "ben@example.org").status == 0)
  return (box, try BareRemote(box, from: box.path))
}

private func head(_ box: Sandbox, _ clone: String, _ revision: String = "HEAD") throws -> String {
  try box.git("rev-parse", "--short=10", revision, in: clone).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
}

/// Appends `text` to a file of a clone.
private func append(_ file: String, _ text: String) throws {
  let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
  handle.seekToEndOfFile()
  handle.write(Data(text.utf8))
  try handle.close()
}

/// Each hole of issue 11's "Server-side authorship", attacked through `git push` against a
/// real bare repository with the shipped hooks: refused naming the commit, the file and the
/// rule, the server's references unchanged; and the honest counterpart accepted.
@Suite struct ServerTrustTests {
  @Test func aMergeAuthorsNothingOnAnyPath() throws {
    let (box, server) = try team()
    let ben = try server.clone(as: "ben")
    // Honest: ben codes on a side branch and adds a code on main, then merges.
    try server.git(ben, "checkout", "-q", "-b", "side")
    #expect(
      try box.gloss("-C", ben, "--as", "ben", "add", "interview-34", "data-missing-value", "--para", "3").status == 0)
    try server.git(ben, "checkout", "-q", "-b", "scratch")
    try box.gloss("-C", ben, "--as", "ben", "add", "interview-34", "data-missing-value", "--para", "7")
    let authored = try String(contentsOfFile: ben + "/annotations/ben/interview-34.jsonl", encoding: .utf8)
    try server.git(ben, "checkout", "-q", "main")
    #expect(try box.gloss("-C", ben, "--as", "ben", "code", "add", "Ben-idea").status == 0)
    let main = try head(box, ben)
    let edits: [(String, (String) throws -> Void)] = [
      (
        "gloss.yaml",
        {
          try String(contentsOfFile: $0, encoding: .utf8).replacingOccurrences(
            of: "leads: [lead]", with: "leads: [lead, ben]"
          ).write(toFile: $0, atomically: true, encoding: .utf8)
        }
      ),
      ("documents/interview-34.txt", { try append($0, "A line ben made up.\n") }),
      (
        "codebook.yaml",
        {
          try String(contentsOfFile: $0, encoding: .utf8).replacingOccurrences(
            of: "name: Data-missing-value", with: "name: Renamed"
          ).write(toFile: $0, atomically: true, encoding: .utf8)
        }
      ),
      (".gitattributes", { try append($0, "*.txt -text\n") }),
      ("annotations/ben/interview-34.jsonl", { try authored.write(toFile: $0, atomically: true, encoding: .utf8) }),
    ]
    for (path, edit) in edits {
      try server.git(ben, "reset", "-q", "--hard", main)
      try server.git(ben, "merge", "-q", "--no-ff", "--no-commit", "side")
      try edit(ben + "/" + path)
      try server.git(ben, "add", "-A")
      try server.git(ben, "commit", "-qm", "merge side", "--trailer", "Gloss-Coder: ben")
      try server.expectRefused(from: ben, "HEAD:main", naming: [try head(box, ben), path, "merge commit"])
    }
    try server.git(ben, "reset", "-q", "--hard", main)
    try server.git(ben, "merge", "-q", "--no-ff", "-m", "merge side", "side")
    try server.expectAccepted(from: ben, "HEAD:main")

    // A merge whose second parent is old drops what the first parent added (ana's work).
    let ana = try server.clone(as: "ana")
    let old = try head(box, ana)
    #expect(
      try box.gloss("-C", ana, "--as", "ana", "add", "interview-34", "data-missing-value", "--para", "5").status == 0)
    try server.expectAccepted(from: ana, "HEAD:main")
    try server.git(ben, "fetch", "-q", "origin")
    let dropping = try box.git("commit-tree", "\(old)^{tree}", "-p", "origin/main", "-p", old, "-m", "merge", in: ben)
      .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    try server.expectRefused(
      from: ben, "\(dropping):refs/heads/main",
      naming: [String(dropping.prefix(10)), "annotations/ana/interview-34.jsonl", "merge commit drops assignment"])
  }

  @Test func rulesComeFromTheServersHistoryNotFromAPushedRoot() throws {
    let (box, server) = try team()
    let ben = try server.clone(as: "ben")
    // An orphan root whose own gloss.yaml makes ben a lead, merged into main.
    try server.git(ben, "checkout", "-q", "--orphan", "mine")
    let yaml = ben + "/gloss.yaml"
    try String(contentsOfFile: yaml, encoding: .utf8).replacingOccurrences(of: "leads: [lead]", with: "leads: [ben]")
      .write(toFile: yaml, atomically: true, encoding: .utf8)
    try server.git(ben, "add", "-A")
    try server.git(ben, "commit", "-qm", "my project", "--trailer", "Gloss-Coder: ben")
    let root = try head(box, ben)
    let merge = try box.git("commit-tree", "mine^{tree}", "-p", "origin/main", "-p", "mine", "-m", "merge", in: ben)
      .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    try server.expectRefused(
      from: ben, "\(merge):refs/heads/main",
      naming: [root, "gloss.yaml", "changed by coder ben; only leads change gloss.yaml"])
    try server.expectRefused(from: ben, "mine:refs/heads/mine", naming: [root, "only leads change gloss.yaml"])
    // The same check passes through validate --range with the trusted base given.
    let range = try box.gloss("-C", ben, "validate", "--range", "origin/main..\(merge)", in: box.root)
    #expect(range.status == 1 && range.stdout.contains("\(root): gloss.yaml: error: changed by coder ben"))
    let told = try box.gloss("-C", ben, "validate", "--range", "..mine", "--rules-from", "origin/main", in: box.root)
    #expect(told.status == 1 && told.stdout.contains("only leads change gloss.yaml"))

    // Honest: an empty server takes its rules from the lead's first push, then judges ben by them.
    let empty = try BareRemote(box, from: nil)
    try box.git("remote", "add", "fresh", empty.path)
    let first = try Shell.run("/usr/bin/git", ["push", "fresh", "main"], in: box.path, env: empty.env)
    #expect(first.status == 0, "\(first.stderr)")
    try empty.expectRefused(from: ben, "mine:refs/heads/mine", naming: [root, "only leads change gloss.yaml"])
  }

  @Test func aRevokedLeadCannotWriteFromOldHistoryNorBringItBackByMerge() throws {
    let (box, server) = try team()
    func leadPush() throws {
      let run = try Shell.run("/usr/bin/git", ["push", "-q", server.path, "main"], in: box.path, env: server.env)
      #expect(run.status == 0, "\(run.stderr)")
    }
    #expect(try box.gloss("coder", "add", "ben", "--email", "ben@example.org", "--lead").status == 0)
    try leadPush()
    // While a lead, ben makes eve a lead on a side branch: accepted then.
    let ben = try server.clone(as: "ben")
    let asLead = try head(box, ben)
    try server.git(ben, "checkout", "-q", "-b", "b-old")
    #expect(
      try box.gloss("-C", ben, "--as", "ben", "coder", "add", "eve", "--email", "eve@example.org", "--lead").status == 0
    )
    try server.expectAccepted(from: ben, "HEAD:refs/heads/b-old")
    // The lead revokes ben on main.
    try box.write(
      "project/gloss.yaml",
      try box.read("gloss.yaml").replacingOccurrences(of: "leads: [lead, ben]", with: "leads: [lead]"))
    try box.git("commit", "-qam", "gloss: lead revokes ben", "--trailer", "Gloss-Coder: lead")
    try leadPush()
    // A commit built on the history where ben still led is judged by today's rules.
    try server.git(ben, "checkout", "-q", "-b", "stale", asLead)
    try append(ben + "/documents/interview-34.txt", "Stale rights.\n")
    try server.git(ben, "commit", "-qam", "edit", "--trailer", "Gloss-Coder: ben")
    try server.expectRefused(
      from: ben, "HEAD:refs/heads/stale", naming: [try head(box, ben), "only leads change documents/interview-34.txt"])
    // Merging the old branch and settling the gloss.yaml conflict with its side is a write.
    try server.git(ben, "fetch", "-q", "origin")
    try server.git(ben, "checkout", "-q", "-B", "main", "origin/main")
    try server.git(ben, "merge", "-q", "--no-edit", "origin/b-old")
    try server.git(ben, "checkout", "--theirs", "gloss.yaml")
    try server.git(ben, "commit", "-qam", "merge b-old", "--trailer", "Gloss-Coder: ben")
    try server.expectRefused(
      from: ben, "HEAD:main",
      naming: [try head(box, ben), "gloss.yaml", "merged by coder ben; only leads change gloss.yaml"])
    // Honest: the lead settles the same conflict.
    try box.git("pull", "-q", "--no-rebase", server.path, "b-old")
    try box.git("checkout", "--ours", "gloss.yaml")
    try box.git("commit", "-qam", "merge b-old", "--trailer", "Gloss-Coder: lead")
    try leadPush()
  }

  @Test func aTrailerCountsOnlyWithTheCodersEmail() throws {
    let (box, server) = try team()
    let ben = try server.clone(as: "ben")
    let yaml = ben + "/gloss.yaml"
    try String(contentsOfFile: yaml, encoding: .utf8).replacingOccurrences(
      of: "leads: [lead]", with: "leads: [lead, ben]"
    )
    .write(toFile: yaml, atomically: true, encoding: .utf8)
    try server.git(ben, "commit", "-qam", "gloss: lead makes ben a lead", "--trailer", "Gloss-Coder: lead")
    try server.expectRefused(
      from: ben, "HEAD:main",
      naming: [
        try head(box, ben), "gloss.yaml",
        "Gloss-Coder: lead, but the author e-mail ben@example.org is not one of lead's (lead@example.org); it is ben's",
        "only leads change gloss.yaml",
      ])
    // A lead with no e-mail listed cannot be claimed by anyone once a map exists.
    try box.write(
      "project/gloss.yaml",
      try box.read("gloss.yaml").replacingOccurrences(of: "leads: [lead]", with: "leads: [lead, boss]"))
    try box.git("commit", "-qam", "gloss: lead adds boss", "--trailer", "Gloss-Coder: lead")
    try Shell.run("/usr/bin/git", ["push", "-q", server.path, "main"], in: box.path, env: server.env)
    try server.git(ben, "reset", "-q", "--hard", "HEAD~1")
    try server.git(ben, "pull", "-q", "--ff-only")
    try append(ben + "/documents/interview-34.txt", "More.\n")
    try server.git(ben, "commit", "-qam", "edit", "--trailer", "Gloss-Coder: boss")
    try server.expectRefused(
      from: ben, "HEAD:main",
      naming: ["boss has no e-mail under coders:", "only leads change documents/interview-34.txt"])
    // Honest: the lead's own commit to gloss.yaml, with the lead's e-mail.
    #expect(try box.gloss("blind", "on").status == 0)
    let push = try Shell.run("/usr/bin/git", ["push", server.path, "main"], in: box.path, env: server.env)
    #expect(push.status == 0, "\(push.stderr)")
  }

  @Test func onlyLeadsChangeTranscriptsAndExistingCodes() throws {
    let (box, server) = try team()
    let ben = try server.clone(as: "ben")
    let main = try head(box, ben)
    func attempt(_ edit: () throws -> Void, naming: [String]) throws {
      try server.git(ben, "reset", "-q", "--hard", main)
      try edit()
      try server.git(ben, "add", "-A")
      try server.git(ben, "commit", "-qm", "ben's change", "--trailer", "Gloss-Coder: ben")
      try server.expectRefused(from: ben, "HEAD:main", naming: [try head(box, ben)] + naming)
    }
    let book = ben + "/codebook.yaml"
    try attempt(
      { try append(ben + "/documents/interview-34.txt", "Rewritten.\n") },
      naming: ["only leads change documents/interview-34.txt"])
    try attempt(
      { try FileManager.default.removeItem(atPath: ben + "/documents/interview-34.txt") },
      naming: ["documents/interview-34.txt: error: changed by coder ben"])
    try attempt({ try append(ben + "/.gitattributes", "* -text\n") }, naming: ["only leads change .gitattributes"])
    try attempt(
      {
        try String(contentsOfFile: book, encoding: .utf8).replacingOccurrences(
          of: "name: Data-missing-value", with: "name: Missing"
        )
        .write(toFile: book, atomically: true, encoding: .utf8)
      }, naming: ["changes code 'data-missing-value'; only leads rename or edit existing codes"])
    try attempt(
      { try "codes: []\n".write(toFile: book, atomically: true, encoding: .utf8) },
      naming: ["removes code 'data-containing-outliers'"])
    // Honest: open coding, ben adds a code.
    try server.git(ben, "reset", "-q", "--hard", main)
    #expect(try box.gloss("-C", ben, "--as", "ben", "code", "add", "Ben-idea").status == 0)
    try server.expectAccepted(from: ben, "HEAD:main")
    // Until the lead locks the codebook.
    try box.write("project/gloss.yaml", try box.read("gloss.yaml") + "codebook: locked\n")
    try box.git("pull", "-q", "--no-rebase", server.path, "main")
    try box.git("commit", "-qam", "gloss: lead locks the codebook", "--trailer", "Gloss-Coder: lead")
    #expect(try Shell.run("/usr/bin/git", ["push", server.path, "main"], in: box.path, env: server.env).status == 0)
    try server.git(ben, "pull", "-q", "--ff-only")
    // Locally, gloss refuses up front and commits nothing.
    let locked = try head(box, ben)
    let local = try box.gloss("-C", ben, "--as", "ben", "code", "add", "Another-idea")
    #expect(local.status == 1 && local.stderr.hasPrefix("error: ben may not make this change: codebook.yaml: "))
    #expect(local.stderr.contains("the codebook is locked") && local.stderr.split(separator: "\n").count == 1)
    #expect(try head(box, ben) == locked && server.git(ben, "status", "--porcelain").stdout.isEmpty)
    // A commit made by hand gets as far as the server, which refuses it.
    try append(book, "  - id: another-idea\n    name: Another-idea\n")
    try server.git(ben, "commit", "-qam", "ben adds a code", "--trailer", "Gloss-Coder: ben")
    try server.expectRefused(from: ben, "HEAD:main", naming: ["codebook.yaml", "the codebook is locked"])
  }

  @Test func linksAreRefusedEverywhereAndNeverFollowed() throws {
    let (box, server) = try team()
    let ben = try server.clone(as: "ben")
    let secret = try box.write("outside/secret.txt", "SECRET-TOKEN-4242\n")
    try FileManager.default.createSymbolicLink(atPath: ben + "/documents/x.txt", withDestinationPath: secret)
    // A linked folder is not entered either.
    try box.write("outside/folder/interview-34.jsonl", "SECRET-TOKEN-4242\n")
    try FileManager.default.createDirectory(atPath: ben + "/annotations", withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(
      atPath: ben + "/annotations/eve", withDestinationPath: box.root + "/outside/folder")
    let tree = try box.gloss("-C", ben, "validate", in: box.root)
    #expect(tree.status == 1)
    #expect(tree.stdout.contains("documents/x.txt: error: is a symbolic link"))
    #expect(tree.stdout.contains("annotations/eve: error: is a symbolic link"))
    #expect(!(tree.stdout + tree.stderr).contains("SECRET"))
    try FileManager.default.removeItem(atPath: ben + "/annotations/eve")
    try server.git(ben, "add", "-A")
    for target in [["--staged"], []] {
      let run = try box.gloss(args: ["-C", ben, "validate"] + target, in: box.root)
      #expect(run.status == 1 && run.stdout.contains("documents/x.txt: error: is a symbolic link"))
      #expect(!(run.stdout + run.stderr).contains("SECRET"))
    }
    try server.git(ben, "commit", "-qm", "a link", "--trailer", "Gloss-Coder: ben")
    let shown = try box.gloss("-C", ben, "doc", "show", "x", in: box.root)
    #expect(shown.status == 1 && !shown.stdout.contains("outside"))
    #expect(try box.gloss("-C", ben, "validate", "--rev", "HEAD", in: box.root).stdout.contains("is a symbolic link"))
    try server.expectRefused(from: ben, "HEAD:main", naming: [try head(box, ben), "documents/x.txt", "symbolic link"])
    // A gitlink (submodule entry) in a coder's own folder.
    try server.git(ben, "reset", "-q", "--hard", "origin/main")
    let commit = try box.git("rev-parse", "HEAD", in: ben).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    try server.git(ben, "update-index", "--add", "--cacheinfo", "160000,\(commit),annotations/ben/sub")
    try server.git(ben, "commit", "-qm", "a submodule", "--trailer", "Gloss-Coder: ben")
    try server.expectRefused(from: ben, "HEAD:main", naming: ["annotations/ben/sub", "submodule"])
    let range = try box.gloss("-C", ben, "validate", "--range", "origin/main..HEAD", in: box.root)
    #expect(range.status == 1 && range.stdout.contains("annotations/ben/sub: error: is a submodule"))
    // Honest: the same document as a regular file.
    try server.git(ben, "reset", "-q", "--hard", "origin/main")
    #expect(try box.gloss("-C", ben, "validate", in: box.root).status == 0)
  }

  @Test func aShallowCloneIsAnErrorNotValid() throws {
    let (box, server) = try team()
    let ben = try server.clone(as: "ben")
    try box.gloss("-C", ben, "--as", "ben", "add", "interview-34", "data-missing-value", "--para", "3")
    try server.expectAccepted(from: ben, "HEAD:main")
    let shallow = box.root + "/shallow"
    try box.git("clone", "-q", "--depth", "1", "file://" + server.path, shallow, in: box.root)
    let range = try box.gloss("-C", shallow, "validate", "--range", "..HEAD", in: box.root)
    #expect(range.status == 1)
    #expect(range.stderr.hasPrefix("error: history is incomplete: this is a shallow clone"))
    #expect(range.stderr.split(separator: "\n").count == 1 && !range.stderr.contains("valid\n"))
    let script = try Shell.run(
      "/bin/sh", [CIRecipeTests.repositoryRoot + "/hooks/ci/gloss-check.sh"], in: shallow,
      env: box.env.merging(["GLOSS": Shell.glossPath]) { $1 })
    #expect(script.status != 0)
    #expect(script.stderr.contains("history is incomplete") && !script.stderr.contains("valid\n"))
    // A parent object lost from a full repository is reported the same way.
    let lost = try box.git("rev-parse", "HEAD~2").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    try FileManager.default.removeItem(
      atPath: box.path + "/.git/objects/\(lost.prefix(2))/\(lost.dropFirst(2))")
    let broken = try box.gloss("validate", "--range", "..HEAD")
    #expect(broken.status == 1)
    #expect(broken.stderr.hasPrefix("error: history is incomplete: commit ") && broken.stderr.contains("is missing"))
    // Honest: the full clone validates.
    let full = try Shell.run(
      "/bin/sh", [CIRecipeTests.repositoryRoot + "/hooks/ci/gloss-check.sh"], in: ben,
      env: box.env.merging(["GLOSS": Shell.glossPath]) { $1 })
    #expect(full.status == 0, "\(full.stdout)\(full.stderr)")
  }

  @Test func everyReferenceIsCheckedAndHistoryIsNeverRewritten() throws {
    let (box, server) = try team()
    let ana = try server.clone(as: "ana")
    try server.git(ana, "checkout", "-q", "-b", "ana-work")
    try box.gloss("-C", ana, "--as", "ana", "add", "interview-34", "data-missing-value", "--para", "5")
    try server.expectAccepted(from: ana, "HEAD:refs/heads/ana-work")
    try server.expectAccepted(from: ana, "HEAD:main")
    let ben = try server.clone(as: "ben")
    try server.expectRefused(from: ben, "--force", "HEAD~1:main", naming: ["refs/heads/main", "not a fast-forward"])
    try server.expectRefused(from: ben, ":ana-work", naming: ["deleting refs/heads/ana-work is refused"])
    // A forged commit under any reference that is not a branch.
    try "".write(toFile: ben + "/annotations/ana/interview-34.jsonl", atomically: true, encoding: .utf8)
    try server.git(ben, "commit", "-qam", "forged", "--trailer", "Gloss-Coder: ben")
    for ref in ["refs/tags/v1", "refs/notes/commits", "refs/for/main", "refs/anything/else"] {
      try server.expectRefused(
        from: ben, "HEAD:\(ref)", naming: [try head(box, ben), "only ana (or a lead) writes it"])
    }
    // The update hook alone refuses it too.
    try FileManager.default.removeItem(atPath: server.path + "/hooks/pre-receive")
    try server.expectRefused(from: ben, "HEAD:main", naming: ["gloss: refs/heads/main rejected"])
    // Honest: a lead allows a rewrite on purpose.
    try server.git(ben, "reset", "-q", "--hard", "origin/main")
    try box.git("config", "gloss.allowRewrite", "true", in: server.path)
    try server.expectAccepted(from: ben, "--force", "HEAD~1:main")
    try server.expectAccepted(from: ben, ":ana-work")
  }

  @Test func onlyCommitsNewToTheServerAreValidated() throws {
    let box = try codedSandbox()
    try box.gloss("coder", "add", "ben", "--email", "ben@example.org")
    // An old forged commit, already on the server before the hooks were installed.
    try box.write("project/annotations/ana/interview-34.jsonl", "")
    try box.git("add", "-A")
    try box.git("commit", "-qm", "old forgery", "--trailer", "Gloss-Coder: ben")
    let server = try BareRemote(box, from: box.path)
    let ben = try server.clone(as: "ben")
    // ben's own pre-push hook, too, checks only what the server does not have.
    #expect(try box.gloss("-C", ben, "hooks", "install", in: box.root).status == 0)
    try server.git(ben, "checkout", "-q", "-b", "ben-new")
    try box.gloss("-C", ben, "--as", "ben", "add", "interview-34", "data-missing-value", "--para", "3")
    try server.expectAccepted(from: ben, "HEAD:refs/heads/ben-new")
  }

  @Test func codersAreManagedByLeadsAndInitRecordsTheLeadsEmail() throws {
    let box = try Sandbox(coders: [])
    #expect(try box.read("gloss.yaml").contains("coders:\n  lead: [\"lead@example.org\"]\n"))
    #expect(try box.gloss("coder", "add", "ana", "--email", "ana@example.org", "--email", "ana@home.org").status == 0)
    let refused = try box.gloss("--as", "ana", "coder", "add", "ana", "--email", "ana@elsewhere.org")
    #expect(refused.status == 1 && refused.stderr.contains("only a lead"), "\(refused.stderr)")
    #expect(try box.gloss("coder", "add", "kim", "--email", "kim@example.org", "--lead").status == 0)
    #expect(try box.gloss("coder", "add", "bad", "--email", "not-an-email").status == 1)
    #expect(try box.gloss("coder", "rm", "kim").status == 0)
    let listed = try box.gloss("--as", "ana", "coder", "list", "--format", "json")
    #expect(
      listed.stdout
        == #"[{"name":"ana","emails":["ana@example.org","ana@home.org"],"lead":false},{"name":"lead","emails":["lead@example.org"],"lead":true}]"#
        + "\n")
    #expect(try box.gloss("coder", "list").stdout.contains("ana"))
    #expect(try box.gloss("coder", "rm", "lead").stderr.contains("only lead"))
    #expect(try box.commitCount() == 4)
    try box.expectHealthy()
    // A server without a map is warned about.
    let bare = box.root + "/empty.git"
    try box.git("init", "-q", "--bare", bare, in: box.root)
    let install = try box.gloss("-C", bare, "hooks", "install", "--server", in: box.root)
    #expect(install.status == 0 && install.stderr.contains("warning:") && install.stderr.contains("coders:"))
    #expect(FileManager.default.isExecutableFile(atPath: bare + "/hooks/update"))
  }
}
