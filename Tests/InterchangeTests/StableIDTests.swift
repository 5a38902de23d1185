import Foundation
import Testing

@testable import Interchange

@Suite struct StableIDTests {
  @Test(arguments: [
    ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
    ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
    (
      "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "84983e441c3bd26ebaae4aa1f95129e5e54670f1"
    ),
    (
      "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
      "a49b2446a02c645bf419f995b67091253a04a259"
    ),
    ("The quick brown fox jumps over the lazy dog", "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12"),
  ])
  func sha1MatchesFIPSVectors(input: String, digest: String) {
    #expect(SHA1.hex(Array(input.utf8)) == digest)
  }

  @Test func sha1OfAMillionAs() {
    #expect(SHA1.hex([UInt8](repeating: 0x61, count: 1_000_000)) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
  }

  @Test func uuidV5MatchesRFCExamples() {
    // RFC 9562 appendix A.4: v5 of "www.example.com" in the DNS namespace; and Python's
    // uuid.uuid5(uuid.NAMESPACE_DNS, "python.org").
    let dns: [UInt8] = [0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8]
    #expect(StableID.v5(namespace: dns, name: "www.example.com") == "2ed6657d-e927-568b-95e1-2665a8aea6a2")
    #expect(StableID.v5(namespace: dns, name: "python.org") == "886313e1-3b8a-5372-9b90-0c9aee199e5d")
  }

  @Test func assignmentIDsAreStableAndDistinct() {
    let a = StableID.assignment(source: "delve", coder: "ana", doc: "d", code: "c", start: 1, end: 5)
    #expect(a == StableID.assignment(source: "delve", coder: "ana", doc: "d", code: "c", start: 1, end: 5))
    #expect(a != StableID.assignment(source: "delve", coder: "ben", doc: "d", code: "c", start: 1, end: 5))
    #expect(a != StableID.assignment(source: "delve", coder: "ana", doc: "d", code: "c", start: 1, end: 6))
    #expect(a.count == 36 && a[a.index(a.startIndex, offsetBy: 14)] == "5")
  }
}
