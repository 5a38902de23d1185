import Agreement
import Foundation
import GitKit
import PropertyBased
import Testing

@testable import GlossCore

/// A project in a temporary folder, built through GlossCore, with what each coder was asked
/// to assign kept aside so the figures can be recomputed independently.
final class AgreeFixture {
  let root: String
  let project: Project
  /// doc → coder → spans per code; a coder missing for a doc has no annotation file.
  var coded: [String: [String: [String: [Range<Int>]]]] = [:]
  var texts: [String: String] = [:]

  init() throws {
    root =
      FileManager.default.temporaryDirectory
      .appendingPathComponent("gloss-agree-\(UUID().uuidString)").path
    (project, _) = try Project.initialize(at: root, name: "agree", leads: ["lead"], coder: "lead")
  }

  deinit { try? FileManager.default.removeItem(atPath: root) }

  func addDocuments(_ documents: [(String, String)]) throws {
    try project.session(as: "lead").addDocuments(
      documents.map { DocumentInput(id: $0.0, data: Data($0.1.utf8), source: $0.0) })
    for (id, text) in documents { texts[id] = text }
  }

  func addCodes(_ names: [String]) throws {
    for name in names { try project.session(as: "lead").addCode(name: name) }
  }

  /// Gives `coder` an annotation file for `doc` (possibly empty) holding `spans`.
  func code(_ coder: String, _ doc: String, _ spans: [(code: String, range: Range<Int>)]) throws {
    if coded[doc]?[coder] == nil {
      _ = try? project.session(as: "lead").assignDocuments([doc], to: [coder])
    }
    coded[doc, default: [:]][coder, default: [:]] = coded[doc]?[coder] ?? [:]
    guard !spans.isEmpty else { return }
    try project.session(as: coder).addAssignments(
      spans.map {
        AssignmentRequest(
          doc: doc, code: $0.code, span: .chars($0.range.lowerBound, $0.range.upperBound))
      })
    for span in spans {
      coded[doc]?[coder]?[span.code, default: []].append(span.range)
    }
  }

  func head() throws -> Oid {
    guard let commit = try project.repository.headCommit() else { throw GlossError.detachedHead }
    return commit
  }

  /// Reliability data the slow way: one column per unit, built from the requested spans.
  func expected(code: String, coders: [String], unit: AgreementUnit) -> ReliabilityData {
    var rows = [[Double?]](repeating: [], count: coders.count)
    for doc in texts.keys.sorted() {
      let files = coders.map { coded[doc]?[$0] }
      guard files.compactMap({ $0 }).count >= 2, let string = texts[doc] else { continue }
      let text = DocumentText(string)
      let units: [Range<Int>]
      switch unit {
      case .char, .segment: units = (0..<text.length).map { $0..<($0 + 1) }
      case .para: units = text.paragraphs
      case .doc: units = [0..<text.length]
      }
      for (index, file) in files.enumerated() {
        for unitRange in units {
          guard let file else {
            rows[index].append(nil)
            continue
          }
          let hit = (file[code] ?? []).contains { $0.overlaps(unitRange) }
          rows[index].append(hit ? 1 : 0)
        }
      }
    }
    return ReliabilityData(rows)
  }
}

/// Naive pairwise figures on the units both coders coded.
private func naivePair(_ a: [Double?], _ b: [Double?]) -> (n: Int, pa: Double?) {
  var n = 0
  var same = 0
  for (x, y) in zip(a, b) {
    guard let x, let y else { continue }
    n += 1
    if x == y { same += 1 }
  }
  return (n, n > 0 ? Double(same) / Double(n) : nil)
}

private func close(_ lhs: Double?, _ rhs: Double?, _ tolerance: Double = 1e-9) -> Bool {
  switch (lhs, rhs) {
  case (nil, nil): return true
  case (let x?, let y?): return abs(x - y) <= tolerance
  default: return false
  }
}

/// A small deterministic generator, independent of the one the bootstrap uses.
private struct Lcg {
  var state: UInt64
  mutating func next(_ bound: Int) -> Int {
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return Int((state >> 33) % UInt64(bound))
  }
}

