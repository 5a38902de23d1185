import Foundation

/// A transcript's text, addressed by Unicode code point offsets as the format requires.
public struct DocumentText: Sendable {
  public let string: String
  /// The text as code points: offsets index this array.
  public let scalars: [Unicode.Scalar]
  /// Offsets where each line starts; line i covers lineStarts[i] up to the next LF.
  public let lineStarts: [Int]
  /// Paragraphs: maximal runs of non-blank lines (DESIGN §4), as code point ranges that
  /// end before the final line break.
  public let paragraphs: [Range<Int>]

  public init(_ string: String) {
    self.string = string
    let scalars = Array(string.unicodeScalars)
    self.scalars = scalars
    var starts = [0]
    for (offset, scalar) in scalars.enumerated() where scalar == "\n" { starts.append(offset + 1) }
    if starts.count > 1, starts.last == scalars.count { starts.removeLast() }
    self.lineStarts = starts
    self.paragraphs = Self.findParagraphs(scalars, lineStarts: starts)
  }

  public var length: Int { scalars.count }

  /// Whether `text` is exactly the document's `[start, end)` (in range). An ASCII document's
  /// offsets are its bytes': compared as bytes, which `validate` does for every assignment.
  public func holds(_ text: String, from start: Int, to end: Int) -> Bool {
    guard start >= 0, start <= end, end <= scalars.count else { return false }
    var document = string
    if document.utf8.count == scalars.count {
      var text = text
      return text.withUTF8 { wanted in
        document.withUTF8 { bytes in
          guard wanted.count == end - start else { return false }
          guard let base = bytes.baseAddress, let other = wanted.baseAddress else { return wanted.isEmpty }
          return memcmp(base + start, other, wanted.count) == 0
        }
      }
    }
    return text.unicodeScalars.elementsEqual(scalars[start..<end])
  }

  /// The text of `[start, end)`; callers check the range first.
  public func slice(_ start: Int, _ end: Int) -> String {
    let lower = max(0, min(start, scalars.count))
    let upper = max(lower, min(end, scalars.count))
    var view = String.UnicodeScalarView()
    view.append(contentsOf: scalars[lower..<upper])
    return String(view)
  }

  /// Line `index` (0-based) as `[start, end)` without its line break.
  public func lineRange(_ index: Int) -> Range<Int> {
    Self.lineRange(index, lineStarts: lineStarts, scalars: scalars)
  }

  public var lineCount: Int { scalars.isEmpty ? 0 : lineStarts.count }

  /// A line's range without its line break (the text's final LF included).
  private static func lineRange(_ index: Int, lineStarts: [Int], scalars: [Unicode.Scalar])
    -> Range<Int>
  {
    let start = lineStarts[index]
    let isLast = index + 1 == lineStarts.count
    var end = isLast ? scalars.count : lineStarts[index + 1] - 1
    if isLast, end > start, scalars[end - 1] == "\n" { end -= 1 }
    return start..<max(start, end)
  }

  private static func findParagraphs(_ scalars: [Unicode.Scalar], lineStarts: [Int])
    -> [Range<Int>]
  {
    var result: [Range<Int>] = []
    var current: Range<Int>?
    let lines = scalars.isEmpty ? 0 : lineStarts.count
    for line in 0..<lines {
      let range = lineRange(line, lineStarts: lineStarts, scalars: scalars)
      let blank = scalars[range].allSatisfy { $0.properties.isWhitespace }
      if blank {
        if let open = current { result.append(open) }
        current = nil
      } else if let open = current {
        current = open.lowerBound..<range.upperBound
      } else {
        current = range
      }
    }
    if let open = current { result.append(open) }
    return result
  }

  /// The 1-based number of the paragraph containing (or following) `offset`.
  public func paragraphNumber(at offset: Int) -> Int {
    var low = 0
    var high = paragraphs.count
    while low < high {
      let mid = (low + high) / 2
      if paragraphs[mid].upperBound <= offset { low = mid + 1 } else { high = mid }
    }
    return min(low, max(paragraphs.count - 1, 0)) + 1
  }

  /// The 1-based line containing `offset`.
  public func lineNumber(at offset: Int) -> Int {
    var low = 0
    var high = lineStarts.count
    while low < high {
      let mid = (low + high) / 2
      if lineStarts[mid] <= offset { low = mid + 1 } else { high = mid }
    }
    return max(low, 1)
  }

  /// Every offset where `needle` occurs (code point offsets, overlapping matches included).
  public func occurrences(of needle: String) -> [Int] {
    let pattern = Array(needle.unicodeScalars)
    guard !pattern.isEmpty, pattern.count <= scalars.count else { return [] }
    // Knuth–Morris–Pratt: linear in the text, whatever the pattern.
    var failure = [Int](repeating: 0, count: pattern.count)
    var k = 0
    for i in 1..<max(pattern.count, 1) where pattern.count > 1 {
      while k > 0 && pattern[i] != pattern[k] { k = failure[k - 1] }
      if pattern[i] == pattern[k] { k += 1 }
      failure[i] = k
    }
    var matches: [Int] = []
    k = 0
    for (i, scalar) in scalars.enumerated() {
      while k > 0 && scalar != pattern[k] { k = failure[k - 1] }
      if scalar == pattern[k] { k += 1 }
      if k == pattern.count {
        matches.append(i - pattern.count + 1)
        k = failure[k - 1]
      }
    }
    return matches
  }
}

/// Turns raw transcript bytes into the stored form: UTF-8 without BOM, NFC, LF line endings.
public enum TextNormalizer {
  public struct Result: Sendable {
    public let text: String
    /// What was changed, in words, for the user.
    public let changes: [String]
  }

  /// Normalizes `data`, failing for bytes that are not a text transcript.
  public static func normalize(_ data: Data, file: String) throws -> Result {
    var bytes = [UInt8](data)
    var changes: [String] = []
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
      bytes.removeFirst(3)
      changes.append("removed the byte-order mark")
    }
    if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
      throw GlossError.invalidInput(
        file: file, line: nil, message: "is UTF-16; save it as UTF-8 and add it again")
    }
    if let nul = bytes.firstIndex(of: 0) {
      let line = bytes[..<nul].filter { $0 == 0x0a }.count + 1
      throw GlossError.invalidInput(
        file: file, line: line, message: "contains a NUL byte: a binary file, not a transcript")
    }
    guard var text = String(validating: bytes, as: UTF8.self) else {
      let line = firstInvalidLine(bytes)
      throw GlossError.invalidInput(file: file, line: line, message: "is not valid UTF-8")
    }
    if text.utf8.contains(0x0d) {
      text = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(
        of: "\r", with: "\n")
      changes.append("converted CRLF/CR line endings to LF")
    }
    let nfc = NFC.normalize(text)
    if !nfc.utf8.elementsEqual(text.utf8) {
      text = nfc
      changes.append("normalized Unicode to NFC")
    }
    return Result(text: text, changes: changes)
  }

  /// Whether text is already in stored form.
  public static func isNormalized(_ text: String) -> Bool {
    !text.unicodeScalars.contains("\r") && !text.hasPrefix("\u{FEFF}")
      && NFC.isNormalized(text)
  }

  private static func firstInvalidLine(_ bytes: [UInt8]) -> Int {
    var line = 1
    var start = 0
    for (index, byte) in bytes.enumerated() where byte == 0x0a {
      if String(validating: bytes[start..<index], as: UTF8.self) == nil { return line }
      line += 1
      start = index + 1
    }
    return line
  }
}
