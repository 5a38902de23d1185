import Foundation

/// Tells open pages when the branch moves (a CLI commit, a pull, another browser): one poll of
/// the branch tip for all of them, every `interval` while anyone listens. Reading a ref is a
/// file read, far cheaper than watching the file system portably.
actor HeadWatcher {
  enum Event: Sendable, Equatable {
    /// The branch tip (hex; empty before the first commit).
    case head(String)
    /// Keeps idle connections open through proxies and finds closed ones.
    case ping
  }

  private let read: @Sendable () async throws -> String?
  private let interval: Duration
  private var subscribers: [UUID: AsyncStream<Event>.Continuation] = [:]
  private var last: String?
  private var polling = false

  init(interval: Duration = .milliseconds(300), read: @escaping @Sendable () async throws -> String?) {
    self.interval = interval
    self.read = read
  }

  /// A stream that starts with the current tip and then has every new one.
  func subscribe() async -> AsyncStream<Event> {
    let (stream, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingNewest(16))
    let id = UUID()
    continuation.onTermination = { _ in Task { await self.unsubscribe(id) } }
    if !polling, let head = try? await read() { last = head }
    subscribers[id] = continuation
    continuation.yield(.head(last ?? ""))
    if !polling {
      polling = true
      Task { await self.poll() }
    }
    return stream
  }

  private func unsubscribe(_ id: UUID) {
    subscribers[id] = nil
  }

  private func poll() async {
    var ticks = 0
    let pingEvery = 50
    while !subscribers.isEmpty {
      try? await Task.sleep(for: interval)
      ticks += 1
      if let head = try? await read() ?? "", head != last {
        last = head
        for subscriber in subscribers.values { subscriber.yield(.head(head)) }
      }
      if ticks % pingEvery == 0 {
        for subscriber in subscribers.values { subscriber.yield(.ping) }
      }
    }
    polling = false
  }

  /// The event as server-sent-events text.
  static func text(_ event: Event) -> String {
    switch event {
    case .head(let head): return "event: head\ndata: \(head)\n\n"
    case .ping: return ": ping\n\n"
    }
  }
}
