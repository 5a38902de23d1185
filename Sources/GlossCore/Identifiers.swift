import Foundation

/// The identifier rules of the repository format (DESIGN §2).
public enum Identifier {
  public static let codeRule = "^[a-z0-9][a-z0-9._-]{0,63}$"
  public static let documentRule = "^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"
  public static let coderRule = "^[a-z0-9][a-z0-9_-]{0,63}$"
  /// The reserved coder folder for adjudicated assignments.
  public static let consensus = "consensus"

  private static let dot = UInt8(ascii: ".")
  private static let underscore = UInt8(ascii: "_")
  private static let dash = UInt8(ascii: "-")

  public static func isCode(_ value: String) -> Bool {
    matches(
      value, first: isLowerAlnum,
      rest: { isLowerAlnum($0) || $0 == dot || $0 == underscore || $0 == dash }, max: 64)
  }

  /// Document ids also exclude `..` so no id can climb out of `documents/`.
  public static func isDocument(_ value: String) -> Bool {
    guard !value.contains("..") else { return false }
    return matches(
      value, first: isAlnum, rest: { isAlnum($0) || $0 == dot || $0 == underscore || $0 == dash },
      max: 128)
  }

  public static func isCoder(_ value: String) -> Bool {
    matches(
      value, first: isLowerAlnum, rest: { isLowerAlnum($0) || $0 == underscore || $0 == dash },
      max: 64)
  }

  /// Throws `invalidIdentifier` naming the rule unless `value` is a valid document id.
  public static func requireDocument(_ value: String, kind: String = "document id") throws {
    guard isDocument(value) else { throw GlossError.invalidIdentifier(kind: kind, value: value, rule: documentRule) }
  }

  /// Throws `invalidIdentifier` naming the rule unless `value` is a valid coder name.
  public static func requireCoder(_ value: String, kind: String = "coder") throws {
    guard isCoder(value) else { throw GlossError.invalidIdentifier(kind: kind, value: value, rule: coderRule) }
  }

  /// Throws `invalidIdentifier` naming the rule unless `value` is a valid code id.
  public static func requireCode(_ value: String, kind: String = "code id") throws {
    guard isCode(value) else { throw GlossError.invalidIdentifier(kind: kind, value: value, rule: codeRule) }
  }

  /// Lowercases and turns every other character into `-` (runs collapsed, ends trimmed).
  public static func slug(_ name: String, allowDots: Bool = true, maxLength: Int = 64) -> String {
    var out: [UInt8] = []
    for byte in name.lowercased().utf8 {
      let ok = isLowerAlnum(byte) || (allowDots && (byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")))
      if ok {
        out.append(byte)
      } else if out.last != UInt8(ascii: "-") {
        out.append(UInt8(ascii: "-"))
      }
    }
    while let first = out.first, !isLowerAlnum(first) { out.removeFirst() }
    if out.count > maxLength { out = Array(out.prefix(maxLength)) }
    while let last = out.last, last == UInt8(ascii: "-") { out.removeLast() }
    return String(decoding: out, as: UTF8.self)
  }

  /// `slug` of the name with accented and special Latin letters spelled in ASCII first
  /// ("Émotion & ambivalence" → `emotion-ambivalence`, ő → o, ß → ss, Æ → ae), for new code
  /// ids. Existing ids are stored, never recomputed, so they stay as they were made.
  public static func readableSlug(_ name: String, allowDots: Bool = true, maxLength: Int = 64) -> String {
    slug(transliterated(name), allowDots: allowDots, maxLength: maxLength)
  }

  /// Latin letters with diacritics as their base letters, ligatures and special letters
  /// spelled out; other characters are left alone.
  public static func transliterated(_ name: String) -> String {
    var out = String.UnicodeScalarView()
    for scalar in name.decomposedStringWithCanonicalMapping.unicodeScalars {
      if let spelled = spelledOut[scalar] {
        out.append(contentsOf: spelled.unicodeScalars)
      } else if scalar.properties.generalCategory != .nonspacingMark {
        out.append(scalar)
      }
    }
    return String(out)
  }

  /// Letters that no canonical decomposition reduces to ASCII.
  private static let spelledOut: [Unicode.Scalar: String] = [
    "ß": "ss", "ẞ": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d",
    "ð": "d", "Ð": "d", "þ": "th", "Þ": "th", "ł": "l", "Ł": "l", "ı": "i", "ħ": "h", "Ħ": "h", "ŋ": "ng",
    "Ŋ": "ng", "ĳ": "ij", "Ĳ": "ij", "ſ": "s",
  ]

  /// A document id from a file name: the extension dropped, forbidden characters to `-`.
  public static func documentID(fromFileName name: String) -> String {
    var base = Substring(name)
    if let dot = base.lastIndex(of: "."), dot != base.startIndex { base = base[..<dot] }
    var out: [UInt8] = []
    for byte in base.utf8 {
      let ok =
        isAlnum(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
        || byte == UInt8(ascii: "-")
      out.append(ok ? byte : UInt8(ascii: "-"))
    }
    while let first = out.first, !isAlnum(first) { out.removeFirst() }
    var id = String(decoding: out.prefix(128), as: UTF8.self)
    while id.contains("..") { id = id.replacingOccurrences(of: "..", with: ".") }
    return id
  }

  private static func isLowerAlnum(_ byte: UInt8) -> Bool {
    (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x30 && byte <= 0x39)
  }

  private static func isAlnum(_ byte: UInt8) -> Bool {
    isLowerAlnum(byte) || (byte >= 0x41 && byte <= 0x5a)
  }

  private static func matches(
    _ value: String, first: (UInt8) -> Bool, rest: (UInt8) -> Bool, max: Int
  ) -> Bool {
    let bytes = Array(value.utf8)
    guard let head = bytes.first, bytes.count <= max, first(head) else { return false }
    return bytes.dropFirst().allSatisfy(rest)
  }
}
