import Foundation
import GlossCore

/// A subtitle transcript (.vtt WebVTT, .srt SubRip) as Zoom, Teams and Otter write them,
/// merged into speaker turns: one paragraph per turn, `Speaker: text`, timestamps dropped.
///
/// Speakers come from Teams' voice tags (`<v Ana Lima>`), from Zoom's `Ana Lima: ` at the
/// start of a cue, or from Otter's line holding only the speaker's name above the cue text.
/// A cue without a speaker continues the turn before it; in a file without any speakers a
/// pause of two seconds or more starts a new paragraph.
struct Subtitles {
  struct Cue {
    var line: Int
    var start: Double
    var end: Double
    var lines: [String]
  }

  let file: String
  private(set) var cues: [Cue] = []

  /// Pause between unattributed cues that starts a new paragraph.
  static let pause = 2.0
  /// Longest speaker name taken from cue text (Zoom's `Name:`, Otter's name line).
  static let maxName = 48

  /// Reads the cues of `text` (already decoded); `isVTT` expects the `WEBVTT` header.
  init(_ text: String, file: String, isVTT: Bool) throws {
    self.file = file
    var body = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
    body = body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    let lines = body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    var blocks: [(line: Int, lines: [String])] = []
    for (index, line) in lines.enumerated() {
      if line.allSatisfy(\.isWhitespace) { continue }
      if index > 0, !lines[index - 1].allSatisfy(\.isWhitespace), var last = blocks.popLast() {
        last.lines.append(line)
        blocks.append(last)
      } else {
        blocks.append((index + 1, [line]))
      }
    }
    if isVTT {
      guard let header = blocks.first?.lines.first, header.hasPrefix("WEBVTT") else {
        throw GlossError.invalidInput(file: file, line: 1, message: "does not start with WEBVTT: not a WebVTT file")
      }
      blocks.removeFirst()
    }
    for block in blocks {
      if isVTT, let first = block.lines.first,
        ["NOTE", "STYLE", "REGION"].contains(where: { first == $0 || first.hasPrefix($0 + " ") })
      {
        continue
      }
      guard let timing = block.lines.firstIndex(where: { $0.contains("-->") }), timing <= 1 else {
        // A cue whose timing line is damaged (`00:00:05,000 -> 00:00:07,000`, or an SRT
        // number over text) would otherwise join the turn before it, times and all.
        if let bad = block.lines.prefix(2).firstIndex(where: Self.looksLikeTiming) {
          throw GlossError.invalidInput(
            file: file, line: block.line + bad,
            message: "has a malformed cue timing \"\(block.lines[bad].prefix(80))\"")
        }
        if !isVTT, block.lines.count > 1, let first = block.lines.first,
          first.trimmingCharacters(in: .whitespaces).allSatisfy(Self.isDigit)
        {
          throw GlossError.invalidInput(
            file: file, line: block.line + 1,
            message: "cue \(first.trimmingCharacters(in: .whitespaces)) has no timing line "
              + "(00:00:01,000 --> 00:00:04,000)")
        }
        // Text after a blank line inside a cue (SubRip allows none, players show it anyway).
        guard !cues.isEmpty else {
          throw GlossError.invalidInput(
            file: file, line: block.line, message: "expected a cue timing (00:00:01,000 --> 00:00:04,000)")
        }
        cues[cues.count - 1].lines += block.lines
        continue
      }
      let line = block.line + timing
      let times = block.lines[timing].components(separatedBy: "-->")
      guard times.count == 2, let start = Self.seconds(times[0]),
        let end = Self.seconds(times[1].split(separator: " ").first.map(String.init) ?? "")
      else {
        throw GlossError.invalidInput(
          file: file, line: line, message: "has a malformed cue timing \"\(block.lines[timing].prefix(80))\"")
      }
      cues.append(Cue(line: line, start: start, end: end, lines: Array(block.lines[(timing + 1)...])))
    }
    guard !cues.isEmpty else { throw GlossError.invalidInput(file: file, line: nil, message: "has no cues") }
  }

