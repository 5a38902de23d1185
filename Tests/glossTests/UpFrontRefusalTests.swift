import Foundation
import Testing

/// Issue 12: "What validate would reject, the session refuses before committing, for every
/// command." Each command below, run by a coder (ana) where only a lead may, exits 1 with
/// one `error:` line and leaves the commits and the work tree as they were; the lead can do
/// the same thing.
@Suite struct UpFrontRefusalTests {
  struct Case: Sendable, CustomTestStringConvertible {
    let name: String
    /// What the project holds before the command, beyond the common start.
    let setup: @Sendable (Sandbox) throws -> Void
    /// The command as the coder runs it (with its `--as`).
    let coder: [String]
    /// The lead's way to the same change; the last command must commit.
    let lead: [[String]]
    /// Words the refusal must contain.
    let says: String

    var testDescription: String { name }

    init(
      _ name: String, setup: @escaping @Sendable (Sandbox) throws -> Void = { _ in }, coder: [String],
      lead: [[String]]? = nil, says: String
    ) {
      self.name = name
      self.setup = setup
      self.coder = coder
      self.lead = lead ?? [["--as", "lead"] + coder.dropFirst(2)]  // coder is ["--as", NAME, ...]
      self.says = says
    }
  }

  /// d1 assigned to ana and ben, who each coded it; d2 added and assigned to nobody.
  static func start() throws -> Sandbox {
    let box = try Sandbox.twoCoders()
    try box.add("ana", "d1", "low", "--para", "1")
    try box.add("ben", "d1", "outlier", "--para", "2")
    try box.add("ben", "d1", "low", "--para", "1")
    let d2 = try box.write("d2.txt", "Another transcript.\n")
    #expect(try box.gloss("--as", "lead", "doc", "add", d2).status == 0)
    return box
  }

  /// A lead's hand-made commit (gloss.yaml is edited by hand, as leads do).
  static func leadCommits(_ box: Sandbox, _ file: String, appending text: String) throws {
    _ = try box.write("project/" + file, try box.read(file) + text)
    #expect(try box.git("commit", "-qam", "lead edits \(file)", "--trailer", "Gloss-Coder: lead").status == 0)
  }

  static let cases: [Case] = [
    Case(
      "doc assign to another coder", coder: ["--as", "ana", "doc", "assign", "d2", "--to", "ben"],
      says: "annotations/ben/"),
    Case(
      "doc add", setup: { try $0.write("d3.txt", "New words.\n") }, coder: ["--as", "ana", "doc", "add", "../d3.txt"],
      says: "documents/d3.txt"),
    Case(
      "doc update", setup: { try $0.write("d2-new.txt", "Another transcript, corrected.\n") },
      coder: ["--as", "ana", "doc", "update", "d2", "../d2-new.txt"], says: "documents/d2.txt"),
    Case("code rename", coder: ["--as", "ana", "code", "rename", "missing", "Gaps"], says: "changes code 'missing'"),
    Case(
      "code merge", coder: ["--as", "ana", "code", "merge", "outlier", "low"],
      says: "codebook.yaml: removes code 'outlier'"),
    Case(
      "code rm --force", coder: ["--as", "ana", "code", "rm", "outlier", "--force"],
      says: "codebook.yaml: removes code 'outlier'"),
    Case(
      "code add, codebook locked", setup: { try leadCommits($0, "gloss.yaml", appending: "codebook: locked\n") },
      coder: ["--as", "ana", "code", "add", "Ana-idea"], says: "the codebook is locked"),
    Case("blind on", coder: ["--as", "ana", "blind", "on"], says: "lead"),
    Case("coder add", coder: ["--as", "ana", "coder", "add", "eve", "--email", "eve@example.org"], says: "lead"),
    Case(
      "reconcile", coder: ["--as", "ana", "reconcile", "d1", "--coders", "ana,ben"], says: "reconciles into consensus"),
    Case(
      "validate --fix of another coder's file",
      setup: { box in
        // ben's file, made non-canonical by hand (records out of order) in ben's own commit.
        let file = "annotations/ben/d1.jsonl"
        let lines = try box.read(file).split(separator: "\n").reversed().joined(separator: "\n") + "\n"
        _ = try box.write("project/" + file, lines)
        #expect(try box.git("commit", "-qam", "ben by hand", "--trailer", "Gloss-Coder: ben").status == 0)
      }, coder: ["--as", "ana", "validate", "--fix"], says: "annotations/ben/d1.jsonl"),
    Case(
      "undo of a code add",
      setup: { box in
        let added = try box.gloss("--as", "ana", "code", "add", "Ana-idea")
        #expect(added.status == 0, "\(added.stderr)")
      },
      coder: ["--as", "ana", "undo"], lead: [["--as", "lead", "code", "add", "Lead-idea"], ["--as", "lead", "undo"]],
      says: "removes code 'ana-idea'"),
    Case(
      "import adding a document", coder: ["--as", "ana", "import", "delve", Sandbox.example("interview-35.txt")],
      lead: [["--as", "lead", "import", "delve", Sandbox.example("interview-35.txt"), "--text-only"]],
      says: "documents/interview-35.txt is new, and only leads add documents"),
    Case(
      "a coder the project does not know", coder: ["--as", "newcomer", "add", "d1", "missing", "--para", "3"],
      says: "'newcomer' is not a coder in this project"),
  ]

  @Test(arguments: cases)
  func aCoderIsRefusedUpFrontAndTheLeadIsNot(_ test: Case) throws {
    let box = try Self.start()
    try test.setup(box)
    let commits = try box.commitCount()
    let status = try box.git("status", "--porcelain").stdout
    let run = try box.gloss(args: test.coder)
    #expect(run.status == 1, "\(test.name): \(run.stdout)")
    #expect(run.stderr.hasPrefix("error: ") && run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
    #expect(run.stderr.contains(test.says), "\(run.stderr)")
    #expect(try box.commitCount() == commits)
    #expect(try box.git("status", "--porcelain").stdout == status)
    for command in test.lead {
      let lead = try box.gloss(args: command)
      #expect(lead.status == 0, "\(command): \(lead.stderr)")
    }
    #expect(try box.commitCount() == commits + test.lead.count)
    try box.expectHealthy()
  }
}
