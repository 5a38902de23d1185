import Foundation
import Testing

@testable import GlossServer

/// Personal links: tokens stored only as hashes, one per coder, a new one revoking the old.
@Suite struct TeamTokensTests {
  @Test func sha256MatchesTheStandardVectors() {
    #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(
      SHA256.hex([UInt8](repeating: UInt8(ascii: "a"), count: 1000))
        == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    let bytes = (0..<3).flatMap { _ in (0...255).map(UInt8.init) }
    #expect(SHA256.hex(bytes) == "f3a25aa93aa2fbba28d79260535bbd6a5eb0fc1c24a8b0f04e12b484c1dfe363")
  }

  @Test func tokensAreStoredHashedAndANewLinkRevokesTheOld() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gloss-tokens-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let tokens = TeamTokens(gitDirectory: folder.path)
    let ana = try tokens.issue(for: "ana")
    let ben = try tokens.issue(for: "ben")
    #expect(tokens.coder(for: ana) == "ana" && tokens.coder(for: ben) == "ben")
    #expect(tokens.coder(for: "nope") == nil && tokens.coder(for: "") == nil)
    let stored = try String(contentsOfFile: tokens.file, encoding: .utf8)
    #expect(!stored.contains(ana) && !stored.contains(ben) && stored.contains(SHA256.hex(Array(ana.utf8))))
    let permissions = try FileManager.default.attributesOfItem(atPath: tokens.file)[.posixPermissions] as? Int
    #expect(permissions == 0o600)
    let again = try tokens.issue(for: "ana")
    #expect(tokens.coder(for: ana) == nil && tokens.coder(for: again) == "ana" && tokens.coder(for: ben) == "ben")
  }

  @Test func theGateLetsEachLinkActAsItsCoder() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gloss-tokens-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let tokens = TeamTokens(gitDirectory: folder.path)
    let ben = try tokens.issue(for: "ben")
    let gate = Gate(token: GateTests.token, port: 7710, bindAddress: "127.0.0.1", owner: "lead", team: tokens)
    #expect(gate.check(GateTests.request(authorization: "Bearer \(ben)")) == .allow(.bearer, coder: "ben"))
    #expect(
      gate.check(GateTests.request(authorization: "Bearer \(GateTests.token)")) == .allow(.bearer, coder: "lead"))
    #expect(gate.check(GateTests.request(cookie: "gloss-7710=\(ben)")) == .allow(.cookie, coder: "ben"))
    #expect(
      gate.check(GateTests.request("GET", "/?token=\(ben)"))
        == .enter(location: "/", cookie: "gloss-7710=\(ben); Path=/; HttpOnly; SameSite=Strict"))
    // Without --team, a link's token is nobody's.
    let alone = Gate(token: GateTests.token, port: 7710, bindAddress: "127.0.0.1", owner: "lead")
    #expect(GateTests.denied(alone.check(GateTests.request(authorization: "Bearer \(ben)"))) == 401)
  }
}
