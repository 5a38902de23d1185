import Foundation
import Testing

@testable import GlossCore

@Suite struct CodebookTests {
  @Test func roundTripsWithQuotingWhereNeeded() throws {
    let book = Codebook(codes: [
      Code(id: "data", name: "Data"),
      Code(
        id: "data-low-quantity", name: "Data-low-quantity", parent: "data",
        description: "Too few examples: see #3.", color: "#1f77b4"),
      Code(id: "yes", name: "yes"),
      Code(id: "arabic", name: "بيانات ناقصة", description: "line one\nline two"),
      Code(id: "n42", name: "42"),
    ])
    let data = book.encode()
    let text = String(decoding: data, as: UTF8.self)
    #expect(text.contains("    color: \"#1f77b4\"\n"))
    #expect(text.contains("    name: \"yes\"\n"))
    #expect(text.contains("    name: \"42\"\n"))
    #expect(try Codebook.decode(data) == book)
    #expect(text.hasPrefix("codes:\n  - id: arabic\n"))
  }

  @Test func emptyCodebook() throws {
    #expect(String(decoding: Codebook().encode(), as: UTF8.self) == "codes: []\n")
    #expect(try Codebook.decode(Data("codes: []\n".utf8)).codes.isEmpty)
    #expect(try Codebook.decode(Data()).codes.isEmpty)
  }

  @Test(arguments: [
    (
      "codes:\n  - id: Bad Id\n    name: x\n",
      "codebook.yaml:2: invalid code id 'Bad Id': must match ^[a-z0-9][a-z0-9._-]{0,63}$"
    ),
    ("codes:\n  - id: a\n    name: A\n  - id: a\n    name: B\n", "codebook.yaml:4: code id 'a' already used on line 2"),
    (
      "codes:\n  - id: a\n    name: Same\n  - id: b\n    name: same\n",
      "codebook.yaml:4: code name 'same' already used on line 2"
    ),
    ("codes:\n  - id: a\n    name: A\n    parent: zz\n", "codebook.yaml:2: code 'a' has unknown parent 'zz'"),
    (
      "codes:\n  - id: a\n    name: A\n    parent: b\n  - id: b\n    name: B\n    parent: a\n",
      "codebook.yaml:2: code 'a' is its own ancestor"
    ),
    ("codes:\n  - id: a\n", "codebook.yaml: missing 'name'"),
    ("codes:\n  - id: a\n    name: A\n    colour: red\n", "codebook.yaml:4: unknown key 'colour' in a code"),
    ("codes: [\n", "codebook.yaml:2: did not find expected node content"),
  ])
  func rejectsBadCodebooks(yaml: String, message: String) {
    do {
      _ = try Codebook.decode(Data(yaml.utf8))
      Issue.record("expected an error for \(yaml)")
    } catch {
      #expect(error.localizedDescription == message)
    }
  }

  /// Refused, not expanded: a billion-laughs codebook would otherwise run past the limit.
  @Test(.timeLimit(.minutes(1))) func aliasBombIsRefused() {
    var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
    for level in 1..<30 {
      yaml += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
    }
    yaml += "codes: *a29\n"
    #expect(throws: GlossError.self) { try Codebook.decode(Data(yaml.utf8)) }
  }

  @Test func hierarchyListsChildrenUnderParents() {
    let book = Codebook(codes: [
      Code(id: "b", name: "B", parent: "a"), Code(id: "a", name: "A"), Code(id: "c", name: "C", parent: "b"),
      Code(id: "d", name: "D"),
    ])
    #expect(book.hierarchy().map { "\($0.depth)\($0.code.id)" } == ["0a", "1b", "2c", "0d"])
  }
}

@Suite struct SettingsTests {
  @Test func roundTrips() throws {
    let settings = Settings(name: "ML data-quality interviews", leads: ["lead"], coders: ["ana": ["ana@example.org"]])
    #expect(try Settings.decode(settings.encode()) == settings)
  }

