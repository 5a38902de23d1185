import CLibgit2
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// How far a clone, fetch or push has got, for a progress line.
public struct TransferProgress: Sendable, Equatable {
  public enum Phase: String, Sendable {
    /// Objects coming in (clone, fetch).
    case receiving = "Receiving objects"
    /// Deltas being resolved after they arrived.
    case resolving = "Resolving deltas"
    /// Objects going out (push).
    case sending = "Writing objects"
  }
  public var phase: Phase
  public var done: Int
  public var total: Int
  public var bytes: Int

  public init(phase: Phase, done: Int, total: Int, bytes: Int) {
    self.phase = phase
    self.done = done
    self.total = total
    self.bytes = bytes
  }
}

/// What a network operation may do besides moving objects.
public struct RemoteOptions: Sendable {
  /// Called with progress (often; throttle before printing). Nil: no progress.
  public var progress: (@Sendable (TransferProgress) -> Void)?
  /// Whether a missing credential may be asked for on the terminal. Default: stdin and
  /// stderr are terminals and GIT_TERMINAL_PROMPT is not 0.
  public var mayPrompt: Bool

  public init(progress: (@Sendable (TransferProgress) -> Void)? = nil, mayPrompt: Bool? = nil) {
    self.progress = progress
    self.mayPrompt = mayPrompt ?? TerminalPrompt.available
  }
}

/// A remote that could not be reached or would not let us in, said for a person: what went
/// wrong and what to do about it, in one line.
public struct RemoteAccessError: Error, Sendable, Equatable {
  public enum Kind: Sendable, Equatable {
    case noCredential, credentialRefused, sshKeyRefused, unknownHostKey, changedHostKey, untrustedCertificate
    /// The server accepted the connection, then sent nothing for `GLOSS_REMOTE_TIMEOUT` seconds.
    case stalled
  }
  public let kind: Kind
  /// The URL without secrets.
  public let url: String
  public let message: String
}

/// The libgit2 callbacks of one network operation and what they learn: credentials tried (each
/// source once, so a refused one never loops), host keys and certificates checked (never
/// accepted when unknown or invalid), progress, and what the server said during a push.
final class RemoteCallbacks {
  let url: RemoteURL?
  let rawURL: String
  let options: RemoteOptions
  let config: ConfigEntries
  let ssh: SSHSettings

  /// References the remote refused during a push, with its reason.
  var rejected: [(reference: String, reason: String)] = []
  /// What the server printed on the sideband (its hooks' output), not yet split into lines.
  var remoteText = Data()
  /// Why the operation failed, when a callback knows better than libgit2's message.
  var failure: RemoteAccessError?

  private var attempts = 0
  private var sshKeysLeft: [SSHKey]?
  private var sshTried: [SSHKey] = []
  /// Keys skipped because they need a passphrase and nobody can type it.
  private var sshLocked: [SSHKey] = []
  /// The key whose passphrase was just typed (a key libssh2 cannot read ends the session at
  /// once), and every key offered with a typed passphrase.
  private var sshTyped: SSHKey?
  private var sshTypedKeys: [SSHKey] = []
  private var sshUser: String?
  private var httpSources: [() -> Credential?]?
  /// The last credential given to libgit2 (to store after success, or erase when refused).
  private var offered: Credential?
  private var lastProgress = Date.distantPast
  /// Why credential helpers gave nothing (stopped, failed, not installed), for the error.
  private var helperProblems: [String] = []
  /// Cuts a connection on which the server stopped answering (libgit2 1.5 has no timeouts).
  private(set) var watchdog: StallWatchdog?

  init(url: String, repository: OpaquePointer?, options: RemoteOptions) {
    rawURL = url
    self.url = RemoteURL(url)
    self.options = options
    config = ConfigEntries.credentials(of: repository)
    let environment = ProcessInfo.processInfo.environment
    let command = environment["GIT_SSH_COMMAND"].flatMap { $0.isEmpty ? nil : $0 }
    ssh = SSHSettings(command: command ?? config.last("core", "sshcommand", for: nil))
    TLSTrust.apply(config: config, url: self.url)
  }

