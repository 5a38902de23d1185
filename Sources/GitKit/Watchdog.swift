import CLibgit2
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// libgit2 1.5 has no connect or read timeouts, so a server that accepts the connection and then
/// never answers would hold a clone, fetch or push forever (in CI, until the job is killed).
/// This watchdog looks at the operation's own TCP connections (new since it started, to the
/// remote's port) and cuts one with `shutdown` when no data went either way on it for `limit`
/// seconds and libgit2 reported no progress meanwhile; libgit2's blocked read then ends and
/// the operation fails. Time spent asking for credentials does not count. Linux only (it reads
/// `/proc/self/fd` and `TCP_INFO`); elsewhere it does nothing.
final class StallWatchdog: @unchecked Sendable {
  let port: Int
  let limit: TimeInterval
  private let lock = NSLock()
  private var lastActivity = Date()
  private var paused = 0
  private var stopped = false
  private var cut = false
  private let done = DispatchSemaphore(value: 0)
  private let finished = DispatchSemaphore(value: 0)
  private let existing: Set<UInt64>

  /// Seconds without a byte from the server before gloss gives up: `GLOSS_REMOTE_TIMEOUT`
  /// (0 turns the watchdog off), else 60.
  static func limit(environment: [String: String]) -> TimeInterval? {
    guard let text = environment["GLOSS_REMOTE_TIMEOUT"], !text.isEmpty else { return 60 }
    guard let seconds = Double(text), seconds >= 0 else { return 60 }
    return seconds == 0 ? nil : seconds
  }

  init(port: Int, limit: TimeInterval) {
    self.port = port
    self.limit = limit
    existing = Set(Self.sockets(port: port).map(\.inode))
  }

  /// Whether it cut a connection.
  var fired: Bool {
    lock.lock()
    defer { lock.unlock() }
    return cut
  }

  /// Something happened (progress, a server message): the operation is alive.
  func touch() {
    lock.lock()
    lastActivity = Date()
    lock.unlock()
  }

  /// Runs `body` (a credential prompt or helper) without the time counting as a stall.
  func pausing<T>(_ body: () throws -> T) rethrows -> T {
    lock.lock()
    paused += 1
    lock.unlock()
    defer {
      lock.lock()
      paused -= 1
      lastActivity = Date()
      lock.unlock()
    }
    return try body()
  }

  func start() {
    #if os(Linux)
      let interval = min(1, max(0.1, limit / 4))
      DispatchQueue.global().async { [self] in
        while done.wait(timeout: .now() + interval) == .timedOut { check() }
        finished.signal()
      }
    #endif
  }

  func stop() {
    lock.lock()
    let running = !stopped
    stopped = true
    lock.unlock()
    #if os(Linux)
      if running {
        done.signal()
        finished.wait()
      }
    #endif
  }

  private func check() {
    lock.lock()
    let quiet = paused == 0 && Date().timeIntervalSince(lastActivity) >= limit
    lock.unlock()
    guard quiet else { return }
    for socket in Self.sockets(port: port)
    where !existing.contains(socket.inode) && socket.established && Double(socket.idleMilliseconds) >= limit * 1000 {
      // Said before cutting: the operation's thread fails the moment the connection goes.
      lock.lock()
      cut = true
      lock.unlock()
      // libgit2 or mbedTLS may still write to the cut connection: an error, not a SIGPIPE death.
      signal(SIGPIPE, SIG_IGN)
      shutdown(socket.fd, Int32(SHUT_RDWR))
    }
  }

  private struct Socket {
    var fd: Int32
    var inode: UInt64
    var established: Bool
    var idleMilliseconds: UInt32
  }

  /// This process's TCP connections to `port`.
  private static func sockets(port: Int) -> [Socket] {
    #if os(Linux)
      guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return [] }
      return names.compactMap { name in
        guard let fd = Int32(name) else { return nil }
        var inode: UInt64 = 0
        var established: Int32 = 0
        var idle: UInt32 = 0
        guard gloss_tcp_socket_idle(fd, Int32(port), &inode, &established, &idle) == 1 else { return nil }
        return Socket(fd: fd, inode: inode, established: established != 0, idleMilliseconds: idle)
      }
    #else
      return []
    #endif
  }
}