@Suite(.serialized) struct AgreeTests {
  /// Three documents (one with non-ASCII text), three coders, two codes, random spans; one
  /// coder never opened doc c, another has an empty file for doc b.
  func randomProject(seed: UInt64) throws -> AgreeFixture {
    let fixture = try AgreeFixture()
    var random = Lcg(state: seed)
    var documents: [(String, String)] = []
    for (index, id) in ["doc-a", "doc-b", "doc-c"].enumerated() {
      var paragraphs: [String] = []
      for _ in 0..<(4 + index * 2) {
        let words = (0..<(5 + random.next(12))).map { _ in
          ["data", "missing", "café", "ラベル", "outlier", "sensor", "noise"][random.next(7)]
        }
        paragraphs.append(words.joined(separator: " "))
      }
      documents.append((id, paragraphs.joined(separator: "\n\n") + "\n"))
    }
    try fixture.addDocuments(documents)
    try fixture.addCodes(["Alpha", "Beta", "Unused"])
    for (doc, text) in documents {
      let length = text.unicodeScalars.count
      for coder in ["ana", "ben", "cy"] {
        if doc == "doc-c" && coder == "cy" { continue }
        if doc == "doc-b" && coder == "ben" {
          try fixture.code(coder, doc, [])
          continue
        }
        var spans: [(code: String, range: Range<Int>)] = []
        var seen = Set<String>()
        for _ in 0..<(1 + random.next(5)) {
          let start = random.next(length - 1)
          let end = min(length, start + 1 + random.next(60))
          let code = random.next(3) == 0 ? "beta" : "alpha"
          if seen.insert("\(code) \(start) \(end)").inserted {
            spans.append((code, start..<end))
          }
        }
        try fixture.code(coder, doc, spans)
      }
    }
    return fixture
  }

  @Test(arguments: [AgreementUnit.char, .para, .doc])
  func matchesAnIndependentComputation(unit: AgreementUnit) throws {
    for seed in [1, 2, 3] as [UInt64] {
      let fixture = try randomProject(seed: seed)
      let report = try fixture.project.agreement(options: AgreementOptions(unit: unit))
      let coders = ["ana", "ben", "cy"]
      #expect(report.coders == coders)
      #expect(report.documents == ["doc-a", "doc-b", "doc-c"])
      #expect(report.codes.map(\.code) == ["alpha", "beta", "unused"])
      #expect(report.codes[0].alpha != nil && report.codes[0].alpha != 1)
      expectNaiveFigures(report, fixture: fixture, coders: coders, unit: unit)
      // The unused code: no variation, so no alpha and no kappa; AC1 and BP stay defined.
      let unused = try #require(report.codes.last)
      #expect(unused.alpha == nil && unused.fleissKappa == nil && unused.pairs.allSatisfy { $0.cohenKappa == nil })
      #expect(unused.ac1 == 1 && unused.bp == 1 && unused.prevalence == 0)
    }
  }