  var display: String { url?.display ?? rawURL }

  /// Fills in `callbacks`; `self` is their payload, kept alive by `perform`.
  func install(into callbacks: inout git_remote_callbacks) {
    callbacks.credentials = acquireCredentials
    callbacks.certificate_check = checkCertificate
    callbacks.transfer_progress = fetchProgress
    callbacks.push_transfer_progress = pushProgress
    callbacks.push_update_reference = pushUpdate
    callbacks.sideband_progress = sidebandText
    callbacks.payload = Unmanaged.passUnretained(self).toOpaque()
  }

  /// Runs a libgit2 network call with these callbacks; afterwards tells the credential helpers
  /// whether their credential worked, and turns an authentication or trust failure into a
  /// `RemoteAccessError` that says what to do.
  @discardableResult
  func perform<T>(_ body: () throws -> T) throws -> T {
    let result: T
    let watchdog = stallWatchdog()
    watchdog?.start()
    self.watchdog = watchdog
    defer { watchdog?.stop() }
    do {
      result = try withExtendedLifetime(self) { try body() }
    } catch let error as GitError {
      if let watchdog, watchdog.fired {
        throw RemoteAccessError(
          kind: .stalled, url: display,
          message:
            "the server stopped answering (nothing came for \(Self.seconds(watchdog.limit))), so gloss gave up; "
            + "check the address and that the server is up, or set GLOSS_REMOTE_TIMEOUT=SECONDS to wait longer")
      }
      if let offered, error.code == .auth || failure?.kind == .credentialRefused {
        helpers?.reject(offered)
        if failure == nil { refused(offered) }
      }
      if failure == nil, let key = sshTyped {
        // libssh2 could not open the key with what was typed; libgit2 gives up at once.
        failure = RemoteAccessError(
          kind: .sshKeyRefused, url: display,
          message: "the passphrase for \(key.label) was not accepted (\(error.message)); check it, or load the key "
            + "into ssh-agent with 'ssh-add \(key.label)'")
      }
      if let failure { throw failure }
      throw error
    }
    if let offered, case .terminal = offered.source { helpers?.approve(offered) }
    if let offered, case .helper = offered.source { helpers?.approve(offered) }
    return result
  }

  /// A watchdog for the connection to the remote's port, unless GLOSS_REMOTE_TIMEOUT=0 or
  /// the remote is on this machine's disk.
  private func stallWatchdog() -> StallWatchdog? {
    guard let url, let port = url.port ?? url.defaultPort,
      let limit = StallWatchdog.limit(environment: ProcessInfo.processInfo.environment)
    else { return nil }
    return StallWatchdog(port: port, limit: limit)
  }

  static func seconds(_ value: TimeInterval) -> String {
    value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
  }

  /// Runs a credential source without its time (a prompt, a helper) counting as a stall.
  func unclocked<T>(_ body: () -> T) -> T {
    if let watchdog { return watchdog.pausing(body) }
    return body()
  }

  private var helpers: CredentialHelpers? {
    guard let url, url.isHTTP else { return nil }
    let helpers = config.helpers(for: url)
    guard !helpers.isEmpty else { return nil }
    let useHTTPPath = config.last("credential", "usehttppath", for: url).map(Self.isTrue) ?? false
    return CredentialHelpers(helpers: helpers, url: url, useHTTPPath: useHTTPPath, interactive: options.mayPrompt)
  }

  static func isTrue(_ value: String) -> Bool { ["true", "yes", "on", "1"].contains(value.lowercased()) }

  // MARK: credentials

