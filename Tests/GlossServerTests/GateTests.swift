import Foundation
import Testing

@testable import GlossServer

/// The security rules of DESIGN §9, one at a time, without a socket.
@Suite struct GateTests {
  static let token = "0123456789abcdef0123456789abcdef0123456789abcdef"
  static let gate = Gate(token: token, port: 7710, bindAddress: "127.0.0.1", owner: "ana")
  static let cookie = "gloss-7710=\(token)"

  static func request(
    _ method: String = "GET", _ target: String = "/api/project", host: String? = "127.0.0.1:7710",
    authorization: String? = nil, cookie: String? = nil, origin: String? = nil, referer: String? = nil
  ) -> Gate.Request {
    Gate.Request(
      method: method, target: target, host: host, authorization: authorization, cookie: cookie, origin: origin,
      referer: referer)
  }

  @Test func tokensAreLongAndRandom() {
    let tokens = Set((0..<50).map { _ in Gate.makeToken() })
    #expect(tokens.count == 50)
    // 24 random bytes: 192 bits, at least the 128 DESIGN asks for.
    #expect(tokens.allSatisfy { $0.count == 48 && $0.allSatisfy(\.isHexDigit) })
  }

  @Test func withoutTheTokenEverythingIs401() {
    for target in ["/", "/app.js", "/api/project", "/api/events"] {
      #expect(Self.gate.check(Self.request("GET", target)) == .deny(status: 401, message: Self.deniedMessage))
    }
    #expect(Self.denied(Self.gate.check(Self.request("POST", "/api/assignments"))) == 401)
    #expect(Self.denied(Self.gate.check(Self.request(cookie: "gloss-7710=wrong"))) == 401)
    #expect(Self.denied(Self.gate.check(Self.request(authorization: "Bearer wrong"))) == 401)
    #expect(Self.denied(Self.gate.check(Self.request(authorization: "Basic \(Self.token)"))) == 401)
    // Another server's cookie (another port) is not this one's.
    #expect(Self.denied(Self.gate.check(Self.request(cookie: "gloss-7711=\(Self.token)"))) == 401)
    #expect(Self.denied(Self.gate.check(Self.request("GET", "/?token=wrong"))) == 401)
  }

  static let deniedMessage = "no token: open the link 'gloss serve' printed, or send Authorization: Bearer"

  static func denied(_ verdict: Gate.Verdict) -> Int? {
    if case .deny(let status, _) = verdict { return status }
    return nil
  }

