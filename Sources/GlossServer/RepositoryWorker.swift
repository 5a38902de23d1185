import Dispatch
import Foundation
import GlossCore

/// Runs repository work on one serial queue with a project handle of its own: GlossCore is
/// synchronous and a libgit2 repository handle is not for several threads at once. The
/// server has one worker for writes (so its own commits queue up instead of racing for the
/// branch) and one for reads, so a long read never holds up a coder's click.
final class RepositoryWorker: @unchecked Sendable {
  private let queue: DispatchQueue
  /// Touched only on `queue`.
  private let project: Project

  init(project: Project, label: String) {
    self.project = project
    self.queue = DispatchQueue(label: "gloss.serve.\(label)")
  }

  /// Runs `body` on the worker's queue with its project and hands back the result; a
  /// repository failure comes back as a `GlossError`, like every error the API answers with.
  func run<T: Sendable>(_ body: @escaping @Sendable (Project) throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
      queue.async {
        continuation.resume(with: Result { try GlossError.translatingGitErrors { try body(self.project) } })
      }
    }
  }

  /// Runs `last` once the work queued so far is done, and before any queued later.
  func finally(_ last: @escaping @Sendable () -> Void) { queue.async(execute: last) }
}

/// A value several threads read and one sets, behind a lock.
final class Locked<Value: Sendable>: @unchecked Sendable {
  private let lock = NSLock()
  private var stored: Value

  init(_ value: Value) { stored = value }

  var value: Value {
    get { lock.withLock { stored } }
    set { lock.withLock { stored = newValue } }
  }
}

/// Flushes the repository's file system once for many commits: 100 ms after writing stops,
/// and at the latest 1 s after the first write not yet flushed (group commit).
final class Flusher: @unchecked Sendable {
  private let queue = DispatchQueue(label: "gloss.serve.flush")
  /// Touched only on `queue`: when the oldest unflushed write and the latest write were made.
  private var oldest: DispatchTime?
  private var latest = DispatchTime.now()
  private let gitDirectory: String
  static let quiet = DispatchTimeInterval.milliseconds(100)
  static let longest = DispatchTimeInterval.seconds(1)

  init(project: Project) { gitDirectory = project.gitDirectory }

  func schedule() {
    queue.async {
      let now = DispatchTime.now()
      let oldest = self.oldest ?? now
      self.oldest = oldest
      self.latest = now
      self.queue.asyncAfter(deadline: min(now + Self.quiet, oldest + Self.longest)) { self.flushIfDue() }
    }
  }

  /// On `queue`: flushes when writing has paused or the oldest write has waited long enough.
  private func flushIfDue() {
    guard let oldest else { return }
    let now = DispatchTime.now()
    guard now >= latest + Self.quiet || now >= oldest + Self.longest else { return }
    self.oldest = nil
    WriteDurability.flush(gitDirectory: gitDirectory)
  }

  /// Flushes now, waiting for it (before the process ends).
  func flushNow() { queue.sync { WriteDurability.flush(gitDirectory: gitDirectory) } }
}