  /// Every figure of `report` against the slow computation from the requested spans.
  func expectNaiveFigures(
    _ report: AgreementReport, fixture: AgreeFixture, coders: [String], unit: AgreementUnit,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    var pooled = [[Double?]](repeating: [], count: coders.count)
    for figures in report.codes {
      let data = fixture.expected(code: figures.code, coders: coders, unit: unit)
      for index in coders.indices { pooled[index] += data.values[index] }
      let columns = (0..<data.unitCount).map(data.unitValues).filter { $0.count >= 2 }
      let values = columns.joined()
      #expect(figures.nUnits == columns.count, sourceLocation: sourceLocation)
      #expect(
        close(figures.prevalence, values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)),
        sourceLocation: sourceLocation)
      #expect(
        close(figures.alpha, krippendorffAlpha(data)), "alpha \(figures.code) \(unit)",
        sourceLocation: sourceLocation)
      #expect(close(figures.pa, percentAgreement(data)), sourceLocation: sourceLocation)
      #expect(close(figures.fleissKappa, fleissKappa(data)), sourceLocation: sourceLocation)
      #expect(close(figures.ac1, gwetAC1(data, categories: 2)), sourceLocation: sourceLocation)
      #expect(close(figures.bp, brennanPrediger(data, categories: 2)), sourceLocation: sourceLocation)
      for pair in figures.pairs {
        guard let a = coders.firstIndex(of: pair.a), let b = coders.firstIndex(of: pair.b) else {
          Issue.record("unknown coder in pair", sourceLocation: sourceLocation)
          continue
        }
        let naive = naivePair(data.values[a], data.values[b])
        #expect(pair.nUnits == naive.n, sourceLocation: sourceLocation)
        #expect(close(pair.pa, naive.pa), sourceLocation: sourceLocation)
        #expect(close(pair.cohenKappa, cohenKappa(data.values[a], data.values[b])), sourceLocation: sourceLocation)
      }
    }
    let all = ReliabilityData(pooled)
    #expect(close(report.overall.alpha, krippendorffAlpha(all)), sourceLocation: sourceLocation)
    #expect(close(report.overall.pa, percentAgreement(all)), sourceLocation: sourceLocation)
    #expect(
      report.overall.nUnits == (0..<all.unitCount).filter { all.unitValues($0).count >= 2 }.count,
      sourceLocation: sourceLocation)
  }

  /// Issue 17's example: d1 = d2 = "same", d3 = "other", both coders assigned all three and
  /// nothing coded, so d1 and d2 have the same text blob and the same (empty) annotation
  /// blobs. Each still counts once for itself.
  @Test func documentsWithTheSameTextEachCount() throws {
    let fixture = try AgreeFixture()
    try fixture.addDocuments([("d1", "same"), ("d2", "same"), ("d3", "other")])
    try fixture.addCodes(["Alpha"])
    try fixture.project.session(as: "lead").assignDocuments(["d1", "d2", "d3"], to: ["ana", "ben"])
    try fixture.code("ana", "d3", [(code: "alpha", range: 0..<2)])
    let project = fixture.project
    let char = try project.agreement(options: AgreementOptions(unit: .char, byDocument: true))
    #expect(char.documents == ["d1", "d2", "d3"])
    #expect(char.codes[0].nUnits == 13)
    #expect(char.overall.nUnits == 13)
    #expect(char.byDocument?.map(\.doc) == ["d1", "d2", "d3"])
    // 13 units, 2 of them disagree: pa = 11/13, alpha from 24 zeros and 2 ones.
    #expect(close(char.codes[0].pa, 11.0 / 13))
    #expect(close(char.codes[0].alpha, 1 - 25.0 * 2 / (24 * 2)))
    let doc = try project.agreement(options: AgreementOptions(unit: .doc, byDocument: true))
    #expect(doc.codes[0].nUnits == 3)
    #expect(doc.byDocument?.map(\.doc) == ["d1", "d2", "d3"])
    let para = try project.agreement(options: AgreementOptions(unit: .para))
    #expect(para.codes[0].nUnits == 3)
    let segment = try project.agreement(options: AgreementOptions(unit: .segment))
    #expect(segment.codes[0].nUnits == 13)
    // The history engine, which reuses tallies across commits, counts them too.
    let engine = AgreementEngine(repository: project.repository, options: AgreementOptions())
    var reports: [AgreementReport] = []
    try engine.history(try project.historyCommits("HEAD")) { reports.append($0) }
    #expect(reports.last?.documents == ["d1", "d2", "d3"])
    #expect(reports.last?.codes[0].nUnits == 13)
  }

  /// Property: documents drawn from a few texts (so many share their text), coders who
  /// often leave a file empty (so annotation blobs are shared too); every figure equals
  /// the naive computation over every document. The seed of a failing case is reported.
  @Test func documentsSharingTextMatchTheNaiveComputation() async throws {
    await propertyCheck(count: 8, input: Gen.uint64(in: 0...UInt64.max)) { seed in
      do {
        var random = Lcg(state: seed)
        let fixture = try AgreeFixture()
        let pool = ["same answer", "same answer\n\nwith a second paragraph\n", "no", "ラベル café"]
        let count = 3 + random.next(4)
        let documents = (0..<count).map { ("d\($0)", pool[random.next(pool.count)]) }
        try fixture.addDocuments(documents)
        try fixture.addCodes(["Alpha", "Beta"])
        let coders = ["ana", "ben", "cy"]
        try fixture.project.session(as: "lead").assignDocuments(documents.map(\.0), to: coders)
        for (doc, text) in documents {
          let length = text.unicodeScalars.count
          for coder in coders {
            fixture.coded[doc, default: [:]][coder] = [:]
            guard random.next(2) == 0 else { continue }
            let start = random.next(length)
            let end = start + 1 + random.next(length - start)
            try fixture.code(coder, doc, [(code: random.next(2) == 0 ? "alpha" : "beta", range: start..<end)])
          }
        }
        for unit in [AgreementUnit.char, .para, .doc] {
          let report = try fixture.project.agreement(options: AgreementOptions(unit: unit, byDocument: true))
          #expect(report.documents == documents.map(\.0), "seed \(seed)")
          #expect(report.byDocument?.map(\.doc) == documents.map(\.0), "seed \(seed)")
          expectNaiveFigures(report, fixture: fixture, coders: coders, unit: unit)
        }
      } catch {
        Issue.record("seed \(seed): \(error)")
      }
    }
  }

  @Test func segmentUsesUnitizingAlpha() throws {
    let fixture = try randomProject(seed: 9)
    let report = try fixture.project.agreement(options: AgreementOptions(unit: .segment))
    let char = try fixture.project.agreement(options: AgreementOptions(unit: .char))
    var continua: [[UnitizingDocument]] = []
    for (figures, charFigures) in zip(report.codes, char.codes) {
      let documents = fixture.texts.keys.sorted().compactMap { doc -> UnitizingDocument? in
        guard let text = fixture.texts[doc] else { return nil }
        let coders = ["ana", "ben", "cy"].map { coder in
          fixture.coded[doc]?[coder].map { $0[figures.code] ?? [] }
        }
        return UnitizingDocument(length: text.unicodeScalars.count, coders: coders)
      }
      #expect(close(figures.alpha, unitizingAlpha(documents)))
      #expect(figures.pa == charFigures.pa && figures.nUnits == charFigures.nUnits)
      // α_U on the documents all three coders coded (cy never opened doc-c).
      let complete = documents.filter { $0.coders.allSatisfy { $0 != nil } }
      #expect(complete.count == 2)
      #expect(close(figures.alphaU, unitizingAlphaU(complete)))
      #expect(charFigures.alphaU == nil)
      continua.append(complete)
    }
    #expect(close(report.overall.alphaU, unitizingAlphaU(categories: continua)))
    #expect(report.overall.alphaU != nil)
  }

  /// The `design4-binary-missing` fixture through a repository: each unit is a document
  /// (`--unit doc`), a 1 is a span with the code, a 0 an empty file, a null no file.
  @Test func reproducesTheDesignFixtureThroughARepository() throws {
    var url = URL(fileURLWithPath: #filePath)
    url.deleteLastPathComponent()
    url.deleteLastPathComponent()
    let data = try Data(
      contentsOf: url.appendingPathComponent("AgreementTests/Fixtures/published.json"))
    let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let examples = try #require(root["examples"] as? [[String: Any]])
    let example = try #require(examples.first { $0["id"] as? String == "design4-binary-missing" })
    let matrix = try #require(example["data"] as? [[Any]])
    let values = try #require(example["values"] as? [String: Any])
    let coders = ["a", "b", "c", "d"]

    let fixture = try AgreeFixture()
    let units = matrix.map(\.count).max() ?? 0
    let docs = (0..<units).map { String(format: "u%02d", $0 + 1) }
    try fixture.addDocuments(docs.map { ($0, "Unit \($0) of the fixture.\n") })
    try fixture.addCodes(["Three"])
    for (row, coder) in coders.enumerated() {
      for (unit, doc) in docs.enumerated() {
        guard let value = matrix[row][unit] as? Int else { continue }
        try fixture.code(coder, doc, value == 1 ? [(code: "three", range: 0..<4)] : [])
      }
    }
    let report = try fixture.project.agreement(options: AgreementOptions(unit: .doc))
    let figures = try #require(report.codes.first)
    #expect(report.coders == coders)
    #expect(figures.nUnits == values["n_units"] as? Int)
    #expect(close(figures.prevalence, values["prevalence"] as? Double))
    #expect(close(figures.alpha, values["alpha"] as? Double))
    #expect(close(figures.pa, values["pa"] as? Double))
    #expect(close(figures.fleissKappa, values["fleiss_kappa"] as? Double))
    #expect(close(figures.ac1, values["ac1"] as? Double))
    #expect(close(figures.bp, values["bp"] as? Double))
    let pairs = try #require(values["pairs"] as? [[String: Any]])
    #expect(pairs.count == figures.pairs.count)
    for (published, pair) in zip(pairs, figures.pairs) {
      #expect((published["a"] as? String)?.lowercased() == pair.a)
      #expect((published["b"] as? String)?.lowercased() == pair.b)
      #expect(published["n_units"] as? Int == pair.nUnits)
      #expect(close(pair.pa, published["pa"] as? Double))
      #expect(close(pair.cohenKappa, published["cohen_kappa"] as? Double))
    }
  }

  @Test func scopeConsensusAndErrors() throws {
    let fixture = try AgreeFixture()
    try fixture.addDocuments([("d1", "One two three.\n\nFour five six.\n"), ("d2", "Seven.\n")])
    try fixture.addCodes(["Alpha"])
    try fixture.code("ana", "d1", [(code: "alpha", range: 0..<3)])
    try fixture.code("ben", "d1", [(code: "alpha", range: 0..<7)])
    try fixture.code("ben", "d2", [])
    try fixture.project.session(as: "lead").assignDocuments(["d1"], to: ["consensus"])
    let project = fixture.project

    let plain = try project.agreement(options: AgreementOptions())
    #expect(plain.coders == ["ana", "ben"])
    #expect(plain.documents == ["d1"])  // only ben coded d2
    let named = try project.agreement(options: AgreementOptions(coders: ["consensus", "ana"]))
    #expect(named.coders == ["ana", "consensus"])

    #expect(throws: GlossError.unknownCoder("zed")) {
      try project.agreement(options: AgreementOptions(coders: ["ana", "zed"]))
    }
    #expect(throws: GlossError.unknownCode("nope")) {
      try project.agreement(options: AgreementOptions(codes: ["nope"]))
    }
    #expect(throws: GlossError.unknownDocument("d9")) {
      try project.agreement(options: AgreementOptions(docs: ["d9"]))
    }
    #expect(throws: GlossError.unknownRevision("nope")) {
      try project.agreement(at: "nope", options: AgreementOptions())
    }
    #expect(throws: GlossError.self) {
      try project.agreement(options: AgreementOptions(docs: ["d2"]))
    }
    // Codes by name; spans of both coders agree on "One" and differ on " two".
    let byName = try project.agreement(options: AgreementOptions(codes: ["ALPHA"]))
    #expect(byName.codes.map(\.code) == ["alpha"])
    let differences = try project.disagreements(options: AgreementOptions(coders: ["ana", "ben"]))
    #expect(
      differences == [
        Disagreement(
          doc: "d1", code: "alpha", start: 3, end: 7, coded: ["ben"], notCoded: ["ana"],
          text: " two")
      ])
    let paragraphs = try project.disagreements(
      options: AgreementOptions(unit: .para, coders: ["ana", "ben"]))
    #expect(paragraphs.isEmpty)
  }

  @Test func bootstrapIsSeededAndByDocumentIsPerDocument() throws {
    let fixture = try randomProject(seed: 4)
    let options = AgreementOptions(byDocument: true, bootstrap: 200, seed: 11)
    let first = try fixture.project.agreement(options: options)
    let second = try fixture.project.agreement(options: options)
    #expect(first == second)
    let interval = try #require(first.codes.first?.alphaCI)
    #expect(interval.lower <= interval.upper)
    #expect(first.overall.alphaCI != nil)
    let byDocument = try #require(first.byDocument)
    #expect(byDocument.map(\.doc) == first.documents)
    let alone = try fixture.project.agreement(options: AgreementOptions(docs: ["doc-c"]))
    let docC = try #require(byDocument.last)
    #expect(docC.coders == ["ana", "ben"])
    #expect(docC.codes.map(\.alpha) == alone.codes.map(\.alpha))
    let json = first.json(withInterval: true).compact
    #expect(json.contains(#""alpha_ci":["#))
    #expect(json.contains(#""by_doc":[{"doc":"doc-a","coders":["ana","ben","cy"],"codes":["#))
  }

  /// Runs the Python oracle (krippendorff, statsmodels, irrCAC; deps.d/70-agreement-oracles.sh)
  /// once on several data sets of reliability data given as labels, nil for no value.
  func oracle(_ sets: [(categories: [String], rows: [[String?]])]) throws -> [[String: Any]] {
    var url = URL(fileURLWithPath: #filePath)
    url.deleteLastPathComponent()
    url.deleteLastPathComponent()
    let script = url.appendingPathComponent("AgreementTests/Fixtures/nominal_oracle.py").path
    let input = try JSONSerialization.data(
      withJSONObject: sets.map { set in
        ["categories": set.categories, "rows": set.rows.map { $0.map { $0 ?? NSNull() as Any } }]
      })
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script]
    let stdin = Pipe()
    let stdout = Pipe()
    let stderr = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    stdin.fileHandleForWriting.write(input)
    try stdin.fileHandleForWriting.close()
    let output = stdout.fileHandleForReading.readDataToEndOfFile()
    let errors = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      Issue.record("oracle failed (run 'make deps' for krippendorff, statsmodels, irrCAC): \(errors)")
      return []
    }
    return try #require(try JSONSerialization.jsonObject(with: output) as? [[String: Any]])
  }

  /// `--by-parent` against krippendorff, statsmodels and irrCAC on the same data: two
  /// groups, three coders (cy never opened doc-c), random spans, and a coder who puts two
  /// children of one parent on the same text (a category of its own).
  @Test func byParentMatchesThePythonOracles() throws {
    let fixture = try randomProject(seed: 17)
    let session = try fixture.project.session(as: "lead")
    try session.addCode(name: "Tone")
    for child in ["Positive", "Negative", "Neutral"] { try session.addCode(name: child, parent: "tone") }
    try session.addCode(name: "Topic")
    for child in ["Data", "Model"] { try session.addCode(name: child, parent: "topic") }
    var random = Lcg(state: 17)
    for doc in ["doc-a", "doc-b", "doc-c"] {
      let length = fixture.texts[doc]?.unicodeScalars.count ?? 0
      for coder in ["ana", "ben", "cy"] where !(doc == "doc-c" && coder == "cy") {
        var spans: [(code: String, range: Range<Int>)] = []
        var seen = Set<String>()
        for _ in 0..<(2 + random.next(6)) {
          let start = random.next(length - 1)
          let end = min(length, start + 1 + random.next(80))
          let code = ["positive", "negative", "neutral", "data", "model"][random.next(5)]
          if seen.insert("\(code) \(start) \(end)").inserted { spans.append((code, start..<end)) }
        }
        if doc == "doc-a" && coder == "ben" {
          spans += [(code: "positive", range: 0..<6), (code: "negative", range: 3..<9)]
        }
        try fixture.code(coder, doc, spans)
      }
    }
    let coders = ["ana", "ben", "cy"]
    var measured: [(label: String, group: GroupFigures)] = []
    var sets: [(categories: [String], rows: [[String?]])] = []
    for unit in [AgreementUnit.char, .para, .doc] {
      let report = try fixture.project.groupAgreement(options: AgreementOptions(unit: unit))
      #expect(report.coders == coders)
      #expect(report.groups.map(\.parent) == ["tone", "topic"])
      for group in report.groups {
        // The values the slow way: per unit, the children each coder's spans touch.
        var rows = [[String?]](repeating: [], count: coders.count)
        for doc in report.documents {
          guard let string = fixture.texts[doc] else { continue }
          let text = DocumentText(string)
          let units: [Range<Int>]
          switch unit {
          case .char, .segment: units = (0..<text.length).map { $0..<($0 + 1) }
          case .para: units = text.paragraphs
          case .doc: units = [0..<text.length]
          }
          for (index, coder) in coders.enumerated() {
            let file = fixture.coded[doc]?[coder]
            for range in units {
              guard let file else {
                rows[index].append(nil)
                continue
              }
              let used = group.children.filter { child in (file[child] ?? []).contains { $0.overlaps(range) } }
              rows[index].append(used.isEmpty ? "none" : used.joined(separator: "+"))
            }
          }
        }
        let combinations = Set(rows.joined().compactMap { $0 }.filter { $0.contains("+") }).sorted()
        if group.parent == "tone" && unit == .char {
          #expect(!combinations.isEmpty && group.nMultiple > 0)
        }
        measured.append(("\(group.parent) \(unit)", group))
        sets.append((["none"] + group.children + combinations, rows))
      }
    }
    let results = try oracle(sets)
    #expect(results.count == measured.count)
    for ((label, group), expected) in zip(measured, results) {
      #expect(close(group.alpha, expected["alpha"] as? Double, 5e-11), "alpha \(label)")
      #expect(close(group.pa, expected["pa"] as? Double, 5e-11), "pa \(label)")
      #expect(close(group.fleissKappa, expected["fleiss_kappa"] as? Double, 5e-11), "fleiss \(label)")
      #expect(close(group.ac1, expected["ac1"] as? Double, 5e-11), "ac1 \(label)")
      #expect(close(group.bp, expected["bp"] as? Double, 5e-11), "bp \(label)")
      let pairs = expected["pairs"] as? [[String: Any]] ?? []
      #expect(pairs.count == group.pairs.count)
      for (pair, reference) in zip(group.pairs, pairs) {
        #expect(pair.nUnits == reference["n_units"] as? Int, "pair n \(label)")
        #expect(close(pair.pa, reference["pa"] as? Double, 5e-11), "pair pa \(label)")
        #expect(close(pair.cohenKappa, reference["cohen_kappa"] as? Double, 5e-11), "kappa \(label)")
      }
    }
    #expect(throws: GlossError.self) {
      try fixture.project.groupAgreement(options: AgreementOptions(codes: ["alpha"]))
    }
  }

  /// The history engine gives, at every commit, what a fresh computation gives, and reads
  /// only the blobs that changed.
  @Test func historyReusesUnchangedBlobs() throws {
    let fixture = try AgreeFixture()
    let documents = (1...6).map { ("d\($0)", "Paragraph one of \($0).\n\nParagraph two of \($0).\n") }
    try fixture.addDocuments(documents)
    try fixture.addCodes(["Alpha", "Beta"])
    for (doc, _) in documents {
      try fixture.code("ana", doc, [(code: "alpha", range: 0..<9)])
      try fixture.code("ben", doc, [(code: "alpha", range: 2..<9)])
    }
    let base = try fixture.head()
    var random = Lcg(state: 5)
    for step in 0..<12 {
      let doc = "d\(1 + random.next(6))"
      let coder = step % 2 == 0 ? "ana" : "ben"
      try fixture.code(coder, doc, [(code: step % 3 == 0 ? "beta" : "alpha", range: (10 + step)..<(20 + step))])
      if step == 5 { try fixture.addCodes(["Gamma"]) }
    }
    let commits = try fixture.project.historyCommits(base.hex + "..HEAD")
    #expect(commits.count == 13)
    let engine = AgreementEngine(
      repository: fixture.project.repository, options: AgreementOptions(unit: .para))
    var reports: [AgreementReport] = []
    try engine.history(commits) { reports.append($0) }
    #expect(reports.count == commits.count)
    #expect(reports.map(\.rev) == commits.map(\.hex))
    let cache = HistoryJSONCache()
    for (commit, report) in zip(commits, reports) {
      let fresh = AgreementEngine(
        repository: fixture.project.repository, options: AgreementOptions(unit: .para))
      #expect(try fresh.report(at: commit) == report)
      // The history line, written with cached code fragments, is the plain JSON exactly.
      #expect(
        report.historyLine(withInterval: false, cache: cache)
          == report.json(withInterval: false, includeDate: true).compact)
    }
    let segment = AgreementEngine(repository: fixture.project.repository, options: AgreementOptions(unit: .segment))
    try segment.history(commits) { report in
      #expect(
        report.historyLine(withInterval: false, cache: cache)
          == report.json(withInterval: false, includeDate: true).compact)
    }
    // The first commit reads 6 documents and 12 annotation files; each later commit changes
    // one annotation file (or only the codebook), so at most one blob and one document more.
    #expect(engine.blobsRead <= 18 + 12)
    #expect(engine.documentsComputed <= 6 + 12)
  }

  /// A seeded random history of every kind of commit (assignments added and removed, done
  /// marks and reopenings, codes added and renamed, documents with the same text, coders
  /// added, a coder's files all removed, settings alone): at every commit, the history walk
  /// (incremental scope, tallies read ahead on a second thread) reports exactly what a fresh
  /// computation at that commit reports, and skips exactly the commits where that fails.
  @Test(arguments: [AgreementUnit.char, .para, .segment])
  func randomHistoryMatchesEveryRevision(unit: AgreementUnit) throws {
    let fixture = try AgreeFixture()
    let text = "First paragraph here.\n\nSecond one, a bit longer.\n"
    try fixture.addDocuments([("d1", text), ("d2", text), ("d3", "Another text.\n\nWith two paragraphs.\n")])
    try fixture.addCodes(["Alpha", "Beta"])
    for doc in ["d1", "d2", "d3"] {
      try fixture.code("ana", doc, [(code: "alpha", range: 0..<9)])
      try fixture.code("ben", doc, [(code: "alpha", range: 3..<12)])
    }
    let base = try fixture.head()
    var random = Lcg(state: UInt64(7 + unit.rawValue.count))
    var coders = ["ana", "ben"]
    var codes = ["alpha", "beta"]
    var documents = ["d1", "d2", "d3"]
    for step in 0..<36 {
      let coder = coders[random.next(coders.count)]
      let doc = documents[random.next(documents.count)]
      let lead = try fixture.project.session(as: "lead")
      switch random.next(10) {
      case 0, 1, 2:
        let start = random.next(20)
        try? fixture.code(
          coder, doc, [(code: codes[random.next(codes.count)], range: start..<(start + 1 + random.next(15)))])
      case 3:
        let present = try fixture.project.snapshot(at: nil).assignments(docs: [doc], coders: [coder])
        if let first = present.first {
          _ = try? fixture.project.session(as: coder).removeAssignments(ids: [first.assignment.id])
        }
      case 4: _ = try? fixture.project.session(as: coder).markDone([doc])
      case 5: _ = try? fixture.project.session(as: coder).reopen([doc])
      case 6:
        try fixture.addCodes(["Code \(step)"])
        codes.append("code-\(step)")
      case 7: _ = try? lead.renameCode(codes[random.next(codes.count)], to: "Renamed \(step)")
      case 8:
        // A document with the same text as another, or a new coder on it.
        if step % 2 == 0 {
          try fixture.addDocuments([("s\(step)", text)])
          documents.append("s\(step)")
        } else {
          let name = "c\(step)"
          _ = try? lead.addCoder(name, emails: [], lead: false)
          try? fixture.code(name, doc, [(code: "alpha", range: 1..<8)])
          coders.append(name)
        }
      default:
        if coders.count > 2, step % 3 == 0 {
          // All of a coder's files go (their folder with them).
          let gone = coders.removeLast()
          let assigned = try fixture.project.snapshot(at: nil).annotationFiles(coders: [gone]).map(\.doc)
          _ = try? lead.unassignDocuments(assigned, from: [gone], force: true)
        } else {
          _ = try? lead.addCoder("x\(step)", emails: [], lead: false)  // settings alone
        }
      }
    }
    let commits = try fixture.project.historyCommits(base.hex + "..HEAD")
    #expect(commits.count > 20)
    for includeUnfinished in [false, true] {
      let options = AgreementOptions(unit: unit, includeUnfinished: includeUnfinished)
      var produced: [String: AgreementReport] = [:]
      let engine = AgreementEngine(repository: fixture.project.repository, options: options)
      try engine.history(commits) { produced[$0.rev] = $0 }
      #expect(!produced.isEmpty)
      let cache = HistoryJSONCache()
      for commit in commits {
        let fresh = AgreementEngine(repository: fixture.project.repository, options: options)
        if let report = produced[commit.hex] {
          #expect(try fresh.report(at: commit) == report, "\(unit) at \(commit.short)")
          #expect(
            report.historyLine(withInterval: false, cache: cache)
              == report.json(withInterval: false, includeDate: true).compact)
        } else {
          #expect(throws: GlossError.self) { try fresh.report(at: commit) }
        }
      }
    }
  }
}

