import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Real servers on 127.0.0.1 for the ssh and https remote tests, started once for the test
/// process and stopped when it exits: OpenSSH's sshd (a test host key, keys for the user the
/// tests run as, non-root-safe settings) and nginx serving `git http-backend` through fcgiwrap
/// over TLS with a test certificate authority and basic auth. Both serve any path on this
/// machine, so each test serves its own bare repository. Every server runs under `timeout`, so
/// none outlives a killed test run by more than ten minutes.
final class RemoteServers: @unchecked Sendable {
  let root: String
  let user: String
  let sshPort: Int
  let httpsPort: Int
  /// The user's key the server accepts, one it does not, and the server's host key (public).
  let userKey: String
  let otherKey: String
  let hostKeyLine: String
  /// The test CA's certificate, and the basic-auth account.
  let caFile: String
  static let httpUser = "ana"
  static let httpPassword = "s3cret pass"
  /// A second account whose password has every character that URLs, shells, git's credential
  /// store and basic auth treat specially.
  static let nastyUser = "cy"
  static let nastyPassword = #"p@ss:w/rd %41 "q" 'x' \ $HOME ü#?&=+"#
  private var processes: [Process] = []

  static let sshd = "/usr/sbin/sshd"
  static let nginx = ["/usr/sbin/nginx", "/usr/bin/nginx"].first { FileManager.default.isExecutableFile(atPath: $0) }
  static let fcgiwrap = "/usr/sbin/fcgiwrap"

  /// Whether the tools are installed (`make deps` installs them; deps.d/50-remotes.sh).
  static let available: Bool =
    FileManager.default.isExecutableFile(atPath: sshd) && nginx != nil
    && FileManager.default.isExecutableFile(atPath: fcgiwrap)
    && FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")
    && FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh-keygen")

  /// The one set of servers, started on first use.
  static let shared: Result<RemoteServers, Error> = {
    let started = Result { try RemoteServers() }
    atexit { if case .success(let servers) = RemoteServers.shared { servers.stop() } }
    return started
  }()

  static func servers() throws -> RemoteServers { try shared.get() }

