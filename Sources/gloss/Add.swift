import ArgumentParser
import Foundation
import GlossCore

struct Add: GlossCommand {
  static let configuration = CommandConfiguration(
    commandName: "add",
    abstract: "Assign a code to a span of a document.",
    discussion: """
      Prints the new assignment's id. --quote must match exactly once; otherwise gloss lists \
      the matches. With --batch, each line of FILE (or standard input for -) is a JSON object \
      {"doc","code","start","end"[,"memo"]} (or "quote" instead of start/end); all are added \
      in one commit, or none.

      Examples:
        gloss add interview-34 data-low-quantity --para 12
        gloss add interview-34 tabular-issue --quote "the weather state" --memo "sensor data"
        gloss add interview-34 data-low-quantity --chars 120-245
        gloss add --batch codes.jsonl
      """)

  static let formats: Set<OutputFormat> = [.table, .json, .csv]
  @OptionGroup var globals: GlobalOptions
  @Argument(help: "Document id.") var doc: String?
  @Argument(help: "Code id or name.") var code: String?
  @OptionGroup var span: SelectorOptions
  @Option(help: "A note on why this code applies.") var memo: String?
  @Option(help: ArgumentHelp("Add many assignments from JSON lines (- for stdin).", valueName: "FILE"))
  var batch: String?

  func check() throws {
    if batch != nil {
      if doc != nil || code != nil || span.given > 0 || memo != nil {
        throw ValidationError("--batch takes no DOC, CODE, selector or --memo")
      }
      return
    }
    guard doc != nil, code != nil else { throw ValidationError("give DOC and CODE (or --batch FILE)") }
    if span.given != 1 {
      throw ValidationError("choose the span with exactly one of --para, --lines, --chars, --quote")
    }
  }

  func run(_ session: Session) throws {
    Session.readObjectsForOneCommit()
    let requests: [AssignmentRequest]
    if let batch {
      let data = try Output.readInput(batch, argument: "--batch")
      requests = try Project.parseBatch(data, source: batch == "-" ? "<stdin>" : batch)
    } else if let doc, let code {
      requests = [AssignmentRequest(doc: doc, code: code, span: try span.selector(), memo: memo)]
    } else {
      throw ValidationError("give DOC and CODE (or --batch FILE)")
    }
    let (result, added) = try session.addAssignments(requests)
    switch globals.format {
    case .table: added.forEach { Output.print($0.assignment.id) }
    case .json, .csv: Output.print(Output.assignments(added, format: globals.format))
    }
    Output.note("committed \(result.commit.short)")
  }
}

extension Add {
  /// A `gloss add DOC CODE` command line of the everyday shape (global options, DOC, CODE,
  /// one span selector, --memo; each option and its value as two words), read without
  /// swift-argument-parser: its reflection over every option was a third of an add's own
  /// work (docs/scale.md). Anything else (help, `--batch`, `--opt=value`, a value starting
  /// with "-", an option given twice, an option of `add` before `add`, a failing check)
  /// returns nil, and the parser reads the line as always, errors included.
  static func quickParse(_ arguments: [String]) -> Add? {
    let globalNames: Set = ["-C", "--as", "--format"]
    let addNames: Set = ["--para", "--lines", "--chars", "--quote", "--memo"]
    var values: [String: String] = [:]
    var positionals: [String] = []
    var index = 0
    while index < arguments.count {
      let word = arguments[index]
      guard !word.isEmpty else { return nil }
      guard word.hasPrefix("-") else {
        positionals.append(word)
        index += 1
        continue
      }
      guard globalNames.contains(word) || (addNames.contains(word) && !positionals.isEmpty),
        index + 1 < arguments.count
      else { return nil }
      let value = arguments[index + 1]
      guard !value.isEmpty, !value.hasPrefix("-"), values.updateValue(value, forKey: word) == nil else { return nil }
      index += 2
    }
    guard positionals.count == 3, positionals[0] == "add" else { return nil }
    var add = Add()
    add.globals = GlobalOptions()
    add.globals.directory = values["-C"]
    add.globals.coder = values["--as"]
    guard let format = OutputFormat(argument: values["--format"] ?? "table") else { return nil }
    add.globals.format = format
    add.doc = positionals[1]
    add.code = positionals[2]
    add.span = SelectorOptions()
    add.span.para = values["--para"]
    add.span.lines = values["--lines"]
    add.span.chars = values["--chars"]
    add.span.quote = values["--quote"]
    add.memo = values["--memo"]
    add.batch = nil
    // The checks the parser runs on a parsed command.
    guard (try? add.validate()) != nil else { return nil }
    return add
  }
}