@Suite struct AgreeFormatTests {
  @Test(arguments: [
    (0, 0, "1970-01-01T00:00:00Z"), (1_700_000_000, 120, "2023-11-15T00:13:20+02:00"),
    (951_782_400, -330, "2000-02-28T18:30:00-05:30"), (-1, 0, "1969-12-31T23:59:59Z"),
    (4_107_542_400, 0, "2100-03-01T00:00:00Z"),
  ])
  func isoDatesMatchFoundation(seconds: Int, offset: Int, expected: String) throws {
    let report = AgreementReport(
      rev: "", date: Date(timeIntervalSince1970: TimeInterval(seconds)), offsetMinutes: offset,
      unit: .char, coders: [], documents: [], codes: [],
      overall: OverallFigures(nUnits: 0, alpha: nil, alphaCI: nil, pa: nil, pairs: []),
      byDocument: nil)
    #expect(report.isoDate == expected)
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = TimeZone(secondsFromGMT: offset * 60)
    #expect(formatter.date(from: expected) == report.date)
  }

  @Test func spanScannerReadsCanonicalFilesAndRefusesOthers() throws {
    let records = [
      Assignment(
        id: "0193a1c2-7e4f-7cc2-9a55-3f1e2d4c5b6a", code: "a", start: 3, end: 9, exact: "x\"y\\\n{\"id\":",
        memo: "m,\"end\":1"),
      Assignment(id: "0193a1c2-7e4f-7cc2-9a55-3f1e2d4c5b6b", code: "b.c", start: 0, end: 1, exact: "é"),
      Assignment(id: "0193a1c2-7e4f-7cc2-9a55-3f1e2d4c5b6c", code: "a", start: 10, end: 12, exact: "日本"),
    ]
    let spans = try #require(SpanScanner.scan(AnnotationFormat.encode(records)))
    #expect(spans == ["a": [3..<9, 10..<12], "b.c": [0..<1]])
    #expect(SpanScanner.scan(Data()) == [:])
    #expect(SpanScanner.scan(Data(#"{"code":"a","id":"x","start":1,"end":2,"exact":"q"}"#.utf8 + [0x0a])) == nil)
    #expect(SpanScanner.scan(Data(#"{"id":"x","code":"a","start":1,"end":2,"exact":"q"}"#.utf8)) == nil)
  }

