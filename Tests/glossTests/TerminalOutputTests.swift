import Foundation
import Testing

/// Control characters in user data never reach the terminal raw (issue 11).
@Suite struct TerminalEscapeTests {
  static let red = "\u{1B}[31m"
  static let bell = "\u{07}"

  /// Whether the output holds a raw ESC, BEL or C1 control.
  func raw(_ text: String) -> Bool {
    text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || (0x80...0x9F).contains($0.value) }
  }

  @Test func codeNamesMemosAndTranscriptsAreEscapedInEveryTextOutput() throws {
    let box = try Sandbox()
    let transcript = try box.write("t.txt", "Hello \(Self.red)red\(Self.bell) world.\n\nSecond \u{9B}2J para.\n")
    #expect(try box.gloss("doc", "add", transcript, "--id", "t").status == 0)
    let name = "Bad\(Self.red)name\(Self.bell)"
    #expect(try box.gloss("code", "add", name, "--description", "d\u{1B}]0;title\(Self.bell)").status == 0)
    try box.gloss("doc", "assign", "t", "--to", "ana,ben")
    let code = try box.gloss("code", "list", "--format", "json").stdout
    #expect(code.contains("\\u001b[31m"))
    #expect(try box.gloss("--as", "ana", "add", "t", name, "--para", "1", "--memo", "m\u{1B}[2J").status == 0)
    #expect(try box.gloss("--as", "ben", "add", "t", name, "--para", "2").status == 0)
    let outputs: [[String]] = [
      ["ls"], ["ls", "--format", "csv"], ["code", "list"], ["doc", "show", "t", "--coder", "ana"],
      ["doc", "show", "t", "--para"], ["log"], ["diff", "--coders", "ana", "ben"],
      ["agree", "--disagreements", "--unit", "para"], ["agree", "--unit", "para"], ["doc", "list"],
      ["reconcile", "t", "--coders", "ana,ben", "--dry-run"],
    ]
    for arguments in outputs {
      let run = try box.gloss(args: arguments)
      #expect(run.status == 0, "\(arguments): \(run.stderr)")
      #expect(!raw(run.stdout) && !raw(run.stderr), "\(arguments) printed a raw control character")
    }
    let shown = try box.gloss("ls").stdout
    #expect(shown.contains("Hello \\u{1B}[31mred\\u{7} world."))
    #expect(try box.gloss("doc", "show", "t").stdout.contains("Second \\u{9B}2J para."))
    // JSON keeps the data exactly, escaped by the encoder.
    let json = try box.gloss("ls", "--format", "json").stdout
    #expect(!raw(json.replacingOccurrences(of: "\u{9B}", with: "")))
    #expect(json.contains("\"memo\":\"m\\u001b[2J\""))
    // Errors quoting user input too.
    let error = try box.gloss("--as", "ana", "add", "t", "no\(Self.red)pe", "--para", "1")
    #expect(error.status == 1 && !raw(error.stderr) && error.stderr.contains("no\\u{1B}[31mpe"))
  }
}

@Suite struct TerminalWidthTests {
  @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
  func tablesFitTheTerminalAndPrintInFullWhenPiped() throws {
    let box = try codedSandbox()
    try box.gloss("doc", "assign", "interview-34", "--to", "ana")
    try box.gloss("--as", "ana", "add", "interview-34", "data-missing-value", "--para", "3", "--memo", "a long memo")
    let piped = try box.gloss("ls").lines
    #expect(piped.count == 2 && piped[1].count > 60)
    // A terminal 60 columns wide (script gives gloss a pseudo-terminal).
    let command = "COLUMNS=60 '\(Shell.glossPath)' ls"
    let terminal = try Shell.run("/usr/bin/script", ["-qec", command, "/dev/null"], in: box.path, env: box.env)
    let lines = terminal.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }
    #expect(lines.count == 2, "\(terminal.stdout)")
    #expect(lines.allSatisfy { $0.count <= 60 }, "\(lines)")
    #expect(lines[1].hasSuffix("…") && lines[1].hasPrefix(String(piped[1].prefix(59))))
  }

  /// `gloss ls` writes its table as bytes: every column still starts at the same character
  /// of every line, with emoji, combining accents, escaped controls and CRLF in the cells,
  /// and each row starts with its id's handle.
  @Test func listingTableColumnsLineUpByCharacters() throws {
    let box = try Sandbox()
    let transcript = try box.write("t.txt", "Café \u{1B}[1mbold\r\nline two.\n\nSecond 😀 para here.\n")
    #expect(try box.gloss("doc", "add", transcript, "--id", "t").status == 0)
    for code in ["Joy 😀😀", "e\u{301}te", "x"] { #expect(try box.gloss("code", "add", code).status == 0) }
    try box.gloss("doc", "assign", "t", "--to", "ana,ben")
    #expect(try box.gloss("--as", "ana", "add", "t", "Joy 😀😀", "--para", "1").status == 0)
    #expect(try box.gloss("--as", "ben", "add", "t", "x", "--para", "2").status == 0)
    #expect(try box.gloss("--as", "ana", "add", "t", "e\u{301}te", "--chars", "0-4").status == 0)
    let ids = try box.gloss("ls", "--format", "json").stdout.components(separatedBy: "\"id\":\"").dropFirst()
      .map { String($0.prefix { $0 != "\"" }) }
    for arguments in [["ls"], ["ls", "--coder", "ana"]] {
      let lines = try box.gloss(args: arguments).lines.map(Array.init)
      let starts = ["CODER", "DOC", "CODE", "SPAN", "TEXT"].map { name in
        String(lines[0]).range(of: name).map { String(lines[0])[..<$0.lowerBound].count } ?? -1
      }
      #expect(lines.count == (arguments.count == 1 ? 4 : 3), "\(lines)")
      for line in lines.dropFirst() {
        for start in starts {
          #expect(
            line.count > start && Array(line[(start - 2)..<start]) == [" ", " "] && line[start] != " ",
            "\(String(line))")
        }
        let handle = String(line.prefix { $0 != " " })
        #expect(handle.count >= 8 && ids.contains { $0.hasSuffix(handle) }, "\(String(line))")
      }
      #expect(lines.contains { String($0).contains("Café \\u{1B}[1mbold line two.") })
    }
  }

  /// Output that cannot be written (a full disk) is one error line and a failure, not a trap
  /// or a silent success.
  @Test(.enabled(if: FileManager.default.fileExists(atPath: "/dev/full")))
  func unwritableOutputIsOneErrorLine() throws {
    let box = try codedSandbox()
    for arguments in ["ls", "code list", "ls --format csv"] {
      let run = try Shell.run(
        "/bin/sh", ["-c", "'\(Shell.glossPath)' \(arguments) > /dev/full"], in: box.path, env: box.env)
      #expect(run.status == 1, "\(arguments): \(run.stderr)")
      #expect(run.stderr == "error: cannot write the output: No space left on device\n", "\(arguments)")
    }
  }

  /// Every table pads by characters, as its widths are counted: a name of emoji (two UTF-16
  /// units each) is shown whole, not cut to its width in UTF-16 units.
  @Test func tablesPadByCharactersNotUTF16Units() throws {
    let box = try Sandbox()
    try box.gloss("code", "add", "Joy 😀😀")
    try box.gloss("code", "add", "x")
    let rows = try box.gloss("code", "list").lines
    #expect(rows.contains("joy   Joy 😀😀  0     "), "\(rows)")
    #expect(rows.contains("x     x       0     "), "\(rows)")
  }
}
