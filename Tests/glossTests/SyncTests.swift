import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// A `git daemon` serving a folder on 127.0.0.1, started and stopped by the test.
final class GitDaemon {
  let port: Int
  let process = Process()

  init(basePath: String) throws {
    port = try Self.freePort()
    // The daemon itself rather than the `git` wrapper, so stopping it stops the server.
    let execPath = try Shell.run("/usr/bin/git", ["--exec-path"], in: basePath).stdout
      .trimmingCharacters(in: .whitespacesAndNewlines)
    process.executableURL = URL(fileURLWithPath: execPath + "/git-daemon")
    process.arguments = [
      "--reuseaddr", "--base-path=\(basePath)", "--export-all", "--enable=receive-pack",
      "--port=\(port)", "--listen=127.0.0.1", basePath,
    ]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    // Wait until it accepts connections.
    for _ in 0..<100 {
      if Self.canConnect(port) { return }
      usleep(50_000)
    }
    stop()
    throw GlossTestError("git daemon did not start on port \(port)")
  }

  deinit { stop() }

  /// SIGKILL: git-daemon may not act on SIGTERM while it waits in accept().
  func stop() {
    guard process.isRunning else { return }
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
  }

  func url(_ repository: String) -> String { "git://127.0.0.1:\(port)/\(repository)" }

  static func freePort() throws -> Int {
    let (fd, port) = try boundSocket()
    close(fd)
    return port
  }

  /// A TCP socket bound to a free port on 127.0.0.1, and that port; the caller closes it.
  static func boundSocket() throws -> (fd: Int32, port: Int) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw GlossTestError("socket failed") }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
        bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
      }
    }
    guard bound else {
      close(fd)
      throw GlossTestError("bind failed")
    }
    return (fd, Int(UInt16(bigEndian: address.sin_port)))
  }

  static func canConnect(_ port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    return withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
      }
    }
  }
}

struct GlossTestError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

@Suite(.serialized) struct SyncTests {
  /// A lead's project pushed to a bare repository in the sandbox; returns its path.
  func publish(_ box: Sandbox) throws -> String {
    let bare = box.root + "/shared/study.git"
    #expect(try box.git("init", "-q", "--bare", bare, in: box.root).status == 0)
    try box.git("remote", "add", "origin", bare)
    let push = try box.gloss("push", "origin", "main")
    #expect(push.status == 0, "\(push.stderr)")
    return bare
  }

  /// ana and ben each clone, code and sync through `url`; the lead pulls both.
  func roundTrip(_ box: Sandbox, url: String) throws {
    for coder in ["ana", "ben"] {
      let clone = try box.gloss("clone", url, coder, in: box.root)
      #expect(clone.status == 0, "clone: \(clone.stderr)")
      let driver = try box.git("config", "merge.gloss.driver", in: box.root + "/" + coder)
      #expect(driver.stdout.contains("gloss merge-driver"))
    }
    let ana = box.root + "/ana"
    let ben = box.root + "/ben"
    let idA = try box.gloss("--as", "ana", "add", "d1", "low", "--para", "1", in: ana).stdout
    let idB = try box.gloss("--as", "ben", "add", "d1", "outlier", "--para", "2", in: ben).stdout
    #expect(try box.gloss("push", in: ana).status == 0)
    let refused = try box.gloss("push", "origin", "main", in: ben)
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("pull first"), "\(refused.stderr)")
    let pull = try box.gloss("--as", "ben", "pull", in: ben)
    #expect(pull.status == 0, "pull: \(pull.stdout) \(pull.stderr)")
    #expect(pull.stdout.contains("merged origin/main"), "\(pull.stdout)")
    let push = try box.gloss("push", in: ben)
    #expect(push.status == 0, "push: \(push.stderr)")
    let lead = try box.gloss("pull", "origin", "main")
    #expect(lead.status == 0 && lead.stdout.contains("fast-forward"), "\(lead.stdout) \(lead.stderr)")
    let listing = try box.listing().joined(separator: "\n")
    for id in [idA, idB] {
      #expect(listing.contains(id.trimmingCharacters(in: .whitespacesAndNewlines)))
    }
    try box.expectHealthy()
    #expect(try box.git("status", "--porcelain", in: ben).stdout.isEmpty)
  }

  @Test func syncThroughABareRepositoryOnDisk() throws {
    let box = try Sandbox.twoCoders()
    let bare = try publish(box)
    try roundTrip(box, url: bare)
    let fsck = try box.git("--git-dir", bare, "fsck", "--strict", in: box.root)
    #expect(fsck.status == 0)
  }

  @Test func syncThroughGitDaemon() throws {
    let box = try Sandbox.twoCoders()
    _ = try publish(box)
    let daemon = try GitDaemon(basePath: box.root + "/shared")
    try box.git("remote", "set-url", "origin", daemon.url("study.git"))
    try roundTrip(box, url: daemon.url("study.git"))
    let fetch = try box.gloss("fetch")
    #expect(fetch.status == 0, "\(fetch.stderr)")
  }

  @Test func pullNeedsAKnownRemote() throws {
    let box = try Sandbox()
    let run = try box.gloss("pull", "nowhere")
    #expect(run.status == 1 && run.stderr.contains("no such remote"))
  }
}
