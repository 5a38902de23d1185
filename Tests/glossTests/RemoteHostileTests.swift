import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// What a hostile or broken world does to a remote operation: a server that accepts the
/// connection and never answers, credential helpers that hang, flood or print garbage,
/// passwords with every special character, users and passwords written in the URL. Each case
/// ends in seconds with one error that says what happened, and never shows a password.
@Suite(.enabled(if: RemoteServers.available, "sshd, nginx, fcgiwrap or openssl missing: make deps"))
struct RemoteHostileTests {
  typealias Transport = RemoteTransportTests.Transport

  /// libgit2 1.5 has no timeouts: without gloss's watchdog these would wait forever.
  @Test(arguments: Transport.allCases) func aServerThatNeverAnswersIsCutOffInSeconds(_ transport: Transport) throws {
    let servers = try RemoteServers.servers()
    let silent = try SilentServer()
    let box = try Sandbox()
    try servers.setUpSSH(in: box)
    let url =
      transport == .ssh
      ? "ssh://\(servers.user)@127.0.0.1:\(silent.port)/srv/study.git" : "https://127.0.0.1:\(silent.port)/study.git"
    let env = ["GLOSS_REMOTE_TIMEOUT": "2", "SSL_CERT_FILE": servers.caFile, "GLOSS_TOKEN": "t"]
    let clone = try servers.gloss(box, ["clone", url, "ana"], in: box.root, env: env)
    #expect(clone.run.status == 1, "\(clone.run.stderr)")
    #expect(clone.seconds < 8, "took \(clone.seconds) s")
    #expect(
      clone.run.stderr == "error: \(url): the server stopped answering (nothing came for 2 s), so gloss gave up; "
        + "check the address and that the server is up, or set GLOSS_REMOTE_TIMEOUT=SECONDS to wait longer\n",
      "\(clone.run.stderr)")
    #expect(!FileManager.default.fileExists(atPath: box.root + "/ana"))
    // A push to it, from a project whose origin it is.
    try box.git("remote", "add", "origin", url)
    let push = try servers.gloss(box, ["push"], env: env)
    #expect(push.run.status == 1 && push.seconds < 8, "\(push.run.stderr) \(push.seconds)")
    #expect(push.run.stderr.contains("origin (\(url)): the server stopped answering"), "\(push.run.stderr)")
  }

  /// Helpers given as absolute paths: one floods, one hangs (with a child of its own), one
  /// prints binary junk and CRLF lines before the credential. The first two are stopped and
  /// named in the error; the hanging one's child goes with it; their stderr is not shown.
  @Test func hangingFloodingAndGarbageHelpers() throws {
    let servers = try RemoteServers.servers()
    let box = try Sandbox()
    _ = try RemoteTransportTests().published(box, .https, servers)
    func script(_ name: String, _ body: String) throws -> String {
      let path = box.root + "/" + name
      try ("#!/bin/sh\n" + body + "\n").write(toFile: path, atomically: true, encoding: .utf8)
      try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
      return path
    }
    let flood = try script("flood", "echo flood-noise >&2\nexec yes garbage")
    let hang = try script("hang", "echo hang-noise >&2\nsleep 300 &\necho $! > \"$0.pid\"\nwait")
    let garbage = try script(
      "garbage",
      #"printf '\377\376junk\r\n=nokey\r\nnoequals\r\nusername=cy\r\npassword='; cat "$0.pw"; printf '\r\n'"#)
    try RemoteServers.nastyPassword.write(toFile: garbage + ".pw", atomically: true, encoding: .utf8)
    for helper in [flood, hang] {
      #expect(try box.git("config", "--global", "--add", "credential.helper", helper).status == 0)
    }
    let env = ["SSL_CERT_FILE": servers.caFile, "GLOSS_TEST_HELPER_TIMEOUT": "1"]
    let fetch = try servers.gloss(box, ["fetch"], env: env)
    #expect(fetch.run.status == 1 && fetch.seconds < 8, "\(fetch.run.stderr) \(fetch.seconds)")
    #expect(fetch.run.stderr.contains("credential helper '\(flood)' printed more than 64 KiB and was stopped"))
    #expect(fetch.run.stderr.contains("credential helper '\(hang)' did not answer within 1 s and was stopped"))
    #expect(fetch.run.stderr.split(separator: "\n").count == 1, "\(fetch.run.stderr)")
    #expect(!fetch.run.stderr.contains("noise"), "a helper's stderr was shown without a terminal")
    // The hanging helper's own child was stopped with it (gone, or a zombie awaiting its reaper).
    let child = try #require(Int32(try String(contentsOfFile: hang + ".pid", encoding: .utf8).trimmed))
    var alive = true
    for _ in 0..<50 where alive {
      let stat = (try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8)) ?? ""
      alive = kill(child, 0) == 0 && !stat.contains(") Z ")
      if alive { usleep(20_000) }
    }
    #expect(!alive, "the helper's child \(child) still runs")
    if alive { kill(child, SIGKILL) }

    #expect(try box.git("config", "--global", "--add", "credential.helper", garbage).status == 0)
    let given = try servers.gloss(box, ["fetch"], env: env)
    #expect(given.run.status == 0, "\(given.run.stderr)")
    #expect(given.seconds < 8)
  }

  /// A password with `@ : / % " ' \ $ ü # ? & = +` and spaces: from the environment, from git's
  /// store (the git CLI writes it, the witness), and percent-encoded in the URL; a user written
  /// in the URL is the one asked for.
  @Test func specialPasswordsAndAUserInTheURL() throws {
    let servers = try RemoteServers.servers()
    let box = try Sandbox()
    let (_, url) = try RemoteTransportTests().published(box, .https, servers)
    let ca = ["SSL_CERT_FILE": servers.caFile]
    let user = RemoteServers.nastyUser
    let password = RemoteServers.nastyPassword
    let fromEnvironment = try servers.gloss(
      box, ["clone", url, "one"], in: box.root,
      env: ca.merging(["GLOSS_GIT_USERNAME": user, "GLOSS_GIT_PASSWORD": password]) { $1 })
    #expect(fromEnvironment.run.status == 0, "\(fromEnvironment.run.stderr)")

    // The URL names the user; only a password comes from the environment.
    let withUser = url.replacingOccurrences(of: "https://", with: "https://\(user)@")
    let urlUser = try servers.gloss(
      box, ["clone", withUser, "two"], in: box.root, env: ca.merging(["GLOSS_GIT_PASSWORD": password]) { $1 })
    #expect(urlUser.run.status == 0, "\(urlUser.run.stderr)")

    // git's store keeps it percent-encoded; the helper is asked for the URL's user.
    #expect(try box.git("config", "--global", "credential.helper", "store").status == 0)
    let input = "protocol=https\nhost=127.0.0.1:\(servers.httpsPort)\nusername=\(user)\npassword=\(password)\n\n"
    let approve = try Shell.run("/usr/bin/git", ["credential", "approve"], in: box.root, env: box.env, stdin: input)
    #expect(approve.status == 0, "\(approve.stderr)")
    let stored = try servers.gloss(box, ["clone", withUser, "three"], in: box.root, env: ca)
    #expect(stored.run.status == 0, "\(stored.run.stderr)")

    // Written in the URL, percent-encoded: it works and is never shown.
    let encoded = try #require(password.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
    let inURL = url.replacingOccurrences(of: "https://", with: "https://\(user):\(encoded)@")
    try FileManager.default.removeItem(atPath: box.root + "/home/.git-credentials")
    let secret = try servers.gloss(box, ["clone", inURL, "four"], in: box.root, env: ca)
    #expect(secret.run.status == 0, "\(secret.run.stderr)")
    #expect(secret.run.stdout == "cloned \(withUser) into \(box.root)/four\n", "\(secret.run.stdout)")
    let wrong = url.replacingOccurrences(of: "https://", with: "https://\(user):WRONGsecret@")
    let refused = try servers.gloss(box, ["clone", wrong, "five"], in: box.root, env: ca)
    #expect(refused.run.status == 1 && refused.seconds < 10)
    #expect(refused.run.stderr.hasPrefix("error: \(withUser): refused the password in the URL for 'cy'"))
    #expect(!refused.run.stderr.contains("WRONGsecret"), "\(refused.run.stderr)")
    #expect(RemoteServers.gitRan(in: box) == nil, "gloss ran git: \(RemoteServers.gitRan(in: box) ?? "")")
  }
}

