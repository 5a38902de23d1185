import Foundation
import Yams

/// Project settings (`gloss.yaml`).
public struct Settings: Sendable, Equatable {
  public static let path = "gloss.yaml"
  public static let currentVersion = 1

  public var version: Int
  public var name: String
  /// Coders allowed to write `annotations/consensus/`.
  public var leads: [String]
  /// Author e-mail addresses accepted for each coder (DESIGN §6).
  public var coders: [String: [String]]
  /// Blind coding: coders see only their own assignments until a lead turns it off (§6).
  public var blind = false
  /// Who may add codes: `open` (any coder, for open coding) or `locked` (leads only).
  public var codebook: CodebookPolicy = .open
  /// The agreement gate of pre-push and CI (`gate:`; `gloss agree --gate`).
  public var gate: AgreementGate?

  /// `codebook:` in gloss.yaml. Renaming, merging and removing codes is for leads either way.
  public enum CodebookPolicy: String, Sendable, CaseIterable {
    case open, locked
  }

  public init(name: String, leads: [String], coders: [String: [String]] = [:]) {
    self.version = Self.currentVersion
    self.name = name
    self.leads = leads
    self.coders = coders
  }

  public static func decode(_ data: Data, file: String = path) throws -> Settings {
    try canonical(data) ?? parsed(data, file: file)
  }

  /// The settings as the YAML parser reads them, with its messages.
  static func parsed(_ data: Data, file: String) throws -> Settings {
    guard let root = try YAMLSupport.parse(data, file: file),
      case .mapping(let mapping) = root
    else {
      throw GlossError.malformed(file: file, line: nil, message: "expected 'gloss: 1' and settings")
    }
    guard let versionNode = mapping["gloss"] else {
      throw GlossError.malformed(file: file, line: nil, message: "missing 'gloss:' format version")
    }
    guard let version = versionNode.int, version >= 1 else {
      throw GlossError.malformed(
        file: file, line: YAMLSupport.line(versionNode),
        message: "'gloss:' must be a format version number")
    }
    if version > currentVersion { throw GlossError.futureFormat(version: version) }
    let name = try YAMLSupport.string(mapping["name"], key: "name", file: file, required: false)
    let leads = try YAMLSupport.strings(mapping["leads"], key: "leads", file: file)
    for lead in leads where !Identifier.isCoder(lead) {
      throw GlossError.malformed(
        file: file, line: mapping["leads"].flatMap(YAMLSupport.line),
        message: "invalid lead '\(lead)': must match \(Identifier.coderRule)")
    }
    var coders: [String: [String]] = [:]
    if let node = mapping["coders"] {
      guard case .mapping(let entries) = node else {
        throw GlossError.malformed(
          file: file, line: YAMLSupport.line(node),
          message: "'coders' must map coder names to e-mail lists")
      }
      for (key, value) in entries {
        guard let coder = key.string, Identifier.isCoder(coder) else {
          throw GlossError.malformed(
            file: file, line: YAMLSupport.line(key),
            message: "invalid coder '\(key.string ?? "?")': must match \(Identifier.coderRule)")
        }
        coders[coder] = try YAMLSupport.strings(value, key: "coders.\(coder)", file: file)
      }
    }
    var settings = Settings(name: name ?? "", leads: leads, coders: coders)
    settings.version = version
    if let node = mapping["blind"] {
      guard let flag = node.bool else {
        throw GlossError.malformed(
          file: file, line: YAMLSupport.line(node), message: "'blind' must be true or false")
      }
      settings.blind = flag
    }
    if let node = mapping["codebook"] {
      guard let policy = node.string.flatMap(CodebookPolicy.init(rawValue:)) else {
        throw GlossError.malformed(
          file: file, line: YAMLSupport.line(node), message: "'codebook' must be open or locked")
      }
      settings.codebook = policy
    }
    if let node = mapping["gate"] { settings.gate = try AgreementGate.decode(node, file: file) }
    return settings
  }

  /// gloss.yaml exactly as `encode` writes it, read without the YAML parser (every commit
  /// reads the settings; parsing them with Yams was a tenth of a `gloss add`): the lines
  /// are read as `encode` writes them and accepted only if the settings read encode to the
  /// very same bytes, so what is accepted reads as the YAML parser reads it. Anything else
  /// (comments, other spacing, a gate, values that need checking) is nil: `decode` parses it.
  static func canonical(_ data: Data) -> Settings? {
    var lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
    guard lines.last == "" else { return nil }
    lines.removeLast()
    var next = 0
    func value(_ key: String) -> Substring? {
      guard next < lines.count, lines[next].hasPrefix(key + ": ") else { return nil }
      next += 1
      return lines[next - 1].dropFirst(key.utf8.count + 2)
    }
    guard let version = value("gloss").flatMap({ Int($0) }), version >= 1, version <= currentVersion,
      let name = value("name").flatMap(YAMLSupport.canonicalScalar), let leadList = value("leads"),
      let leads = canonicalList(leadList), leads.allSatisfy(Identifier.isCoder)
    else { return nil }
    var settings = Settings(name: name, leads: leads)
    settings.version = version
    if value("blind") == "true" { settings.blind = true }
    if value("codebook") == "locked" { settings.codebook = .locked }
    if next < lines.count && lines[next] == "coders:" {
      next += 1
      while next < lines.count && lines[next].hasPrefix("  ") {
        let line = lines[next].dropFirst(2)
        guard let colon = line.firstIndex(of: ":"), let emails = canonicalList(line[colon...].dropFirst(2)) else {
          return nil
        }
        let coder = String(line[..<colon])
        guard Identifier.isCoder(coder), settings.coders.updateValue(emails, forKey: coder) == nil else { return nil }
        next += 1
      }
    }
    guard next == lines.count, settings.encode() == data else { return nil }
    return settings
  }

  /// `[a, "b"]` as `encode` writes a list: nil for anything else.
  private static func canonicalList(_ text: Substring) -> [String]? {
    guard text.first == "[", text.last == "]" else { return nil }
    var rest = text.dropFirst().dropLast()
    var items: [String] = []
    while !rest.isEmpty {
      if !items.isEmpty {
        guard rest.hasPrefix(", ") else { return nil }
        rest = rest.dropFirst(2)
      }
      let end: Substring.Index
      if rest.first == "\"" {
        // The closing quote: the first one not escaped.
        var index = rest.index(after: rest.startIndex)
        while index < rest.endIndex && rest[index] != "\"" {
          index = rest.index(index, offsetBy: rest[index] == "\\" ? 2 : 1, limitedBy: rest.endIndex) ?? rest.endIndex
        }
        guard index < rest.endIndex else { return nil }
        end = rest.index(after: index)
      } else {
        end = rest.firstIndex(of: ",") ?? rest.endIndex
      }
      guard let item = YAMLSupport.canonicalScalar(rest[..<end]) else { return nil }
      items.append(item)
      rest = rest[end...]
    }
    return items
  }

  public func encode() -> Data {
    var text = "gloss: \(version)\n"
    text += "name: \(YAMLSupport.scalar(name))\n"
    text += "leads: \(YAMLSupport.flowList(leads))\n"
    if blind { text += "blind: true\n" }
    if codebook != .open { text += "codebook: \(codebook.rawValue)\n" }
    if let gate { text += gate.yaml }
    if !coders.isEmpty {
      text += "coders:\n"
      for coder in coders.keys.sorted() {
        text += "  \(coder): \(YAMLSupport.flowList(coders[coder] ?? []))\n"
      }
    }
    return Data(text.utf8)
  }
}