  func credential(
    _ out: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>, usernameFromURL: String?, allowed: UInt32
  ) -> Int32 {
    attempts += 1
    // libgit2 asks again after every refusal; each source is tried once, and this bounds the rest.
    guard attempts <= 12 else { return GIT_EAUTH.rawValue }
    if allowed & GIT_CREDENTIAL_SSH_KEY.rawValue != 0 {
      return sshKey(out, user: usernameFromURL ?? sshUser ?? ssh.defaultUser)
    }
    if allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT.rawValue != 0 {
      return userPassword(out, user: usernameFromURL)
    }
    if allowed & GIT_CREDENTIAL_USERNAME.rawValue != 0 {
      let user = usernameFromURL ?? ssh.defaultUser
      sshUser = user
      return git_credential_username_new(out, user)
    }
    if allowed & GIT_CREDENTIAL_DEFAULT.rawValue != 0 {
      return git_credential_default_new(out)
    }
    return GIT_PASSTHROUGH.rawValue
  }

  private func sshKey(_ out: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>, user: String) -> Int32 {
    if sshKeysLeft == nil { sshKeysLeft = ssh.keys }
    sshTyped = nil
    while let key = sshKeysLeft?.first {
      sshKeysLeft?.removeFirst()
      guard case .file(let path) = key else {
        sshTried.append(key)
        return git_credential_ssh_key_from_agent(out, user)
      }
      let publicKey = FileManager.default.fileExists(atPath: path + ".pub") ? path + ".pub" : nil
      var passphrase: String?
      if SSHSettings.needsPassphrase(path) {
        // On a terminal ask once, as ssh does; elsewhere the agent is the way.
        guard options.mayPrompt,
          let typed = TerminalPrompt.ask("Enter passphrase for key '\(key.label)': ", secret: true)
        else {
          sshLocked.append(key)
          continue
        }
        passphrase = typed
        sshTyped = key
        sshTypedKeys.append(key)
      }
      sshTried.append(key)
      return git_credential_ssh_key_new(out, user, publicKey, path, passphrase)
    }
    // libssh2 reports a wrong passphrase as a refused key: both are said.
    let labels = sshTried.map {
      sshTypedKeys.contains($0)
        ? "\($0.label) with the passphrase you typed: a wrong one, or a key the server does not know" : $0.label
    }
    var tried = labels.isEmpty ? "no key found" : "tried " + labels.joined(separator: ", ")
    if !sshLocked.isEmpty {
      tried += "; " + sshLocked.map(\.label).joined(separator: ", ") + " needs its passphrase and there is no terminal"
    }
    let locked = sshLocked.first.map { "load \($0.label) into ssh-agent with 'ssh-add \($0.label)'" }
    failure = RemoteAccessError(
      kind: .sshKeyRefused, url: display,
      message: "the server accepted no ssh key for user '\(user)' (\(tried)); "
        + (locked.map { $0 + " (gloss asks for passphrases only on a terminal), or " } ?? "")
        + "add your public key (~/.ssh/id_ed25519.pub) to the account on the server, or load the key into "
        + "ssh-agent with 'ssh-add'")
    return GIT_EAUTH.rawValue
  }

  private func userPassword(
    _ out: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>, user urlUser: String?
  ) -> Int32 {
    if let previous = offered {
      // Asked again: the server refused the last one. Forget it where it came from.
      helpers?.reject(previous)
      refused(previous)
      offered = nil
    }
    if httpSources == nil {
      httpSources = sources(urlUser: urlUser)
      // libgit2 offers a password written in the URL itself before asking: it was refused.
      if let url, url.hasPassword {
        failure = RemoteAccessError(
          kind: .credentialRefused, url: display,
          message:
            "refused the password in the URL for '\(urlUser ?? url.user ?? "?")'; check it, or remove it from the URL "
            + "(git remote set-url) and " + Self.howToConfigure(host: url.host, prompt: options.mayPrompt))
      }
    }
    while let next = httpSources?.first {
      httpSources?.removeFirst()
      guard let credential = next() else { continue }
      offered = credential
      failure = nil
      return git_credential_userpass_plaintext_new(out, credential.username, credential.password)
    }
    if failure == nil {
      let why = helperProblems.isEmpty ? "none is configured" : "none came (\(helperProblems.joined(separator: "; ")))"
      failure = RemoteAccessError(
        kind: .noCredential, url: display,
        message: "needs a user name and password and \(why): "
          + Self.howToConfigure(host: url?.host, prompt: options.mayPrompt))
    }
    return GIT_EAUTH.rawValue
  }

