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
  /// Whether the URL carries a password (`https://ana:secret@host/...`); it is never shown.
  var hasPassword = false

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
      hasPassword = components.password != nil
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

  /// `url` as it may be shown: without a password it carries (kept as given otherwise).
  static func redacted(_ url: String) -> String {
    guard var components = URLComponents(string: url), components.password != nil else { return url }
    components.password = nil
    return components.string ?? url
  }

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

  var defaultPort: Int? {
    switch scheme {
    case "https": return 443
    case "http": return 80
    case "ssh", "ssh+git", "git+ssh": return 22
    case "git": return 9418
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
/// run. A helper's time and output are bounded. Without a terminal it runs in a process group of
/// its own (so one that hangs is stopped with everything it started), with
/// `GIT_TERMINAL_PROMPT=0` and no stderr; on a terminal it stays in gloss's group, where it may
/// ask on the terminal itself.
struct CredentialHelpers {
  let helpers: [String]
  let url: RemoteURL
  let useHTTPPath: Bool
  let interactive: Bool
  /// Seconds a helper may take before it is stopped: 300 on a terminal (a helper may wait for
  /// the user in its own dialog or browser), 10 without one (CI must fail in seconds);
  /// `GLOSS_TEST_HELPER_TIMEOUT` for tests.
  var timeout: TimeInterval

  /// The most a helper may print; more is garbage, and the helper is stopped.
  static let outputLimit = 64 * 1024

  init(helpers: [String], url: RemoteURL, useHTTPPath: Bool, interactive: Bool) {
    self.helpers = helpers
    self.url = url
    self.useHTTPPath = useHTTPPath
    self.interactive = interactive
    let test = ProcessInfo.processInfo.environment["GLOSS_TEST_HELPER_TIMEOUT"].flatMap(TimeInterval.init)
    timeout = test ?? (interactive ? 300 : 10)
  }

  /// What one run of a helper came to.
  enum Outcome: Equatable {
    case answer([String: String])
    /// Why it gave no answer, said for a person (`did not answer within 10 s and was stopped`).
    case failed(String)
  }

  /// Asks each helper in turn; the first that gives both a user name and a password wins.
  /// Also says why helpers gave nothing (stopped, failed, not installed).
  func get(username: String?) -> (Credential?, problems: [String]) {
    var known = ["username": username].compactMapValues { $0 }
    var problems: [String] = []
    for helper in helpers {
      let answer: [String: String]
      switch run(helper, action: "get", fields: known) {
      case .failed(let why):
        problems.append("credential helper '\(Self.name(of: helper))' \(why)")
        continue
      case .answer(let fields): answer = fields
      }
      if let user = answer["username"] { known["username"] = user }
      if let user = known["username"], let password = answer["password"] {
        return (Credential(username: user, password: password, source: .helper(Self.name(of: helper))), problems)
      }
      if answer["quit"] == "1" || answer["quit"] == "true" { break }
    }
    return (nil, problems)
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

  /// The request git sends a helper: protocol, host, path when asked for, known fields.
  func request(_ fields: [String: String]) -> String {
    var input = "protocol=\(url.scheme)\nhost=\(url.hostAndPort)\n"
    if useHTTPPath, !url.path.isEmpty { input += "path=\(url.path.drop(while: { $0 == "/" }))\n" }
    for key in ["username", "password"] {
      if let value = fields[key], !value.contains("\n"), !value.contains("\0") { input += "\(key)=\(value)\n" }
    }
    return input + "\n"
  }

  /// A helper's answer as git reads it: `key=value` lines (a CR before the newline dropped, the
  /// last value of a key wins); lines without `=` are ignored.
  static func parse(_ output: Data) -> [String: String] {
    var answer: [String: String] = [:]
    // Split as bytes: a Swift String holds "\r\n" as one character, which "\n" does not match.
    for var bytes in output.split(separator: UInt8(ascii: "\n")) {
      if bytes.last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
      guard let equals = bytes.firstIndex(of: UInt8(ascii: "=")), equals != bytes.startIndex, !bytes.contains(0)
      else { continue }
      answer[String(decoding: bytes[..<equals], as: UTF8.self)] = String(
        decoding: bytes[bytes.index(after: equals)...], as: UTF8.self)
    }
    return answer
  }

  /// Runs one helper action.
  func run(_ helper: String, action: String, fields: [String: String]) -> Outcome {
    var environment = ProcessInfo.processInfo.environment
    if !interactive { environment["GIT_TERMINAL_PROMPT"] = "0" }
    guard let command = Self.commandLine(for: helper, environment: environment) else {
      return .failed("is not installed (no git-credential-\(Self.name(of: helper)) in git's exec-path or PATH)")
    }
    let result = BoundedProcess.run(
      "/bin/sh", ["-c", "\(command) \"$@\"", command, action], environment: environment,
      input: Data(request(fields).utf8), interactive: interactive, timeout: timeout, outputLimit: Self.outputLimit)
    switch result {
    case .couldNotStart(let reason): return .failed("could not run: \(reason)")
    case .timedOut: return .failed("did not answer within \(RemoteCallbacks.seconds(timeout)) and was stopped")
    case .tooMuchOutput: return .failed("printed more than \(Self.outputLimit / 1024) KiB and was stopped")
    case .exited(let status, let output):
      guard status == 0 else { return .failed("failed (exit status \(status))") }
      return .answer(Self.parse(output))
    }
  }
}

/// A child process with a bounded time and output. Not `interactive`: in a process group of its
/// own, so that stopping it stops what it started (a shell helper's `sleep`), stderr to
/// /dev/null; `interactive`: gloss's group and stderr, so it can use the terminal. Input is
/// written without blocking (a child that never reads cannot hold gloss); SIGPIPE is ignored
/// in gloss and restored in the child.
enum BoundedProcess {
  enum Result: Equatable {
    case exited(status: Int32, output: Data)
    case timedOut
    case tooMuchOutput
    case couldNotStart(String)
  }

  static func run(
    _ program: String, _ arguments: [String], environment: [String: String], input: Data, interactive: Bool,
    timeout: TimeInterval, outputLimit: Int
  ) -> Result {
    signal(SIGPIPE, SIG_IGN)
    var toChild: [Int32] = [-1, -1]
    var fromChild: [Int32] = [-1, -1]
    guard pipe(&toChild) == 0 else { return .couldNotStart(String(cString: strerror(errno))) }
    guard pipe(&fromChild) == 0 else {
      toChild.forEach { close($0) }
      return .couldNotStart(String(cString: strerror(errno)))
    }
    for fd in toChild + fromChild { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
    posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
    if !interactive { posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0) }
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var defaults = sigset_t()
    sigemptyset(&defaults)
    sigaddset(&defaults, SIGPIPE)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    // No signal blocked in the child, whatever the calling thread (a Dispatch worker) blocks.
    var unblocked = sigset_t()
    sigemptyset(&unblocked)
    posix_spawnattr_setsigmask(&attributes, &unblocked)
    posix_spawnattr_setpgroup(&attributes, 0)
    let flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | (interactive ? 0 : POSIX_SPAWN_SETPGROUP)
    posix_spawnattr_setflags(&attributes, Int16(flags))
    let argv = ([program] + arguments).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { (argv + envp).forEach { free($0) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, program, &actions, &attributes, argv, envp)
    close(toChild[0])
    close(fromChild[1])
    guard spawned == 0 else {
      close(toChild[1])
      close(fromChild[0])
      return .couldNotStart(String(cString: strerror(spawned)))
    }
    // The request is small: written at once without blocking, whatever the child does.
    _ = fcntl(toChild[1], F_SETFL, fcntl(toChild[1], F_GETFL) | O_NONBLOCK)
    _ = input.withUnsafeBytes { write(toChild[1], $0.baseAddress, $0.count) }
    close(toChild[1])

    let deadline = Date().addingTimeInterval(timeout)
    var output = Data()
    var outcome: Result?
    var buffer = [UInt8](repeating: 0, count: 16 * 1024)
    reading: while true {
      let left = deadline.timeIntervalSinceNow
      guard left > 0 else {
        outcome = .timedOut
        break
      }
      var poller = pollfd(fd: fromChild[0], events: Int16(POLLIN), revents: 0)
      let ready = poll(&poller, 1, Int32(min(left, 1) * 1000) + 1)
      if ready < 0 && errno != EINTR { break }
      guard ready > 0 else { continue }
      let count = read(fromChild[0], &buffer, buffer.count)
      switch count {
      case ..<0 where errno == EINTR || errno == EAGAIN: continue
      case ...0: break reading
      default:
        output.append(contentsOf: buffer[0..<count])
        if output.count > outputLimit {
          outcome = .tooMuchOutput
          break reading
        }
      }
    }
    close(fromChild[0])
    // Output ended: the child has a little time left to exit.
    var status: Int32 = 0
    while outcome == nil {
      let waited = waitpid(pid, &status, WNOHANG)
      if waited == pid || (waited < 0 && errno != EINTR) { break }
      if Date() >= deadline {
        outcome = .timedOut
        break
      }
      usleep(5_000)
    }
    if let outcome {
      kill(interactive ? pid : -pid, SIGKILL)
      while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
      return outcome
    }
    let exited = (status & 0x7f) == 0
    return .exited(status: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), output: output)
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
