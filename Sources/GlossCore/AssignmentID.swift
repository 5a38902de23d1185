import Foundation

/// Assignment ids: UUID v7 (time-ordered) for new assignments.
public enum AssignmentID {
  /// A new UUID v7: 48 bits of Unix milliseconds, then random bits.
  public static func make(now: Date = Date()) -> String {
    var generator = SystemRandomNumberGenerator()
    return make(milliseconds: UInt64(max(0, now.timeIntervalSince1970 * 1000)), using: &generator)
  }

  public static func make<G: RandomNumberGenerator>(milliseconds: UInt64, using generator: inout G)
    -> String
  {
    var bytes = [UInt8](repeating: 0, count: 16)
    for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: milliseconds >> (8 * (5 - index))) }
    let random = (generator.next() as UInt64, generator.next() as UInt64)
    for index in 6..<16 {
      let source = index < 14 ? random.0 : random.1
      bytes[index] = UInt8(truncatingIfNeeded: source >> (8 * UInt64(index % 8)))
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x70
    bytes[8] = (bytes[8] & 0x3f) | 0x80
    return format(bytes)
  }

  /// 16 bytes in the canonical lowercase UUID form (8-4-4-4-12 hex digits); shared by
  /// the v7 ids made here and the v5 ids of imports.
  public static func format(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    text.reserveCapacity(36)
    for (index, byte) in bytes.prefix(16).enumerated() {
      if [4, 6, 8, 10].contains(index) { text.append(UInt8(ascii: "-")) }
      text.append(digits[Int(byte >> 4)])
      text.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: text, as: UTF8.self)
  }

  /// When a v7 id was made: its first 48 bits are Unix milliseconds. Nil for any other id
  /// (imports use v5 ids, whose bits are a hash and say nothing about time).
  public static func creationDate(_ id: String) -> Date? {
    guard isValid(id) else { return nil }
    let bytes = Array(id.utf8)
    guard bytes[14] == UInt8(ascii: "7"), "89ab".utf8.contains(bytes[19]) else { return nil }
    guard let milliseconds = UInt64(String(id.prefix(8)) + id.dropFirst(9).prefix(4), radix: 16) else {
      return nil
    }
    return Date(timeIntervalSince1970: Double(milliseconds) / 1000)
  }

  /// Whether `value` looks like a UUID in the canonical lowercase form.
  public static func isValid(_ value: String) -> Bool {
    guard value.utf8.count == 36 else { return false }
    for (index, byte) in value.utf8.enumerated() {
      if index == 8 || index == 13 || index == 18 || index == 23 {
        if byte != UInt8(ascii: "-") { return false }
      } else if !((0x30...0x39).contains(byte) || (0x61...0x66).contains(byte)) {
        return false
      }
    }
    return true
  }
}
