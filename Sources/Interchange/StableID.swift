import Foundation
import GlossCore

/// SHA-1 (FIPS 180-4), only to derive name-based UUIDs (RFC 9562 v5) for imported
/// assignments; not used for anything security-related.
public enum SHA1 {
  public static func hash<Bytes: Sequence>(_ input: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
    var message = Array(input)
    let bitLength = UInt64(message.count) &* 8
    message.append(0x80)
    while message.count % 64 != 56 { message.append(0) }
    for shift in stride(from: 56, through: 0, by: -8) {
      message.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift)))
    }
    var h: [UInt32] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0]
    var w = [UInt32](repeating: 0, count: 80)
    for chunk in stride(from: 0, to: message.count, by: 64) {
      for i in 0..<16 {
        let base = chunk + 4 * i
        w[i] =
          UInt32(message[base]) << 24 | UInt32(message[base + 1]) << 16
          | UInt32(message[base + 2]) << 8 | UInt32(message[base + 3])
      }
      for i in 16..<80 { w[i] = rotate(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1) }
      var (a, b, c, d, e) = (h[0], h[1], h[2], h[3], h[4])
      for i in 0..<80 {
        let f: UInt32
        let k: UInt32
        switch i {
        case 0..<20: (f, k) = ((b & c) | (~b & d), 0x5A82_7999)
        case 20..<40: (f, k) = (b ^ c ^ d, 0x6ED9_EBA1)
        case 40..<60: (f, k) = ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC)
        default: (f, k) = (b ^ c ^ d, 0xCA62_C1D6)
        }
        let temp = rotate(a, 5) &+ f &+ e &+ k &+ w[i]
        (e, d, c, b, a) = (d, c, rotate(b, 30), a, temp)
      }
      h[0] = h[0] &+ a
      h[1] = h[1] &+ b
      h[2] = h[2] &+ c
      h[3] = h[3] &+ d
      h[4] = h[4] &+ e
    }
    return h.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (24 - 8 * UInt32($0))) } }
  }

  public static func hex<Bytes: Sequence>(_ input: Bytes) -> String where Bytes.Element == UInt8 {
    hash(input).map { String(format: "%02x", $0) }.joined()
  }

  private static func rotate(_ value: UInt32, _ count: UInt32) -> UInt32 {
    (value << count) | (value >> (32 - count))
  }
}

/// Deterministic ids for imported things, so importing the same data again finds the same
/// records instead of adding copies.
public enum StableID {
  /// The RFC 9562 URL namespace; Gloss names are `gloss:<kind>:<parts joined by LF>`.
  public static let urlNamespace: [UInt8] = [
    0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8,
  ]

  /// A UUID v5 (SHA-1, name-based) in canonical lowercase form.
  public static func v5(namespace: [UInt8], name: String) -> String {
    var bytes = Array(SHA1.hash(namespace + Array(name.utf8)).prefix(16))
    bytes[6] = (bytes[6] & 0x0f) | 0x50
    bytes[8] = (bytes[8] & 0x3f) | 0x80
    return AssignmentID.format(bytes)
  }

  /// The id of a thing Gloss derives from named parts, e.g. `("delve", [coder, doc, code, "12", "40"])`.
  public static func make(_ kind: String, _ parts: [String]) -> String {
    v5(namespace: urlNamespace, name: "gloss:\(kind):" + parts.joined(separator: "\n"))
  }

  /// An imported assignment's id: source format, coder, document, code and span.
  public static func assignment(source: String, coder: String, doc: String, code: String, start: Int, end: Int)
    -> String
  {
    make(source, [coder, doc, code, String(start), String(end)])
  }
}