  @Test func codebookPolicyRoundTripsAndRefusesOtherValues() throws {
    var settings = Settings(name: "t", leads: ["lead"])
    #expect(!String(decoding: settings.encode(), as: UTF8.self).contains("codebook:"))
    settings.codebook = .locked
    #expect(String(decoding: settings.encode(), as: UTF8.self).contains("codebook: locked\n"))
    #expect(try Settings.decode(settings.encode()) == settings)
    #expect(try Settings.decode(Data("gloss: 1\ncodebook: open\n".utf8)).codebook == .open)
    #expect(throws: GlossError.malformed(file: "gloss.yaml", line: 2, message: "'codebook' must be open or locked")) {
      try Settings.decode(Data("gloss: 1\ncodebook: closed\n".utf8))
    }
  }

  @Test func refusesAFutureFormat() {
    #expect(throws: GlossError.futureFormat(version: 2)) {
      try Settings.decode(Data("gloss: 2\nname: x\n".utf8))
    }
  }

  @Test func requiresTheVersion() {
    #expect(throws: GlossError.self) { try Settings.decode(Data("name: x\n".utf8)) }
    #expect(throws: GlossError.self) { try Settings.decode(Data("gloss: one\n".utf8)) }
  }
}

@Suite struct IdentifierTests {
  @Test func slugsNames() {
    #expect(Identifier.slug("Data-low-quantity") == "data-low-quantity")
    #expect(Identifier.slug("Data quality (low)!") == "data-quality-low")
    #expect(Identifier.slug("  Ünïcode name ") == "n-code-name")
    #expect(Identifier.isCode(Identifier.slug(String(repeating: "x", count: 200))))
  }

  @Test func documentIDsCannotEscape() {
    #expect(Identifier.isDocument("interview-34"))
    #expect(!Identifier.isDocument("../etc"))
    #expect(!Identifier.isDocument("a/b"))
    #expect(!Identifier.isDocument("a..b"))
    #expect(!Identifier.isDocument(".hidden"))
    #expect(Identifier.documentID(fromFileName: "Interview 34 (final).txt") == "Interview-34--final-")
  }

  @Test func coderRule() {
    #expect(Identifier.isCoder("ana"))
    #expect(Identifier.isCoder("ana_b-2"))
    #expect(!Identifier.isCoder("Ana"))
    #expect(!Identifier.isCoder("ana.b"))
  }

  @Test func identityResolutionOrder() throws {
    let config = ["gloss.coder": "cfg", "user.name": "Jane Doe"]
    #expect(
      try Project.resolveCoder(explicit: "cli", environment: ["GLOSS_CODER": "env"], config: { config[$0] }) == "cli")
    #expect(
      try Project.resolveCoder(explicit: nil, environment: ["GLOSS_CODER": "env"], config: { config[$0] }) == "env")
    #expect(try Project.resolveCoder(explicit: nil, environment: [:], config: { config[$0] }) == "cfg")
    #expect(
      try Project.resolveCoder(explicit: nil, environment: [:], config: { $0 == "user.name" ? "Jane Doe" : nil })
        == "jane-doe")
    #expect(throws: GlossError.noIdentity) {
      try Project.resolveCoder(explicit: nil, environment: [:], config: { _ in nil })
    }
    #expect(throws: GlossError.self) {
      try Project.resolveCoder(explicit: "Not Valid", environment: [:], config: { _ in nil })
    }
  }

  @Test func uuidV7() {
    let id = AssignmentID.make()
    #expect(AssignmentID.isValid(id))
    #expect(Array(id)[14] == "7")
    #expect("89ab".contains(Array(id)[19]))
    #expect(AssignmentID.format(Array(0..<16)) == "00010203-0405-0607-0809-0a0b0c0d0e0f")
    #expect(AssignmentID.format(Array(repeating: 0xff, count: 16)) == "ffffffff-ffff-ffff-ffff-ffffffffffff")
  }
}
