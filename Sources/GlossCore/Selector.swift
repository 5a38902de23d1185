import Foundation

/// How a command names a span of a document (DESIGN §3).
public enum SpanSelector: Equatable, Sendable {
  /// Paragraphs, 1-based, inclusive.
  case paragraphs(Int, Int)
  /// Lines, 1-based, inclusive.
  case lines(Int, Int)
  /// Code points, 0-based, end-exclusive.
  case chars(Int, Int)
  case quote(String)

  /// Parses `N` or `N-M` for the option named `option`.
  public static func parseRange(_ text: String, option: String) throws -> (Int, Int) {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard (1...2).contains(parts.count), let first = Int(parts[0]),
      let last = parts.count == 2 ? Int(parts[1]) : first
    else {
      throw GlossError.invalidArgument(
        argument: "\(option) \(text)", message: "expected a number or a range like 3-5")
    }
    return (first, last)
  }

  /// The span `[start, end)` this selector names in `text`.
  public func resolve(in text: DocumentText) throws -> Range<Int> {
    switch self {
    case .chars(let start, let end):
      let argument = "--chars \(start)-\(end)"
      guard start >= 0, end >= 0 else {
        throw GlossError.invalidArgument(argument: argument, message: "offsets cannot be negative")
      }
      guard start < end else {
        throw GlossError.invalidArgument(argument: argument, message: "start must be less than end")
      }
      guard end <= text.length else {
        throw GlossError.invalidArgument(
          argument: argument, message: "end is past the end of the document (\(text.length) characters)")
      }
      return start..<end
    case .paragraphs(let first, let last):
      let argument = first == last ? "--para \(first)" : "--para \(first)-\(last)"
      let count = text.paragraphs.count
      try checkRange(first, last, count: count, unit: "paragraph", argument: argument)
      return text.paragraphs[first - 1].lowerBound..<text.paragraphs[last - 1].upperBound
    case .lines(let first, let last):
      let argument = first == last ? "--lines \(first)" : "--lines \(first)-\(last)"
      try checkRange(first, last, count: text.lineCount, unit: "line", argument: argument)
      let range = text.lineRange(first - 1).lowerBound..<text.lineRange(last - 1).upperBound
      guard !range.isEmpty else {
        throw GlossError.invalidArgument(argument: argument, message: "selects only an empty line")
      }
      return range
    case .quote(let raw):
      let quote = raw.precomposedStringWithCanonicalMapping
      guard !quote.isEmpty else {
        throw GlossError.invalidArgument(argument: "--quote", message: "the quote is empty")
      }
      let matches = text.occurrences(of: quote)
      let length = quote.unicodeScalars.count
      switch matches.count {
      case 0: throw GlossError.quoteNotFound(raw)
      case 1: return matches[0]..<(matches[0] + length)
      default:
        throw GlossError.ambiguousQuote(
          quote: raw,
          matches: matches.prefix(10).map {
            "¶\(text.paragraphNumber(at: $0)) chars \($0)-\($0 + length)"
          } + (matches.count > 10 ? ["…"] : []))
      }
    }
  }

  private func checkRange(_ first: Int, _ last: Int, count: Int, unit: String, argument: String)
    throws
  {
    guard first >= 1, last >= 1 else {
      throw GlossError.invalidArgument(argument: argument, message: "\(unit)s are numbered from 1")
    }
    guard first <= last else {
      throw GlossError.invalidArgument(argument: argument, message: "the range is reversed")
    }
    guard last <= count else {
      throw GlossError.invalidArgument(
        argument: argument, message: "the document has \(count) \(unit)\(count == 1 ? "" : "s")")
    }
  }
}
