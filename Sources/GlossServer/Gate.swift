import Foundation

/// Who a request may act as, and why not (DESIGN §9): the token, the cookie, the `Host` and the
/// `Origin` rules in one pure value, so each rule is tested without a network.
public struct Gate: Sendable {
  /// The secret every request must carry (cookie, bearer header, or once in the page URL).
  public let token: String
  /// The port the server listens on: part of the cookie name and of the expected origin.
  public let port: Int
  /// Host names a request may address: loopback names and the bound address.
  public let hosts: Set<String>

  /// Who the server's own token acts as.
  public let owner: String
  /// With `--team`: the personal links' tokens, each acting as its coder.
  public let team: TeamTokens?

  /// The origin a reverse proxy serves the pages from (`--public-url`), as
  /// `scheme://host[:port]`, lowercased; its host is accepted too.
  public let publicOrigin: String?

  public init(
    token: String, port: Int, bindAddress: String, owner: String = "", team: TeamTokens? = nil,
    publicURL: String? = nil
  ) {
    self.token = token
    self.port = port
    self.owner = owner
    self.team = team
    self.publicOrigin = publicURL.flatMap(Self.origin)
    var hosts: Set<String> = ["127.0.0.1", "localhost", "[::1]"]
    let bound = bindAddress.lowercased()
    if !Self.wildcards.contains(bound) { hosts.insert(bound.contains(":") ? "[\(bound)]" : bound) }
    self.hosts = hosts
  }

  /// `scheme://host[:port]` of an http(s) URL, lowercased, the default port left out (as
  /// browsers send `Origin`); nil for anything else.
  public static func origin(_ url: String) -> String? {
    guard let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased(),
      scheme == "http" || scheme == "https", let host = parts.host?.lowercased(), !host.isEmpty
    else { return nil }
    let defaultPort = scheme == "https" ? 443 : 80
    let port = parts.port.flatMap { $0 == defaultPort ? nil : $0 }
    return "\(scheme)://\(host)" + (port.map { ":\($0)" } ?? "")
  }

  /// Addresses that mean "every interface": no request names them as its host.
  static let wildcards: Set<String> = ["0.0.0.0", "::", "[::]"]

  /// A new random token: 192 bits from the system's generator, as hex.
  public static func makeToken() -> String {
    var generator = SystemRandomNumberGenerator()
    return (0..<24).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
  }

  /// Cookies are shared by every port of a host, so the name carries the port: two servers on
  /// one machine do not overwrite each other's cookie.
  public var cookieName: String { "gloss-\(port)" }

  /// How a request proved it knows the token.
  public enum Credential: Sendable, Equatable {
    /// `Authorization: Bearer`: an API client, which a web page of another origin cannot make
    /// a browser send.
    case bearer
    /// The page's cookie, which a browser attaches to requests other sites make too.
    case cookie
  }

  /// What to do with a request.
  public enum Verdict: Sendable, Equatable {
    /// Let in, acting as `coder`.
    case allow(Credential, coder: String)
    /// The first page load: set the cookie and send the browser to the same URL without the
    /// token, so it leaves neither history nor screenshots.
    case enter(location: String, cookie: String)
    case deny(status: Int, message: String)
  }

  /// The request's parts the rules look at; header names lowercased.
  public struct Request: Sendable {
    public var method: String
    /// The request target as sent (path and query, still percent-encoded).
    public var target: String
    public var host: String?
    public var authorization: String?
    public var cookie: String?
    public var origin: String?
    public var referer: String?

    public init(
      method: String, target: String, host: String?, authorization: String? = nil, cookie: String? = nil,
      origin: String? = nil, referer: String? = nil
    ) {
      self.method = method
      self.target = target
      self.host = host
      self.authorization = authorization
      self.cookie = cookie
      self.origin = origin
      self.referer = referer
    }
  }

