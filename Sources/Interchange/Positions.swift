import Foundation
import GlossCore

/// How a REFI-QDA producer counted selection positions in a source's text. The standard
/// says code points; NVivo counts UTF-16 units (an emoji is two), and some exports (QualCoder's
/// "MAXQDA line endings") write CRLF text but count positions as if each line ended in LF.
public enum PositionReading: String, CaseIterable, Sendable {
  case codepoints
  case utf16
  case codepointsWithoutCR = "codepoints-without-cr"
  case utf16WithoutCR = "utf16-without-cr"

  var countsUTF16: Bool { self == .utf16 || self == .utf16WithoutCR }
  var skipsCR: Bool { self == .codepointsWithoutCR || self == .utf16WithoutCR }

  /// What the producer named in `origin` is known to write.
  static func expected(origin: String) -> PositionReading {
    origin.lowercased().contains("nvivo") ? .utf16 : .codepoints
  }
}

/// A source text put into stored form (no BOM, LF, NFC) with, for every way of counting
/// positions, a map from the producer's positions to positions in the stored text, so
/// selections keep pointing at the same characters. Positions inside a changed character
/// map to its start. The maps are sparse (one entry per character that counts differently
/// from its stored form), so a long text costs time and memory in proportion to its size.
struct TextMapping {
  /// A character whose length under a reading differs from its stored length, or whose
  /// stored form differs from the original.
  private struct Anchor {
    var original: Int
    var stored: Int
    var originalLength: Int
    var storedLength: Int
  }
  private struct Map {
    var length = 0
    var anchors: [Anchor] = []
  }

  let text: String
  let storedLength: Int
  /// Whether the text has characters outside the BMP, and CRLF line ends: only then do the
  /// readings differ.
  let hasAstral: Bool
  let hasCRLF: Bool
  private var maps: [Map]

  init(_ raw: String) {
    var bytes = Array(raw.utf8)
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var maps = [Map](repeating: Map(), count: PositionReading.allCases.count)
    var stored = 0
    var astral = false
    var crlf = false
    /// Plain code points (1 in every reading, kept as they are) not yet added to the maps.
    var plain = 0
    func flush() {
      guard plain > 0 else { return }
      for index in maps.indices { maps[index].length += plain }
      plain = 0
    }
    /// Records one original character (its scalars) and what it became.
    func add(_ original: [Unicode.Scalar], as result: [Unicode.Scalar]) {
      flush()
      let changed = result != original
      let storedLength = result.count
      let isCRLF = original.count == 2 && original.first == "\r"
      for (index, reading) in PositionReading.allCases.enumerated() {
        var length = 0
        for scalar in original {
          if reading.skipsCR && isCRLF && scalar == "\r" { continue }
          length += reading.countsUTF16 && scalar.value > 0xFFFF ? 2 : 1
        }
        if changed || length != storedLength {
          maps[index].anchors.append(
            Anchor(original: maps[index].length, stored: stored, originalLength: length, storedLength: storedLength))
        }
        maps[index].length += length
      }
      for scalar in result { UTF8.encode(scalar) { out.append($0) } }
      stored += storedLength
    }
    // One pass over the bytes, line by line: a line in NFC changes only at CR and counts
    // differently only at astral code points; in a line NFC changes, code points from U+0300
    // on (and the base letter before them) are normalized character by character. Runs of
    // other code points are copied whole, so time and memory stay linear in the text.
    bytes.withUnsafeBufferPointer { buffer in
      let count = buffer.count
      /// The character that starts at `start` (within its line), as its bytes' end.
      func characterEnd(_ start: Int, _ lineEnd: Int) -> (Character, Int) {
        var window = 64
        while true {
          let end = min(lineEnd, start + window)
          let string = String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<end]), as: UTF8.self)
          if let first = string.first, end == lineEnd || first.utf8.count < string.utf8.count {
            return (first, start + first.utf8.count)
          }
          window *= 2
        }
      }
      var lineStart = 0
      while lineStart < count {
        // A segment ends after LF, or after some 4 KB before a stable starter (so NFC of the
        // parts is NFC of the whole; never between CR and LF), as in `NFC.normalize`.
        var lineEnd = lineStart
        var highest: UInt8 = 0
        while lineEnd < count {
          let byte = buffer[lineEnd]
          if byte == 0x0A {
            lineEnd += 1
            break
          }
          if lineEnd - lineStart >= NFC.segmentBytes && buffer[lineEnd - 1] != 0x0D
            && NFC.isStableStarter(buffer, at: lineEnd)
          {
            break
          }
          highest = max(highest, byte)
          lineEnd += 1
        }
        let line = UnsafeBufferPointer(rebasing: buffer[lineStart..<lineEnd])
        let composes =
          highest >= 0xCC
          && !NFC.isNormalized(String(decoding: line, as: UTF8.self))
        // Bytes that start something other than a plain code point.
        let threshold: UInt8 = composes ? 0xCC : 0xF0
        var run = lineStart
        var runScalars = 0
        var position = lineStart
        var previous = -1  // start of the last plain code point in the run
        while position < lineEnd {
          let byte = buffer[position]
          if byte != 0x0D && byte < threshold {
            if byte & 0xC0 != 0x80 {
              runScalars += 1
              previous = position
            }
            position += 1
            continue
          }
          // A base letter before a code point that may combine with it belongs to its character.
          var start = position
          if composes && byte != 0x0D && previous >= run {
            start = previous
            runScalars -= 1
          }
          out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[run..<start]))
          stored += runScalars
          plain += runScalars
          let (character, end) = characterEnd(start, lineEnd)
          let original = Array(character.unicodeScalars)
          if original.contains(where: { $0.value > 0xFFFF }) { astral = true }
          if character == "\r\n" { crlf = true }
          let result: [Unicode.Scalar]
          if character == "\r\n" || character == "\r" {
            result = ["\n"]
          } else if composes {
            result = Array(String(character).precomposedStringWithCanonicalMapping.unicodeScalars)
          } else {
            result = original
          }
          add(original, as: result)
          position = end
          run = end
          runScalars = 0
          previous = -1
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[run..<lineEnd]))
        stored += runScalars
        plain += runScalars
        lineStart = lineEnd
      }
    }
    flush()
    text = String(decoding: out, as: UTF8.self)
    storedLength = stored
    hasAstral = astral
    hasCRLF = crlf
    self.maps = maps
  }

  /// The readings that give different positions for this text (always `codepoints` first).
  var distinctReadings: [PositionReading] {
    PositionReading.allCases.filter { reading in
      (hasAstral || !reading.countsUTF16) && (hasCRLF || !reading.skipsCR)
    }
  }

  func length(_ reading: PositionReading) -> Int { maps[index(reading)].length }

  /// The stored position of `original`, counted the way `reading` counts.
  func offset(_ original: Int, _ reading: PositionReading = .codepoints) -> Int {
    let map = maps[index(reading)]
    let position = max(0, min(original, map.length))
    // The last anchor starting at or before the position.
    var low = 0
    var high = map.anchors.count
    while low < high {
      let middle = (low + high) / 2
      if map.anchors[middle].original <= position { low = middle + 1 } else { high = middle }
    }
    guard low > 0 else { return position }
    let anchor = map.anchors[low - 1]
    let after = anchor.original + anchor.originalLength
    if position < after { return anchor.stored }
    return anchor.stored + anchor.storedLength + (position - after)
  }

  private func index(_ reading: PositionReading) -> Int {
    PositionReading.allCases.firstIndex(of: reading) ?? 0
  }
}