  private func refused(_ credential: Credential) {
    let erased = { if case .helper = credential.source { return " (erased from the helper)" } else { return "" } }()
    failure = RemoteAccessError(
      kind: .credentialRefused, url: display,
      message:
        "refused the password for '\(credential.username)' from \(credential.origin)\(erased); check it, or "
        + Self.howToConfigure(host: url?.host, prompt: options.mayPrompt))
  }

  /// In order: the environment, the credential helpers, the terminal (once).
  private func sources(urlUser: String?) -> [() -> Credential?] {
    let configUser = url.flatMap { config.last("credential", "username", for: $0) }
    let environment = ProcessInfo.processInfo.environment
    var list: [() -> Credential?] = []
    if let url {
      list.append { Self.environmentCredential(host: url.host, user: urlUser, environment: environment) }
    }
    if let helpers {
      list.append { [unowned self] in
        let (credential, problems) = helpers.get(username: urlUser ?? configUser)
        helperProblems += problems
        return credential
      }
    }
    if options.mayPrompt, let url {
      list.append {
        let where_ = "\(url.scheme)://\(url.hostAndPort)"
        guard
          let user = urlUser ?? configUser
            ?? TerminalPrompt.ask("Username for '\(where_)': ", secret: false),
          !user.isEmpty,
          let password = TerminalPrompt.ask("Password for '\(url.scheme)://\(user)@\(url.hostAndPort)': ", secret: true)
        else { return nil }
        return Credential(username: user, password: password, source: .terminal)
      }
    }
    return list
  }

  /// A credential from the environment, for CI: GLOSS_GIT_USERNAME with GLOSS_GIT_PASSWORD,
  /// GLOSS_TOKEN for any host, GITHUB_TOKEN (or GH_TOKEN) for github.com, GITLAB_TOKEN for a
  /// GitLab host, CI_JOB_TOKEN in GitLab CI for its own server. Token user names are the ones
  /// those hosts document (x-access-token, oauth2, gitlab-ci-token) unless one is given.
  static func environmentCredential(host: String, user: String?, environment: [String: String]) -> Credential? {
    func value(_ key: String) -> String? { environment[key].flatMap { $0.isEmpty ? nil : $0 } }
    let host = host.lowercased()
    let github = host == "github.com" || host.hasSuffix(".github.com")
    let gitlab = host == "gitlab.com" || host.hasPrefix("gitlab.") || host == value("CI_SERVER_HOST")?.lowercased()
    let namedUser = user ?? value("GLOSS_GIT_USERNAME")
    if let password = value("GLOSS_GIT_PASSWORD"), let name = namedUser {
      return Credential(username: name, password: password, source: .environment("GLOSS_GIT_PASSWORD"))
    }
    let tokenUser = namedUser ?? (github ? "x-access-token" : gitlab ? "oauth2" : "git")
    if let token = value("GLOSS_TOKEN") {
      return Credential(username: tokenUser, password: token, source: .environment("GLOSS_TOKEN"))
    }
    if github, let variable = ["GITHUB_TOKEN", "GH_TOKEN"].first(where: { value($0) != nil }) {
      return Credential(username: tokenUser, password: value(variable) ?? "", source: .environment(variable))
    }
    if gitlab, let token = value("GITLAB_TOKEN") {
      return Credential(username: tokenUser, password: token, source: .environment("GITLAB_TOKEN"))
    }
    if gitlab, value("GITLAB_CI") != nil, let token = value("CI_JOB_TOKEN") {
      return Credential(username: "gitlab-ci-token", password: token, source: .environment("CI_JOB_TOKEN"))
    }
    return nil
  }

  static func howToConfigure(host: String?, prompt: Bool) -> String {
    let token =
      host?.lowercased() == "github.com"
      ? "GITHUB_TOKEN or GLOSS_TOKEN"
      : (host?.lowercased().contains("gitlab") ?? false) ? "GITLAB_TOKEN or GLOSS_TOKEN" : "GLOSS_TOKEN"
    return "in CI set \(token) (GLOSS_GIT_USERNAME for the user name); on your machine configure a credential "
      + "helper ('git config --global credential.helper store', or your system's)"
      + (prompt ? "" : " or run gloss on a terminal to be asked")
  }

