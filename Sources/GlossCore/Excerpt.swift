extension String {
  /// A one-line excerpt of user text for tables and messages: line breaks become spaces
  /// and text past `limit` characters is cut, ending in "…". The one such helper, shared
  /// by review reasons, exported labels and every command's output.
  public func excerpt(limit: Int = 60) -> String {
    // ASCII (most text), byte by byte: a character is a byte except CRLF, which is one
    // line break and becomes one space.
    if utf8.allSatisfy({ $0 < 0x80 }) {
      var flat: [UInt8] = []
      flat.reserveCapacity(utf8.count)
      var previousCR = false
      for byte in utf8 {
        if byte == 0x0a && previousCR {
          previousCR = false
          continue
        }
        previousCR = byte == 0x0d
        flat.append((0x0a...0x0d).contains(byte) ? 0x20 : byte)
      }
      if flat.count <= limit { return String(decoding: flat, as: UTF8.self) }
      return String(decoding: flat.prefix(max(0, limit - 1)), as: UTF8.self) + "…"
    }
    let flat = String(map { $0.isNewline ? " " : $0 })
    return flat.count <= limit ? flat : String(flat.prefix(max(0, limit - 1))) + "…"
  }
}
