import Foundation

/// Unicode NFC in bounded segments. Foundation's NFC (`precomposedStringWithCanonicalMapping`)
/// takes time quadratic in the length of a long decomposed text on Linux. NFC of a text cut
/// just before a stable starter (a code point that NFC keeps as it is and that never combines
/// with what precedes it) is the NFC of the parts joined, so segments of a few KB are
/// normalized apart and text without code points from U+0300 on is not touched at all.
public enum NFC {
  /// Segments end at the first stable starter after this many bytes.
  public static let segmentBytes = 4096

  /// Whether the code point that starts at `index` of valid UTF-8 `bytes` is a stable starter.
  /// Conservative: below U+0300, and the letters of scripts whose compositions never take
  /// them as a second part (Greek, Cyrillic, Hebrew, Arabic, Thai, Hangul, kana, CJK). A
  /// continuation byte is never one.
  public static func isStableStarter(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
    let lead = bytes[index]
    if lead < 0xCC { return lead & 0xC0 != 0x80 }
    if lead < 0xE0, index + 1 < bytes.count {
      let scalar = UInt32(lead & 0x1F) << 6 | UInt32(bytes[index + 1] & 0x3F)
      return (0x0391...0x03A9).contains(scalar) || (0x03B1...0x03C9).contains(scalar)
        || (0x0410...0x044F).contains(scalar) || (0x05D0...0x05EA).contains(scalar)
        || (0x0621...0x064A).contains(scalar)
    }
    if lead < 0xF0, index + 2 < bytes.count {
      let scalar =
        UInt32(lead & 0x0F) << 12 | UInt32(bytes[index + 1] & 0x3F) << 6 | UInt32(bytes[index + 2] & 0x3F)
      return (0x0E01...0x0E2E).contains(scalar) || (0x1100...0x1112).contains(scalar)
        || (0x3041...0x3096).contains(scalar) || (0x30A1...0x30FA).contains(scalar)
        || (0x3400...0x4DBF).contains(scalar) || (0x4E00...0x9FFF).contains(scalar)
        || (0xAC00...0xD7A3).contains(scalar)
    }
    return false
  }

  /// Consecutive ranges of valid UTF-8 `bytes` that NFC may normalize apart; `mayCompose`
  /// tells whether the segment has a code point from U+0300 on (otherwise it is already NFC).
  public static func segments(
    _ bytes: UnsafeBufferPointer<UInt8>, _ body: (_ range: Range<Int>, _ mayCompose: Bool) throws -> Void
  ) rethrows {
    var start = 0
    while start < bytes.count {
      var end = start
      var highest: UInt8 = 0
      while end < bytes.count {
        if end - start >= segmentBytes && isStableStarter(bytes, at: end) { break }
        highest = max(highest, bytes[end])
        end += 1
      }
      try body(start..<end, highest >= 0xCC)
      start = end
    }
  }

  /// The NFC form of `text`.
  public static func normalize(_ text: String) -> String {
    var copy = text
    return copy.withUTF8 { bytes in
      var out: [UInt8] = []
      out.reserveCapacity(bytes.count)
      segments(bytes) { range, mayCompose in
        let part = UnsafeBufferPointer(rebasing: bytes[range])
        if mayCompose {
          out.append(contentsOf: String(decoding: part, as: UTF8.self).precomposedStringWithCanonicalMapping.utf8)
        } else {
          out.append(contentsOf: part)
        }
      }
      return String(decoding: out, as: UTF8.self)
    }
  }

  /// Whether `text` is in NFC (its code points, not just canonically equivalent).
  public static func isNormalized(_ text: String) -> Bool {
    var copy = text
    return copy.withUTF8 { bytes in
      var normalized = true
      segments(bytes) { range, mayCompose in
        guard normalized, mayCompose else { return }
        let part = UnsafeBufferPointer(rebasing: bytes[range])
        normalized = String(decoding: part, as: UTF8.self).precomposedStringWithCanonicalMapping.utf8
          .elementsEqual(part)
      }
      return normalized
    }
  }
}
