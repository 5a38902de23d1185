import Agreement
import Foundation
import Testing

@testable import GlossCore

/// codebook.yaml's fast path (`Codebook.canonical`) against the YAML parser.
struct CodebookCanonicalTests {
  /// Random codebooks with names and descriptions that need quoting, escapes, reserved
  /// words and non-ASCII, parents and colors: whatever the fast path accepts reads exactly
  /// as the YAML parser reads it, and every valid codebook `encode` writes is accepted.
  @Test func canonicalReadsWhatTheYAMLParserReads() throws {
    var generator = SplitMix64(seed: 43)
    let words = [
      "Trust", "true", "no", "Null", "y", "x, y", "2024", "naïve", "été 😀", "a: b", "x #y", "quote\"d",
      "back\\slash", "tab\there", "new\nline", "bell\u{7}", "(pilot)", "o'brien", " lead", "trail ", "-dash", "[x]",
      "é", "Low trust", "LOW TRUST",
    ]
    var accepted = 0
    for _ in 0..<400 {
      var codes: [Code] = []
      for index in 0..<Int.random(in: 0...6, using: &generator) {
        let parent =
          index > 0 && Bool.random(using: &generator) ? "c\(Int.random(in: 0..<index, using: &generator))" : nil
        codes.append(
          Code(
            id: "c\(index)",
            name: (words.randomElement(using: &generator) ?? "") + (Bool.random(using: &generator) ? "" : "\(index)"),
            parent: parent, description: Bool.random(using: &generator) ? words.randomElement(using: &generator) : nil,
            color: Bool.random(using: &generator) ? "#A1b2C3" : nil))
      }
      let book = Codebook(codes: codes)
      let data = book.encode()
      let parsed = try? Codebook.parsed(data, file: Codebook.path)
      if let fast = Codebook.canonical(data) {
        accepted += 1
        #expect(fast == parsed, "\(String(decoding: data, as: UTF8.self))")
      }
      // What the parser accepts, the fast path takes too (and reads the same).
      if let parsed { #expect(Codebook.canonical(data) == parsed, "\(String(decoding: data, as: UTF8.self))") }
    }
    #expect(accepted > 200)
  }

  /// What `encode` would not write, or what the parser refuses, goes to the parser, which
  /// reads it (or names the fault with its line) as before.
  @Test func otherFormsGoToTheYAMLParser() throws {
    let plain = "codes:\n  - id: low\n    name: Low\n  - id: trust\n    name: Trust\n    parent: low\n"
    #expect(Codebook.canonical(Data(plain.utf8))?.codes.map(\.id) == ["low", "trust"])
    #expect(Codebook.canonical(Data("codes: []\n".utf8)) == Codebook())
    for text in [
      "codes:\n  - id: low\n    name: Low  # the comment\n", "codes:\n  - id: low\n    name: 'Low'\n",
      "codes:\n  - {id: low, name: Low}\n", "codes:\n  - id: low\n    name: Low",
      "codes:\n  - name: Low\n    id: low\n",
      "codes:\n  - id: trust\n    name: Trust\n  - id: low\n    name: Low\n",
      "codes:\n  - id: low\n    name: Low\n  - id: low\n    name: Other\n",
      "codes:\n  - id: low\n    name: Low\n  - id: lower\n    name: LOW\n",
      "codes:\n  - id: low\n    name: Low\n    parent: none\n", "codes:\n  - id: Bad Id\n    name: Low\n",
      "codes:\n  - id: a\n    name: A\n    parent: b\n  - id: b\n    name: B\n    parent: a\n",
      "codes:\n",
    ] {
      #expect(Codebook.canonical(Data(text.utf8)) == nil, "\(text)")
    }
    #expect(throws: GlossError.self) {
      try Codebook.decode(Data("codes:\n  - id: low\n    name: Low\n  - id: low\n    name: Other\n".utf8))
    }
    #expect(throws: GlossError.self) {
      try Codebook.decode(
        Data("codes:\n  - id: a\n    name: A\n    parent: b\n  - id: b\n    name: B\n    parent: a\n".utf8))
    }
  }
}
