import Foundation
import PropertyBased
import Testing

@testable import GlossCore

/// Files held in memory, for validator tests.
func memoryFiles(_ files: [String: String]) -> ProjectFiles {
  ProjectFiles(paths: files.keys.sorted(), label: "test") { files[$0].map { Data($0.utf8) } }
}

let validProject: [String: String] = [
  "gloss.yaml": "gloss: 1\nname: t\nleads: [lead]\n",
  "codebook.yaml": "codes:\n  - id: a\n    name: A\n  - id: b\n    name: B\n",
  "documents/d1.txt": "Hello world.\n\nSecond paragraph.\n",
  "annotations/ana/d1.jsonl":
    #"{"id":"01a208e1-7243-7b5d-a754-cec3e0309559","code":"a","start":0,"end":5,"exact":"Hello"}"# + "\n"
    + #"{"id":"01a208e1-7243-7b5d-a754-cec3e0309560","code":"b","start":14,"end":20,"exact":"Second"}"# + "\n",
  "annotations/ben/d1.jsonl": "",
]

@Suite struct ValidatorTests {
  func messages(_ changes: [String: String?]) -> [String] {
    var files = validProject
    for (path, value) in changes { files[path] = value }
    return Validator().validate(memoryFiles(files)).map(\.text)
  }

  @Test func aValidProjectHasNoFindings() {
    #expect(messages([:]).isEmpty)
  }

  @Test func recordProblemsAreReportedWithTheirLine() {
    let line1 = #"{"id":"01a208e1-7243-7b5d-a754-cec3e0309559","code":"a","start":0,"end":5,"exact":"Hello"}"#
    let cases: [(String, String)] = [
      (
        #"{"id":"01a208e1-7243-7b5d-a754-cec3e0309561","code":"zz","start":6,"end":11,"exact":"world"}"#,
        "unknown code 'zz'"
      ),
      (
        #"{"id":"01a208e1-7243-7b5d-a754-cec3e0309561","code":"a","start":6,"end":11,"exact":"World"}"#,
        "exact text does not match the document at 6-11 (found \"world\")"
      ),
      (
        #"{"id":"01a208e1-7243-7b5d-a754-cec3e0309561","code":"a","start":6,"end":99,"exact":"x"}"#,
        "end 99 is past the end of the document (32 characters)"
      ),
      (
        #"{"id":"01a208e1-7243-7b5d-a754-cec3e0309559","code":"b","start":6,"end":11,"exact":"world"}"#,
        "id 01a208e1-7243-7b5d-a754-cec3e0309559 is used by another assignment"
      ),
      (
        #"{"id":"01a208e1-7243-7b5d-a754-cec3e0309561","code":"a","start":0,"end":5,"exact":"Hello"}"#,
        "duplicate assignment of a to 0-5"
      ),
      (
        #"{"code":"a","id":"01a208e1-7243-7b5d-a754-cec3e0309561","start":6,"end":11,"exact":"world"}"#,
        "not in canonical form (key order, spacing or escaping); 'gloss validate --fix' rewrites it"
      ),
      (
        #"{"id":"not-a-uuid","code":"a","start":6,"end":11,"exact":"world"}"#, "id 'not-a-uuid' is not a lowercase UUID"
      ),
      (
        #"{"id":"01a208e1-7243-7b5d-a754-cec3e0309561","code":"a","start":6,"end":11,"exact":"world","review":"moved"}"#,
        "marked for review: moved"
      ),
    ]
    for (line2, message) in cases {
      let found = messages(["annotations/ana/d1.jsonl": line1 + "\n" + line2 + "\n"])
      #expect(
        found.contains { $0.hasPrefix("annotations/ana/d1.jsonl:2: ") && $0.hasSuffix(message) }, "\(message): \(found)"
      )
    }
    let unsorted = messages([
      "annotations/ana/d1.jsonl":
        #"{"id":"01a208e1-7243-7b5d-a754-cec3e0309561","code":"a","start":6,"end":11,"exact":"world"}"# + "\n" + line1
        + "\n"
    ])
    #expect(
      unsorted == [
        "annotations/ana/d1.jsonl:2: error: not sorted by (start, end, code, id); 'gloss validate --fix' sorts it"
      ])
  }

  @Test func pathsAndDocuments() {
    #expect(
      messages(["annotations/Bad/d1.jsonl": ""]) == [
        "annotations/Bad/d1.jsonl: error: invalid coder 'Bad': must match ^[a-z0-9][a-z0-9_-]{0,63}$"
      ])
    #expect(
      messages(["annotations/ana/nope.jsonl": ""]) == [
        "annotations/ana/nope.jsonl: error: annotations for unknown document 'nope'"
      ])
    #expect(messages(["annotations/ana/x/y.jsonl": ""]).first?.contains("not an annotation file") == true)
    #expect(messages(["documents/d2.md": "x"]).first?.contains("not a document") == true)
    #expect(
      messages(["documents/d2.txt": "a\r\nb"]) == ["documents/d2.txt:1: error: has a CR line ending; documents use LF"])
    #expect(messages(["documents/d2.txt": "\u{FEFF}x"]) == ["documents/d2.txt:1: error: starts with a byte-order mark"])
    #expect(messages(["documents/d2.txt": "cafe\u{301}"]) == ["documents/d2.txt: error: is not in Unicode NFC"])
    #expect(
      messages(["gloss.yaml": "gloss: 9\n"]) == [
        "gloss.yaml: error: gloss.yaml: format version 9 is newer than this gloss understands (1); upgrade gloss"
      ])
    #expect(messages(["gloss.yaml": nil]) == ["gloss.yaml: error: missing: not a Gloss project"])
    #expect(
      messages(["codebook.yaml": "codes:\n  - id: a\n    name: A\n    parent: q\n"]) == [
        "codebook.yaml:2: error: code 'a' has unknown parent 'q'"
      ])
  }

  /// Corrupting any byte of a valid project never crashes the validator, whatever it says
  /// is located in a file, and a byte that breaks UTF-8 (the valid project is ASCII, so any
  /// byte from 0x80 does) is reported as an error in the file it broke.
  @Test func corruptedFilesAreReportedWhereTheyBreak() async {
    let paths = validProject.keys.sorted()
    await propertyCheck(
      count: 400, input: Gen.int(in: 0...(paths.count - 1)), Gen.int(in: 0...10_000), Gen.int(in: 0...255)
    ) {
      which, position, byte in
      var files = validProject.mapValues { Data($0.utf8) }
      let path = paths[which]
      var data = files[path] ?? Data()
      if data.isEmpty { data = Data([UInt8(byte)]) } else { data[position % data.count] = UInt8(byte) }
      files[path] = data
      let project = ProjectFiles(paths: paths, label: "fuzz") { files[$0] }
      let findings = Validator().validate(project)
      for finding in findings {
        #expect(!finding.path.isEmpty)
        #expect(!finding.message.isEmpty)
        #expect(!finding.message.unicodeScalars.contains("\n"), "\(finding.text)")
      }
      if byte >= 0x80 {
        #expect(
          findings.contains { $0.severity == .error && $0.path == path && !$0.message.isEmpty },
          "byte \(byte) at \(position) of \(path) not reported: \(findings.map(\.text))")
      }
    }
  }

  @Test func hugeAndHostileInputsFailCleanly() {
    let longLine = String(repeating: "x", count: 50_000_000)
    let found = messages(["annotations/ana/d1.jsonl": longLine + "\n"])
    #expect(found.count == 1)
    #expect(found.first?.hasPrefix("annotations/ana/d1.jsonl:1: error:") == true)
    let deep = String(repeating: "[", count: 100_000)
    #expect(!messages(["annotations/ana/d1.jsonl": deep + "\n"]).isEmpty)
    #expect(!messages(["codebook.yaml": deep + "\n"]).isEmpty)
    #expect(messages(["annotations/ana/d1.jsonl": "\u{0}\n"]).count == 1)
  }

  @Test func shippedHooksMatchTheFilesInHooks() throws {
    var root = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { root.deleteLastPathComponent() }
    for name in ShippedHooks.client + ShippedHooks.server + ["update"] {
      let file = try String(contentsOf: root.appendingPathComponent("hooks/\(name)"), encoding: .utf8)
      #expect(ShippedHooks.script(name) == file, "hooks/\(name) differs from the embedded copy")
    }
  }
}