  /// Property: the word-at-a-time count of code points equals Swift's count of unicode
  /// scalars for any valid UTF-8 text, at every length and alignment.
  @Test func codePointsCountEightBytesAtATime() async {
    await propertyCheck(count: 200, input: Gen.uint64(in: 0...UInt64.max)) { seed in
      var random = Lcg(state: seed)
      let pieces = ["a", "é", "日", "😀", "\n", "ß", "\u{10FFFF}", "\u{80}"]
      let text = (0..<random.next(40)).map { _ in pieces[random.next(pieces.count)] }.joined()
      let bytes = [UInt8](text.utf8)
      let skip = min(random.next(3), bytes.count)  // an unaligned start, cutting a sequence
      let count = bytes.withUnsafeBytes { AgreementEngine.codePoints(UnsafeRawBufferPointer(rebasing: $0[skip...])) }
      let expected = bytes[skip...].reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
      #expect(count == expected, "seed \(seed)")
      if skip == 0 { #expect(count == text.unicodeScalars.count, "seed \(seed)") }
    }
  }

  /// Property: texts dense in quotes, backslashes and line breaks (escaped in the file) scan
  /// to the spans written, in file order, canonically equal code names together; a raw line feed put inside a quoted text makes the scanner refuse
  /// the file (the validating parser rejects it). The seed of a failing case is reported.
  @Test func spanScannerSkipsEscapesExactly() async {
    await propertyCheck(count: 200, input: Gen.uint64(in: 0...UInt64.max)) { seed in
      var random = Lcg(state: seed)
      let pieces = ["\"", "\\", "\n", "\\\"", "a", "é", "日", " ", "\t", "\u{1}", "{\"id\":\""]
      func text() -> String { (0..<random.next(12)).map { _ in pieces[random.next(pieces.count)] }.joined() }
      // Codes spelled alike in bytes or only canonically ("é" composed and decomposed),
      // and sometimes more codes than the scanner compares byte by byte.
      let many = random.next(4) == 0
      let records = (0..<(1 + random.next(many ? 80 : 6))).map { number in
        let start = random.next(50)
        let end = start + random.next(5)
        let code = many ? "c\(random.next(50))" : ["a", "b", "\u{E9}", "e\u{301}"][random.next(4)]
        return Assignment(
          id: "0193a1c2-7e4f-7cc2-9a55-3f1e2d4c5b\(10 + number)", code: code, start: start, end: end,
          exact: text(), memo: random.next(2) == 0 ? nil : text())
      }
      let file = AnnotationFormat.encode(records)
      // What a dictionary filled line by line in file order holds.
      var expected: [String: [Range<Int>]] = [:]
      for line in file.split(separator: 0x0a) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
          let code = object["code"] as? String, let start = object["start"] as? Int, let end = object["end"] as? Int
        else { continue }
        if start < end { expected[code, default: []].append(start..<end) }
      }
      #expect(SpanScanner.scan(file) == expected, "seed \(seed)")
      // A raw line feed inside the first record's quoted text.
      let bytes = [UInt8](file)
      guard let exact = bytes.indices.first(where: { bytes[$0...].starts(with: Array(#""exact":""#.utf8)) })
      else { return }
      let textStart = exact + 9
      var broken = bytes
      broken.insert(0x0a, at: textStart + random.next(2))
      #expect(SpanScanner.scan(Data(broken)) == nil, "seed \(seed)")
    }
  }
}
