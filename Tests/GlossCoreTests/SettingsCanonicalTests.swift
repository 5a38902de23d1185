import Agreement
import Foundation
import Testing

@testable import GlossCore

/// gloss.yaml's fast path (`Settings.canonical`) against the YAML parser.
struct SettingsCanonicalTests {
  /// Random settings with names, leads and e-mails that need quoting, escapes, commas,
  /// reserved words and non-ASCII: whatever the fast path accepts reads exactly as the YAML
  /// parser reads it, and every file `encode` writes without a gate is accepted.
  @Test func canonicalReadsWhatTheYAMLParserReads() throws {
    var generator = SplitMix64(seed: 41)
    let words = [
      "ana", "ben", "Study", "true", "no", "Null", "y", "x, y", "a,b", "2024", "naïve", "été 😀", "a: b", "x #y",
      "quote\"d", "back\\slash", "tab\there", "new\nline", "bell\u{7}", "(pilot)", "o'brien", "ana@example.org",
      " lead", "trail ", "", "-dash", "[x]", "é",
    ]
    func word() -> String { words.randomElement(using: &generator) ?? "" }
    let coderNames = ["ana", "ben", "cy", "lead", "dora"]
    var accepted = 0
    for _ in 0..<400 {
      var settings = Settings(
        name: word(), leads: coderNames.filter { _ in Bool.random(using: &generator) },
        coders: Dictionary(
          uniqueKeysWithValues: coderNames.filter { _ in Bool.random(using: &generator) }.map { coder in
            (coder, (0..<Int.random(in: 0...3, using: &generator)).map { _ in word() })
          }))
      settings.blind = Bool.random(using: &generator)
      settings.codebook = Bool.random(using: &generator) ? .open : .locked
      let data = settings.encode()
      let parsed = try? Settings.parsed(data, file: Settings.path)
      if let fast = Settings.canonical(data) {
        accepted += 1
        #expect(fast == parsed, "\(String(decoding: data, as: UTF8.self))")
      }
      // Every settings value survives the round trip (a comma in a list item included), and
      // the fast path takes it.
      #expect(parsed == settings, "\(String(decoding: data, as: UTF8.self))")
      #expect(Settings.canonical(data) == settings)
    }
    #expect(accepted > 200)
  }

  /// What `encode` would not write goes to the YAML parser, which reads it (or names the
  /// fault) as before.
  @Test func otherFormsGoToTheYAMLParser() throws {
    let plain = "gloss: 1\nname: s\nleads: [ana]\n"
    #expect(Settings.canonical(Data(plain.utf8)) == Settings(name: "s", leads: ["ana"]))
    for text in [
      "gloss: 1\nname: s\nleads: [ana]  # the lead\n", "gloss: 1\nname: s\nleads: [ana,ben]\n",
      "gloss: 1\nname: s\nleads:\n  - ana\n", "gloss: 1\nname: s\nleads: [ana]", "gloss: 2\nname: s\nleads: [ana]\n",
      "gloss: 1\nname: 's'\nleads: [ana]\n", "gloss: 1\nname: s\nleads: [Bad Lead]\n",
      "gloss: 1\nname: s\nleads: [ana]\ngate:\n  min: 0.8\n", "gloss: 1\nname: s\nleads: [ana]\nblind: false\n",
      "gloss: 1\nname: s\nleads: [ana]\ncoders:\n  ben: [\"b@x.org\"]\n  ana: [\"a@x.org\"]\n",
    ] {
      #expect(Settings.canonical(Data(text.utf8)) == nil, "\(text)")
    }
    #expect(try Settings.decode(Data("gloss: 1\nname: s\nleads: [ana,ben]\n".utf8)).leads == ["ana", "ben"])
    #expect(throws: GlossError.self) { try Settings.decode(Data("gloss: 1\nname: s\nleads: [Bad Lead]\n".utf8)) }
  }

  /// A comma in a list item (a gate's code name, an e-mail) keeps the item whole: flow lists
  /// quote it, where a plain scalar would have been read as two items.
  @Test func commasInListItemsRoundTrip() throws {
    var settings = Settings(name: "Study, 2026", leads: ["ana"], coders: ["ben": ["Ben, B <b@x.org>", "b2@x.org"]])
    settings.gate = AgreementGate(minimum: 0.8, codes: ["Trust, low", "risk"])
    let data = settings.encode()
    #expect(try Settings.parsed(data, file: Settings.path) == settings, "\(String(decoding: data, as: UTF8.self))")
    #expect(try Settings.decode(data) == settings)
  }
}
