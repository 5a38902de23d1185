import Foundation
import Testing

@testable import GitKit

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

  @Test func libgit2HasTheTransports() {
    #expect(Repository.transports.https && Repository.transports.ssh)
  }
}
