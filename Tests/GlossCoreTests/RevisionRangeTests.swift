import Agreement
import Testing

@testable import GlossCore

@Suite struct RevisionRangeTests {
  @Test func parsesGitsTwoDotForms() throws {
    #expect(try RevisionRange.parse("a..b", option: "--range") == RevisionRange(base: "a", tip: "b"))
    #expect(try RevisionRange.parse("..b", option: "--range") == RevisionRange(base: nil, tip: "b"))
    #expect(try RevisionRange.parse("a..", option: "--range") == RevisionRange(base: "a", tip: "HEAD"))
    #expect(
      try RevisionRange.parse("b", option: "--history", allowSingleRevision: true)
        == RevisionRange(base: nil, tip: "b"))
  }

  @Test func refusesWhatIsNotARange() {
    for (text, message) in [
      ("a...b", "expected A..B (two dots), not a symmetric range"), ("a..b..c", "expected A..B"),
      ("b", "expected A..B"), ("", "expected A..B"),
    ] {
      #expect(throws: GlossError.invalidArgument(argument: "--range \(text)", message: message)) {
        try RevisionRange.parse(text, option: "--range")
      }
    }
  }
}

@Suite struct SharedHelperTests {
  @Test func excerptsAreOneLineAndCut() {
    #expect("a\nb\r\nc".excerpt() == "a b c")
    #expect(String(repeating: "x", count: 61).excerpt() == String(repeating: "x", count: 59) + "…")
    #expect(String(repeating: "x", count: 60).excerpt().count == 60)
  }

  /// The byte-wise excerpt equals the one by characters, with line breaks, CRLF and
  /// combining marks or emoji anywhere, near the cut included.
  @Test func excerptsByBytesEqualExcerptsByCharacters() {
    var generator = SplitMix64(seed: 5)
    let pieces = ["a", "b", " ", "\n", "\r", "\r\n", "\u{301}", "é", "😀", "\u{2028}", "\t"]
    for _ in 0..<3000 {
      let text = (0..<Int.random(in: 0...90, using: &generator)).map { _ in
        Int.random(in: 0..<4, using: &generator) == 0 ? pieces.randomElement(using: &generator)! : "x"
      }.joined()
      let limit = Int.random(in: 0...70, using: &generator)
      let (fast, general) = (text.excerpt(limit: limit), text.characterExcerpt(limit: limit))
      #expect(fast == general, "\(text.debugDescription) \(limit)")
    }
  }

  /// The plain excerpt's bytes are the excerpt's whenever it takes the text, and it leaves
  /// the output as it was when it does not; it takes most ASCII text.
  @Test func plainExcerptBytesAreTheExcerpt() {
    var generator = SplitMix64(seed: 9)
    let pieces = ["a", " ", "\n", "\r", "\r\n", "\t", "\u{1B}", "\u{7F}", "\u{B}", "é", "😀", "\u{85}"]
    var taken = 0
    for _ in 0..<3000 {
      let text = (0..<Int.random(in: 0...90, using: &generator)).map { _ in
        Int.random(in: 0..<6, using: &generator) == 0 ? pieces.randomElement(using: &generator)! : "x"
      }.joined()
      let limit = Int.random(in: 1...70, using: &generator)
      var out: [UInt8] = [7, 7]
      if text.appendPlainExcerpt(limit: limit, to: &out) {
        taken += 1
        #expect(out == [7, 7] + Array(text.excerpt(limit: limit).utf8), "\(text.debugDescription) \(limit)")
      } else {
        #expect(out == [7, 7])
      }
    }
    #expect(taken > 600)
  }

  /// `holds` (bytes for an ASCII document) says what comparing code points says, in and
  /// out of range, for ASCII and non-ASCII documents and texts.
  @Test func documentHoldsTextAsCodePointsSay() {
    var generator = SplitMix64(seed: 13)
    let pieces = ["a", "b", " ", "\n", "é", "😀", "e\u{301}"]
    for _ in 0..<2000 {
      func text(_ count: Int) -> String {
        (0..<count).map { _ in
          Int.random(in: 0..<5, using: &generator) == 0 ? pieces.randomElement(using: &generator)! : "a"
        }.joined()
      }
      let ascii = Bool.random(using: &generator)
      let document = DocumentText(ascii ? String(repeating: "ab", count: 20) : text(30))
      let start = Int.random(in: -2...document.length + 2, using: &generator)
      let end = Int.random(in: start...start + 8, using: &generator)
      let inRange = start >= 0 && end <= document.length
      let wanted = Bool.random(using: &generator) && inRange ? document.slice(start, end) : text(end - start)
      let expected = inRange && wanted.unicodeScalars.elementsEqual(document.scalars[start..<end])
      #expect(
        document.holds(wanted, from: start, to: end) == expected, "\(document.string.debugDescription) \(start)-\(end)")
    }
  }

  @Test func removingACodeMovesItsChildren() {
    var book = Codebook(codes: [
      Code(id: "top", name: "Top"), Code(id: "mid", name: "Mid", parent: "top"),
      Code(id: "leaf", name: "Leaf", parent: "mid"),
    ])
    book.remove("mid", movingChildrenTo: "top")
    #expect(book.codes.map(\.id) == ["leaf", "top"])
    #expect(book.code("leaf")?.parent == "top")
    book.remove("top", movingChildrenTo: nil)
    #expect(book.code("leaf")?.parent == nil)
  }

  @Test func identifierChecksNameTheRule() {
    #expect(throws: GlossError.invalidIdentifier(kind: "lead", value: "A B", rule: Identifier.coderRule)) {
      try Identifier.requireCoder("A B", kind: "lead")
    }
    #expect(throws: Never.self) { try Identifier.requireDocument("interview-34") }
    #expect(Code.isColor("#A0b1c2") && !Code.isColor("#abc") && !Code.isColor("a0b1c2f"))
  }
}
