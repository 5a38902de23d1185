import Agreement
import Foundation
import Testing

@testable import GlossCore

/// The one-pass reader of canonical lines (`AnnotationFormat.parseCanonical`) must accept
/// exactly the lines the general parser reads and the encoder writes back byte for byte,
/// with the same values: validation trusts it instead of encoding every line again.
@Suite struct CanonicalParserTests {
  /// What the old path says of a line: the record when it parses, and whether encoding
  /// it again gives the line back.
  static func oracle(_ bytes: [UInt8]) -> (record: Assignment, canonical: Bool)? {
    guard let record = try? AnnotationFormat.parseLine(bytes, 0, bytes.count) else { return nil }
    var encoded: [UInt8] = []
    AnnotationFormat.appendLine(record, to: &encoded)
    return (record, encoded.dropLast().elementsEqual(bytes))
  }

  /// Bytes that make or break JSON and UTF-8: structure, escapes, digits, hex, lead bytes.
  static let interesting: [UInt8] = Array(#" "\/u0019afAF,:{}[]-.e"#.utf8) + [0x00, 0x1f, 0x7f, 0x80, 0xc3, 0xa9, 0xff]

  static func randomString(_ random: inout SplitMix64) -> String {
    var view = String.UnicodeScalarView()
    for _ in 0..<Int(random.next() % 10) {
      view.append(trickyScalars[Int(random.next() % UInt64(trickyScalars.count))])
    }
    return String(view)
  }

  static func randomRecord(_ random: inout SplitMix64) -> Assignment {
    let start = Int(random.next() % 1000)
    let ids = seededIDs(random.next(), count: 3)
    let extras = random.next() % 6
    return Assignment(
      id: random.next() % 10 == 0 ? randomString(&random) : ids[0],
      code: ["a", "b-c", "d.e", "z_9", "\u{1}"][Int(random.next() % 5)], start: start,
      end: start + 1 + Int(random.next() % (random.next() % 3 == 0 ? 1_000_000_000_000 : 50)),
      exact: randomString(&random), memo: extras == 1 ? randomString(&random) : nil,
      review: extras == 2 ? randomString(&random) : nil,
      sources: extras == 3 ? [ids[1], ids[2]] : extras == 4 ? [randomString(&random)] : nil)
  }

  /// A canonical line, or one with a random byte inserted, replaced or deleted, or a
  /// region repeated.
  static func randomLine(_ random: inout SplitMix64) -> [UInt8] {
    var line = Array(AnnotationFormat.line(randomRecord(&random)).utf8)
    for _ in 0..<Int(random.next() % 3) where !line.isEmpty {
      let at = Int(random.next() % UInt64(line.count))
      let byte = interesting[Int(random.next() % UInt64(interesting.count))]
      switch random.next() % 4 {
      case 0: line.insert(byte, at: at)
      case 1: line[at] = byte
      case 2: line.remove(at: at)
      default: line.insert(contentsOf: line[at..<min(line.count, at + Int(random.next() % 8))], at: at)
      }
    }
    return line
  }

  @Test func acceptsExactlyWhatParsingAndReEncodingAccept() {
    var random = SplitMix64(seed: 0x5EED_0018)
    var accepted = 0
    var refused = 0
    for _ in 0..<20_000 {
      let line = Self.randomLine(&random)
      let fast = AnnotationFormat.parseCanonical(line, 0, line.count)
      let old = Self.oracle(line)
      let shown = String(decoding: line, as: UTF8.self)
      if let fast {
        accepted += 1
        #expect(old?.canonical == true, "accepted a line the old path rejects: \(shown)")
        if let old {
          #expect(AnnotationFormat.line(fast) == AnnotationFormat.line(old.record), "\(shown)")
          #expect(fast == old.record)
        }
      } else {
        refused += 1
        #expect(old?.canonical != true, "refused a canonical line: \(shown)")
      }
    }
    // Both sides of the property are exercised.
    #expect(accepted > 2000 && refused > 2000)
  }

  @Test(arguments: [
    #"{"id":"x","code":"c","start":0,"end":1,"exact":"a","memo":""}"#,
    #"{"id":"x","code":"c","start":0,"end":1,"exact":"a","sources":[]}"#,
    #"{"id":"x","code":"c","start":0,"end":1,"exact":"a\/b"}"#,
    #"{"id":"x","code":"c","start":0,"end":1,"exact":"\u000a"}"#,
    #"{"id":"x","code":"c","start":0,"end":1,"exact":"\u001F"}"#,
    #"{"id":"x","code":"c","start":0,"end":1,"exact":"\u0041"}"#,
    #"{"id":"x","code":"c","start":00,"end":1,"exact":"a"}"#,
    #"{"code":"c","id":"x","start":0,"end":1,"exact":"a"}"#,
    #"{"id":"x","code":"c","start":0,"end":1,"exact":"a","review":"r","memo":"m"}"#,
    #"{"id":"x", "code":"c","start":0,"end":1,"exact":"a"}"#,
  ])
  func leavesNonCanonicalSpellingsToTheGeneralParser(line: String) {
    let bytes = Array(line.utf8)
    #expect(AnnotationFormat.parseCanonical(bytes, 0, bytes.count) == nil)
    #expect(Self.oracle(bytes)?.canonical != true)
  }

  @Test func codesAreDecodesCodesWithTheSameProblems() {
    var random = SplitMix64(seed: 0xC0DE5)
    for _ in 0..<2_000 {
      var file: [UInt8] = []
      for _ in 0..<Int(random.next() % 4) { file += Self.randomLine(&random) + [0x0a] }
      let data = Data(file)
      let decoded = Result { () throws(AnnotationFormat.Problem) in try AnnotationFormat.decode(data).map(\.code) }
      let codes = Result { () throws(AnnotationFormat.Problem) in try AnnotationFormat.counted(data, \.code) }
      #expect(decoded == codes, "\(String(decoding: file, as: UTF8.self))")
    }
  }

  @Test func escapedStringsReadBackAsWritten() throws {
    let record = Assignment(
      id: "x", code: "c", start: 0, end: 1, exact: "\"\\\n\t\r\u{1}\u{1F}\u{7F}é😀", memo: "m\u{0}",
      review: "r", sources: ["", "s\"t"])
    let bytes = Array(AnnotationFormat.line(record).utf8)
    let fast = try #require(AnnotationFormat.parseCanonical(bytes, 0, bytes.count))
    #expect(AnnotationFormat.line(fast) == AnnotationFormat.line(record))
  }

  /// `CanonicalRecords` (what the `ls` table reads) must take only files `decode` reads, see
  /// in them what `decode` sees, and take every file gloss writes whose ids and codes need
  /// no escape.
  @Test func canonicalRecordsSeeWhatDecodeSees() throws {
    var random = SplitMix64(seed: 0x7AB1E)
    var (taken, left) = (0, 0)
    // Often with spans and codes alike, so that the ids set the order.
    func record() -> Assignment {
      var record = Self.randomRecord(&random)
      if random.next() % 2 == 0 { (record.start, record.end, record.code) = (3, 4, "a") }
      return record
    }
    for round in 0..<3_000 {
      let file: [UInt8]
      var written: [Assignment]?
      switch round % 3 {
      case 0:
        // As gloss writes it.
        written = (0..<Int(random.next() % 5)).map { _ in record() }
        file = Array(AnnotationFormat.encode(written ?? []))
      case 1:
        // Lines in any order, some broken.
        file = (0..<Int(random.next() % 4)).flatMap { _ in Self.randomLine(&random) + [0x0a] }
      default:
        // As written, then a line repeated or two swapped, or the last line feed gone.
        var lines = (0..<2 + Int(random.next() % 3)).map { _ in AnnotationFormat.line(record()) }
          .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        if random.next() % 2 == 0 { lines.append(lines[0]) } else { lines.swapAt(0, 1) }
        file = Array((lines.joined(separator: "\n") + (random.next() % 4 == 0 ? "" : "\n")).utf8)
      }
      let data = Data(file)
      let shown = String(decoding: file, as: UTF8.self)
      guard let raw = AnnotationFormat.CanonicalRecords(data) else {
        left += 1
        if let written, Set(written.map { AnnotationFormat.line($0) }).count == written.count {
          let escaped: (String) -> Bool = { $0.utf8.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5c } }
          #expect(written.contains { escaped($0.id) || escaped($0.code) }, "left a file gloss writes: \(shown)")
        }
        continue
      }
      taken += 1
      let decoded = try #require(try? AnnotationFormat.decode(data), "took a file decode refuses: \(shown)")
      #expect(raw.records.count == decoded.count)
      if let written {
        // As lines: the encoder leaves out empty memos and reasons.
        let expected = written.sorted(by: Assignment.canonicalOrder).map(AnnotationFormat.line)
        #expect(decoded.map(AnnotationFormat.line) == expected)
      }
      #expect(zip(decoded, decoded.dropFirst()).allSatisfy { Assignment.canonicalOrder($0, $1) })
      for (record, assignment) in zip(raw.records, decoded) {
        #expect(raw.bytes[record.id].elementsEqual(assignment.id.utf8))
        #expect(raw.bytes[record.code].elementsEqual(assignment.code.utf8))
        #expect(record.start == assignment.start && record.end == assignment.end)
        #expect(raw.exact(record) == assignment.exact)
        for limit in [1, 3, 48] {
          var (fromBytes, fromString): ([UInt8], [UInt8]) = ([7], [7])
          #expect(
            raw.appendPlainExcerpt(record, limit: limit, to: &fromBytes)
              == assignment.exact.appendPlainExcerpt(limit: limit, to: &fromString))
          #expect(fromBytes == fromString, "\(shown)")
        }
      }
    }
    #expect(taken > 500 && left > 500)
  }

  /// `Assignment.canonicallySorted` is `sorted(by: canonicalOrder)`: for sorted files with a
  /// record appended anywhere in the order, for shuffled ones, and with records alike.
  @Test func canonicallySortedIsAStableSort() {
    var random = SplitMix64(seed: 0x50_47ED)
    for round in 0..<2_000 {
      var records = (0..<Int(random.next() % 12)).map { _ in
        var record = Self.randomRecord(&random)
        if random.next() % 3 == 0 { (record.start, record.end, record.code) = (3, 4, "a") }
        return record
      }
      // A record alike in order to another, told apart by its text: stability shows.
      if random.next() % 4 == 0, var twin = records.first {
        twin.exact += "x"
        records.append(twin)
      }
      switch round % 3 {
      case 0: records.sort(by: Assignment.canonicalOrder)
      case 1: records = records.dropLast().sorted(by: Assignment.canonicalOrder) + records.suffix(1)
      default: break
      }
      #expect(Assignment.canonicallySorted(records) == records.sorted(by: Assignment.canonicalOrder))
    }
  }
}
