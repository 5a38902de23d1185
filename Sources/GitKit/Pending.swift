import Dispatch

/// Work started on another thread at once and waited for once: the next chunk of files is
/// read while the caller takes the last one, or an index is hashed while it is written.
public final class Pending<T>: @unchecked Sendable {
  private let group = DispatchGroup()
  private let work: () -> T
  private var value: T?

  public init(_ work: @escaping () -> T) {
    self.work = work
    group.enter()
    DispatchQueue.global().async { self.run() }
  }

  private func run() {
    value = work()
    group.leave()
  }

  /// The result, once the work is done.
  public func wait() -> T {
    group.wait()
    // Set before `leave()`, which `wait()` returned after.
    return value ?? work()
  }
}
