import Foundation
import Testing

@testable import GitKit

#if canImport(Glibc)
  import Glibc
#endif

/// The pure parts of remote access: URLs as git's credential protocol sees them,
/// `credential.helper` lists, ssh command options, tokens from the environment, CA locations.
struct CredentialsTests {
  @Test func urlsOfEveryForm() throws {
    let https = try #require(RemoteURL("https://ana@git.example.org:8443/team/study.git"))
    #expect(https.scheme == "https" && https.hostAndPort == "git.example.org:8443" && https.user == "ana")
    #expect(https.display == "https://ana@git.example.org:8443/team/study.git")
    let scp = try #require(RemoteURL("git@github.com:team/study.git"))
    #expect(scp.isSSH && scp.host == "github.com" && scp.user == "git" && scp.path == "team/study.git")
    #expect(RemoteURL("/srv/git/study.git") == nil)
    #expect(RemoteURL("../study.git") == nil)
  }

  @Test func urlMatchingFollowsGit() throws {
    let url = try #require(RemoteURL("https://git.example.org/team/study.git"))
    #expect(url.matches(pattern: "https://git.example.org"))
    #expect(url.matches(pattern: "https://git.example.org/team"))
    #expect(!url.matches(pattern: "https://git.example.org/tea"))
    #expect(!url.matches(pattern: "http://git.example.org"))
    #expect(!url.matches(pattern: "https://example.org"))
    #expect(url.matches(pattern: "https://git.example.org:443/"))
  }

  @Test func helpersAccumulateAndAnEmptyValueResets() throws {
    let url = try #require(RemoteURL("https://git.example.org/study.git"))
    let config = ConfigEntries(entries: [
      ("credential.helper", "cache"), ("credential.helper", ""), ("credential.helper", "store --file ~/x"),
      ("credential.https://git.example.org.helper", "!echo hi"), ("credential.https://other.org.helper", "nope"),
    ])
    #expect(config.helpers(for: url) == ["store --file ~/x", "!echo hi"])
    #expect(CredentialHelpers.name(of: "store --file ~/x") == "store")
    #expect(CredentialHelpers.commandLine(for: "!f() { :; }; f", environment: [:]) == "f() { :; }; f")
    #expect(CredentialHelpers.commandLine(for: "no-such-helper-here", environment: ["PATH": "/nonexistent"]) == nil)
  }

  @Test func sshCommandOptionsLibssh2CanFollow() {
    let settings = SSHSettings(command: "ssh -i '/keys/my key' -l deploy -o UserKnownHostsFile=/k/hosts -p 2222")
    #expect(settings.identityFiles == ["/keys/my key"])
    #expect(settings.user == "deploy")
    #expect(settings.knownHosts == ["/k/hosts", "/etc/ssh/ssh_known_hosts"])
    #expect(SSHSettings(command: nil) == SSHSettings(command: "ssh"))
    #expect(HostKeyCheck.entryName(host: "h", port: 22) == "h" && HostKeyCheck.entryName(host: "h", port: 2) == "[h]:2")
  }

