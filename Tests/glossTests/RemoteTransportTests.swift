import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// clone, fetch, pull and push over real ssh and https servers (RemoteServers), with the
/// server hooks installed; wrong keys, passwords, host keys and certificates fail in seconds
/// with one error that says what to do, and nothing ever prompts without a terminal. The git
/// CLI (on the bare repository itself) is the witness of what the server holds.
@Suite(.enabled(if: RemoteServers.available, "sshd, nginx, fcgiwrap or openssl missing: make deps"))
struct RemoteTransportTests {
  enum Transport: String, CaseIterable, CustomTestStringConvertible {
    case ssh, https
    var testDescription: String { rawValue }
  }

  /// A project with two coders published to a bare repository with the server hooks; the
  /// lead's origin points at it over `transport`. Returns the bare repository's path and URL.
  func published(_ box: Sandbox, _ transport: Transport, _ servers: RemoteServers) throws -> (
    bare: String, url: String
  ) {
    let bare = try SyncTests().publish(box)
    let hooks = try box.gloss("-C", bare, "hooks", "install", "--server", in: box.root)
    #expect(hooks.status == 0, "\(hooks.stderr)")
    let url = transport == .ssh ? servers.sshURL(bare) : servers.httpsURL(bare)
    try box.git("remote", "set-url", "origin", url)
    if transport == .ssh { try servers.setUpSSH(in: box) }
    return (bare, url)
  }

  /// What a client needs to get in over `transport` (the ssh key is in the sandbox's home).
  func access(_ transport: Transport, _ servers: RemoteServers) -> [String: String] {
    transport == .ssh
      ? [:]
      : [
        "SSL_CERT_FILE": servers.caFile, "GLOSS_GIT_USERNAME": RemoteServers.httpUser,
        "GLOSS_GIT_PASSWORD": RemoteServers.httpPassword,
      ]
  }

  func head(_ bare: String, _ box: Sandbox) throws -> String {
    try box.git("--git-dir", bare, "log", "-1", "--format=%H %s", "main", in: box.root).stdout
  }