/// Validation on several threads must find exactly what one thread finds, in the same order.
@Suite struct ParallelValidationTests {
  @Test func severalReadersFindWhatOneFinds() {
    var files: [String: String] = [
      "gloss.yaml": "gloss: 1\nname: t\nleads: [lead]\n",
      "codebook.yaml": "codes:\n  - id: a\n    name: A\n",
    ]
    let repeated = "01a208e1-7243-7b5d-a754-cec3e0309559"
    for doc in 0..<24 {
      files["documents/d\(doc).txt"] = doc == 5 ? "Hello\r\nworld.\n" : "Hello world.\n"
      for (number, coder) in ["ana", "ben", "cy"].enumerated() {
        let id =
          doc % 7 == 3 && coder == "ben"
          ? repeated : "01a208e1-7243-7b5d-a754-\(String(format: "%012d", doc * 10 + number))"
        let code = doc == 11 && coder == "cy" ? "zz" : "a"
        files["annotations/\(coder)/d\(doc).jsonl"] =
          #"{"id":"\#(id)","code":"\#(code)","start":0,"end":5,"exact":"Hello"}"# + "\n"
      }
    }
    files["annotations/ana/missing.jsonl"] = ""
    let read: (String) throws -> Data? = { path in files[path].map { Data($0.utf8) } }
    let serial = Validator().validate(memoryFiles(files)).map(\.text)
    let parallel = Validator().validate(
      ProjectFiles(paths: files.keys.sorted(), links: [], label: "test", read: read, threadReader: { read })
    ).map(\.text)
    #expect(parallel == serial)
    #expect(serial.filter { $0.contains("is used by another assignment") }.count == 2)
    #expect(serial.contains { $0.contains("unknown code 'zz'") })
    #expect(serial.contains { $0.contains("annotations for unknown document 'missing'") })
    #expect(serial.contains { $0.hasPrefix("documents/d5.txt") })
  }
}
