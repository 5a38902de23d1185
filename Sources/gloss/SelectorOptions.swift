import ArgumentParser
import GlossCore

/// The span selectors of `add`, `rm` and `edit` (DESIGN §3).
struct SelectorOptions: ParsableArguments {
  @Option(help: ArgumentHelp("Paragraphs N or N-M, counted from 1.", valueName: "N[-M]"))
  var para: String?
  @Option(help: ArgumentHelp("Lines A-B, counted from 1.", valueName: "A-B"))
  var lines: String?
  @Option(help: ArgumentHelp("Code points S-E, 0-based, end-exclusive.", valueName: "S-E"))
  var chars: String?
  @Option(help: ArgumentHelp("Text that occurs exactly once in the document.", valueName: "TEXT"))
  var quote: String?

  var given: Int { [para, lines, chars, quote].compactMap { $0 }.count }

  func selector() throws -> SpanSelector {
    try Self.selector(para: para, lines: lines, chars: chars, quote: quote)
  }

  /// The span the one selector given names.
  static func selector(para: String?, lines: String?, chars: String?, quote: String?) throws -> SpanSelector {
    if let para {
      let (first, last) = try SpanSelector.parseRange(para, option: "--para")
      return .paragraphs(first, last)
    }
    if let lines {
      let (first, last) = try SpanSelector.parseRange(lines, option: "--lines")
      return .lines(first, last)
    }
    if let chars {
      let (start, end) = try SpanSelector.parseRange(chars, option: "--chars")
      return .chars(start, end)
    }
    if let quote { return .quote(quote) }
    throw ValidationError("choose the span with --para, --lines, --chars or --quote")
  }
}
