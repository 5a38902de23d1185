import Foundation
import Testing

/// The CI recipe of docs/ci.md: the generic script and the workflow's check step, run for
/// real against a project.
@Suite struct CIRecipeTests {
  static let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
  }()

  func runScript(_ box: Sandbox, _ env: [String: String]) throws -> Run {
    try Shell.run(
      "/bin/sh", [Self.repositoryRoot + "/hooks/ci/gloss-check.sh"], in: box.path,
      env: box.env.merging(env.merging(["GLOSS": Shell.glossPath]) { $1 }) { $1 })
  }

  /// The shell of the workflow's "Validate annotations and agreement" step.
  func workflowStep() throws -> String {
    let yaml = try String(contentsOfFile: Self.repositoryRoot + "/hooks/ci/github-actions.yml", encoding: .utf8)
    let lines = yaml.components(separatedBy: "\n")
    guard let start = lines.firstIndex(where: { $0.contains("name: Validate annotations and agreement") }),
      let run = lines[start...].firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "run: |" })
    else { return "" }
    let indent = String(lines[run + 1].prefix { $0 == " " })
    return lines[(run + 1)...].prefix { $0.hasPrefix(indent) }.map { String($0.dropFirst(indent.count)) }
      .joined(separator: "\n")
  }

  @Test func scriptPassesAnHonestProjectAndFailsAForgedOrDisagreeingOne() throws {
    let box = try codedSandbox()
    try box.shareIdentity("ana", "ben")
    try box.gloss("--as", "ana", "add", "interview-34", "data-missing-value", "--para", "5")
    try box.gloss("--as", "ben", "add", "interview-34", "data-missing-value", "--para", "5")
    let honest = try runScript(box, [:])
    #expect(honest.status == 0, "\(honest.stdout)\(honest.stderr)")
    // An agreement gate the coders do not meet on the outliers code fails the build.
    try box.gloss("--as", "ana", "add", "interview-34", "data-containing-outliers", "--para", "23")
    try box.gloss("--as", "ben", "add", "interview-34", "data-containing-outliers", "--para", "30")
    let gated = try runScript(box, ["GLOSS_MIN_ALPHA": "0.9", "GLOSS_UNIT": "para"])
    #expect(gated.status != 0)
    #expect((gated.stdout + gated.stderr).contains("data-containing-outliers"))
    // A forged commit fails validation.
    let base = try box.git("rev-parse", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    try "".write(toFile: box.path + "/annotations/ana/interview-34.jsonl", atomically: true, encoding: .utf8)
    try box.git("commit", "-qam", "forged", "--trailer", "Gloss-Coder: ben")
    let forged = try runScript(box, ["GLOSS_BASE": base])
    #expect(forged.status != 0)
    #expect(forged.stdout.contains("changed by coder ben"))
  }

  @Test func workflowStepRunsTheScript() throws {
    let box = try codedSandbox()
    try box.shareIdentity("ana", "ben")
    try box.gloss("--as", "ana", "add", "interview-34", "data-missing-value", "--para", "5")
    try box.gloss("--as", "ben", "add", "interview-34", "data-missing-value", "--para", "5")
    let step = try workflowStep()
    #expect(step.contains("gloss-check.sh"))
    let env = [
      "GLOSS": Shell.glossPath, "GLOSS_HOME": Self.repositoryRoot, "GLOSS_BASE": String(repeating: "0", count: 40),
      "GLOSS_MIN_ALPHA": "0.67",
    ]
    let result = try Shell.run("/bin/sh", ["-c", step], in: box.path, env: box.env.merging(env) { $1 })
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("gloss: agreement gate"))
  }
}