  // MARK: host keys and certificates

  func check(certificate: UnsafeMutablePointer<git_cert>, valid: Bool, host: String) -> Int32 {
    if certificate.pointee.cert_type == GIT_CERT_HOSTKEY_LIBSSH2 {
      let hostKey = UnsafeMutableRawPointer(certificate).assumingMemoryBound(to: git_cert_hostkey.self).pointee
      let port = url?.port
      let entry = HostKeyCheck.entryName(host: host, port: port)
      var outcome = HostKeyCheck.unknown
      if hostKey.type.rawValue & GIT_CERT_SSH_RAW.rawValue != 0, let raw = hostKey.hostkey {
        outcome = HostKeyCheck.check(
          host: host, port: port, key: UnsafeRawPointer(raw), length: hostKey.hostkey_len,
          type: Int32(hostKey.raw_type.rawValue), files: ssh.knownHosts)
      }
      if outcome == .known || (valid && outcome == .unknown && ssh.knownHostsFiles.isEmpty) { return 0 }
      let fingerprint =
        hostKey.type.rawValue & GIT_CERT_SSH_SHA256.rawValue != 0
        ? HostKeyCheck.fingerprint(withUnsafeBytes(of: hostKey.hash_sha256) { Array($0) }) : "unknown fingerprint"
      let portOption = port.map { $0 == 22 ? "" : " -p \($0)" } ?? ""
      let file = ssh.knownHosts.first ?? "~/.ssh/known_hosts"
      if case .changed(let listed) = outcome {
        failure = RemoteAccessError(
          kind: .changedHostKey, url: display,
          message:
            "the ssh host key of \(entry) CHANGED (it now sends \(fingerprint)), which may mean someone is "
            + "intercepting the connection; if the server's administrator confirms the new key, remove the old "
            + "one with 'ssh-keygen -R \"\(entry)\" -f \(listed)' and accept the new one once with 'ssh\(portOption) \(host)'"
        )
      } else {
        failure = RemoteAccessError(
          kind: .unknownHostKey, url: display,
          message:
            "the ssh host key of \(entry) (\(fingerprint)) is not in \(file); if that fingerprint is the server's, "
            + "accept it once with 'ssh\(portOption) \(host)' (answer yes) or "
            + "'ssh-keyscan\(portOption) \(host) >> \(file)'")
      }
      return GIT_ECERTIFICATE.rawValue
    }
    if valid { return 0 }
    failure = RemoteAccessError(
      kind: .untrustedCertificate, url: display,
      message:
        "the TLS certificate of \(host) is not trusted (not signed by a known authority, expired, or for another "
        + "name); if the server uses its own authority, point git config http.sslCAInfo (or SSL_CERT_FILE) at "
        + "that authority's certificate")
    return GIT_ECERTIFICATE.rawValue
  }

  // MARK: progress

  func report(_ progress: TransferProgress) {
    watchdog?.touch()
    guard let handler = options.progress else { return }
    let now = Date()
    // At most ten updates a second, but always the last one of a phase.
    guard progress.done == progress.total || now.timeIntervalSince(lastProgress) >= 0.1 else { return }
    lastProgress = now
    handler(progress)
  }
}

extension RemoteCallbacks {
  static func from(_ payload: UnsafeMutableRawPointer?) -> RemoteCallbacks? {
    payload.map { Unmanaged<RemoteCallbacks>.fromOpaque($0).takeUnretainedValue() }
  }
}

private let acquireCredentials: git_credential_acquire_cb = { out, _, usernameFromURL, allowed, payload in
  guard let out, let state = RemoteCallbacks.from(payload) else { return GIT_PASSTHROUGH.rawValue }
  return state.unclocked {
    state.credential(out, usernameFromURL: usernameFromURL.map { String(cString: $0) }, allowed: allowed)
  }
}

