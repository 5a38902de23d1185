import Foundation

/// Work split over the cores, per file: validation, listings and counts read and parse
/// every annotation file, and each file is independent of the others.
enum Parallel {
  /// How many threads whole-project reads use.
  static var cores: Int { min(ProcessInfo.processInfo.activeProcessorCount, 8) }

  /// `body(index, worker)` for every index below `count`, worker `w` taking every
  /// `workers.count`-th index with its own context `workers[w]` (a repository handle, a
  /// reader); results in index order, whatever thread computed them.
  static func map<W, T>(_ count: Int, workers: [W], _ body: @escaping (Int, W) -> T) -> [T] {
    guard workers.count > 1, count > 1 else { return (0..<count).map { body($0, workers[0]) } }
    let work = ParallelWork(count: count, workers: workers, body: body)
    let threads = min(workers.count, count)
    DispatchQueue.concurrentPerform(iterations: threads) { thread in
      var index = thread
      while index < count {
        work.run(index, worker: thread)
        index += threads
      }
    }
    return work.results()
  }
}

/// What `Parallel.map`'s threads share: each writes only its own result slots and uses
/// only its own worker context.
private final class ParallelWork<W, T>: @unchecked Sendable {
  private let slots: UnsafeMutableBufferPointer<T?>
  private let workers: [W]
  private let body: (Int, W) -> T

  init(count: Int, workers: [W], body: @escaping (Int, W) -> T) {
    slots = .allocate(capacity: count)
    slots.initialize(repeating: nil)
    self.workers = workers
    self.body = body
  }

  func run(_ index: Int, worker: Int) { slots[index] = body(index, workers[worker]) }

  func results() -> [T] { slots.compactMap { $0 } }

  deinit {
    slots.deinitialize()
    slots.deallocate()
  }
}

/// Items handed, in order, to a thread of their own: the caller goes on with the next one
/// while that thread handles the last ones (`gloss agree --history` formats and writes each
/// commit's line there while the walk measures the next commits). At most `limit` items
/// wait, so memory stays bounded; `finish()` waits until every item sent was handled.
public final class Pipeline<Item>: @unchecked Sendable {
  private let condition = NSCondition()
  /// Guarded by `condition`.
  private var waiting: [Item] = []
  private var closed = false
  private let limit: Int
  private let body: (Item) -> Void
  private let finished = DispatchSemaphore(value: 0)

  public init(limit: Int = 64, _ body: @escaping (Item) -> Void) {
    self.limit = max(1, limit)
    self.body = body
    Thread { [self] in
      self.run()
      self.finished.signal()
    }.start()
  }

  public func send(_ item: Item) {
    condition.lock()
    while waiting.count >= limit { condition.wait() }
    waiting.append(item)
    condition.broadcast()
    condition.unlock()
  }

  /// Waits until every item sent was handled; send nothing after.
  public func finish() {
    condition.lock()
    let first = !closed
    closed = true
    condition.broadcast()
    condition.unlock()
    if first { finished.wait() }
  }

  private func run() {
    while true {
      condition.lock()
      while waiting.isEmpty && !closed { condition.wait() }
      let items = waiting
      waiting = []
      condition.broadcast()
      condition.unlock()
      if items.isEmpty { return }
      for item in items { body(item) }
    }
  }
}
