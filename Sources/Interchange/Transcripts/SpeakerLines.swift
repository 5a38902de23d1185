import Foundation

/// Transcripts that meeting tools export as text or Word files, with a line naming the
/// speaker and a timestamp above what they said:
///
///     Ana Lima  0:03            (Otter .txt; `1:02:03` past an hour)
///     Ana Lima   00:00:03       (Teams .docx: one paragraph, the text in the next)
///     [Ana Lima] 10:02:03       (Zoom's saved transcript .txt)
///
/// merged into `Speaker: text` turns as subtitle cues are (`Subtitles`): consecutive blocks
/// of one speaker join, timestamps are dropped; lines before the first speaker line (a
/// title, a date) and paragraphs between blocks (Teams' "… stopped transcription", Otter's
/// "Transcribed by …") stay as they are. Taken only when at least two speaker lines, in time
/// order, each followed by text, make up a third or more of the lines from the first on,
/// so ordinary prose with a time in it stays prose.
enum SpeakerLines {
  struct Merged {
    var text: String
    var blocks: Int
    var turns: Int
  }

  /// The speaker and the time of a speaker line.
  static func header(_ line: String) -> (name: String, seconds: Double)? {
    let trimmed = line.trimmingCharacters(in: .whitespaces)
    var name: String
    var time: Substring
    if trimmed.hasPrefix("["), let close = trimmed.firstIndex(of: "]") {
      name = String(trimmed[trimmed.index(after: trimmed.startIndex)..<close])
      time = trimmed[trimmed.index(after: close)...]
      guard time.first == " " else { return nil }
    } else {
      guard let space = trimmed.lastIndex(where: { $0 == " " || $0 == "\t" }) else { return nil }
      name = String(trimmed[..<space])
      time = trimmed[trimmed.index(after: space)...]
    }
    name = name.trimmingCharacters(in: .whitespaces)
    let stamp = time.trimmingCharacters(in: .whitespaces)
    guard Subtitles.isName(name), isTimestamp(stamp), let seconds = Subtitles.seconds(stamp) else { return nil }
    return (name, seconds)
  }

  /// `m:ss`, `mm:ss`, `h:mm:ss`, `hh:mm:ss`, with optional fractions of a second.
  static func isTimestamp(_ text: String) -> Bool {
    func digits(_ part: Substring, _ counts: ClosedRange<Int>) -> Bool {
      counts.contains(part.count) && part.allSatisfy { $0.isASCII && $0.isNumber }
    }
    let parts = text.split(separator: ":", omittingEmptySubsequences: false)
    guard (2...3).contains(parts.count), let last = parts.last else { return false }
    let seconds = last.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
    return digits(parts[0], 1...2) && (parts.count == 2 || digits(parts[1], 2...2)) && digits(seconds[0], 2...2)
      && (seconds.count == 1 || digits(seconds[1], 1...3))
  }

  /// The merged text, or nil when `text` is not laid out this way.
  static func merge(_ text: String) -> Merged? {
    let body = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
    let lines = body.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
    let headers = lines.map(header)
    guard let first = headers.firstIndex(where: { $0 != nil }) else { return nil }
    let found = headers.compactMap { $0 }
    let filled = lines[first...].filter { !$0.allSatisfy(\.isWhitespace) }.count
    guard found.count >= 2, found.count * 3 >= filled,
      zip(found, found.dropFirst()).allSatisfy({ $0.seconds <= $1.seconds })
    else { return nil }
    // Paragraphs in order: a speaker's turn, or a line the tool wrote between blocks
    // ("Ana Lima stopped transcription", "Transcribed by …"), kept as it is.
    var paragraphs: [(speaker: String?, words: [String])] = []
    var blocks = 0
    var index = first
    while index < lines.count {
      guard let (name, _) = headers[index] else {
        index += 1
        continue
      }
      index += 1
      // What was said: the lines up to a blank line after it, or the next speaker line.
      while index < lines.count, headers[index] == nil, lines[index].allSatisfy(\.isWhitespace) { index += 1 }
      var words: [String] = []
      while index < lines.count, headers[index] == nil, !lines[index].allSatisfy(\.isWhitespace) {
        words.append(lines[index])
        index += 1
      }
      let said = Subtitles.collapse(words.joined(separator: " "))
      // A speaker line with nothing under it is no turn.
      if !said.isEmpty {
        blocks += 1
        if let last = paragraphs.last, last.speaker == name {
          paragraphs[paragraphs.count - 1].words.append(said)
        } else {
          paragraphs.append((name, [said]))
        }
      }
      var loose: [String] = []
      while index < lines.count, headers[index] == nil {
        if lines[index].allSatisfy(\.isWhitespace) {
          if !loose.isEmpty { paragraphs.append((nil, [loose.joined(separator: "\n")])) }
          loose = []
        } else {
          loose.append(lines[index])
        }
        index += 1
      }
      if !loose.isEmpty { paragraphs.append((nil, [loose.joined(separator: "\n")])) }
    }
    guard blocks >= 2 else { return nil }
    let preamble = lines[..<first].joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    let text =
      (preamble.isEmpty ? [] : [preamble])
      + paragraphs.map { paragraph in
        let words = paragraph.words.joined(separator: " ")
        return paragraph.speaker.map { "\($0): \(words)" } ?? words
      }
    let turns = paragraphs.filter { $0.speaker != nil }.count
    return Merged(text: text.joined(separator: "\n\n") + "\n", blocks: blocks, turns: turns)
  }
}