private let checkCertificate: git_transport_certificate_check_cb = { certificate, valid, host, payload in
  guard let certificate, let state = RemoteCallbacks.from(payload) else { return GIT_ECERTIFICATE.rawValue }
  return state.check(certificate: certificate, valid: valid != 0, host: host.map { String(cString: $0) } ?? "?")
}

private let fetchProgress: git_indexer_progress_cb = { stats, payload in
  guard let stats = stats?.pointee, let state = RemoteCallbacks.from(payload) else { return 0 }
  if stats.total_deltas > 0 && stats.received_objects == stats.total_objects {
    state.report(
      TransferProgress(
        phase: .resolving, done: Int(stats.indexed_deltas), total: Int(stats.total_deltas),
        bytes: Int(stats.received_bytes)))
  } else {
    state.report(
      TransferProgress(
        phase: .receiving, done: Int(stats.received_objects), total: Int(stats.total_objects),
        bytes: Int(stats.received_bytes)))
  }
  return 0
}

private let pushProgress: git_push_transfer_progress_cb = { current, total, bytes, payload in
  RemoteCallbacks.from(payload)?.report(
    TransferProgress(phase: .sending, done: Int(current), total: Int(total), bytes: Int(bytes)))
  return 0
}

/// Collects the remote's refusals of individual references during a push.
private let pushUpdate: git_push_update_reference_cb = { refname, status, payload in
  guard let status, let state = RemoteCallbacks.from(payload) else { return 0 }
  state.rejected.append((refname.map { String(cString: $0) } ?? "?", String(cString: status)))
  return 0
}

/// Collects the server's messages (`remote:` lines in git), which libgit2 hands over in pieces.
private let sidebandText: git_transport_message_cb = { text, length, payload in
  guard let text, let state = RemoteCallbacks.from(payload), length > 0 else { return 0 }
  state.watchdog?.touch()
  text.withMemoryRebound(to: UInt8.self, capacity: Int(length)) {
    state.remoteText.append($0, count: Int(length))
  }
  return 0
}

/// Which certificate authorities https trusts, as git decides: GIT_SSL_CAINFO / GIT_SSL_CAPATH,
/// then `http.sslCAInfo` / `http.sslCAPath` (also per URL), then SSL_CERT_FILE / SSL_CERT_DIR,
/// else the system's bundle. `http.sslVerify false` is not honoured: an untrusted certificate
/// is always an error.
enum TLSTrust {
  private static let lock = NSLock()
  nonisolated(unsafe) private static var applied: (String?, String?)?

  static let systemBundles = [
    "/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem",
    "/etc/ssl/ca-bundle.pem",
  ]

  static func locations(config: ConfigEntries, url: RemoteURL?, environment: [String: String]) -> (String?, String?) {
    func value(_ key: String) -> String? { environment[key].flatMap { $0.isEmpty ? nil : $0 } }
    let file =
      value("GIT_SSL_CAINFO") ?? config.last("http", "sslcainfo", for: url).map(SSHSettings.expand)
      ?? value("SSL_CERT_FILE")
    let folder =
      value("GIT_SSL_CAPATH") ?? config.last("http", "sslcapath", for: url).map(SSHSettings.expand)
      ?? value("SSL_CERT_DIR")
    return (file, folder)
  }

  static func apply(config: ConfigEntries, url: RemoteURL?) {
    guard url?.isHTTP ?? false else { return }
    var wanted = locations(config: config, url: url, environment: ProcessInfo.processInfo.environment)
    if wanted.0 == nil && wanted.1 == nil {
      // Back to the system's bundle if an earlier operation in this process chose another.
      lock.lock()
      let changed = applied != nil
      lock.unlock()
      guard changed else { return }
      wanted.0 = systemBundles.first { FileManager.default.fileExists(atPath: $0) }
    }
    lock.lock()
    defer { lock.unlock() }
    applied = wanted
    _ = gloss_git_set_ssl_cert_locations(wanted.0, wanted.1)
  }
}
