import Foundation
import Testing

@testable import GlossServer

/// One poll of the branch tip feeds every open page.
@Suite struct HeadWatcherTests {
  final class Tip: @unchecked Sendable {
    private let lock = NSLock()
    private var value: String? = "a"
    var current: String? {
      get { lock.withLock { value } }
      set { lock.withLock { value = newValue } }
    }
  }

  @Test func subscribersGetTheTipNowAndEveryMove() async throws {
    let tip = Tip()
    let watcher = HeadWatcher(interval: .milliseconds(20)) { tip.current }
    let first = await watcher.subscribe()
    let second = await watcher.subscribe()
    var one = first.makeAsyncIterator()
    var two = second.makeAsyncIterator()
    #expect(await one.next() == .head("a"))
    #expect(await two.next() == .head("a"))
    tip.current = "b"
    #expect(await one.next() == .head("b"))
    #expect(await two.next() == .head("b"))
    // No event while the tip stays; the next one is the next move.
    try await Task.sleep(for: .milliseconds(100))
    tip.current = "c"
    #expect(await one.next() == .head("c"))
  }

  @Test func eventsAreServerSentEventText() {
    #expect(HeadWatcher.text(.head("abc")) == "event: head\ndata: abc\n\n")
    #expect(HeadWatcher.text(.ping) == ": ping\n\n")
  }
}
