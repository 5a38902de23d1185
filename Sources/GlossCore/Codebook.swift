import Foundation
import Yams

/// One code of the codebook.
public struct Code: Hashable, Sendable {
  /// Stable identifier stored in annotations; never changes.
  public var id: String
  /// Display name; may be renamed. Unique case-insensitively.
  public var name: String
  public var parent: String?
  public var description: String?
  public var color: String?

  public init(
    id: String, name: String, parent: String? = nil, description: String? = nil,
    color: String? = nil
  ) {
    self.id = id
    self.name = name
    self.parent = parent
    self.description = description
    self.color = color
  }

  /// `#RRGGBB` in hex digits of either case, the only color form the codebook and
  /// REFI-QDA take.
  public static func isColor(_ value: String) -> Bool {
    let bytes = Array(value.utf8)
    return bytes.count == 7 && bytes[0] == UInt8(ascii: "#")
      && bytes.dropFirst().allSatisfy {
        (0x30...0x39).contains($0) || (0x61...0x66).contains($0) || (0x41...0x46).contains($0)
      }
  }
}

/// The project's codes (`codebook.yaml`), kept sorted by id so concurrent edits merge.
public struct Codebook: Sendable, Equatable {
  public static let path = "codebook.yaml"
  public private(set) var codes: [Code]

  public init(codes: [Code] = []) {
    self.codes = codes.sorted { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }
  }

  public func code(_ id: String) -> Code? { codes.first { $0.id == id } }

  /// Finds a code by id, or by name ignoring case.
  public func lookup(_ idOrName: String) -> Code? {
    code(idOrName) ?? codes.first { $0.name.lowercased() == idOrName.lowercased() }
  }

  public func children(of id: String) -> [Code] { codes.filter { $0.parent == id } }

  public mutating func upsert(_ code: Code) {
    codes.removeAll { $0.id == code.id }
    codes.append(code)
    codes.sort { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }
  }

  public mutating func remove(_ id: String) { codes.removeAll { $0.id == id } }

  /// Removes a code and gives its children `newParent` instead (a merge moves them under
  /// the target, a removal up to the removed code's parent).
  public mutating func remove(_ id: String, movingChildrenTo newParent: String?) {
    for var child in children(of: id) {
      child.parent = newParent
      upsert(child)
    }
    remove(id)
  }

  // MARK: Reading and writing

  public static func decode(_ data: Data, file: String = path) throws -> Codebook {
    try canonical(data) ?? parsed(data, file: file)
  }

  /// `codebook.yaml` as `encode` writes it and `parsed` accepts it, read line by line
  /// without the YAML parser (every commit reads the codebook); nil for anything else, which
  /// the parser reads, or refuses with its line. Accepted only if it encodes to the very same
  /// bytes, so it reads as the parser reads it.
  static func canonical(_ data: Data) -> Codebook? {
    var lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
    guard lines.last == "", lines.first == "codes:" || lines.first == "codes: []" else { return nil }
    lines.removeLast()
    var next = 1
    func value(_ key: String) -> String? {
      guard next < lines.count, lines[next].hasPrefix(key) else { return nil }
      next += 1
      return YAMLSupport.canonicalScalar(lines[next - 1].dropFirst(key.utf8.count))
    }
    var codes: [Code] = []
    var ids: Set<String> = []
    var names: Set<String> = []
    while next < lines.count {
      guard let id = value("  - id: "), let name = value("    name: "), !name.isEmpty, Identifier.isCode(id),
        ids.insert(id).inserted, names.insert(name.lowercased()).inserted
      else { return nil }
      codes.append(
        Code(
          id: id, name: name, parent: value("    parent: "), description: value("    description: "),
          color: value("    color: ")))
    }
    let book = Codebook(codes: codes)
    guard book.encode() == data, codes.allSatisfy({ $0.parent.map(ids.contains) ?? true }), book.firstCycle() == nil
    else { return nil }
    return book
  }