  /// The rules, in order: a foreign `Host` (DNS rebinding) is refused before anything else;
  /// then the token (bearer, cookie, or `?token=` on a GET); then, for a cookie-authenticated
  /// request that changes state, the origin.
  public func check(_ request: Request) -> Verdict {
    guard let host = request.host, hostAllowed(host) else {
      return .deny(status: 403, message: "this server answers only to its own address (Host header refused)")
    }
    if let authorization = request.authorization {
      guard authorization.hasPrefix("Bearer "), let coder = coder(for: String(authorization.dropFirst(7))) else {
        return .deny(status: 401, message: "wrong or missing token")
      }
      return .allow(.bearer, coder: coder)
    }
    let (path, query) = Self.split(request.target)
    if let given = Self.queryValue("token", in: query) {
      guard request.method == "GET", coder(for: given) != nil else {
        return .deny(status: 401, message: "wrong token: open the link 'gloss serve' printed")
      }
      let rest = Self.removing("token", from: query)
      return .enter(
        location: rest.isEmpty ? path : path + "?" + rest,
        cookie: "\(cookieName)=\(given); Path=/; HttpOnly; SameSite=Strict")
    }
    guard let cookie = Self.cookieValue(cookieName, in: request.cookie), let coder = coder(for: cookie) else {
      return .deny(status: 401, message: "no token: open the link 'gloss serve' printed, or send Authorization: Bearer")
    }
    if !Self.safeMethods.contains(request.method) && !sameOrigin(request) {
      return .deny(status: 403, message: "a change must come from this server's own page (Origin refused)")
    }
    return .allow(.cookie, coder: coder)
  }

  /// The coder a token acts as: the server's own token is the owner's; with `--team`, a
  /// personal link's is its coder's.
  func coder(for given: String) -> String? {
    if Self.same(given, token) { return owner }
    return team?.coder(for: given)
  }

  static let safeMethods: Set<String> = ["GET", "HEAD", "OPTIONS"]

  /// `host` or `host:port`, naming this server.
  func hostAllowed(_ value: String) -> Bool {
    let lowered = value.lowercased()
    if let publicOrigin, let named = publicOrigin.split(separator: "/").last,
      Self.splitHostPort(lowered).0 == Self.splitHostPort(String(named)).0
    {
      // A proxy may forward the public name with or without its port.
      return true
    }
    let (name, port) = Self.splitHostPort(lowered)
    guard hosts.contains(name) else { return false }
    return port == nil || port == self.port
  }

  /// The `Origin` (else the `Referer`) is this server: `http://<allowed host>:<port>`.
  func sameOrigin(_ request: Request) -> Bool {
    let source: String
    if let origin = request.origin {
      source = origin
    } else if let referer = request.referer {
      source = referer
    } else {
      return false
    }
    if let publicOrigin, Self.origin(source) == publicOrigin { return true }
    guard let url = URLComponents(string: source), url.scheme == "http", let host = url.host else { return false }
    let name = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
    return hosts.contains(name.lowercased()) && (url.port ?? 80) == port
  }

  /// Compares secrets in time independent of where they first differ.
  static func same(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8)
    let y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var difference: UInt8 = 0
    for index in x.indices { difference |= x[index] ^ y[index] }
    return difference == 0
  }

  static func split(_ target: String) -> (path: String, query: String) {
    guard let mark = target.firstIndex(of: "?") else { return (target, "") }
    return (String(target[..<mark]), String(target[target.index(after: mark)...]))
  }

  static func queryValue(_ name: String, in query: String) -> String? {
    for pair in query.split(separator: "&") {
      let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      if parts[0] == name { return parts.count > 1 ? String(parts[1]).removingPercentEncoding ?? "" : "" }
    }
    return nil
  }

  static func removing(_ name: String, from query: String) -> String {
    query.split(separator: "&").filter { $0 != Substring(name) && !$0.hasPrefix(name + "=") }
      .joined(separator: "&")
  }

  static func cookieValue(_ name: String, in header: String?) -> String? {
    guard let header else { return nil }
    for pair in header.split(separator: ";") {
      let parts = pair.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
      if parts.count == 2 && parts[0] == name { return String(parts[1]) }
    }
    return nil
  }

  /// `name[:port]`, with IPv6 names in brackets.
  static func splitHostPort(_ value: String) -> (String, Int?) {
    if value.hasPrefix("[") {
      guard let close = value.firstIndex(of: "]") else { return (value, nil) }
      let name = String(value[...close])
      let rest = value[value.index(after: close)...]
      guard rest.hasPrefix(":") else { return (name, rest.isEmpty ? nil : -1) }
      return (name, Int(rest.dropFirst()) ?? -1)
    }
    guard let colon = value.lastIndex(of: ":") else { return (value, nil) }
    return (String(value[..<colon]), Int(value[value.index(after: colon)...]) ?? -1)
  }
}
