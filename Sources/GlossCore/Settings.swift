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

  public func encode() -> Data {
    var text = "gloss: \(version)\n"
    text += "name: \(YAMLSupport.scalar(name))\n"
    text += "leads: [\(leads.map(YAMLSupport.scalar).joined(separator: ", "))]\n"
    if blind { text += "blind: true\n" }
    if codebook != .open { text += "codebook: \(codebook.rawValue)\n" }
    if let gate { text += gate.yaml }
    if !coders.isEmpty {
      text += "coders:\n"
      for coder in coders.keys.sorted() {
        let emails = (coders[coder] ?? []).map(YAMLSupport.scalar).joined(separator: ", ")
        text += "  \(coder): [\(emails)]\n"
      }
    }
    return Data(text.utf8)
  }
}