/// Picks the reading that puts a source's selections where a person would put them: on
/// word boundaries, inside the text. Ties go to what the producer is known to write, then
/// to the standard's code points.
enum PositionDetector {
  struct Choice {
    var reading: PositionReading
    /// Selection ends on word boundaries under the chosen reading, out of all ends.
    var onBoundaries: Int
    var ends: Int
  }

  static func choose(_ mapping: TextMapping, selections: [(start: Int, end: Int)], origin: String) -> Choice {
    let candidates = mapping.distinctReadings
    let expected = PositionReading.expected(origin: origin)
    let ordered = (candidates.contains(expected) ? [expected] : []) + candidates.filter { $0 != expected }
    guard ordered.count > 1, !selections.isEmpty else {
      return Choice(reading: ordered.first ?? .codepoints, onBoundaries: 0, ends: 0)
    }
    let scalars = Array(mapping.text.unicodeScalars)
    func isWord(_ scalar: Unicode.Scalar) -> Bool {
      let properties = scalar.properties
      return properties.isAlphabetic || properties.numericType != nil
        || properties.generalCategory == .nonspacingMark || properties.generalCategory == .spacingMark
    }
    func onBoundary(_ position: Int) -> Bool {
      position <= 0 || position >= scalars.count || !(isWord(scalars[position - 1]) && isWord(scalars[position]))
    }
    var best: Choice?
    for reading in ordered {
      let length = mapping.length(reading)
      var score = 0
      for selection in selections {
        guard 0 <= selection.start, selection.start < selection.end, selection.end <= length else {
          score -= 2  // impossible under this reading
          continue
        }
        if onBoundary(mapping.offset(selection.start, reading)) { score += 1 }
        if onBoundary(mapping.offset(selection.end, reading)) { score += 1 }
      }
      if best == nil || score > best?.onBoundaries ?? 0 {
        best = Choice(reading: reading, onBoundaries: score, ends: 2 * selections.count)
      }
    }
    var choice = best ?? Choice(reading: .codepoints, onBoundaries: 0, ends: 0)
    choice.onBoundaries = max(0, choice.onBoundaries)
    return choice
  }
}