  @Test(arguments: Transport.allCases) func cloneFetchPullAndPush(_ transport: Transport) throws {
    let servers = try RemoteServers.servers()
    let box = try Sandbox.twoCoders()
    let (bare, url) = try published(box, transport, servers)
    let env = access(transport, servers)

    let clone = try servers.gloss(box, ["clone", url, "ana"], in: box.root, env: env)
    #expect(clone.run.status == 0, "\(clone.run.stderr)")
    #expect(!clone.run.stderr.contains("objects"), "progress in a pipe: \(clone.run.stderr)")
    let ana = box.root + "/ana"
    #expect(try box.gloss("--as", "ana", "add", "d1", "low", "--para", "1", in: ana).status == 0)
    let push = try servers.gloss(box, ["push"], in: ana, env: env)
    #expect(push.run.status == 0, "\(push.run.stderr)")
    #expect(try head(bare, box).contains("ana adds low"), "the server does not have ana's commit")
    #expect(try box.git("rev-parse", "main", in: ana).stdout == (try head(bare, box)).prefix(40) + "\n")

    // The lead: fetch shows ana's commit as one to pull; pull without arguments takes it.
    #expect(try servers.gloss(box, ["fetch"], env: env).run.status == 0)
    let status = try servers.gloss(box, ["status", "--format", "json"], env: env).run
    #expect(status.stdout.contains("\"upstream\":\"origin/main\",\"ahead\":0,\"behind\":1"), "\(status.stdout)")
    let pull = try servers.gloss(box, ["pull"], env: env)
    #expect(pull.run.status == 0 && pull.run.stdout.contains("fast-forward"), "\(pull.run.stdout) \(pull.run.stderr)")
    #expect(try box.listing().joined().contains("ana"), "ana's assignment did not arrive")
    for step in [clone, push, pull] { #expect(step.seconds < 15) }
    // In pipes no progress, no carriage returns; and git itself never ran.
    for step in [clone, push, pull] {
      #expect(!step.run.stderr.contains("objects") && !step.run.stderr.contains("\r"), "\(step.run.stderr)")
    }
    #expect(RemoteServers.gitRan(in: box) == nil, "gloss ran git: \(RemoteServers.gitRan(in: box) ?? "")")
  }

  @Test(arguments: Transport.allCases) func aForgedPushIsRefusedWithTheServersLines(_ transport: Transport) throws {
    let servers = try RemoteServers.servers()
    let box = try Sandbox.twoCoders()
    let (bare, url) = try published(box, transport, servers)
    let env = access(transport, servers)
    #expect(try servers.gloss(box, ["clone", url, "ben"], in: box.root, env: env).run.status == 0)
    let ben = box.root + "/ben"
    // ben writes into ana's folder and says so in the trailer: the server's hook refuses it.
    #expect(try box.gloss("--as", "ana", "add", "d1", "low", "--para", "1", in: ben).status == 0)
    let forged = try box.git(
      "commit", "-q", "--amend", "-m", "gloss: ben codes for ana", "--trailer", "Gloss-Coder: ben", in: ben)
    #expect(forged.status == 0, "\(forged.stderr)")
    let before = try head(bare, box)
    let push = try servers.gloss(box, ["push"], in: ben, env: env).run
    #expect(push.status == 1, "\(push.stderr)")
    #expect(push.stderr.contains("remote: "), "no remote: lines: \(push.stderr)")
    #expect(push.stderr.contains("only ana (or a lead) writes it"), "\(push.stderr)")
    #expect(push.stderr.contains("error: push to origin refused"), "\(push.stderr)")
    #expect(try head(bare, box) == before, "the server moved")
  }

  @Test func aWrongSSHKeyFailsSayingWhichKeysWereTried() throws {
    let servers = try RemoteServers.servers()
    let box = try Sandbox()
    let (_, url) = try published(box, .ssh, servers)
    try servers.setUpSSH(in: box, key: servers.otherKey)
    let clone = try servers.gloss(box, ["clone", url, "ana"], in: box.root)
    #expect(clone.run.status == 1)
    #expect(clone.run.stderr.contains("accepted no ssh key for user '\(servers.user)'"), "\(clone.run.stderr)")
    #expect(clone.run.stderr.contains("~/.ssh/id_ed25519"), "\(clone.run.stderr)")
    #expect(clone.seconds < 10)
    #expect(!FileManager.default.fileExists(atPath: box.root + "/ana"))
  }

  @Test func anUnknownHostKeyIsRefusedAndTheAdviceWorks() throws {
    let servers = try RemoteServers.servers()
    let box = try Sandbox()
    let (_, url) = try published(box, .ssh, servers)
    try servers.setUpSSH(in: box, trusted: false)
    let clone = try servers.gloss(box, ["clone", url, "ana"], in: box.root)
    #expect(clone.run.status == 1 && clone.seconds < 10)
    let advice = "ssh-keyscan -p \(servers.sshPort) 127.0.0.1 >> \(box.root)/home/.ssh/known_hosts"
    #expect(clone.run.stderr.contains(advice), "\(clone.run.stderr)")
    #expect(clone.run.stderr.contains("SHA256:"), "no fingerprint: \(clone.run.stderr)")
    #expect(clone.run.stderr.split(separator: "\n").count == 1, "\(clone.run.stderr)")
    #expect(!FileManager.default.fileExists(atPath: box.root + "/ana"))
    // Following the advice lets the clone through.
    let scan = try Shell.run("/bin/sh", ["-c", advice], in: box.root)
    #expect(scan.status == 0, "\(scan.stderr)")
    #expect(try servers.gloss(box, ["clone", url, "ana"], in: box.root).run.status == 0)
  }

  @Test func aChangedHostKeyIsRefused() throws {
    let servers = try RemoteServers.servers()
    let box = try Sandbox()
    _ = try published(box, .ssh, servers)
    // known_hosts lists another ed25519 key for the server: someone may be in between.
    let other = try String(contentsOfFile: servers.otherKey + ".pub", encoding: .utf8)
      .split(separator: " ").prefix(2).joined(separator: " ")
    try "[127.0.0.1]:\(servers.sshPort) \(other)\n"
      .write(toFile: box.root + "/home/.ssh/known_hosts", atomically: true, encoding: .utf8)
    let fetch = try servers.gloss(box, ["fetch"])
    #expect(fetch.run.status == 1 && fetch.seconds < 10)
    #expect(fetch.run.stderr.contains("CHANGED"), "\(fetch.run.stderr)")
    #expect(fetch.run.stderr.contains("ssh-keygen -R \"[127.0.0.1]:\(servers.sshPort)\""), "\(fetch.run.stderr)")
  }

  @Test func keysComeFromSSHAgent() throws {
    let servers = try RemoteServers.servers()
    let box = try Sandbox()
    _ = try published(box, .ssh, servers)
    for suffix in ["", ".pub"] {
      try FileManager.default.removeItem(atPath: box.root + "/home/.ssh/id_ed25519" + suffix)
    }
    let socket = box.root + "/agent.sock"
    let agent = Process()
    agent.executableURL = URL(fileURLWithPath: "/usr/bin/ssh-agent")
    agent.arguments = ["-D", "-a", socket]
    agent.standardInput = FileHandle.nullDevice
    agent.standardOutput = FileHandle.nullDevice
    agent.standardError = FileHandle.nullDevice
    try agent.run()
    defer {
      // ssh-agent -D does not always act on SIGTERM.
      kill(agent.processIdentifier, SIGKILL)
      agent.waitUntilExit()
    }
    for _ in 0..<100 where !FileManager.default.fileExists(atPath: socket) { usleep(20_000) }
    let added = try Shell.run("/usr/bin/ssh-add", [servers.userKey], in: box.root, env: ["SSH_AUTH_SOCK": socket])
    #expect(added.status == 0, "\(added.stderr)")
    let without = try servers.gloss(box, ["fetch"])
    #expect(without.run.status == 1 && without.run.stderr.contains("no key found"), "\(without.run.stderr)")
    let fetch = try servers.gloss(box, ["fetch"], env: ["SSH_AUTH_SOCK": socket])
    #expect(fetch.run.status == 0, "\(fetch.run.stderr)")
  }

  /// libgit2 cannot run an ssh program, but the key and known_hosts options of
  /// GIT_SSH_COMMAND / core.sshCommand are followed.
  @Test func theSSHCommandsKeyAndKnownHostsAreUsed() throws {
    let servers = try RemoteServers.servers()
    let box = try Sandbox()
    let (_, url) = try published(box, .ssh, servers)
    try FileManager.default.removeItem(atPath: box.root + "/home/.ssh")
    try servers.hostKeyLine.write(toFile: box.root + "/hosts", atomically: true, encoding: .utf8)
    // Hashed, as ssh writes known_hosts on Debian (HashKnownHosts yes).
    let hashed = try Shell.run("/usr/bin/ssh-keygen", ["-H", "-f", box.root + "/hosts"], in: box.root)
    let hosts = try String(contentsOfFile: box.root + "/hosts", encoding: .utf8)
    #expect(hashed.status == 0 && hosts.hasPrefix("|1|") && !hosts.contains("127.0.0.1"), "\(hosts)")
    let command = "ssh -i '\(servers.userKey)' -o UserKnownHostsFile=\(box.root)/hosts"
    let viaEnvironment = try servers.gloss(box, ["clone", url, "a"], in: box.root, env: ["GIT_SSH_COMMAND": command])
    #expect(viaEnvironment.run.status == 0, "\(viaEnvironment.run.stderr)")
    #expect(try box.git("config", "--global", "core.sshCommand", command).status == 0)
    let viaConfig = try servers.gloss(box, ["fetch"])
    #expect(viaConfig.run.status == 0, "\(viaConfig.run.stderr)")
  }

  @Test func aWrongPasswordFailsOnceAndFast() throws {
    let servers = try RemoteServers.servers()
    let box = try Sandbox()
    let (_, url) = try published(box, .https, servers)
    let clone = try servers.gloss(
      box, ["clone", url, "ana"], in: box.root,
      env: ["SSL_CERT_FILE": servers.caFile, "GLOSS_GIT_USERNAME": "ana", "GLOSS_GIT_PASSWORD": "wrong"])
    #expect(clone.run.status == 1 && clone.seconds < 10)
    #expect(clone.run.stderr.contains("refused the password for 'ana' from GLOSS_GIT_PASSWORD"), "\(clone.run.stderr)")
    #expect(clone.run.stderr.hasPrefix("error: \(url): "), "\(clone.run.stderr)")
  }

  /// CI: no terminal and no credential. One error naming the remote and what to set, at once.
  @Test func withoutATerminalAMissingCredentialFailsInSeconds() throws {
    let servers = try RemoteServers.servers()
    let box = try Sandbox()
    _ = try published(box, .https, servers)
    // No GIT_TERMINAL_PROMPT=0 here: a pipe for stdin is enough for gloss not to ask.
    let fetch = try servers.gloss(box, ["fetch"], env: ["SSL_CERT_FILE": servers.caFile, "GIT_TERMINAL_PROMPT": ""])
    #expect(fetch.run.status == 1 && fetch.seconds < 10)
    let lines = fetch.run.stderr.split(separator: "\n")
    #expect(lines.count == 1, "\(fetch.run.stderr)")
    #expect(fetch.run.stderr.hasPrefix("error: origin (https://127.0.0.1:\(servers.httpsPort)"), "\(fetch.run.stderr)")
    #expect(fetch.run.stderr.contains("GLOSS_TOKEN") && fetch.run.stderr.contains("credential.helper"))
    // The token from the environment is what CI sets.
    let token = try servers.gloss(
      box, ["fetch"],
      env: ["SSL_CERT_FILE": servers.caFile, "GLOSS_GIT_USERNAME": "ana", "GLOSS_TOKEN": RemoteServers.httpPassword])
    #expect(token.run.status == 0, "\(token.run.stderr)")
  }

  @Test func anUntrustedCertificateIsAnErrorAndSSLCAInfoIsHonoured() throws {
    let servers = try RemoteServers.servers()
    let box = try Sandbox()
    let (_, url) = try published(box, .https, servers)
    let credentials = ["GLOSS_GIT_USERNAME": "ana", "GLOSS_GIT_PASSWORD": RemoteServers.httpPassword]
    let clone = try servers.gloss(box, ["clone", url, "ana"], in: box.root, env: credentials)
    #expect(clone.run.status == 1 && clone.seconds < 10)
    #expect(clone.run.stderr.contains("TLS certificate of 127.0.0.1 is not trusted"), "\(clone.run.stderr)")
    #expect(clone.run.stderr.contains("http.sslCAInfo"))
    #expect(!FileManager.default.fileExists(atPath: box.root + "/ana"))
    #expect(try box.git("config", "--global", "http.sslCAInfo", servers.caFile).status == 0)
    let trusted = try servers.gloss(box, ["clone", url, "ana"], in: box.root, env: credentials)
    #expect(trusted.run.status == 0, "\(trusted.run.stderr)")
  }

  /// git's credential protocol with git-credential-store: a stored password is used; one that
  /// worked is stored (as git does after success); one the server refused is erased.
  @Test func credentialHelpersGetStoreAndErase() throws {
    let servers = try RemoteServers.servers()
    let box = try Sandbox()
    let (_, url) = try published(box, .https, servers)
    let store = box.root + "/home/.git-credentials"
    let env = ["SSL_CERT_FILE": servers.caFile]
    func approve(_ password: String) throws {
      let input = "protocol=https\nhost=127.0.0.1:\(servers.httpsPort)\nusername=ana\npassword=\(password)\n\n"
      let run = try Shell.run("/usr/bin/git", ["credential", "approve"], in: box.root, env: box.env, stdin: input)
      #expect(run.status == 0, "\(run.stderr)")
    }
    // 1. A password stored by git (the witness) is used.
    #expect(try box.git("config", "--global", "credential.helper", "store").status == 0)
    try approve(RemoteServers.httpPassword)
    let stored = try servers.gloss(box, ["clone", url, "one"], in: box.root, env: env)
    #expect(stored.run.status == 0, "\(stored.run.stderr)")

    // 2. A wrong stored password is refused once and erased from the store.
    try FileManager.default.removeItem(atPath: store)
    try approve("wrong")
    let refused = try servers.gloss(box, ["clone", url, "two"], in: box.root, env: env)
    #expect(refused.run.status == 1 && refused.seconds < 10)
    #expect(refused.run.stderr.contains("from credential helper 'store' (erased"), "\(refused.run.stderr)")
    #expect(!(try String(contentsOfFile: store, encoding: .utf8)).contains("wrong"))

    // 3. A password from another helper that worked is stored for next time.
    #expect(
      try box.git(
        "config", "--global", "--add", "credential.helper",
        "!f() { test \"$1\" = get && printf 'username=ana\\npassword=\(RemoteServers.httpPassword)\\n'; }; f"
      ).status == 0)
    let given = try servers.gloss(box, ["clone", url, "three"], in: box.root, env: env)
    #expect(given.run.status == 0, "\(given.run.stderr)")
    #expect(try String(contentsOfFile: store, encoding: .utf8).contains("ana:s3cret%20pass@127.0.0.1"))
    #expect(RemoteServers.gitRan(in: box) == nil, "gloss ran git: \(RemoteServers.gitRan(in: box) ?? "")")
  }

