import Foundation
import Testing

/// Every command block of README.md and docs/*.md runs, in order, so a documented example
/// cannot rot. The convention (docs/decisions.md, "Documentation examples"):
/// - a block fenced ```sh runs as a shell script;
/// - a block fenced ```console is a transcript: its `$ ` lines run, the rest is output
///   (shown, not compared: ids, hashes and times differ from run to run);
/// - ```sh norun (with the reason next to the block) is shown but not run, e.g. a block that
///   needs a server; any other fence (text, yaml, json, none) is not a command.
/// Each document runs in a fresh folder holding a copy of `Examples/`, with the built `gloss`
/// first on PATH and HOME a temporary home whose git identity is "Test User <user@example.org>" (coder test-user).
/// The blocks of one document share one shell, so `cd` and variables carry over.
struct DocExamplesTests {
  /// One runnable block: where it starts, and its shell text.
  struct Block {
    let line: Int
    let script: String
  }

  static let repository: URL = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url
  }()

  /// README.md and every docs/*.md, found afresh so new documents are picked up.
  static let documents: [String] = {
    let docs = (try? FileManager.default.contentsOfDirectory(atPath: repository.path + "/docs")) ?? []
    return ["README.md"] + docs.filter { $0.hasSuffix(".md") }.sorted().map { "docs/" + $0 }
  }()

  /// The runnable blocks of a Markdown text, per the convention above.
  static func blocks(_ markdown: String) -> [Block] {
    var result: [Block] = []
    var open: (line: Int, info: [Substring], body: [String])?
    for (index, line) in markdown.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if var current = open {
        if trimmed.hasPrefix("```") {
          let kind = current.info.first ?? ""
          if !current.info.contains("norun") && kind == "sh" {
            result.append(Block(line: current.line, script: current.body.joined(separator: "\n")))
          } else if !current.info.contains("norun") && kind == "console" {
            result.append(Block(line: current.line, script: transcript(current.body)))
          }
          open = nil
        } else {
          current.body.append(String(line))
          open = current
        }
      } else if trimmed.hasPrefix("```") {
        open = (index + 1, trimmed.dropFirst(3).split(separator: " "), [])
      }
    }
    return result
  }

  /// The commands of a transcript; one whose shown output starts with `error:` must fail.
  static func transcript(_ lines: [String]) -> String {
    var commands: [String] = []
    for (index, line) in lines.enumerated() where line.hasPrefix("$ ") {
      let command = String(line.dropFirst(2))
      let fails = index + 1 < lines.count && lines[index + 1].hasPrefix("error:")
      commands.append(fails ? "if \(command); then echo 'expected an error' >&2; exit 1; fi" : command)
    }
    return commands.joined(separator: "\n")
  }

  /// The whole document as one script that names the block it is in when a command fails.
  static func script(for document: String, _ blocks: [Block]) -> String {
    var script = "set -e\n"
    script += "trap 'status=$?; [ $status = 0 ] || echo \"FAILED in block at \(document):$block\" >&2' EXIT\n"
    for block in blocks {
      script += "block=\(block.line)\necho \"### \(document):\(block.line)\" >&2\nset -x\n"
      script += block.script + "\nset +x\n"
    }
    return script
  }

  @Test func conventionPicksShellBlocksOnly() {
    let text = """
      ```sh
      gloss ls
      ```
      ```sh norun   # needs a server
      gloss push
      ```
      ```text
      gloss validate
      ```
      ```console
      $ gloss log
      output line
      $ gloss nope
      error: unknown
      ```
      """
    let found = Self.blocks(text)
    #expect(
      found.map(\.script) == [
        "gloss ls", "gloss log\nif gloss nope; then echo 'expected an error' >&2; exit 1; fi",
      ])
    #expect(found.map(\.line) == [1, 10])
  }

  @Test(arguments: documents)
  func documentRuns(_ document: String) throws {
    let markdown = try String(contentsOf: Self.repository.appendingPathComponent(document), encoding: .utf8)
    let blocks = Self.blocks(markdown)
    guard !blocks.isEmpty else { return }
    let box = try Sandbox(initialize: false)
    box.coder = nil
    try "[user]\n\tname = Test User\n\temail = user@example.org\n[init]\n\tdefaultBranch = main\n"
      .write(toFile: box.root + "/home/.gitconfig", atomically: true, encoding: .utf8)
    let work = box.root + "/work"
    try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    try FileManager.default.copyItem(
      atPath: Self.repository.appendingPathComponent("Examples").path, toPath: work + "/Examples")
    let bin = (Shell.glossPath as NSString).deletingLastPathComponent
    var env = box.env
    env["PATH"] = bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
    let result = try Shell.run(
      "/bin/sh", ["-c", Self.script(for: document, blocks)], in: work, env: env)
    let tail = result.stderr.split(separator: "\n").suffix(25).joined(separator: "\n")
    #expect(result.status == 0, "\(document): a documented command failed:\n\(tail)")
    // Every block was reached (a shell that stopped early would pass silently otherwise).
    let reached = result.stderr.split(separator: "\n").filter { $0.hasPrefix("### ") }.count
    #expect(reached == blocks.count, "\(document): ran \(reached) of \(blocks.count) blocks:\n\(tail)")
  }
}
