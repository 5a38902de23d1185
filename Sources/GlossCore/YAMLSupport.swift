import Foundation
import Yams

/// Reading Gloss's small YAML files with line numbers, and writing them canonically.
enum YAMLSupport {
  /// Parses `text` into a node tree, turning YAML errors into one-line messages.
  static func parse(_ data: Data, file: String) throws -> Node? {
    guard let text = String(validating: [UInt8](data), as: UTF8.self) else {
      throw GlossError.malformed(file: file, line: nil, message: "is not valid UTF-8")
    }
    guard !text.contains("\u{0}") else {
      throw GlossError.malformed(file: file, line: nil, message: "contains a NUL byte")
    }
    do {
      // The basic resolver leaves scalars as text (callers convert what they need), which
      // spares compiling the default resolver's regular expressions on every run.
      return try Yams.compose(yaml: text, .basic)
    } catch let error as YamlError {
      switch error {
      case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
        .composer(_, let problem, let mark, _):
        throw GlossError.malformed(file: file, line: mark.line, message: problem)
      case .duplicatedKeysInMapping(let duplicates, _):
        throw GlossError.malformed(
          file: file, line: nil,
          message: "duplicate keys: \(duplicates.joined(separator: ", "))")
      default:
        let first = "\(error)".split(separator: "\n").first.map(String.init) ?? "invalid YAML"
        throw GlossError.malformed(file: file, line: nil, message: first)
      }
    }
  }

  static func line(_ node: Node) -> Int? { node.mark?.line }

  /// A scalar as a string, or an error naming the key and line.
  static func string(_ node: Node?, key: String, file: String, required: Bool) throws -> String? {
    guard let node else {
      if required {
        throw GlossError.malformed(file: file, line: nil, message: "missing '\(key)'")
      }
      return nil
    }
    guard case .scalar(let scalar) = node else {
      throw GlossError.malformed(file: file, line: line(node), message: "'\(key)' must be text")
    }
    if scalar.style == .plain && ["~", "null", "Null", "NULL", ""].contains(scalar.string) {
      if required {
        throw GlossError.malformed(file: file, line: line(node), message: "'\(key)' is empty")
      }
      return nil
    }
    return scalar.string
  }

  /// A scalar or a flow/block list of scalars.
  static func strings(_ node: Node?, key: String, file: String) throws -> [String] {
    guard let node else { return [] }
    switch node {
    case .scalar(let scalar): return scalar.string.isEmpty ? [] : [scalar.string]
    case .sequence(let sequence):
      return try sequence.map { item in
        guard case .scalar(let scalar) = item else {
          throw GlossError.malformed(
            file: file, line: line(item), message: "'\(key)' must be a list of names")
        }
        return scalar.string
      }
    default:
      throw GlossError.malformed(
        file: file, line: line(node), message: "'\(key)' must be a list of names")
    }
  }

  /// A scalar written plain when YAML would read it back unchanged, double-quoted otherwise.
  static func scalar(_ value: String) -> String {
    isPlainSafe(value) ? value : quoted(value)
  }

  /// A scalar inside a flow list (`[a, b]`), where a comma ends a plain scalar: quoted
  /// when it holds one, so "x, y" stays one item.
  static func flowScalar(_ value: String) -> String {
    value.utf8.contains(UInt8(ascii: ",")) ? quoted(value) : scalar(value)
  }

  private static func quoted(_ value: String) -> String {
    var out: [UInt8] = []
    AnnotationFormat.appendString(value, to: &out)
    return String(decoding: out, as: UTF8.self)
  }

  /// `[a, "b"]`: a flow list of `flowScalar`s.
  static func flowList(_ values: [String]) -> String {
    var out = "["
    for (index, value) in values.enumerated() {
      if index > 0 { out += ", " }
      out += flowScalar(value)
    }
    return out + "]"
  }

  // Switches rather than sets: every commit writes settings to check them, and a process's
  // first `Set` of a type costs more than these few comparisons.
  private static func isPlainSafe(_ value: String) -> Bool {
    guard let first = value.unicodeScalars.first, let last = value.unicodeScalars.last,
      first.properties.isAlphabetic, last != " "
    else { return false }
    switch value.lowercased() {
    case "y", "n", "yes", "no", "on", "off", "true", "false", "null": return false
    default: break
    }
    guard !value.contains(": "), !value.contains(" #") else { return false }
    return value.unicodeScalars.allSatisfy { scalar in
      switch scalar {
      case "0"..."9", " ", "_", ".", ",", "(", ")", "/", "+", "-", "'": return true
      default: return scalar.properties.isAlphabetic
      }
    }
  }

  /// A scalar as `YAMLSupport.scalar` (or `flowScalar`) writes it: plain, or quoted with the escapes of
  /// `AnnotationFormat.appendString`. (Whether it was written so is checked by the caller,
  /// by encoding again.)
  static func canonicalScalar(_ text: Substring) -> String? {
    guard text.first == "\"" else { return text.isEmpty ? nil : String(text) }
    guard text.count >= 2, text.last == "\"" else { return nil }
    var out: [UInt8] = []
    var bytes = Array(text.utf8.dropFirst().dropLast())[...]
    while let byte = bytes.popFirst() {
      guard byte == UInt8(ascii: "\\") else {
        out.append(byte)
        continue
      }
      switch bytes.popFirst() {
      case UInt8(ascii: "n"): out.append(0x0a)
      case UInt8(ascii: "t"): out.append(0x09)
      case UInt8(ascii: "r"): out.append(0x0d)
      case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
      case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
      case UInt8(ascii: "u"):
        guard bytes.count >= 4, let value = UInt8(String(decoding: bytes.prefix(4), as: UTF8.self), radix: 16) else {
          return nil
        }
        out.append(value)
        bytes = bytes.dropFirst(4)
      default: return nil
      }
    }
    return String(decoding: out, as: UTF8.self)
  }
}