  /// On a terminal (a pseudo-terminal driven by Tests/e2e/terminal.py, which types each answer
  /// only once its prompt shows): progress lines, and a prompt asked once — a refused answer
  /// fails instead of asking again — with the password never echoed.
  @Test func onATerminalItShowsProgressAndAsksOnce() throws {
    let servers = try RemoteServers.servers()
    let box = try Sandbox.twoCoders()
    let (_, url) = try published(box, .https, servers)
    func onTerminal(_ arguments: [String], answers: [[String]] = [], _ env: [String: String]) throws -> Run {
      try servers.onTerminal(box, arguments, answers: answers, env: env)
    }
    let given = [
      "SSL_CERT_FILE": servers.caFile, "GLOSS_GIT_USERNAME": "ana", "GLOSS_GIT_PASSWORD": RemoteServers.httpPassword,
    ]
    let progress = try onTerminal(["clone", url, "one"], given)
    #expect(progress.status == 0 && progress.stdout.contains("Receiving objects: 100%"), "\(progress.stdout)")
    #expect(try box.gloss("--as", "ana", "add", "d1", "low", "--para", "1", in: box.root + "/one").status == 0)
    let push = try onTerminal(["-C", "one", "push"], given)
    #expect(push.status == 0 && push.stdout.contains("Writing objects: 100%"), "\(push.stdout)")
    // The lead's project has not seen ana's commit yet: fetch receives it, with progress.
    let fetch = try onTerminal(["-C", box.path, "fetch"], given)
    #expect(fetch.status == 0 && fetch.stdout.contains("Receiving objects: 100%"), "\(fetch.stdout)")
    // A password with every special character, typed.
    let typed = try onTerminal(
      ["clone", url, "nasty"],
      answers: [
        ["Username for", "\(RemoteServers.nastyUser)\n"], ["Password for", RemoteServers.nastyPassword + "\n"],
      ],
      ["SSL_CERT_FILE": servers.caFile])
    #expect(typed.status == 0, "\(typed.stdout)")
    let asked = try onTerminal(
      ["clone", url, "two"], answers: [["Username for", "ana\n"], ["Password for", "wrong\n"]],
      ["SSL_CERT_FILE": servers.caFile])
    #expect(asked.status == 1, "\(asked.stdout)")
    #expect(asked.stdout.components(separatedBy: "Password for 'https://ana@127.0.0.1").count == 2, "\(asked.stdout)")
    #expect(asked.stdout.contains("refused the password for 'ana' from what you typed"), "\(asked.stdout)")
    #expect(!asked.stdout.contains("wrong"), "the password was echoed: \(asked.stdout)")
    // GIT_TERMINAL_PROMPT=0 forbids asking, as in git, even on a terminal.
    let forbidden = try onTerminal(
      ["clone", url, "three"], ["SSL_CERT_FILE": servers.caFile, "GIT_TERMINAL_PROMPT": "0"])
    #expect(forbidden.status == 1 && !forbidden.stdout.contains("Username for"), "\(forbidden.stdout)")
    #expect(forbidden.stdout.contains("needs a user name and password and none is configured"), "\(forbidden.stdout)")
  }
}