  /// The codebook as the YAML parser reads it, with its messages.
  static func parsed(_ data: Data, file: String) throws -> Codebook {
    guard let root = try YAMLSupport.parse(data, file: file) else { return Codebook() }
    guard case .mapping(let mapping) = root else {
      throw GlossError.malformed(
        file: file, line: YAMLSupport.line(root), message: "expected 'codes:' at the top")
    }
    for key in mapping.keys where key.string != "codes" {
      throw GlossError.malformed(
        file: file, line: YAMLSupport.line(key), message: "unknown key '\(key.string ?? "?")'")
    }
    guard let list = mapping["codes"] else { return Codebook() }
    if case .scalar(let scalar) = list, scalar.string.isEmpty || scalar.string == "null" {
      return Codebook()
    }
    guard case .sequence(let sequence) = list else {
      throw GlossError.malformed(
        file: file, line: YAMLSupport.line(list), message: "'codes' must be a list")
    }
    var codes: [Code] = []
    var ids: [String: Int] = [:]
    var names: [String: Int] = [:]
    for item in sequence {
      let line = YAMLSupport.line(item)
      guard case .mapping(let entry) = item else {
        throw GlossError.malformed(file: file, line: line, message: "each code must be a mapping")
      }
      let allowed: Set<String> = ["id", "name", "parent", "description", "color"]
      for key in entry.keys where !allowed.contains(key.string ?? "") {
        throw GlossError.malformed(
          file: file, line: YAMLSupport.line(key),
          message: "unknown key '\(key.string ?? "?")' in a code")
      }
      func field(_ key: String, _ required: Bool) throws -> String? {
        try YAMLSupport.string(entry[key], key: key, file: file, required: required)
      }
      let code = Code(
        id: try field("id", true) ?? "", name: try field("name", true) ?? "",
        parent: try field("parent", false), description: try field("description", false),
        color: try field("color", false))
      guard Identifier.isCode(code.id) else {
        throw GlossError.malformed(
          file: file, line: line,
          message: "invalid code id '\(code.id)': must match \(Identifier.codeRule)")
      }
      if let first = ids[code.id] {
        throw GlossError.malformed(
          file: file, line: line, message: "code id '\(code.id)' already used on line \(first)")
      }
      if let first = names[code.name.lowercased()] {
        throw GlossError.malformed(
          file: file, line: line, message: "code name '\(code.name)' already used on line \(first)")
      }
      ids[code.id] = line ?? 0
      names[code.name.lowercased()] = line ?? 0
      codes.append(code)
    }
    let book = Codebook(codes: codes)
    for code in book.codes {
      if let parent = code.parent, book.code(parent) == nil {
        throw GlossError.malformed(
          file: file, line: ids[code.id],
          message: "code '\(code.id)' has unknown parent '\(parent)'")
      }
    }
    if let cyclic = book.firstCycle() {
      throw GlossError.malformed(
        file: file, line: ids[cyclic], message: "code '\(cyclic)' is its own ancestor")
    }
    return book
  }

  /// The canonical bytes of `codebook.yaml`.
  public func encode() -> Data {
    guard !codes.isEmpty else { return Data("codes: []\n".utf8) }
    var text = "codes:\n"
    for code in codes {
      text += "  - id: \(YAMLSupport.scalar(code.id))\n"
      text += "    name: \(YAMLSupport.scalar(code.name))\n"
      if let parent = code.parent { text += "    parent: \(YAMLSupport.scalar(parent))\n" }
      if let description = code.description, !description.isEmpty {
        text += "    description: \(YAMLSupport.scalar(description))\n"
      }
      if let color = code.color, !color.isEmpty {
        text += "    color: \(YAMLSupport.scalar(color))\n"
      }
    }
    return Data(text.utf8)
  }

  /// A code that is its own ancestor, if the parent links form a cycle.
  func firstCycle() -> String? {
    let parents = Dictionary(codes.map { ($0.id, $0.parent) }, uniquingKeysWith: { a, _ in a })
    for code in codes {
      var seen: Set<String> = [code.id]
      var current = code.parent
      while let id = current {
        if seen.contains(id) { return code.id }
        seen.insert(id)
        current = parents[id] ?? nil
      }
    }
    return nil
  }

  /// Codes in hierarchy order with their depth, for display.
  public func hierarchy() -> [(code: Code, depth: Int)] {
    var result: [(Code, Int)] = []
    func visit(_ parent: String?, _ depth: Int) {
      for code in codes where code.parent == parent {
        result.append((code, depth))
        if depth < 64 { visit(code.id, depth + 1) }
      }
    }
    visit(nil, 0)
    return result
  }
}
