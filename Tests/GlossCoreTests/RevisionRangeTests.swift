import GlossCore
import Testing

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
