extension String {
  /// A one-line excerpt of user text for tables and messages: line breaks become spaces
  /// and text past `limit` characters is cut, ending in "…". The one such helper, shared
  /// by review reasons, exported labels and every command's output.
  public func excerpt(limit: Int = 60) -> String {
    var flat: [UInt8] = []
    flat.reserveCapacity(Swift.min(utf8.count, limit + 3))
    return Self.appendASCIIExcerpt(utf8, limit: limit, to: &flat, plain: false)
      ? String(decoding: flat, as: UTF8.self) : characterExcerpt(limit: limit)
  }

  /// `excerpt(limit:)` appended to `out` as bytes, for text that is ASCII up to the cut and
  /// holds no control character but tab and line breaks there (what a terminal may show
  /// as it stands); false, with `out` as it was, for any other text.
  public func appendPlainExcerpt(limit: Int = 60, to out: inout [UInt8]) -> Bool {
    Self.appendASCIIExcerpt(utf8, limit: limit, to: &out, plain: true)
  }

  /// ASCII (most text), byte by byte and only as far as the cut: a character is a byte
  /// except CRLF, which is one line break and becomes one space. False, with `out` as it
  /// was, at a non-ASCII byte before the cut (which could join the characters kept), or
  /// with `plain` at a control character other than tab and line breaks.
  static func appendASCIIExcerpt(
    _ text: some Sequence<UInt8>, limit: Int, to out: inout [UInt8], plain: Bool
  ) -> Bool {
    let start = out.count
    var shown = 0
    var previousCR = false
    for byte in text {
      guard byte < 0x80, !plain || (byte >= 0x20 || (0x09...0x0d).contains(byte)) && byte != 0x7f else {
        out.removeSubrange(start...)
        return false
      }
      if byte == 0x0a && previousCR {
        previousCR = false
        continue
      }
      previousCR = byte == 0x0d
      out.append((0x0a...0x0d).contains(byte) ? 0x20 : byte)
      shown += 1
      if shown > limit {
        out.removeSubrange((start + Swift.max(0, limit - 1))...)
        out.append(contentsOf: "…".utf8)
        return true
      }
    }
    return true
  }

  /// The excerpt by characters (any text); `excerpt` gives the same for ASCII faster.
  func characterExcerpt(limit: Int) -> String {
    let flat = String(map { $0.isNewline ? " " : $0 })
    return flat.count <= limit ? flat : String(flat.prefix(Swift.max(0, limit - 1))) + "…"
  }
}