  @Test func theTokenInTheURLSetsAStrictHttpOnlyCookieAndLeavesTheURL() {
    let verdict = Self.gate.check(Self.request("GET", "/?token=\(Self.token)&x=1"))
    #expect(
      verdict == .enter(location: "/?x=1", cookie: "gloss-7710=\(Self.token); Path=/; HttpOnly; SameSite=Strict"))
    if case .enter(let location, _) = Self.gate.check(Self.request("GET", "/?token=\(Self.token)")) {
      #expect(location == "/")
    }
    // Only a page load enters that way: a POST with the token in its URL does not.
    #expect(Self.denied(Self.gate.check(Self.request("POST", "/api/assignments?token=\(Self.token)"))) == 401)
  }

  @Test func bearerAndCookieAuthenticate() {
    #expect(Self.gate.check(Self.request(authorization: "Bearer \(Self.token)")) == .allow(.bearer, coder: "ana"))
    #expect(Self.gate.check(Self.request(cookie: "theme=dark; \(Self.cookie)")) == .allow(.cookie, coder: "ana"))
    // A bearer client changes state without an Origin: a browser on another site cannot send
    // that header without CORS, which the server never grants.
    #expect(
      Self.gate.check(Self.request("POST", authorization: "Bearer \(Self.token)")) == .allow(.bearer, coder: "ana"))
  }

  @Test func aCookieAuthenticatedChangeNeedsTheServersOwnOrigin() {
    for method in ["POST", "PATCH", "DELETE", "PUT"] {
      #expect(Self.denied(Self.gate.check(Self.request(method, cookie: Self.cookie))) == 403)
      #expect(
        Self.denied(Self.gate.check(Self.request(method, cookie: Self.cookie, origin: "http://evil.example"))) == 403)
      #expect(
        Self.denied(Self.gate.check(Self.request(method, cookie: Self.cookie, origin: "http://127.0.0.1:7711"))) == 403)
      #expect(
        Self.denied(Self.gate.check(Self.request(method, cookie: Self.cookie, origin: "https://127.0.0.1:7710")))
          == 403)
      #expect(Self.denied(Self.gate.check(Self.request(method, cookie: Self.cookie, origin: "null"))) == 403)
      #expect(
        Self.gate.check(Self.request(method, cookie: Self.cookie, origin: "http://127.0.0.1:7710"))
          == .allow(.cookie, coder: "ana"))
      #expect(
        Self.gate.check(Self.request(method, cookie: Self.cookie, origin: "http://localhost:7710"))
          == .allow(.cookie, coder: "ana"))
      #expect(
        Self.gate.check(Self.request(method, cookie: Self.cookie, referer: "http://127.0.0.1:7710/#doc=d1"))
          == .allow(.cookie, coder: "ana"))
      #expect(
        Self.denied(Self.gate.check(Self.request(method, cookie: Self.cookie, referer: "http://evil.example/")))
          == 403)
    }
    // Reading with the cookie needs no Origin.
    #expect(Self.gate.check(Self.request("GET", cookie: Self.cookie)) == .allow(.cookie, coder: "ana"))
  }

  @Test func aForeignHostIsRefusedBeforeAnythingElse() {
    for host in ["evil.example", "evil.example:7710", "127.0.0.1.evil.example:7710", "127.0.0.1:7711", "localhost:80"] {
      #expect(
        Self.denied(Self.gate.check(Self.request(host: host, authorization: "Bearer \(Self.token)"))) == 403,
        "\(host)")
    }
    #expect(Self.denied(Self.gate.check(Self.request(host: nil, authorization: "Bearer \(Self.token)"))) == 403)
    for host in ["127.0.0.1:7710", "localhost:7710", "LOCALHOST:7710", "[::1]:7710", "127.0.0.1"] {
      #expect(
        Self.gate.check(Self.request(host: host, authorization: "Bearer \(Self.token)"))
          == .allow(.bearer, coder: "ana"))
    }
  }

  @Test func theBoundAddressIsAHostToo() {
    let gate = Gate(token: Self.token, port: 80, bindAddress: "192.0.2.7")
    #expect(gate.hostAllowed("192.0.2.7") && gate.hostAllowed("192.0.2.7:80") && !gate.hostAllowed("192.0.2.8"))
    let everywhere = Gate(token: Self.token, port: 80, bindAddress: "0.0.0.0")
    #expect(!everywhere.hostAllowed("0.0.0.0:80") && everywhere.hostAllowed("localhost"))
  }

  @Test func behindAProxyThePublicHostAndOriginAreAcceptedToo() {
    let gate = Gate(
      token: Self.token, port: 7710, bindAddress: "127.0.0.1", owner: "ana", publicURL: "https://Gloss.Lab.example/")
    #expect(gate.publicOrigin == "https://gloss.lab.example")
    #expect(gate.hostAllowed("gloss.lab.example") && gate.hostAllowed("127.0.0.1:7710"))
    #expect(gate.hostAllowed("gloss.lab.example:443"))
    #expect(!gate.hostAllowed("evil.example") && !gate.hostAllowed("lab.example"))
    let change = Self.request(
      "POST", host: "gloss.lab.example", cookie: Self.cookie, origin: "https://gloss.lab.example")
    #expect(gate.check(change) == .allow(.cookie, coder: "ana"))
    for origin in ["http://gloss.lab.example", "https://gloss.lab.example:8443", "https://evil.example"] {
      let foreign = Self.request("POST", host: "gloss.lab.example", cookie: Self.cookie, origin: origin)
      #expect(Self.denied(gate.check(foreign)) == 403, "\(origin)")
    }
    #expect(Gate.origin("https://x.example:443/a") == "https://x.example")
    #expect(Gate.origin("http://x.example:8080") == "http://x.example:8080")
    #expect(Gate.origin("ftp://x.example") == nil && Gate.origin("not a url") == nil)
  }

  @Test func comparingSecretsNeedsEveryByte() {
    #expect(Gate.same("abc", "abc") && !Gate.same("abc", "abd") && !Gate.same("abc", "abcd") && !Gate.same("", "a"))
  }
}