extension RemoteHostileTests {
  /// An ssh key with a passphrase and no agent: without a terminal it is skipped with advice to
  /// ssh-add it; on a terminal the passphrase is asked once (never echoed), and a wrong one
  /// fails saying so instead of asking again.
  @Test func aKeyWithAPassphrase() throws {
    let servers = try RemoteServers.servers()
    let box = try Sandbox()
    _ = try RemoteTransportTests().published(box, .ssh, servers)
    let key = box.root + "/home/.ssh/id_ed25519"
    let locked = try Shell.run(
      "/usr/bin/ssh-keygen", ["-q", "-p", "-P", "", "-N", "open sesame", "-f", key], in: box.root)
    #expect(locked.status == 0, "\(locked.stderr)")
    let fetch = try servers.gloss(box, ["fetch"])
    #expect(fetch.run.status == 1 && fetch.seconds < 10, "\(fetch.run.stderr)")
    #expect(
      fetch.run.stderr.contains("~/.ssh/id_ed25519 needs its passphrase and there is no terminal"),
      "\(fetch.run.stderr)")
    #expect(fetch.run.stderr.contains("'ssh-add ~/.ssh/id_ed25519'"), "\(fetch.run.stderr)")

    let prompt = "Enter passphrase for key '~/.ssh/id_ed25519': "
    let typed = try servers.onTerminal(
      box, ["-C", box.path, "fetch"], answers: [[prompt, "open sesame\n"]], env: [:])
    #expect(typed.status == 0, "\(typed.stdout)")
    #expect(typed.stdout.components(separatedBy: prompt).count == 2, "asked more than once: \(typed.stdout)")
    #expect(!typed.stdout.contains("sesame"), "the passphrase was echoed: \(typed.stdout)")
    let wrong = try servers.onTerminal(
      box, ["-C", box.path, "fetch"], answers: [[prompt, "open barley\n"]], env: [:])
    #expect(wrong.status == 1, "\(wrong.stdout)")
    #expect(wrong.stdout.components(separatedBy: prompt).count == 2, "asked more than once: \(wrong.stdout)")
    #expect(
      wrong.stdout.contains("tried ~/.ssh/id_ed25519 with the passphrase you typed: a wrong one"), "\(wrong.stdout)")
  }
}

extension String {
  fileprivate var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
