import Foundation
import Testing

@testable import GlossCore

/// `NFC` normalizes in bounded segments: the result must be Foundation's NFC of the whole
/// text, and a long decomposed text must not take quadratic time (as Foundation's does on Linux).
@Suite struct NFCTests {
  struct Xorshift: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state ^= state >> 12
      state ^= state << 25
      state ^= state >> 27
      return state &* 2_685_821_657_736_338_717
    }
  }

  /// Pieces that compose, reorder, or stand between segments: decomposed Latin, Greek,
  /// Cyrillic, Hangul jamo, kana with voicing marks, Indic vowel signs that compose, CJK,
  /// stacked marks in non-canonical order, singletons, emoji, line breaks.
  static let pieces = [
    "e\u{301}", "a\u{308}\u{304}", "o\u{323}\u{302}", "o\u{302}\u{323}", " ", "x", "\n", "\u{391}\u{301}",
    "\u{3C9}\u{314}\u{342}\u{345}", "\u{438}\u{306}", "\u{1100}\u{1161}\u{11A8}", "\u{1112}\u{1175}",
    "\u{AC00}\u{11A8}",
    "\u{304B}\u{3099}", "\u{30CF}\u{309A}", "\u{9AD8}", "\u{0915}\u{093C}", "\u{09C7}\u{09BE}", "\u{0B47}\u{0B56}",
    "\u{0DD9}\u{0DCF}", "\u{212B}", "\u{2126}", "\u{0340}", "\u{1F600}", "\u{5D0}\u{5B8}", "\u{627}\u{653}",
    "\u{E01}\u{E31}", "\u{301}", "\u{1E9B}\u{323}", "\u{FB2C}", "\u{F900}", "A\u{30A}",
  ]

  static func text(scalars count: Int, _ random: inout Xorshift) -> String {
    var text = ""
    while text.unicodeScalars.count < count {
      text += pieces[Int.random(in: 0..<pieces.count, using: &random)]
    }
    return text
  }

  @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8])
  func equalsFoundationsNFCOfTheWholeText(seed: UInt64) {
    var random = Xorshift(state: 0xA076_1D64_78BD_642F &* seed)
    // Some 30 KB of text: several segments, cut at every kind of stable starter.
    let text = Self.text(scalars: 12_000, &random)
    let expected = text.precomposedStringWithCanonicalMapping
    let normalized = NFC.normalize(text)
    #expect(normalized.utf8.elementsEqual(expected.utf8))
    #expect(NFC.isNormalized(expected) && !NFC.isNormalized(text))
    #expect(NFC.isNormalized(String(repeating: "plain ascii and café ", count: 500)))
  }

  /// 4 MB of decomposed text (Foundation's NFC of it takes minutes on Linux): `doc add`'s
  /// normalizer finishes in seconds.
  @Test func aLongDecomposedTextNormalizesInLinearTime() throws {
    let line = "Cafe\u{301} nai\u{308}ve re\u{301}sume\u{301} \u{1100}\u{1161}\u{11A8} \u{304B}\u{3099} Ω\u{301}\n"
    let data = Data(String(repeating: line, count: 4_000_000 / line.utf8.count).utf8)
    let clock = ContinuousClock()
    let start = clock.now
    let result = try TextNormalizer.normalize(data, file: "long.txt")
    #expect(result.changes == ["normalized Unicode to NFC"])
    #expect(TextNormalizer.isNormalized(result.text))
    let elapsed = clock.now - start
    #expect(elapsed < .seconds(20), "took \(elapsed)")
    #expect(result.text.hasPrefix("Caf\u{E9} na\u{EF}ve r\u{E9}sum\u{E9} \u{AC01} \u{304C}"))
  }
}
