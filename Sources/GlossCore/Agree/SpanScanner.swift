import Foundation

/// Reads only (code, start, end) from an annotation file in the canonical form of DESIGN §2
/// (`{"id":"…","code":"…","start":N,"end":N,…}` per line), which is all agreement needs:
/// skipping the quoted text is most of the cost of a history walk. nil when a line is not
/// in that form, so the caller falls back to the full, validating parser.
enum SpanScanner {
  static func scan(_ data: Data) -> [String: [Range<Int>]]? {
    data.withUnsafeBytes { raw -> [String: [Range<Int>]]? in
      let bytes = raw.bindMemory(to: UInt8.self)
      var result: [String: [Range<Int>]] = [:]
      var index = 0
      let count = bytes.count
      func expect(_ literal: StaticString) -> Bool {
        let length = literal.utf8CodeUnitCount
        guard index + length <= count, let base = bytes.baseAddress,
          memcmp(base + index, literal.utf8Start, length) == 0
        else { return false }
        index += length
        return true
      }
      func skipString() -> Bool {  // after the opening quote, up to and past the closing one
        // A local position (not the captured one) keeps this loop, most of the scan, in registers.
        var position = index
        defer { index = position }
        // Jump from quote to quote with memchr (what the byte loop below would find, found
        // faster): a quote with no backslash before it ends the string; after a backslash
        // the escaped character is skipped and the search goes on (quoted texts hold line
        // breaks, escaped).
        if let base = bytes.baseAddress {
          var quote = -1  // the first quote at or after `position`, once found
          while position < count {
            if quote < position {
              guard let found = memchr(base + position, Int32(UInt8(ascii: "\"")), count - position)
              else { break }
              quote = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            }
            let backslash = memchr(base + position, Int32(UInt8(ascii: "\\")), quote - position)
              .map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) }
            let end = backslash ?? quote
            if memchr(base + position, 0x0a, end - position) != nil { return false }
            guard let backslash else {
              position = quote + 1
              return true
            }
            // A raw line feed is refused also where it is escaped.
            if backslash + 1 < count, base[backslash + 1] == 0x0a { return false }
            position = backslash + 2
          }
        }
        while position < count {
          switch bytes[position] {
          case UInt8(ascii: "\\"):
            if position + 1 < count, bytes[position + 1] == 0x0a { return false }
            position += 2
          case UInt8(ascii: "\""):
            position += 1
            return true
          case 0x0a: return false
          default: position += 1
          }
        }
        return false
      }
      func number() -> Int? {
        var value = 0
        let start = index
        while index < count, bytes[index] >= 0x30, bytes[index] <= 0x39, index - start < 18 {
          value = value * 10 + Int(bytes[index] - 0x30)
          index += 1
        }
        return index > start ? value : nil
      }
      while index < count {
        guard expect(#"{"id":""#), skipString(), expect(#","code":""#) else { return nil }
        let codeStart = index
        while index < count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") {
          index += 1
        }
        guard index < count, bytes[index] == UInt8(ascii: "\"") else { return nil }
        let code = String(decoding: UnsafeBufferPointer(rebasing: bytes[codeStart..<index]), as: UTF8.self)
        index += 1
        guard expect(#","start":"#), let start = number(), expect(#","end":"#), let end = number()
        else { return nil }
        // The rest of the line: strings may hold anything but a raw line feed.
        var position = index
        while position < count, bytes[position] != 0x0a {
          if bytes[position] == UInt8(ascii: "\"") {
            index = position + 1
            guard skipString() else { return nil }
            position = index
          } else {
            position += 1
          }
        }
        index = position
        guard index < count else { return nil }  // every line ends in LF
        index += 1
        if start < end { result[code, default: []].append(start..<end) }
      }
      return result
    }
  }
}
