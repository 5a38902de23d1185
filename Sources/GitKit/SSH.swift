import CLibgit2
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// ssh as libgit2 (through libssh2) does it, with what OpenSSH users expect: keys from
/// ssh-agent and `~/.ssh/id_*`, host keys checked against `~/.ssh/known_hosts` (and the
/// system's `/etc/ssh/ssh_known_hosts`). libgit2 1.5 cannot run an `ssh` program, so of
/// `core.sshCommand` / `GIT_SSH_COMMAND` only the options libssh2 can follow are taken: `-i
/// FILE` (or `-o IdentityFile=FILE`), `-l USER` (or `-o User=`), `-o UserKnownHostsFile=FILE`;
/// the rest (ProxyJump, `-F`, ...) is ignored and documented (docs/team.md).
struct SSHSettings: Equatable {
  var identityFiles: [String] = []
  var knownHostsFiles: [String] = []
  var user: String?

  /// Reads `GIT_SSH_COMMAND`, else `core.sshCommand`.
  init(command: String?) {
    guard let command else { return }
    let words = Self.words(command)
    var index = words.index(after: words.startIndex)
    func take(_ option: String, _ value: String) {
      let lower = option.lowercased()
      if lower == "identityfile" { identityFiles.append(Self.expand(value)) }
      if lower == "userknownhostsfile" {
        knownHostsFiles += value.split(separator: " ").map { Self.expand(String($0)) }
      }
      if lower == "user" { user = value }
    }
    while index < words.endIndex {
      let word = words[index]
      let next = words.index(after: index) < words.endIndex ? words[words.index(after: index)] : nil
      switch word {
      case "-i":
        if let next { identityFiles.append(Self.expand(next)) }
        index += 1
      case "-l":
        user = next
        index += 1
      case "-o":
        if let next, let equals = next.firstIndex(where: { $0 == "=" || $0 == " " }) {
          take(String(next[..<equals]), String(next[next.index(after: equals)...]))
        }
        index += 1
      default:
        if word.hasPrefix("-i"), word.count > 2 { identityFiles.append(Self.expand(String(word.dropFirst(2)))) }
      }
      index += 1
    }
  }

  /// Splits a command line as a shell would, for the quoting people use in sshCommand.
  static func words(_ line: String) -> [String] {
    var words: [String] = []
    var current = ""
    var quote: Character?
    var started = false
    for character in line {
      if let open = quote {
        if character == open { quote = nil } else { current.append(character) }
      } else if character == "'" || character == "\"" {
        quote = character
        started = true
      } else if character == " " || character == "\t" {
        if started { words.append(current) }
        current = ""
        started = false
      } else {
        current.append(character)
        started = true
      }
    }
    if started { words.append(current) }
    return words
  }

  static func expand(_ path: String) -> String {
    path.hasPrefix("~/") ? SSHSettings.home + path.dropFirst(1) : path
  }

  /// `$HOME` (as ssh and libgit2 take it), else the account's home.
  static var home: String {
    if let home = ProcessInfo.processInfo.environment["HOME"], !home.isEmpty { return home }
    return getpwuid(getuid()).flatMap { $0.pointee.pw_dir.map { String(cString: $0) } } ?? "/"
  }

  /// The user ssh would log in as: `-l`, else the local account name.
  var defaultUser: String {
    if let user { return user }
    if let name = getpwuid(getuid())?.pointee.pw_name { return String(cString: name) }
    return ProcessInfo.processInfo.environment["USER"] ?? "git"
  }

  /// The known_hosts files checked, the user's first.
  var knownHosts: [String] {
    (knownHostsFiles.isEmpty ? [SSHSettings.home + "/.ssh/known_hosts"] : knownHostsFiles)
      + ["/etc/ssh/ssh_known_hosts"]
  }

  /// What to try, in order: the agent (when SSH_AUTH_SOCK is set), `-i` files, then the
  /// default `~/.ssh/id_*` files that exist.
  var keys: [SSHKey] {
    var keys: [SSHKey] = []
    if let socket = ProcessInfo.processInfo.environment["SSH_AUTH_SOCK"], !socket.isEmpty { keys.append(.agent) }
    let defaults = ["id_ed25519", "id_ecdsa", "id_rsa"].map { SSHSettings.home + "/.ssh/" + $0 }
    for file in identityFiles + defaults where FileManager.default.isReadableFile(atPath: file) {
      if !keys.contains(.file(file)) { keys.append(.file(file)) }
    }
    return keys
  }
}

enum SSHKey: Equatable {
  case agent
  case file(String)

  var label: String {
    switch self {
    case .agent: return "ssh-agent"
    case .file(let path): return path.replacingOccurrences(of: SSHSettings.home + "/", with: "~/")
    }
  }
}

extension SSHSettings {
  /// Whether the private key file is encrypted: a PEM key with `ENCRYPTED`, or an OpenSSH
  /// key (`openssh-key-v1`) whose cipher is not `none`.
  static func needsPassphrase(_ path: String) -> Bool {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return false }
    if text.contains("ENCRYPTED") { return true }
    guard text.contains("BEGIN OPENSSH PRIVATE KEY") else { return false }
    let body = text.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
    guard let data = Data(base64Encoded: body) else { return false }
    let magic = Array("openssh-key-v1\0".utf8)
    let bytes = [UInt8](data)
    guard bytes.count > magic.count + 4, Array(bytes[0..<magic.count]) == magic else { return false }
    let lengthBytes = bytes[magic.count..<magic.count + 4]
    let length = lengthBytes.reduce(0) { $0 << 8 | Int($1) }
    let start = magic.count + 4
    guard start + length <= bytes.count else { return false }
    return String(decoding: bytes[start..<start + length], as: UTF8.self) != "none"
  }
}

/// A host key compared with the known_hosts files.
enum HostKeyCheck: Equatable {
  case known
  case unknown
  /// Another key is on file for this host: it changed, or someone is in between.
  case changed(file: String)

  static func check(host: String, port: Int?, key: UnsafeRawPointer, length: Int, type: Int32, files: [String])
    -> HostKeyCheck
  {
    var changed: String?
    for file in files where FileManager.default.fileExists(atPath: file) {
      let result = gloss_known_host(
        file, host, Int32(port ?? 22), key.assumingMemoryBound(to: CChar.self), length, type)
      if result == 0 { return .known }
      if result == 1, changed == nil { changed = file }
    }
    return changed.map { .changed(file: $0) } ?? .unknown
  }

  /// `SHA256:...` as `ssh-keygen -l` prints it (base64 without padding).
  static func fingerprint(_ sha256: [UInt8]) -> String {
    var text = Data(sha256).base64EncodedString()
    while text.hasSuffix("=") { text.removeLast() }
    return "SHA256:" + text
  }

  /// The name ssh writes in known_hosts: `host`, or `[host]:port` for another port.
  static func entryName(host: String, port: Int?) -> String {
    guard let port, port != 22 else { return host }
    return "[\(host)]:\(port)"
  }
}
