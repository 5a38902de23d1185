import Foundation
import GlossCore

/// The encodings `gloss doc add --encoding` reads; without it UTF-8 is expected and a UTF-16
/// byte-order mark is honoured.
public enum TextEncoding: String, CaseIterable, Sendable {
  case utf8 = "utf-8"
  case utf16 = "utf-16"
  case latin1
  case windows1252 = "windows-1252"

  /// The encoding a user's name for it means: the raw value, or a common alias
  /// (`utf8`, `latin-1`, `iso-8859-1`, `cp1252`…), ignoring case.
  public init?(name: String) {
    let key = name.lowercased().replacingOccurrences(of: "_", with: "-")
    let aliases: [String: TextEncoding] = [
      "utf8": .utf8, "utf16": .utf16, "latin-1": .latin1, "iso-8859-1": .latin1, "iso8859-1": .latin1,
      "cp1252": .windows1252, "windows1252": .windows1252,
    ]
    guard let encoding = TextEncoding(rawValue: key) ?? aliases[key] else { return nil }
    self = encoding
  }
}

/// Turns a text file's bytes into a string, failing with the file and byte offset where the
/// bytes are not what the encoding allows (nothing is ever replaced by U+FFFD silently).
public enum TextDecoding {
  /// Decodes `data`: `encoding` nil means UTF-8 unless a UTF-16 byte-order mark says
  /// otherwise. `notes` says what was converted, for the user.
  public static func decode(_ data: Data, file: String, encoding: TextEncoding?) throws
    -> (text: String, notes: [String])
  {
    let bytes = [UInt8](data)
    let utf16BOM = bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF])
    switch encoding {
    case nil where utf16BOM, .utf16?:
      return try decodeUTF16(bytes, file: file)
    case nil, .utf8?:
      if utf16BOM {
        throw GlossError.invalidInput(
          file: file, line: nil, message: "starts with a UTF-16 byte-order mark; add it with --encoding utf-16")
      }
      return (try decodeUTF8(bytes, file: file), [])
    case .latin1?:
      if let offset = bytes.firstIndex(where: { (0x80...0x9F).contains($0) }) {
        throw GlossError.invalidInput(
          file: file, line: line(at: offset, in: bytes),
          message:
            "byte offset \(offset) is \(hex(bytes[offset])), a control character in Latin-1: "
            + "the file is probably Windows-1252; add it with --encoding windows-1252")
      }
      var view = String.UnicodeScalarView()
      view.append(contentsOf: bytes.map { Unicode.Scalar($0) })
      return (String(view), ["converted from Latin-1 to UTF-8"])
    case .windows1252?:
      var view = String.UnicodeScalarView()
      for (offset, byte) in bytes.enumerated() {
        guard let scalar = windows1252(byte) else {
          throw GlossError.invalidInput(
            file: file, line: line(at: offset, in: bytes),
            message: "byte offset \(offset) is \(hex(byte)), which Windows-1252 leaves undefined")
        }
        view.append(scalar)
      }
      return (String(view), ["converted from Windows-1252 to UTF-8"])
    }
  }

  /// UTF-8 as it is (a BOM stays for the normalizer to remove and report), or an error at
  /// the first invalid byte.
  static func decodeUTF8(_ bytes: [UInt8], file: String) throws -> String {
    // ASCII in UTF-16 is valid UTF-8 with NULs between the letters: catch it first.
    if bytes.contains(0), looksLikeUTF16(bytes) {
      throw GlossError.invalidInput(
        file: file, line: nil,
        message: "looks like UTF-16 without a byte-order mark; add it with --encoding utf-16")
    }
    if let text = String(validating: bytes, as: UTF8.self) { return text }
    let offset = firstInvalidUTF8(bytes)
    throw GlossError.invalidInput(
      file: file, line: line(at: offset, in: bytes),
      message:
        "is not valid UTF-8 at byte offset \(offset) (\(hex(bytes[min(offset, bytes.count - 1)]))); "
        + "if it was saved in another encoding, add it with --encoding windows-1252, latin1 or utf-16")
  }

  /// UTF-16 with the byte order from the BOM, else from where the zero bytes of ASCII text fall.
  static func decodeUTF16(_ bytes: [UInt8], file: String) throws -> (text: String, notes: [String]) {
    var body = bytes[...]
    var littleEndian: Bool
    if bytes.starts(with: [0xFF, 0xFE]) {
      littleEndian = true
      body = body.dropFirst(2)
    } else if bytes.starts(with: [0xFE, 0xFF]) {
      littleEndian = false
      body = body.dropFirst(2)
    } else {
      let sample = bytes.prefix(4096)
      let evenZeros = stride(from: 0, to: sample.count, by: 2).filter { sample[$0] == 0 }.count
      let oddZeros = stride(from: 1, to: sample.count, by: 2).filter { sample[$0] == 0 }.count
      littleEndian = oddZeros >= evenZeros
    }
    guard body.count % 2 == 0 else {
      throw GlossError.invalidInput(
        file: file, line: nil, message: "has an odd number of bytes, so it is not UTF-16")
    }
    let start = body.startIndex
    var units: [UInt16] = []
    units.reserveCapacity(body.count / 2)
    for index in stride(from: start, to: body.endIndex, by: 2) {
      let (first, second) = (UInt16(body[index]), UInt16(body[index + 1]))
      units.append(littleEndian ? first | second << 8 : first << 8 | second)
    }
    var view = String.UnicodeScalarView()
    var iterator = units.makeIterator()
    var decoder = UTF16()
    var unit = 0
    loop: while true {
      switch decoder.decode(&iterator) {
      case .scalarValue(let scalar):
        view.append(scalar)
        unit += scalar.utf16.count
      case .emptyInput:
        break loop
      case .error:
        throw GlossError.invalidInput(
          file: file, line: nil,
          message: "is not valid UTF-16 at byte offset \(start + unit * 2) (an unpaired surrogate)")
      }
    }
    return (String(view), ["converted from UTF-16\(littleEndian ? "LE" : "BE") to UTF-8"])
  }

  /// Offset of the first byte that does not start or continue a valid UTF-8 sequence.
  static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int {
    var iterator = bytes.makeIterator()
    var decoder = UTF8()
    var offset = 0
    while case .scalarValue(let scalar) = decoder.decode(&iterator) { offset += scalar.utf8.count }
    return offset
  }

  /// ASCII-heavy UTF-16 without a BOM: zero bytes at every other position.
  static func looksLikeUTF16(_ bytes: [UInt8]) -> Bool {
    let sample = bytes.prefix(512)
    guard sample.count >= 4 else { return false }
    let zeros = [0, 1].map { phase in stride(from: phase, to: sample.count, by: 2).filter { sample[$0] == 0 }.count }
    let (most, least) = (zeros.max() ?? 0, zeros.min() ?? 0)
    return most >= sample.count / 4 && least * 8 <= most
  }

  /// The 1-based line holding byte `offset`.
  static func line(at offset: Int, in bytes: [UInt8]) -> Int {
    bytes.prefix(offset).filter { $0 == 0x0A }.count + 1
  }

  static func hex(_ byte: UInt8) -> String { "0x" + String(byte, radix: 16, uppercase: true) }

  /// Windows-1252: Latin-1 except 0x80–0x9F, which hold typographic characters (five of
  /// them undefined).
  static func windows1252(_ byte: UInt8) -> Unicode.Scalar? {
    guard (0x80...0x9F).contains(byte) else { return Unicode.Scalar(byte) }
    return windows1252High[Int(byte) - 0x80].flatMap(Unicode.Scalar.init)
  }

  private static let windows1252High: [UInt32?] = [
    0x20AC, nil, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, nil,
    0x017D, nil, nil, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
    0x0153, nil, 0x017E, 0x0178,
  ]
}