  private init() throws {
    root =
      FileManager.default.temporaryDirectory.appendingPathComponent("gloss-servers-\(UUID().uuidString.prefix(8))")
      .path
    try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    user = getpwuid(getuid()).flatMap { $0.pointee.pw_name.map { String(cString: $0) } } ?? "root"
    sshPort = try GitDaemon.freePort()
    httpsPort = try GitDaemon.freePort()
    userKey = root + "/user_key"
    otherKey = root + "/other_key"
    caFile = root + "/ca.pem"
    for key in ["host_key", "user_key", "other_key"] {
      try Self.tool("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", key, "-f", root + "/" + key])
    }
    try FileManager.default.copyItem(atPath: root + "/user_key.pub", toPath: root + "/authorized_keys")
    let hostPublic = try String(contentsOfFile: root + "/host_key.pub", encoding: .utf8)
      .split(separator: " ").prefix(2).joined(separator: " ")
    hostKeyLine = "[127.0.0.1]:\(sshPort) \(hostPublic)\n"
    try startSSH()
    try startHTTPS()
  }

  /// Kills each server with everything it started: `timeout` leads a process group of its
  /// own. No waiting: this runs at exit, when Foundation no longer reaps children.
  func stop() {
    for process in processes where process.processIdentifier > 0 {
      kill(-process.processIdentifier, SIGKILL)
    }
    processes = []
    try? FileManager.default.removeItem(atPath: root)
  }

  private func startSSH() throws {
    let config = """
      Port \(sshPort)
      ListenAddress 127.0.0.1
      HostKey \(root)/host_key
      PidFile none
      AuthorizedKeysFile \(root)/authorized_keys
      StrictModes no
      UsePAM no
      PasswordAuthentication no
      KbdInteractiveAuthentication no
      PubkeyAuthentication yes
      AllowUsers \(user)
      SetEnv GLOSS=\(Shell.glossPath)
      LogLevel ERROR

      """
    try config.write(toFile: root + "/sshd_config", atomically: true, encoding: .utf8)
    // sshd wants its privilege-separation folder when it runs as root.
    if getuid() == 0 {
      try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
    }
    try launch([Self.sshd, "-D", "-e", "-f", root + "/sshd_config"], log: "sshd.log")
    try waitForPort(sshPort, "sshd")
  }

  private func startHTTPS() throws {
    try Self.tool(
      "/usr/bin/openssl",
      [
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", root + "/ca.key", "-out", caFile, "-days", "2",
        "-subj", "/CN=Gloss Test CA",
      ])
    try Self.tool(
      "/usr/bin/openssl",
      [
        "req", "-newkey", "rsa:2048", "-nodes", "-keyout", root + "/server.key", "-out", root + "/server.csr",
        "-subj", "/CN=127.0.0.1",
      ])
    // mbedTLS (Debian's libgit2) matches names, not IP addresses: the address is a DNS name too.
    try "subjectAltName=IP:127.0.0.1,DNS:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
      .write(toFile: root + "/ext.cnf", atomically: true, encoding: .utf8)
    try Self.tool(
      "/usr/bin/openssl",
      [
        "x509", "-req", "-in", root + "/server.csr", "-CA", caFile, "-CAkey", root + "/ca.key", "-CAcreateserial",
        "-out", root + "/server.pem", "-days", "2", "-extfile", root + "/ext.cnf",
      ])
    let hash = try Self.tool("/usr/bin/openssl", ["passwd", "-apr1", Self.httpPassword])
      .trimmingCharacters(in: .whitespacesAndNewlines)
    let nastyHash = try Self.tool("/usr/bin/openssl", ["passwd", "-apr1", Self.nastyPassword])
      .trimmingCharacters(in: .whitespacesAndNewlines)
    try "\(Self.httpUser):\(hash)\n\(Self.nastyUser):\(nastyHash)\n"
      .write(toFile: root + "/htpasswd", atomically: true, encoding: .utf8)

    let socket = root + "/fcgi.sock"
    try launch([Self.fcgiwrap, "-c", "4", "-s", "unix:" + socket], log: "fcgiwrap.log")
    for _ in 0..<100 where !FileManager.default.fileExists(atPath: socket) { usleep(50_000) }
    let backend =
      try Self.tool("/usr/bin/git", ["--exec-path"]).trimmingCharacters(in: .whitespacesAndNewlines)
      + "/git-http-backend"
    let config = """
      \(getuid() == 0 ? "user root;" : "")
      daemon off;
      worker_processes 1;
      pid \(root)/nginx.pid;
      error_log \(root)/nginx-error.log error;
      events { worker_connections 64; }
      http {
        access_log off;
        client_body_temp_path \(root)/body;
        fastcgi_temp_path \(root)/fastcgi;
        proxy_temp_path \(root)/proxy;
        uwsgi_temp_path \(root)/uwsgi;
        scgi_temp_path \(root)/scgi;
        server {
          listen 127.0.0.1:\(httpsPort) ssl;
          ssl_certificate \(root)/server.pem;
          ssl_certificate_key \(root)/server.key;
          client_max_body_size 0;
          location / {
            auth_basic "gloss test";
            auth_basic_user_file \(root)/htpasswd;
            fastcgi_pass unix:\(socket);
            fastcgi_param SCRIPT_FILENAME \(backend);
            fastcgi_param GIT_PROJECT_ROOT /;
            fastcgi_param GIT_HTTP_EXPORT_ALL "";
            fastcgi_param PATH_INFO $uri;
            fastcgi_param REMOTE_USER $remote_user;
            fastcgi_param QUERY_STRING $query_string;
            fastcgi_param REQUEST_METHOD $request_method;
            fastcgi_param CONTENT_TYPE $content_type;
            fastcgi_param CONTENT_LENGTH $content_length;
            fastcgi_param GIT_PROTOCOL $http_git_protocol;
            fastcgi_param GLOSS \(Shell.glossPath);
            fastcgi_param PATH /usr/local/bin:/usr/bin:/bin;
          }
        }
      }

      """
    try config.write(toFile: root + "/nginx.conf", atomically: true, encoding: .utf8)
    try launch(
      [Self.nginx ?? "nginx", "-e", root + "/nginx-error.log", "-p", root, "-c", root + "/nginx.conf"],
      log: "nginx.log")
    try waitForPort(httpsPort, "nginx")
  }

  /// Starts `command` under `timeout`, its output in `log`.
  private func launch(_ command: [String], log: String) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
    process.arguments = ["600"] + command
    _ = FileManager.default.createFile(atPath: root + "/" + log, contents: nil)
    let output = try FileHandle(forWritingTo: URL(fileURLWithPath: root + "/" + log))
    process.standardOutput = output
    process.standardError = output
    process.standardInput = FileHandle.nullDevice
    try process.run()
    processes.append(process)
  }

  private func waitForPort(_ port: Int, _ name: String) throws {
    for _ in 0..<100 {
      if GitDaemon.canConnect(port) { return }
      usleep(50_000)
    }
    let logs = (try? FileManager.default.contentsOfDirectory(atPath: root))?.filter { $0.hasSuffix(".log") }
      .compactMap { try? String(contentsOfFile: root + "/" + $0, encoding: .utf8) }.joined(separator: "\n")
    throw GlossTestError("\(name) did not start on port \(port): \(logs ?? "")")
  }

  @discardableResult
  static func tool(_ path: String, _ arguments: [String]) throws -> String {
    let run = try Shell.run(path, arguments, in: "/")
    guard run.status == 0 else { throw GlossTestError("\(path) \(arguments): \(run.stderr)") }
    return run.stdout
  }

  /// Whether a client ran `git` (the tripwire's log), with what it was asked.
  static func gitRan(in box: Sandbox) -> String? {
    try? String(contentsOfFile: box.root + "/git-ran", encoding: .utf8)
  }

  func sshURL(_ path: String) -> String { "ssh://\(user)@127.0.0.1:\(sshPort)\(path)" }
  func httpsURL(_ path: String) -> String { "https://127.0.0.1:\(httpsPort)\(path)" }

  /// Gives `box`'s home the user's key (as ~/.ssh/id_ed25519) and, when `trusted`, the
  /// server's host key in ~/.ssh/known_hosts.
  func setUpSSH(in box: Sandbox, key: String? = nil, trusted: Bool = true) throws {
    let folder = box.root + "/home/.ssh"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    for suffix in ["", ".pub"] {
      try? FileManager.default.removeItem(atPath: folder + "/id_ed25519" + suffix)
      try FileManager.default.copyItem(atPath: (key ?? userKey) + suffix, toPath: folder + "/id_ed25519" + suffix)
    }
    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: folder + "/id_ed25519")
    try (trusted ? hostKeyLine : "").write(toFile: folder + "/known_hosts", atomically: true, encoding: .utf8)
  }

  /// A folder with a `git` that only records that it ran: first on the clients' PATH, so a
  /// test can witness that gloss never runs git (helpers are run directly).
  static let tripwire: String = {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gloss-tripwire-\(getpid())").path
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let script = "#!/bin/sh\necho \"$@\" >> \"${GLOSS_TRIPWIRE_LOG:-/dev/null}\"\nexit 1\n"
    try? script.write(toFile: folder + "/git", atomically: true, encoding: .utf8)
    try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder + "/git")
    return folder
  }()

  /// The environment of a client in `box`: its home, no agent, no machine-wide CA settings
  /// (each test says what to trust), never a prompt, and `git` on PATH a tripwire that logs
  /// to `box.root/git-ran`.
  func clientEnvironment(_ box: Sandbox, _ extra: [String: String] = [:]) -> [String: String] {
    var env = box.env
    for key in [
      "SSH_AUTH_SOCK", "GIT_SSL_CAINFO", "GIT_SSL_CAPATH", "SSL_CERT_FILE", "SSL_CERT_DIR", "GIT_SSH_COMMAND",
      "GLOSS_TOKEN", "GITHUB_TOKEN", "GH_TOKEN", "GITLAB_TOKEN", "GLOSS_GIT_USERNAME", "GLOSS_GIT_PASSWORD",
      "CI_JOB_TOKEN",
    ] {
      env[key] = ""
    }
    env["GIT_TERMINAL_PROMPT"] = "0"
    env["PATH"] = Self.tripwire + ":" + PushHookTests.pathWithGloss
    env["GLOSS_TRIPWIRE_LOG"] = box.root + "/git-ran"
    return env.merging(extra) { $1 }
  }

  /// Runs gloss as a client in `box.root` on a pseudo-terminal driven by Tests/e2e/terminal.py,
  /// which types each answer only once its prompt shows; what the terminal showed is stdout.
  func onTerminal(_ box: Sandbox, _ arguments: [String], answers: [[String]] = [], env: [String: String]) throws
    -> Run
  {
    var driver = URL(fileURLWithPath: #filePath)
    for _ in 0..<2 { driver.deleteLastPathComponent() }
    driver.appendPathComponent("e2e/terminal.py")
    var environment = clientEnvironment(box, env)
    if env["GIT_TERMINAL_PROMPT"] == nil { environment["GIT_TERMINAL_PROMPT"] = nil }
    let spec: [String: Any] = [
      "argv": [Shell.glossPath] + arguments, "env": environment, "cwd": box.root, "answers": answers, "timeout": 20,
    ]
    let json = String(decoding: try JSONSerialization.data(withJSONObject: spec), as: UTF8.self)
    return try Shell.run("/usr/bin/env", ["python3", "-B", driver.path], in: box.root, stdin: json)
  }

  /// Runs gloss as a client, bounded to `seconds` (exit 124 when it hangs), and its duration.
  func gloss(
    _ box: Sandbox, _ arguments: [String], in folder: String? = nil, env extra: [String: String] = [:],
    seconds: Int = 20
  ) throws -> (run: Run, seconds: Double) {
    let start = Date()
    let run = try Shell.run(
      "/usr/bin/timeout", ["-k", "2", String(seconds), Shell.glossPath] + arguments, in: folder ?? box.path,
      env: clientEnvironment(box, extra))
    return (run, Date().timeIntervalSince(start))
  }
}

/// A TCP server on 127.0.0.1 that accepts connections (the kernel completes them) and never
/// answers: what a wedged server or a firewall that drops data looks like to a client.
final class SilentServer {
  let port: Int
  private let fd: Int32

  init() throws {
    let (fd, port) = try GitDaemon.boundSocket()
    guard listen(fd, 16) == 0 else {
      close(fd)
      throw GlossTestError("cannot listen")
    }
    self.fd = fd
    self.port = port
  }

  deinit { close(fd) }
}
