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
    let requests: [AssignmentRequest]
    if let batch {
      let data = try Output.readInput(batch, argument: "--batch")
      requests = try Project.parseBatch(data, source: batch == "-" ? "<stdin>" : batch)
    } else if let doc, let code {
      requests = [AssignmentRequest(doc: doc, code: code, span: try span.selector(), memo: memo)]
    } else {
      throw ValidationError("give DOC and CODE (or --batch FILE)")
    }
    try Self.add(requests, session: session, format: globals.format)
  }

  /// Adds `requests` in one commit and prints the new ids (or assignments) and the commit.
  static func add(_ requests: [AssignmentRequest], session: Session, format: OutputFormat) throws {
    Session.readObjectsForOneCommit()
    let (result, added) = try session.addAssignments(requests)
    switch format {
    case .table: added.forEach { Output.print($0.assignment.id) }
    case .json, .csv: Output.print(Output.assignments(added, format: format))
    }
    Output.note("committed \(result.commit.short)")
  }
}

extension Add {
  /// A `gloss add DOC CODE` command line of the everyday shape (global options, DOC, CODE,
  /// one span selector, --memo; each option and its value as two words), read without
  /// swift-argument-parser: its reflection over every option, and even making an `Add`
  /// with its property wrappers, was a third of an add's own work (docs/scale.md).
  /// Anything else (help, `--batch`, `--opt=value`, a value starting with "-", an option
  /// given twice, an option of `add` before `add`, a failing check) returns nil, and the
  /// parser reads the line as always, errors included.
  struct Quick {
    var directory: String?
    var coder: String?
    var format = OutputFormat.table
    var doc = ""
    var code = ""
    var para: String?
    var lines: String?
    var chars: String?
    var quote: String?
    var memo: String?

    /// What `GlossCommand.run` does for `Add`, without the parser's values.
    func run() throws {
      Session.readAhead(at: directory, coder: coder, doc: doc)
      let project = try Project.open(at: directory)
      let session = try project.session(knownAs: try project.coder(explicit: coder))
      let span = try SelectorOptions.selector(para: para, lines: lines, chars: chars, quote: quote)
      try Add.add([AssignmentRequest(doc: doc, code: code, span: span, memo: memo)], session: session, format: format)
    }
  }

  static func quickParse(_ arguments: [String]) -> Quick? {
    var quick = Quick()
    var positionals: [String] = []
    var given: [String] = []
    var index = 0
    while index < arguments.count {
      let word = arguments[index]
      guard !word.isEmpty else { return nil }
      guard word.hasPrefix("-") else {
        positionals.append(word)
        index += 1
        continue
      }
      guard index + 1 < arguments.count, !given.contains(word) else { return nil }
      let value = arguments[index + 1]
      guard !value.isEmpty, !value.hasPrefix("-") else { return nil }
      given.append(word)
      // Options of `add` only after `add`.
      let afterAdd = !positionals.isEmpty
      switch word {
      case "-C": quick.directory = value
      case "--as": quick.coder = value
      case "--format":
        guard let format = OutputFormat(argument: value) else { return nil }
        quick.format = format
      case "--para" where afterAdd: quick.para = value
      case "--lines" where afterAdd: quick.lines = value
      case "--chars" where afterAdd: quick.chars = value
      case "--quote" where afterAdd: quick.quote = value
      case "--memo" where afterAdd: quick.memo = value
      default: return nil
      }
      index += 2
    }
    guard positionals.count == 3, positionals[0] == "add" else { return nil }
    (quick.doc, quick.code) = (positionals[1], positionals[2])
    // The checks the parser runs on a parsed command: exactly one span selector.
    guard [quick.para, quick.lines, quick.chars, quick.quote].count(where: { $0 != nil }) == 1 else { return nil }
    return quick
  }
}