  @Test func tokensFromTheEnvironment() {
    func credential(_ host: String, _ env: [String: String]) -> Credential? {
      credential(host, nil, env)
    }
    func credential(_ host: String, _ user: String?, _ env: [String: String]) -> Credential? {
      RemoteCallbacks.environmentCredential(host: host, user: user, environment: env)
    }
    #expect(
      credential("github.com", ["GITHUB_TOKEN": "t"])
        == Credential(username: "x-access-token", password: "t", source: .environment("GITHUB_TOKEN")))
    #expect(credential("example.org", ["GITHUB_TOKEN": "t"]) == nil, "a GitHub token must not go to another host")
    #expect(credential("gitlab.com", ["GITLAB_TOKEN": "t"])?.username == "oauth2")
    #expect(credential("lab.example.org", ["GLOSS_TOKEN": "t", "GLOSS_GIT_USERNAME": "ana"])?.username == "ana")
    #expect(credential("x.org", "bob", ["GLOSS_GIT_PASSWORD": "p"])?.username == "bob")
    #expect(credential("x.org", ["GLOSS_GIT_PASSWORD": "p"]) == nil, "a password without a user name")
    #expect(credential("x.org", ["GLOSS_TOKEN": ""]) == nil)
  }

  @Test func caLocationsInGitsOrder() throws {
    let url = try #require(RemoteURL("https://git.example.org/study.git"))
    let config = ConfigEntries(entries: [("http.sslcainfo", "/from/config.pem")])
    #expect(
      TLSTrust.locations(config: config, url: url, environment: ["SSL_CERT_FILE": "/env.pem"]).0 == "/from/config.pem")
    #expect(TLSTrust.locations(config: config, url: url, environment: ["GIT_SSL_CAINFO": "/git.pem"]).0 == "/git.pem")
    #expect(
      TLSTrust.locations(config: ConfigEntries(entries: []), url: url, environment: ["SSL_CERT_FILE": "/env.pem"]).0
        == "/env.pem")
  }

  /// git's reading of a helper's answer: CRLF lines, junk without `=`, binary bytes, the last
  /// value of a key wins, `=` inside a value kept.
  @Test func helperAnswersAreReadAsGitReadsThem() {
    let output = Data([0xFF, 0xFE] + Array("junk\r\n=nokey\r\nusername=a\r\npassword=p=q\npassword=x=y\r\n".utf8))
    #expect(CredentialHelpers.parse(output) == ["username": "a", "password": "x=y"])
    #expect(CredentialHelpers.parse(Data()) == [:])
  }

  /// A helper that hangs is stopped with the children it started, one that floods is cut at
  /// 64 KiB, one that never reads its input cannot block, and exit statuses come through.
  @Test func helperProcessesAreBounded() throws {
    func run(_ script: String, timeout: TimeInterval = 5, input: Data = Data()) -> BoundedProcess.Result {
      BoundedProcess.run(
        "/bin/sh", ["-c", script], environment: ["PATH": "/usr/bin:/bin"], input: input, interactive: false,
        timeout: timeout, outputLimit: 64 * 1024)
    }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gloss-bounded-\(UUID())").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let start = Date()
    #expect(run("sleep 30 & echo $! > \(folder)/pid; wait", timeout: 0.5) == .timedOut)
    #expect(Date().timeIntervalSince(start) < 3)
    let child = try #require(Int32(try String(contentsOfFile: folder + "/pid", encoding: .utf8).filter(\.isNumber)))
    var alive = true
    for _ in 0..<50 where alive {
      let stat = (try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8)) ?? ""
      alive = kill(child, 0) == 0 && !stat.contains(") Z ")
      if alive { usleep(20_000) }
    }
    #expect(!alive, "the child of a stopped helper still runs")
    #expect(run("exec yes flood") == .tooMuchOutput)
    #expect(run("exit 3", input: Data(count: 1 << 20)) == .exited(status: 3, output: Data()))
    #expect(run("cat", input: Data("a=b\n".utf8)) == .exited(status: 0, output: Data("a=b\n".utf8)))
    #expect(run("kill -TERM $$") == .exited(status: 128 + 15, output: Data()))
  }

  @Test func passwordsInURLsAreNeverShown() throws {
    #expect(Repository.displayURL("https://ana:se%40cret@h.org:8443/x.git") == "https://ana@h.org:8443/x.git")
    #expect(Repository.displayURL("https://ana@h.org/x.git") == "https://ana@h.org/x.git")
    #expect(Repository.displayURL("git@github.com:team/x.git") == "git@github.com:team/x.git")
    #expect(Repository.displayURL("/srv/git/x.git") == "/srv/git/x.git")
    #expect(try #require(RemoteURL("https://ana:p@h.org/x")).hasPassword)
    #expect(try #require(RemoteURL("https://ana@h.org/x")).hasPassword == false)
  }

  @Test func theStallLimitComesFromTheEnvironment() {
    #expect(StallWatchdog.limit(environment: [:]) == 60)
    #expect(StallWatchdog.limit(environment: ["GLOSS_REMOTE_TIMEOUT": "2.5"]) == 2.5)
    #expect(StallWatchdog.limit(environment: ["GLOSS_REMOTE_TIMEOUT": "0"]) == nil)
    #expect(StallWatchdog.limit(environment: ["GLOSS_REMOTE_TIMEOUT": "soon"]) == 60)
  }

  /// Which key files need a passphrase (asked on a terminal, skipped in CI): OpenSSH and PEM
  /// formats, with and without one, as ssh-keygen writes them.
  @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh-keygen")))
  func keysThatNeedAPassphrase() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gloss-keys-\(UUID())").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    for (name, options) in [
      ("open", ["-t", "ed25519", "-N", ""]), ("locked", ["-t", "ed25519", "-N", "secret"]),
      ("pem-open", ["-t", "ecdsa", "-m", "PEM", "-N", ""]),
      ("pem-locked", ["-t", "ecdsa", "-m", "PEM", "-N", "secret"]),
    ] {
      let keygen = Process()
      keygen.executableURL = URL(fileURLWithPath: "/usr/bin/ssh-keygen")
      keygen.arguments = ["-q", "-f", folder + "/" + name] + options
      try keygen.run()
      keygen.waitUntilExit()
      #expect(keygen.terminationStatus == 0)
      #expect(SSHSettings.needsPassphrase(folder + "/" + name) == name.hasSuffix("locked"), "\(name)")
    }
    #expect(!SSHSettings.needsPassphrase(folder + "/missing"))
  }

  @Test func libgit2HasTheTransports() {
    #expect(Repository.transports.https && Repository.transports.ssh)
  }
}
