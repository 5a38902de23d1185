import Foundation
import Testing

@testable import GlossCore

struct AssignmentIDTests {
  /// A deterministic generator, so the random bits are known.
  struct Counter: RandomNumberGenerator {
    var state: UInt64 = 0x9e37_79b9_7f4a_7c15
    mutating func next() -> UInt64 {
      state = state &* 6_364_136_223_846_793_005 &+ 1
      return state
    }
  }

  @Test func aV7IdSaysWhenItWasMade() throws {
    var generator = Counter()
    let milliseconds: UInt64 = 1_796_133_780_123  // 2026-12-01 14:03:00.123 UTC
    let id = AssignmentID.make(milliseconds: milliseconds, using: &generator)
    let date = try #require(AssignmentID.creationDate(id))
    #expect(date == Date(timeIntervalSince1970: 1_796_133_780.123))
    let now = Date()
    let fresh = try #require(AssignmentID.creationDate(AssignmentID.make(now: now)))
    #expect(abs(fresh.timeIntervalSince(now)) < 0.002)
  }

  @Test func otherIdsSayNothing() {
    // A v5 id (what imports make): its first bits are a hash, not a time.
    #expect(AssignmentID.creationDate("886313e1-3b8a-5372-9b90-0c9aee199e5d") == nil)
    // v4, a v7 with a foreign variant, upper case, too short, not hex.
    #expect(AssignmentID.creationDate("f47ac10b-58cc-4372-a567-0e02b2c3d479") == nil)
    #expect(AssignmentID.creationDate("0193a1b2-c3d4-7e5f-c123-456789abcdef") == nil)
    #expect(AssignmentID.creationDate("0193A1B2-C3D4-7E5F-8123-456789ABCDEF") == nil)
    #expect(AssignmentID.creationDate("0193a1b2-c3d4-7e5f-8123") == nil)
    #expect(AssignmentID.creationDate("0193a1b2-c3d4-7e5f-8123-456789abcdeg") == nil)
    #expect(AssignmentID.creationDate("") == nil)
  }
}
