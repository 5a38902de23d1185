import Foundation
import GlossCore

/// A Delve export (`.txt`) read into blocks (DESIGN §8): blank-line separated blocks,
/// `#` headings (speaker turns, kept in the text), code blocks (every token a code name)
/// that code the nearest preceding text block, and the trailing "Created with the Delve"
/// line, which is not transcript text.
public struct DelveExport: Sendable {
  public enum Kind: String, Sendable {
    case heading, text, code
  }

  /// One block of the export, with the 1-based line it starts on.
  public struct Block: Sendable {
    public var kind: Kind
    public var line: Int
    public var text: String
    /// For code blocks: the code names, in order of appearance, without repeats.
    public var codes: [String]
    /// For heading and text blocks: where the block sits in `text`, in code points.
    public var range: Range<Int>?
  }

  /// A code assigned by a code block to a text block.
  public struct Coding: Sendable, Equatable {
    public var code: String
    public var start: Int
    public var end: Int
    /// The line of the code block that assigned it (for messages).
    public var line: Int
  }

  public let file: String
  public let blocks: [Block]
  /// The document text: heading and text blocks joined by one blank line, ending in LF.
  public let text: String
  public let codings: [Coding]
  /// What normalization changed (BOM, CRLF, NFC), in words.
  public let changes: [String]

  public static let signature = "Created with the Delve"

  public var headingCount: Int { blocks.filter { $0.kind == .heading }.count }
  public var textCount: Int { blocks.filter { $0.kind == .text }.count }
  public var codeBlockCount: Int { blocks.filter { $0.kind == .code }.count }
  /// Code names used, in order of first use, compared ignoring case.
  public var codeNames: [String] {
    var seen: Set<String> = []
    return codings.map(\.code).filter { seen.insert($0.lowercased()).inserted }
  }

  /// Reads an export. `isKnownCode` says whether a token or line names a code already in
  /// the codebook (so known names count even when they do not look like `Word-word`).
  public init(data: Data, file: String, isKnownCode: (String) -> Bool = { _ in false }) throws {
    self.file = file
    func fail(_ line: Int?, _ message: String) -> GlossError {
      GlossError.invalidInput(file: file, line: line, message: message)
    }
    guard !data.isEmpty else { throw fail(nil, "is empty, not a Delve export") }
    let normalized = try TextNormalizer.normalize(data, file: file)
    changes = normalized.changes
    let lines = normalized.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if let bad = lines.firstIndex(where: { $0.unicodeScalars.contains(where: Self.isForbiddenControl) }) {
      throw fail(bad + 1, "contains control characters: a binary file, not a Delve export")
    }
    // Group lines into blocks, remembering where each starts.
    var raw: [(line: Int, lines: [String])] = []
    for (index, line) in lines.enumerated() {
      if Self.isBlank(line) { continue }
      if index > 0, !Self.isBlank(lines[index - 1]), var last = raw.popLast() {
        last.lines.append(line)
        raw.append(last)
      } else {
        raw.append((index + 1, [line]))
      }
    }
    guard var last = raw.popLast() else { throw fail(nil, "has no text, not a Delve export") }
    guard let tail = last.lines.last, tail.trimmingCharacters(in: .whitespaces).hasPrefix(Self.signature) else {
      throw fail(
        nil,
        "is not a Delve export (it does not end with the \"\(Self.signature) …\" line); "
          + "add plain transcripts with 'gloss doc add'")
    }
    last.lines.removeLast()
    if !last.lines.isEmpty { raw.append(last) }

    var blocks: [Block] = []
    var codings: [Coding] = []
    var keys: Set<String> = []
    var parts: [String] = []
    var offset = 0
    var lastText: Int?
    for (line, blockLines) in raw {
      let text = blockLines.joined(separator: "\n")
      if let codes = Self.codeNames(blockLines, isKnownCode: isKnownCode) {
        guard let target = lastText, let range = blocks[target].range else {
          throw fail(line, "code block \"\(text)\" has no text block before it to code")
        }
        blocks.append(Block(kind: .code, line: line, text: text, codes: codes, range: nil))
        for code in codes where keys.insert("\(code.lowercased())\n\(range.lowerBound)").inserted {
          codings.append(Coding(code: code, start: range.lowerBound, end: range.upperBound, line: line))
        }
        continue
      }
      if !parts.isEmpty { offset += 2 }
      let length = text.unicodeScalars.count
      let kind: Kind = text.hasPrefix("#") ? .heading : .text
      blocks.append(Block(kind: kind, line: line, text: text, codes: [], range: offset..<offset + length))
      if kind == .text { lastText = blocks.count - 1 }
      parts.append(text)
      offset += length
    }
    guard !parts.isEmpty else { throw fail(nil, "has no transcript text") }
    self.blocks = blocks
    self.codings = codings
    self.text = parts.joined(separator: "\n\n") + "\n"
  }

  /// The code names of a code block, or nil when it is transcript text. Each line is
  /// either one known code name (which may contain spaces) or tokens that each are one.
  static func codeNames(_ lines: [String], isKnownCode: (String) -> Bool) -> [String]? {
    var names: [String] = []
    for line in lines {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.contains(where: \.isWhitespace), isKnownCode(trimmed) {
        names.append(trimmed)
        continue
      }
      for token in trimmed.split(whereSeparator: \.isWhitespace).map(String.init) {
        guard isKnownCode(token) || looksLikeCode(token) else { return nil }
        names.append(token)
      }
    }
    var seen: Set<String> = []
    let unique = names.filter { seen.insert($0.lowercased()).inserted }
    return unique.isEmpty ? nil : unique
  }

  /// `Word-word(-word)*`: two or more runs of letters, digits and marks, joined by single
  /// hyphens and starting with a letter, in any script; no sentence punctuation.
  public static func looksLikeCode(_ token: String) -> Bool {
    let parts = token.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count >= 2, let first = token.unicodeScalars.first, first.properties.isAlphabetic else {
      return false
    }
    return parts.allSatisfy { part in
      !part.isEmpty
        && part.unicodeScalars.allSatisfy {
          $0.properties.isAlphabetic || $0.properties.numericType != nil
            || $0.properties.generalCategory == .nonspacingMark
            || $0.properties.generalCategory == .spacingMark
        }
    }
  }

  static func isBlank(_ line: String) -> Bool {
    line.unicodeScalars.allSatisfy { $0.properties.isWhitespace }
  }

  /// Control characters no transcript contains (tab, LF and CR are fine).
  static func isForbiddenControl(_ scalar: Unicode.Scalar) -> Bool {
    (scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r") || scalar.value == 0x7f
  }
}
