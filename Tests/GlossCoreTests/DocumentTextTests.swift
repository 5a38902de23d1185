import Foundation
import Testing

@testable import GlossCore

@Suite struct DocumentTextTests {
  @Test func offsetsCountCodePointsNotBytesOrUTF16() {
    // "e" + combining acute is two code points; the emoji family is several joined ones.
    let text = DocumentText("ab😀c e\u{301}f مرحبا 👩‍👩‍👧 end")
    #expect(text.slice(2, 3) == "😀")
    #expect(text.slice(3, 4) == "c")
    #expect(text.slice(5, 7) == "e\u{301}")
    #expect(text.slice(9, 14) == "مرحبا")
    let family = "👩‍👩‍👧"
    #expect(text.slice(15, 15 + family.unicodeScalars.count) == family)
    #expect(text.length == "ab😀c e\u{301}f مرحبا 👩‍👩‍👧 end".unicodeScalars.count)
  }

  @Test func paragraphsAreRunsOfNonBlankLines() {
    let text = DocumentText("one\ntwo\n\n  \nthree\n\n\nfour\n")
    #expect(text.paragraphs == [0..<7, 12..<17, 20..<24])
    #expect(text.slice(0, 7) == "one\ntwo")
    #expect(text.paragraphNumber(at: 13) == 2)
    #expect(text.paragraphNumber(at: 23) == 3)
  }

  @Test func linesEndBeforeTheLineBreak() {
    let text = DocumentText("alpha\nbeta\n\ngamma")
    #expect(text.lineCount == 4)
    #expect(text.lineRange(0) == 0..<5)
    #expect(text.lineRange(1) == 6..<10)
    #expect(text.lineRange(2) == 11..<11)
    #expect(text.lineRange(3) == 12..<17)
    #expect(text.lineNumber(at: 7) == 2)
  }

  @Test func trailingNewlineAddsNoLine() {
    #expect(DocumentText("a\nb\n").lineCount == 2)
    #expect(DocumentText("").lineCount == 0)
    #expect(DocumentText("").paragraphs.isEmpty)
  }

  @Test func findsEveryOccurrenceIncludingOverlaps() {
    let text = DocumentText("aaaa ab😀ab😀")
    #expect(text.occurrences(of: "aa") == [0, 1, 2])
    #expect(text.occurrences(of: "b😀") == [6, 9])
    #expect(text.occurrences(of: "zz").isEmpty)
  }
}

@Suite struct TextNormalizerTests {
  @Test func removesBOMConvertsCRLFAndComposesNFC() throws {
    let raw = Data([0xEF, 0xBB, 0xBF]) + Data("Cafe\u{301}\r\nline\rend".utf8)
    let result = try TextNormalizer.normalize(raw, file: "x.txt")
    #expect(result.text == "Caf\u{E9}\nline\nend")
    #expect(result.changes.count == 3)
    #expect(TextNormalizer.isNormalized(result.text))
  }

  @Test func leavesCleanTextAlone() throws {
    let result = try TextNormalizer.normalize(Data("مرحبا 😀\n".utf8), file: "x.txt")
    #expect(result.changes.isEmpty)
  }

  @Test func rejectsInvalidUTF8WithTheLine() {
    let raw = Data("ok\nfine\n".utf8) + Data([0xC3, 0x28])
    #expect(throws: GlossError.invalidInput(file: "x.txt", line: 3, message: "is not valid UTF-8")) {
      try TextNormalizer.normalize(raw, file: "x.txt")
    }
  }

  @Test func rejectsBinaryAndUTF16() {
    #expect(throws: GlossError.self) { try TextNormalizer.normalize(Data([0x41, 0x00, 0x42]), file: "b") }
    #expect(throws: GlossError.self) { try TextNormalizer.normalize(Data([0xFF, 0xFE, 0x41, 0x00]), file: "b") }
  }
}

@Suite struct SelectorTests {
  let text = DocumentText("First para\nstill first.\n\nSecond para.\n\nThird: the end, the end.\n")

  @Test func paragraphsLinesCharsAndQuotes() throws {
    #expect(try SpanSelector.paragraphs(1, 1).resolve(in: text) == 0..<23)
    #expect(try SpanSelector.paragraphs(2, 3).resolve(in: text) == 25..<63)
    #expect(try SpanSelector.lines(1, 2).resolve(in: text) == 0..<23)
    #expect(try SpanSelector.lines(4, 4).resolve(in: text) == 25..<37)
    #expect(try SpanSelector.chars(0, 5).resolve(in: text) == 0..<5)
    #expect(try SpanSelector.quote("Second").resolve(in: text) == 25..<31)
  }

  @Test func quoteIsMatchedInNFC() throws {
    let doc = DocumentText("un caf\u{E9} noir")
    #expect(try SpanSelector.quote("cafe\u{301}").resolve(in: doc) == 3..<7)
  }

  @Test(arguments: [
    (SpanSelector.chars(10, 5), "--chars 10-5: start must be less than end"),
    (SpanSelector.chars(0, 500), "--chars 0-500: end is past the end of the document (64 characters)"),
    (SpanSelector.paragraphs(4, 4), "--para 4: the document has 3 paragraphs"),
    (SpanSelector.paragraphs(0, 1), "--para 0-1: paragraphs are numbered from 1"),
    (SpanSelector.paragraphs(3, 2), "--para 3-2: the range is reversed"),
    (SpanSelector.lines(3, 3), "--lines 3: selects only an empty line"),
    (SpanSelector.quote("absent"), "--quote: text not found in the document: \"absent\""),
  ])
  func badSelectorsSayWhy(selector: SpanSelector, message: String) {
    #expect(throws: Error.self) { try selector.resolve(in: text) }
    do {
      _ = try selector.resolve(in: text)
    } catch {
      #expect(error.localizedDescription == message)
    }
  }

  @Test func ambiguousQuoteListsTheMatches() {
    do {
      _ = try SpanSelector.quote("the end").resolve(in: text)
      Issue.record("expected an error")
    } catch let error as GlossError {
      guard case .ambiguousQuote(_, let matches) = error else {
        Issue.record("wrong error \(error)")
        return
      }
      #expect(matches == ["¶3 chars 46-53", "¶3 chars 55-62"])
    } catch {
      Issue.record("wrong error \(error)")
    }
  }

  @Test func parsesRanges() throws {
    #expect(try SpanSelector.parseRange("3", option: "--para") == (3, 3))
    #expect(try SpanSelector.parseRange("3-7", option: "--para") == (3, 7))
    #expect(throws: GlossError.self) { try SpanSelector.parseRange("3-", option: "--para") }
    #expect(throws: GlossError.self) { try SpanSelector.parseRange("a-b", option: "--para") }
  }
}
