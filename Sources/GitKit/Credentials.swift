import CLibgit2
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A user name and password for an http(s) remote, and where it came from (so a rejected one
/// can be named, and erased from the helpers that gave it).
struct Credential: Equatable {
  enum Source: Equatable {
    case environment(String)
    case helper(String)
    case terminal
  }
  var username: String
  var password: String
  var source: Source

  /// Said in messages: `GLOSS_TOKEN`, `credential helper 'store'`, `the terminal`.
  var origin: String {
    switch source {
    case .environment(let variable): return variable
    case .helper(let name): return "credential helper '\(name)'"
    case .terminal: return "what you typed"
    }
  }
}

/// The parts of a remote URL that git's credential protocol and messages use.
struct RemoteURL: Equatable {
  var scheme: String
  var host: String
  var port: Int?
  var path: String
  var user: String?

  /// `https://host:port/path`, `ssh://user@host/path`, or the scp form `user@host:path`.
  init?(_ url: String) {
    if let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host,
      !host.isEmpty
    {
      self.scheme = scheme.lowercased()
      self.host = host
      port = components.port
      path = components.path
      user = components.user?.removingPercentEncoding
      return
    }
    // scp-like ssh: [user@]host:path (no "://", a colon before any slash).
    guard !url.contains("://"), let colon = url.firstIndex(of: ":"),
      !url[..<colon].contains("/"), !url[..<colon].isEmpty
    else { return nil }
    let authority = url[..<colon]
    scheme = "ssh"
    if let at = authority.lastIndex(of: "@") {
      user = String(authority[..<at])
      host = String(authority[authority.index(after: at)...])
    } else {
      host = String(authority)
    }
    port = nil
    path = String(url[url.index(after: colon)...])
  }

  var isHTTP: Bool { scheme == "http" || scheme == "https" }
  var isSSH: Bool { scheme == "ssh" || scheme == "ssh+git" || scheme == "git+ssh" }

  /// `host` or `host:port`, as git's credential protocol sends it.
  var hostAndPort: String { port.map { "\(host):\($0)" } ?? host }

  /// The URL without user or password, for messages.
  var display: String {
    isSSH && !scheme.contains("+") && port == nil && !path.hasPrefix("/")
      ? "\(user.map { "\($0)@" } ?? "")\(host):\(path)"
      : "\(scheme)://\(user.map { "\($0)@" } ?? "")\(hostAndPort)\(path)"
  }

  /// Whether a `credential.<pattern>.*` section applies to this URL, as git's urlmatch decides:
  /// same scheme, host and port, the pattern's path a prefix of this one, its user if it names one.
  func matches(pattern: String) -> Bool {
    guard let other = RemoteURL(pattern) else {
      // A bare host name ("credential.example.org.helper") is taken as that host.
      return pattern.lowercased() == host.lowercased()
    }
    guard other.scheme == scheme, other.host.lowercased() == host.lowercased(),
      (other.port ?? defaultPort) == (port ?? defaultPort)
    else { return false }
    if let wanted = other.user, wanted != user { return false }
    let prefix = other.path.hasSuffix("/") ? String(other.path.dropLast()) : other.path
    return prefix.isEmpty || path == prefix || path.hasPrefix(prefix + "/")
  }

  private var defaultPort: Int? {
    switch scheme {
    case "https": return 443
    case "http": return 80
    case "ssh": return 22
    default: return nil
    }
  }
}

/// git's configuration entries in the order git reads them (system, global, local; file order
/// within each), read once through libgit2 — from a repository, or the user's own files before
/// a clone.
struct ConfigEntries {
  var entries: [(name: String, value: String)]

  init(entries: [(name: String, value: String)]) { self.entries = entries }

  /// Entries whose name matches `pattern` (a regular expression, as libgit2's glob iterator takes).
  init(_ config: OpaquePointer?, matching pattern: String) {
    var found: [(level: Int32, order: Int, name: String, value: String)] = []
    var iterator: OpaquePointer?
    if git_config_iterator_glob_new(&iterator, config, pattern) == 0 {
      var entry: UnsafeMutablePointer<git_config_entry>?
      while git_config_next(&entry, iterator) == 0, let item = entry?.pointee {
        found.append(
          (item.level.rawValue, found.count, String(cString: item.name), item.value.map { String(cString: $0) } ?? ""))
      }
      git_config_iterator_free(iterator)
    }
    // libgit2 lists the most specific file first; git reads the least specific first.
    entries = found.sorted { ($0.level, $0.order) < ($1.level, $1.order) }.map { ($0.name, $0.value) }
  }

  /// The credential entries of `repository` (nil: the user's and system's files).
  static func credentials(of repository: OpaquePointer?) -> ConfigEntries {
    LibGit2.initialize()
    var config: OpaquePointer?
    let opened =
      repository.map { git_repository_config_snapshot(&config, $0) } ?? git_config_open_default(&config)
    guard opened == 0 else { return ConfigEntries(entries: []) }
    defer { git_config_free(config) }
    return ConfigEntries(
      config, matching: "^(credential\\..*|http\\..*sslcainfo|http\\..*sslcapath|core\\.sshcommand)$")
  }

  /// The last value of `section.key` or of `section.<url>.key` for a URL matching `url`.
  func last(_ section: String, _ key: String, for url: RemoteURL?) -> String? {
    values(section, key, for: url).last
  }

  /// Every value of `section.key` and of matching `section.<url>.key`, in git's order.
  func values(_ section: String, _ key: String, for url: RemoteURL?) -> [String] {
    entries.compactMap { entry in
      let name = entry.name
      let lower = name.lowercased()
      guard lower.hasPrefix(section + "."), lower.hasSuffix("." + key) else { return nil }
      let middle = name.dropFirst(section.count + 1).dropLast(key.count + 1)
      if middle.isEmpty && lower == "\(section).\(key)" { return entry.value }
      guard !middle.isEmpty, let url, url.matches(pattern: String(middle)) else { return nil }
      return entry.value
    }
  }

  /// `credential.helper` as git applies it: values accumulate, an empty value clears the list.
  func helpers(for url: RemoteURL) -> [String] {
    var helpers: [String] = []
    for value in values("credential", "helper", for: url) {
      if value.trimmingCharacters(in: .whitespaces).isEmpty { helpers.removeAll() } else { helpers.append(value) }
    }
    return helpers
  }
}

/// git's credential protocol (gitcredentials(7)) for the configured `credential.helper`s:
/// `get` asks them in order for a user name and password, `store` tells them all one that
/// worked, `erase` one the server refused. A helper is `git-credential-NAME` from git's
/// exec-path or PATH, an absolute path, or a shell command after `!`; `git` itself is never
/// run. Helpers get a bounded time, and `GIT_TERMINAL_PROMPT=0` when gloss may not prompt.
struct CredentialHelpers {
  let helpers: [String]
  let url: RemoteURL
  let useHTTPPath: Bool
  let interactive: Bool
  /// Seconds a helper may take before it is stopped (a helper that prompts without a terminal
  /// would otherwise hang the command).
  var timeout: TimeInterval = 30

  /// Asks each helper in turn; the first that gives both a user name and a password wins.
  func get(username: String?) -> Credential? {
    var known = ["username": username].compactMapValues { $0 }
    for helper in helpers {
      guard let answer = run(helper, action: "get", fields: known) else { continue }
      if let user = answer["username"] { known["username"] = user }
      if let user = known["username"], let password = answer["password"] {
        return Credential(username: user, password: password, source: .helper(Self.name(of: helper)))
      }
      if answer["quit"] == "1" || answer["quit"] == "true" { break }
    }
    return nil
  }

  /// `store` to every helper: the credential worked.
  func approve(_ credential: Credential) {
    for helper in helpers {
      _ = run(helper, action: "store", fields: ["username": credential.username, "password": credential.password])
    }
  }

  /// `erase` to every helper: the server refused the credential.
  func reject(_ credential: Credential) {
    for helper in helpers {
      _ = run(helper, action: "erase", fields: ["username": credential.username, "password": credential.password])
    }
  }

  /// `store --file x` → `store`; `!f() { ... }; f` → the command.
  static func name(of helper: String) -> String {
    String(helper.split(separator: " ", maxSplits: 1).first ?? Substring(helper))
  }

  /// The shell command line for `helper`, as git builds it, or nil when a named helper is not
  /// installed.
  static func commandLine(for helper: String, environment: [String: String]) -> String? {
    if helper.hasPrefix("!") { return String(helper.dropFirst()) }
    if helper.hasPrefix("/") { return helper }
    let name = Self.name(of: helper)
    let rest = helper.dropFirst(name.count)
    guard let program = findProgram("git-credential-\(name)", environment: environment) else { return nil }
    return "'\(program.replacingOccurrences(of: "'", with: "'\\''"))'\(rest)"
  }

  /// git's exec-path (GIT_EXEC_PATH, then where Debian, Fedora, Homebrew and Xcode put it),
  /// then PATH.
  static func findProgram(_ program: String, environment: [String: String]) -> String? {
    var folders: [String] = []
    if let exec = environment["GIT_EXEC_PATH"] { folders.append(exec) }
    folders += [
      "/usr/lib/git-core", "/usr/libexec/git-core", "/usr/local/libexec/git-core",
      "/opt/homebrew/libexec/git-core", "/Library/Developer/CommandLineTools/usr/libexec/git-core",
      "/Applications/Xcode.app/Contents/Developer/usr/libexec/git-core",
    ]
    folders += (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
    return folders.map { $0 + "/" + program }.first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  /// Runs one helper action; its answer as key=value fields, nil when it could not run,
  /// failed, or took too long.
  func run(_ helper: String, action: String, fields: [String: String]) -> [String: String]? {
    var environment = ProcessInfo.processInfo.environment
    if !interactive { environment["GIT_TERMINAL_PROMPT"] = "0" }
    guard let command = Self.commandLine(for: helper, environment: environment) else { return nil }
    var input = "protocol=\(url.scheme)\nhost=\(url.hostAndPort)\n"
    if useHTTPPath, !url.path.isEmpty { input += "path=\(url.path.drop(while: { $0 == "/" }))\n" }
    for key in ["username", "password"] {
      if let value = fields[key], !value.contains("\n"), !value.contains("\0") { input += "\(key)=\(value)\n" }
    }
    input += "\n"
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", "\(command) \"$@\"", command, action]
    process.environment = environment
    let stdin = Pipe()
    let stdout = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    if !interactive { process.standardError = FileHandle.nullDevice }
    let finished = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in finished.signal() }
    do { try process.run() } catch { return nil }
    // Write from another thread: a helper that does not read must not block gloss.
    let writer = stdin.fileHandleForWriting
    let data = Data(input.utf8)
    // A helper that exits without reading must not kill gloss with SIGPIPE.
    signal(SIGPIPE, SIG_IGN)
    DispatchQueue.global().async {
      try? writer.write(contentsOf: data)
      try? writer.close()
    }
    nonisolated(unsafe) var output = Data()
    let reader = DispatchSemaphore(value: 0)
    let handle = stdout.fileHandleForReading
    DispatchQueue.global().async {
      output = handle.readDataToEndOfFile()
      reader.signal()
    }
    if finished.wait(timeout: .now() + timeout) == .timedOut {
      kill(process.processIdentifier, SIGKILL)
      finished.wait()
      return nil
    }
    _ = reader.wait(timeout: .now() + 2)
    guard process.terminationStatus == 0 else { return nil }
    var answer: [String: String] = [:]
    for line in String(decoding: output, as: UTF8.self).split(separator: "\n") {
      guard let equals = line.firstIndex(of: "=") else { continue }
      answer[String(line[..<equals])] = String(line[line.index(after: equals)...])
    }
    return answer
  }
}

/// Asking on the terminal, as git does when nothing else gave a credential: only when stdin
/// and stderr are terminals and GIT_TERMINAL_PROMPT is not 0; the password without echo.
enum TerminalPrompt {
  static var available: Bool {
    isatty(STDIN_FILENO) == 1 && isatty(STDERR_FILENO) == 1
      && ProcessInfo.processInfo.environment["GIT_TERMINAL_PROMPT"] != "0"
  }

  static func ask(_ question: String, secret: Bool) -> String? {
    // Echo goes off before the question shows, so a quick typist's password is never echoed.
    var saved = termios()
    let canHide = secret && tcgetattr(STDIN_FILENO, &saved) == 0
    if canHide {
      var hidden = saved
      hidden.c_lflag &= ~tcflag_t(ECHO)
      tcsetattr(STDIN_FILENO, TCSANOW, &hidden)
    }
    FileHandle.standardError.write(Data(question.utf8))
    defer {
      if canHide {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved)
        FileHandle.standardError.write(Data("\n".utf8))
      }
    }
    return readLine(strippingNewline: true)
  }
}