  /// `hh:mm:ss.mmm`, `mm:ss.mmm` or SubRip's `hh:mm:ss,mmm`, in seconds: digits only
  /// (no `0x`, `inf` or exponents), minutes and seconds below 60, a fraction only at the end.
  static func seconds(_ text: String) -> Double? {
    let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ":", omittingEmptySubsequences: false)
    guard (2...3).contains(parts.count) else { return nil }
    var total = 0.0
    for (index, part) in parts.enumerated() {
      let last = index == parts.count - 1
      let pieces = last ? part.split(omittingEmptySubsequences: false) { $0 == "," || $0 == "." } : [part]
      guard pieces.count <= 2,
        pieces.allSatisfy({ !$0.isEmpty && $0.count <= 9 && $0.allSatisfy(isDigit) }),
        let whole = Double(pieces[0])
      else { return nil }
      if index > 0, whole >= 60 { return nil }
      let fraction = pieces.count == 2 ? Double("0." + pieces[1]) ?? 0 : 0
      total = total * 60 + whole + fraction
    }
    return total
  }

  static func isDigit(_ character: Character) -> Bool { character.isASCII && character.isWholeNumber }

  /// A line made only of times and arrow-like marks (`00:00:05,000 -> 00:00:07,000`): a
  /// damaged cue timing rather than words someone said.
  static func looksLikeTiming(_ line: String) -> Bool {
    let trimmed = line.trimmingCharacters(in: .whitespaces)
    guard trimmed.first.map(isDigit) == true, trimmed.contains(":") else { return false }
    guard trimmed.allSatisfy({ isDigit($0) || ":,.->–— ".contains($0) }) else { return false }
    return trimmed.contains(where: { "->–—".contains($0) }) || trimmed.split(separator: " ").count > 1
  }

  /// The transcript: one paragraph per speaker turn.
  var text: String {
    let parsed = cues.map { Self.speakerAndText($0.lines) }
    let zoomNames = Self.zoomSpeakers(parsed.map(\.text))
    let otterNames = Self.otterSpeakers(parsed.map(\.text))
    var turns: [(speaker: String?, words: [String], end: Double)] = []
    for (cue, item) in zip(cues, parsed) {
      var speaker = item.speaker
      var lines = item.text
      if speaker == nil, let first = lines.first, otterNames.contains(Self.nameLine(first) ?? "") {
        speaker = Self.nameLine(first)
        lines.removeFirst()
      }
      var words = lines.joined(separator: " ")
      if speaker == nil, let (name, rest) = Self.zoomPrefix(words), zoomNames.contains(name) {
        speaker = name
        words = rest
      }
      words = Self.collapse(words)
      if let last = turns.last,
        speaker == nil ? (last.speaker != nil || cue.start - last.end < Self.pause) : speaker == last.speaker
      {
        turns[turns.count - 1].words.append(words)
        turns[turns.count - 1].end = cue.end
      } else {
        turns.append((speaker, [words], cue.end))
      }
    }
    let paragraphs = turns.compactMap { turn -> String? in
      let words = turn.words.filter { !$0.isEmpty }.joined(separator: " ")
      guard let speaker = turn.speaker else { return words.isEmpty ? nil : words }
      return words.isEmpty ? nil : "\(speaker): \(words)"
    }
    return paragraphs.isEmpty ? "" : paragraphs.joined(separator: "\n\n") + "\n"
  }

  /// A cue's voice (`<v Name>`, WebVTT) and its lines without markup.
  static func speakerAndText(_ lines: [String]) -> (speaker: String?, text: [String]) {
    var speaker: String?
    let joined = lines.joined(separator: "\n")
    if let open = joined.range(of: "<v"), let close = joined[open.upperBound...].firstIndex(of: ">") {
      let tag = joined[open.upperBound..<close]
      if tag.first == " " || tag.first == "." || tag.first == "\t",
        let space = tag.firstIndex(where: { $0 == " " || $0 == "\t" })
      {
        let name = collapse(String(tag[space...]))
        if !name.isEmpty { speaker = name }
      }
    }
    let text = stripMarkup(joined).split(separator: "\n").map { collapse(String($0)) }.filter { !$0.isEmpty }
    return (speaker, text)
  }

  /// Removes WebVTT and SubRip markup (`<i>`, `<c.x>`, `<00:01.000>`, `{\an8}`) and
  /// decodes WebVTT's character references.
  static func stripMarkup(_ text: String) -> String {
    let characters = Array(text)
    // Where the next `>` and `}` are, found once per position so a hostile cue full of `<`
    // stays linear.
    var nextClose: [Character: Int] = [:]
    func close(_ mark: Character, after index: Int) -> Int? {
      if let found = nextClose[mark], found > index { return found }
      if let found = nextClose[mark], found == -1 { return nil }
      let found = characters[(index + 1)...].firstIndex(of: mark)
      nextClose[mark] = found ?? -1
      return found
    }
    var out = ""
    var index = 0
    while index < characters.count {
      let character = characters[index]
      if character == "<", let end = close(">", after: index), end > index + 1 {
        let first = characters[index + 1]
        let inside = characters[(index + 1)..<end]
        let isTimestamp = inside.allSatisfy { $0.isNumber || $0 == ":" || $0 == "." }
        if first.isLetter || first == "/" || isTimestamp {
          index = end + 1
          continue
        }
      }
      if character == "{", index + 1 < characters.count, characters[index + 1] == "\\",
        let end = close("}", after: index)
      {
        index = end + 1
        continue
      }
      if character == "&", let semicolon = characters[index..<min(index + 10, characters.count)].firstIndex(of: ";"),
        let decoded = entity(String(characters[(index + 1)..<semicolon]))
      {
        out += decoded
        index = semicolon + 1
        continue
      }
      out.append(character)
      index += 1
    }
    return out
  }

  static func entity(_ name: String) -> String? {
    switch name {
    case "amp": return "&"
    case "lt": return "<"
    case "gt": return ">"
    case "quot": return "\""
    case "apos": return "'"
    case "nbsp": return "\u{A0}"
    case "lrm", "rlm": return ""
    default:
      let hex = name.hasPrefix("#x") || name.hasPrefix("#X")
      guard name.hasPrefix("#"), let value = UInt32(name.dropFirst(hex ? 2 : 1), radix: hex ? 16 : 10),
        let scalar = Unicode.Scalar(value), value >= 0x20
      else { return nil }
      return String(scalar)
    }
  }

  /// Zoom's `Name: text`: the name, and the text after it.
  static func zoomPrefix(_ text: String) -> (String, String)? {
    guard let colon = text.firstIndex(of: ":") else { return nil }
    let name = String(text[..<colon]).trimmingCharacters(in: .whitespaces)
    let rest = text[text.index(after: colon)...]
    guard isName(name), rest.isEmpty || rest.first == " " else { return nil }
    return (name, rest.trimmingCharacters(in: .whitespaces))
  }

  /// Names written as `Name: ` before cue text, taken only when at least half the cues
  /// start that way, so a sentence like "The point is: …" in a file without names stays text.
  static func zoomSpeakers(_ cues: [[String]]) -> Set<String> {
    let names = cues.compactMap { lines in zoomPrefix(lines.joined(separator: " "))?.0 }
    return names.count * 2 >= cues.count ? Set(names) : []
  }

  /// Otter's speaker lines: a first line of a cue with more lines that holds only a name
  /// (or `Name:`), counted as one when the same line starts two cues or more, or when it is
  /// one of Otter's generic names.
  static func otterSpeakers(_ cues: [[String]]) -> Set<String> {
    var counts: [String: Int] = [:]
    for lines in cues where lines.count > 1 {
      if let name = nameLine(lines[0]) { counts[name, default: 0] += 1 }
    }
    return Set(counts.filter { $0.value >= 2 || isGenericSpeaker($0.key) }.keys)
  }

  /// Otter's names for speakers it has not been told: `Speaker 2`, `Unknown Speaker`.
  static func isGenericSpeaker(_ name: String) -> Bool {
    let words = name.split(separator: " ")
    return name == "Unknown Speaker"
      || (words.count == 2 && words[0] == "Speaker" && words[1].allSatisfy(\.isNumber))
  }

  /// A line that can only be a name: `Speaker 1`, `Ana Lima`, `Ana Lima:`.
  static func nameLine(_ line: String) -> String? {
    var name = line.trimmingCharacters(in: .whitespaces)
    if name.hasSuffix(":") { name.removeLast() }
    return isName(name) ? name : nil
  }

  /// Short, at most five words, and without sentence punctuation.
  static func isName(_ name: String) -> Bool {
    guard !name.isEmpty, name.count <= maxName, let first = name.first, !first.isWhitespace, first != "#"
    else { return false }
    let words = name.split(separator: " ")
    return words.count <= 5 && !name.contains(where: { "?!,;:\"“”<>".contains($0) })
  }

  /// One space between words.
  static func collapse(_ text: String) -> String {
    text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).joined(separator: " ")
  }
}
